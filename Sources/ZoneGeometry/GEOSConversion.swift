import CGEOS

// Swift `Geometry` <-> GEOS geometry conversion. Internal.

extension GEOSContext {
    /// Builds a GEOS geometry from a Swift value. Input problems (unclosed ring, too few
    /// positions, non-finite numbers) throw `GeometryError` naming the part; GEOS failures throw `GEOSError`.
    ///
    /// `path` is only evaluated when an error is thrown: the hot path (every predicate and overlay
    /// converts its arguments) builds no strings.
    func make(_ g: Geometry, path: @autoclosure () -> String = "") throws -> GEOSObject {
        let h = try handle()
        switch g {
        case .point(let c):
            if !c.isFinite { throw GeometryError(path: path(), reason: "non-finite coordinate \(c)") }
            guard let p = GEOSGeom_createPointFromXY_r(h, c.x, c.y) else { throw error("GEOSGeom_createPointFromXY_r") }
            return GEOSObject(context: self, pointer: p)
        case .multiPoint(let cs):
            let pts = try cs.enumerated().map { i, c in try make(.point(c), path: "\(path())[\(i)]") }
            return try collection(GEOS_MULTIPOINT, pts)
        case .lineString(let cs):
            if cs.isEmpty {
                guard let p = GEOSGeom_createEmptyLineString_r(h) else { throw error("GEOSGeom_createEmptyLineString_r") }
                return GEOSObject(context: self, pointer: p)
            }
            if cs.count < 2 { throw GeometryError(path: path(), reason: "line string has \(cs.count) position; needs at least 2") }
            let seq = try sequence(cs, path: path())
            guard let p = GEOSGeom_createLineString_r(h, seq) else { throw error("GEOSGeom_createLineString_r") }
            return GEOSObject(context: self, pointer: p)
        case .multiLineString(let ls):
            let parts = try ls.enumerated().map { i, l in try make(.lineString(l), path: "\(path())[\(i)]") }
            return try collection(GEOS_MULTILINESTRING, parts)
        case .polygon(let poly):
            return try polygon(poly, path: path())
        case .multiPolygon(let ps):
            let parts = try ps.enumerated().map { i, p in try polygon(p, path: "\(path())[\(i)]") }
            return try collection(GEOS_MULTIPOLYGON, parts)
        case .geometryCollection(let gs):
            let parts = try gs.enumerated().map { i, x in try make(x, path: "\(path())[\(i)]") }
            return try collection(GEOS_GEOMETRYCOLLECTION, parts)
        }
    }

    /// Returns an owned GEOSCoordSequence* — ownership passes to the geometry constructor that receives it.
    /// The coordinates are copied straight from the array (`Coordinate` is two packed `Double`s).
    private func sequence(_ cs: [Coordinate], path: @autoclosure () -> String) throws -> OpaquePointer {
        for i in cs.indices where !cs[i].isFinite {
            throw GeometryError(path: "\(path())[\(i)]", reason: "non-finite coordinate \(cs[i])")
        }
        let h = try handle()
        let seq = cs.withUnsafeBufferPointer { buf -> OpaquePointer? in
            guard let base = buf.baseAddress else { return nil }
            return UnsafeRawPointer(base).withMemoryRebound(to: Double.self, capacity: 2 * buf.count) { d in
                GEOSCoordSeq_copyFromBuffer_r(h, d, UInt32(buf.count), 0, 0)
            }
        }
        guard let seq else { throw error("GEOSCoordSeq_copyFromBuffer_r") }
        return seq
    }

    private func ring(_ cs: [Coordinate], path: @autoclosure () -> String) throws -> GEOSObject {
        if cs.count < 4 { throw GeometryError(path: path(), reason: "ring has \(cs.count) positions; needs at least 4") }
        if cs.first != cs.last { throw GeometryError(path: path(), reason: "ring is not closed (first \(cs.first!) ≠ last \(cs.last!))") }
        let seq = try sequence(cs, path: path())
        let h = try handle()
        // GEOSGeom_createLinearRing_r takes ownership of seq (also on failure).
        guard let r = GEOSGeom_createLinearRing_r(h, seq) else { throw error("GEOSGeom_createLinearRing_r") }
        return GEOSObject(context: self, pointer: r)
    }

    private func polygon(_ p: Polygon, path: @autoclosure () -> String) throws -> GEOSObject {
        let h = try handle()
        if p.exterior.isEmpty {
            if !p.holes.isEmpty { throw GeometryError(path: path(), reason: "polygon has holes but an empty exterior ring") }
            guard let e = GEOSGeom_createEmptyPolygon_r(h) else { throw error("GEOSGeom_createEmptyPolygon_r") }
            return GEOSObject(context: self, pointer: e)
        }
        let shell = try ring(p.exterior, path: Self.join(path(), "exterior"))
        let holes = try p.holes.enumerated().map { i, r in
            try ring(r, path: Self.join(path(), "holes[\(i)]"))
        }
        // GEOSGeom_createPolygon_r takes ownership of shell and holes (not of the array), and frees
        // them itself if it fails (GEOS ticket #1111), so we release ownership before the call.
        var holePtrs: [OpaquePointer?] = holes.map { $0.releaseOwnership() }
        let shellPtr = shell.releaseOwnership()
        let result = holePtrs.withUnsafeMutableBufferPointer { buf in
            GEOSGeom_createPolygon_r(h, shellPtr, buf.baseAddress, UInt32(buf.count))
        }
        guard let poly = result else { throw error("GEOSGeom_createPolygon_r") }
        return GEOSObject(context: self, pointer: poly)
    }

    private static func join(_ path: String, _ part: String) -> String { path.isEmpty ? part : "\(path).\(part)" }

    private func collection(_ type: GEOSGeomTypes, _ parts: [GEOSObject]) throws -> GEOSObject {
        let h = try handle()
        let t = Int32(type.rawValue)
        if parts.isEmpty {
            guard let e = GEOSGeom_createEmptyCollection_r(h, t) else { throw error("GEOSGeom_createEmptyCollection_r") }
            return GEOSObject(context: self, pointer: e)
        }
        // GEOSGeom_createCollection_r takes ownership of the members (not of the array); it wraps them
        // in unique_ptr first, so they are freed by GEOS even if it fails.
        var ptrs: [OpaquePointer?] = parts.map { $0.releaseOwnership() }
        let result = ptrs.withUnsafeMutableBufferPointer { buf in
            GEOSGeom_createCollection_r(h, t, buf.baseAddress, UInt32(buf.count))
        }
        guard let c = result else { throw error("GEOSGeom_createCollection_r") }
        return GEOSObject(context: self, pointer: c)
    }

    // MARK: GEOS -> Swift

    /// Reads a GEOS geometry (borrowed; not freed here) into a Swift value. Z/M are dropped.
    func read(_ g: OpaquePointer) throws -> Geometry {
        let h = try handle()
        let type = GEOSGeomTypeId_r(h, g)
        switch type {
        case Int32(GEOS_POINT.rawValue):
            let cs = try coords(of: g)
            return cs.isEmpty ? .multiPoint([]) : .point(cs[0])
        case Int32(GEOS_LINESTRING.rawValue), Int32(GEOS_LINEARRING.rawValue):
            return .lineString(try coords(of: g))
        case Int32(GEOS_POLYGON.rawValue):
            return .polygon(try readPolygon(g))
        case Int32(GEOS_MULTIPOINT.rawValue):
            return .multiPoint(try members(g).flatMap { try coords(of: $0) })
        case Int32(GEOS_MULTILINESTRING.rawValue):
            return .multiLineString(try members(g).map { try coords(of: $0) })
        case Int32(GEOS_MULTIPOLYGON.rawValue):
            return .multiPolygon(try members(g).map { try readPolygon($0) })
        case Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            return .geometryCollection(try members(g).map { try read($0) })
        default:
            if type == -1 { throw error("GEOSGeomTypeId_r") }
            throw GEOSError(function: "GEOSGeomTypeId_r", message: "unsupported geometry type id \(type)")
        }
    }

    /// Member geometries of a collection — borrowed pointers owned by `g`.
    private func members(_ g: OpaquePointer) throws -> [OpaquePointer] {
        let h = try handle()
        let n = GEOSGetNumGeometries_r(h, g)
        if n < 0 { throw error("GEOSGetNumGeometries_r") }
        return try (0..<n).map { i in
            guard let m = GEOSGetGeometryN_r(h, g, i) else { throw error("GEOSGetGeometryN_r") }
            return m  // borrowed
        }
    }

    private func readPolygon(_ g: OpaquePointer) throws -> Polygon {
        let h = try handle()
        let empty = GEOSisEmpty_r(h, g)
        if try predicate("GEOSisEmpty_r", empty) { return Polygon(exterior: []) }
        guard let shell = GEOSGetExteriorRing_r(h, g) else { throw error("GEOSGetExteriorRing_r") }  // borrowed
        let n = GEOSGetNumInteriorRings_r(h, g)
        if n < 0 { throw error("GEOSGetNumInteriorRings_r") }
        let holes = try (0..<n).map { i -> [Coordinate] in
            guard let r = GEOSGetInteriorRingN_r(h, g, i) else { throw error("GEOSGetInteriorRingN_r") }  // borrowed
            return try coords(of: r)
        }
        return Polygon(exterior: try coords(of: shell), holes: holes)
    }

    /// Coordinates of a point / line string / linear ring.
    private func coords(of g: OpaquePointer) throws -> [Coordinate] {
        let h = try handle()
        if try predicate("GEOSisEmpty_r", GEOSisEmpty_r(h, g)) { return [] }
        guard let seq = GEOSGeom_getCoordSeq_r(h, g) else { throw error("GEOSGeom_getCoordSeq_r") }  // borrowed
        var size: UInt32 = 0
        if GEOSCoordSeq_getSize_r(h, seq, &size) == 0 { throw error("GEOSCoordSeq_getSize_r") }
        var buf = [Double](repeating: 0, count: Int(size) * 2)
        if GEOSCoordSeq_copyToBuffer_r(h, seq, &buf, 0, 0) == 0 { throw error("GEOSCoordSeq_copyToBuffer_r") }
        return (0..<Int(size)).map { Coordinate(buf[2 * $0], buf[2 * $0 + 1]) }
    }
}

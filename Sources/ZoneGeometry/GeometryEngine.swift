import CGEOS

/// Result of `GeometryEngine.validity(_:)` (GEOSisValidDetail_r).
public struct ValidityReport: Hashable, Sendable {
    public var isValid: Bool
    /// GEOS's reason, e.g. "Self-intersection"; "Valid Geometry" when valid.
    public var reason: String
    /// Where the problem is, if GEOS gave a location.
    public var location: Coordinate?
    public init(isValid: Bool, reason: String, location: Coordinate?) {
        self.isValid = isValid
        self.reason = reason
        self.location = location
    }
}

/// Planar geometry operations backed by GEOS.
///
/// Owns one GEOS context (GEOS_init_r / GEOS_finish_r) whose notice and error handlers capture
/// the last message, which becomes the `GEOSError.message` of a failed call.
///
/// **Thread rules:** a GEOS context is a single-thread object. A `GeometryEngine` — and every
/// `PreparedGeometry` made from it — must be used by one thread/task at a
/// time. Give each task (or request) its own engine; engines are cheap. The `Geometry` values
/// going in and out are `Sendable` and can be shared freely.
///
/// Errors: `GEOSError` when GEOS fails; `GeometryError` when an input `Geometry` cannot be built
/// (unclosed ring, too few positions, non-finite coordinate); `WKTError` / `WKBError` for bad text/bytes.
public final class GeometryEngine {
    let context: GEOSContext

    /// Creates a GEOS context. Never fails here; if GEOS could not allocate a context every
    /// method throws `GEOSError(function: "GEOS_init_r")`.
    public init() {
        context = GEOSContext()
    }

    /// GEOS library version string, e.g. "3.11.1-CAPI-1.17.1".
    public static var geosVersion: String { String(cString: GEOSversion()) }

    // MARK: - Helpers

    func object(_ g: Geometry) throws -> GEOSObject { try context.make(g) }

    /// Wraps an owned result pointer (or throws for NULL) and reads it back into Swift.
    private func result(_ function: String, _ p: OpaquePointer?) throws -> Geometry {
        guard let p else { throw context.error(function) }
        let owner = GEOSObject(context: context, pointer: p)
        return try context.read(owner.pointer)
    }

    private func binaryPredicate(_ function: String, _ a: Geometry, _ b: Geometry,
                                 _ f: (OpaquePointer, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        let ga = try object(a), gb = try object(b)
        let h = try context.handle()
        return try context.predicate(function, f(h, ga.pointer, gb.pointer))
    }

    private func binaryOp(_ function: String, _ a: Geometry, _ b: Geometry,
                          _ f: (OpaquePointer, OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> Geometry {
        let ga = try object(a), gb = try object(b)
        let h = try context.handle()
        return try result(function, f(h, ga.pointer, gb.pointer))
    }

    private func unaryOp(_ function: String, _ g: Geometry,
                         _ f: (OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> Geometry {
        let gg = try object(g)
        let h = try context.handle()
        return try result(function, f(h, gg.pointer))
    }

    private func point(_ function: String, _ g: Geometry,
                       _ f: (OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> Coordinate {
        if g.isEmpty { throw GeometryError(path: "", reason: "\(function) of an empty \(g.typeName)") }
        let r = try unaryOp(function, g, f)
        guard case .point(let c) = r else {
            throw GEOSError(function: function, message: "returned \(r.typeName), expected Point")
        }
        return c
    }

    // MARK: - Validity and predicates

    /// OGC validity with GEOS's reason and location (GEOSisValidDetail_r).
    public func validity(_ g: Geometry) throws -> ValidityReport {
        let gg = try object(g)
        let h = try context.handle()
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        let r = GEOSisValidDetail_r(h, gg.pointer, 0, &reason, &location)
        // reason is GEOS-allocated: GEOSFree_r; location is an owned geometry: GEOSObject frees it.
        defer { if let reason { GEOSFree_r(h, reason) } }
        let locOwner = location.map { GEOSObject(context: context, pointer: $0) }
        let valid = try context.predicate("GEOSisValidDetail_r", r)
        let text = reason.map { String(cString: $0) } ?? (valid ? "Valid Geometry" : "Invalid Geometry")
        var loc: Coordinate?
        if let locOwner, case .point(let c) = try context.read(locOwner.pointer) { loc = c }
        return ValidityReport(isValid: valid, reason: text, location: loc)
    }

    public func isValid(_ g: Geometry) throws -> Bool { try validity(g).isValid }

    public func intersects(_ a: Geometry, _ b: Geometry) throws -> Bool {
        try binaryPredicate("GEOSIntersects_r", a, b) { GEOSIntersects_r($0, $1, $2) }
    }

    /// True if no point of `b` lies outside `a` (boundary points count, unlike `contains`).
    public func covers(_ a: Geometry, _ b: Geometry) throws -> Bool {
        try binaryPredicate("GEOSCovers_r", a, b) { GEOSCovers_r($0, $1, $2) }
    }

    /// True if no point of `a` lies outside `b` (GEOSCoveredBy_r).
    public func isCovered(_ a: Geometry, by b: Geometry) throws -> Bool {
        try binaryPredicate("GEOSCoveredBy_r", a, b) { GEOSCoveredBy_r($0, $1, $2) }
    }

    public func contains(_ a: Geometry, _ b: Geometry) throws -> Bool {
        try binaryPredicate("GEOSContains_r", a, b) { GEOSContains_r($0, $1, $2) }
    }

    public func within(_ a: Geometry, _ b: Geometry) throws -> Bool {
        try binaryPredicate("GEOSWithin_r", a, b) { GEOSWithin_r($0, $1, $2) }
    }

    public func touches(_ a: Geometry, _ b: Geometry) throws -> Bool {
        try binaryPredicate("GEOSTouches_r", a, b) { GEOSTouches_r($0, $1, $2) }
    }

    public func disjoint(_ a: Geometry, _ b: Geometry) throws -> Bool {
        try binaryPredicate("GEOSDisjoint_r", a, b) { GEOSDisjoint_r($0, $1, $2) }
    }

    // MARK: - Overlay

    public func intersection(_ a: Geometry, _ b: Geometry) throws -> Geometry {
        try binaryOp("GEOSIntersection_r", a, b) { GEOSIntersection_r($0, $1, $2) }
    }

    public func union(_ a: Geometry, _ b: Geometry) throws -> Geometry {
        try binaryOp("GEOSUnion_r", a, b) { GEOSUnion_r($0, $1, $2) }
    }

    /// Union of all `gs` in one pass (GEOSUnaryUnion_r over a collection). `[]` gives an empty collection.
    public func unaryUnion(_ gs: [Geometry]) throws -> Geometry {
        try unaryOp("GEOSUnaryUnion_r", .geometryCollection(gs)) { GEOSUnaryUnion_r($0, $1) }
    }

    public func difference(_ a: Geometry, _ b: Geometry) throws -> Geometry {
        try binaryOp("GEOSDifference_r", a, b) { GEOSDifference_r($0, $1, $2) }
    }

    public func symmetricDifference(_ a: Geometry, _ b: Geometry) throws -> Geometry {
        try binaryOp("GEOSSymDifference_r", a, b) { GEOSSymDifference_r($0, $1, $2) }
    }

    // MARK: - Measures

    /// Planar area in the square units of the coordinates (use projected coordinates for m²).
    public func area(_ g: Geometry) throws -> Double {
        let gg = try object(g)
        let h = try context.handle()
        var v = 0.0
        if GEOSArea_r(h, gg.pointer, &v) == 0 { throw context.error("GEOSArea_r") }
        return v
    }

    /// Planar length (perimeter for polygons) in the units of the coordinates.
    public func length(_ g: Geometry) throws -> Double {
        let gg = try object(g)
        let h = try context.handle()
        var v = 0.0
        if GEOSLength_r(h, gg.pointer, &v) == 0 { throw context.error("GEOSLength_r") }
        return v
    }

    /// Minimum planar distance (0 if they intersect).
    public func distance(_ a: Geometry, _ b: Geometry) throws -> Double {
        let ga = try object(a), gb = try object(b)
        let h = try context.handle()
        var v = 0.0
        if GEOSDistance_r(h, ga.pointer, gb.pointer, &v) == 0 { throw context.error("GEOSDistance_r") }
        return v
    }

    // MARK: - Constructive

    /// Buffer by `distance` (negative shrinks polygons) with round caps/joins.
    public func buffer(_ g: Geometry, distance: Double, quadrantSegments: Int = 8) throws -> Geometry {
        guard distance.isFinite else { throw GeometryError(path: "", reason: "buffer distance \(distance) is not finite") }
        return try unaryOp("GEOSBuffer_r", g) { GEOSBuffer_r($0, $1, distance, Int32(clamping: quadrantSegments)) }
    }

    public func centroid(_ g: Geometry) throws -> Coordinate {
        try point("GEOSGetCentroid_r", g) { GEOSGetCentroid_r($0, $1) }
    }

    /// A point guaranteed to lie in the interior of `g` (for polygons).
    public func pointOnSurface(_ g: Geometry) throws -> Coordinate {
        try point("GEOSPointOnSurface_r", g) { GEOSPointOnSurface_r($0, $1) }
    }

    /// Douglas–Peucker simplification that keeps topology (GEOSTopologyPreserveSimplify_r).
    public func simplify(_ g: Geometry, tolerance: Double) throws -> Geometry {
        try unaryOp("GEOSTopologyPreserveSimplify_r", g) { GEOSTopologyPreserveSimplify_r($0, $1, tolerance) }
    }

    /// Repairs an invalid geometry (GEOSMakeValid_r).
    public func makeValid(_ g: Geometry) throws -> Geometry {
        try unaryOp("GEOSMakeValid_r", g) { GEOSMakeValid_r($0, $1) }
    }

    /// Convex hull.
    public func convexHull(_ g: Geometry) throws -> Geometry {
        try unaryOp("GEOSConvexHull_r", g) { GEOSConvexHull_r($0, $1) }
    }

    // MARK: - WKT / WKB

    /// 2-D WKT. `decimals` rounds to that many decimals (GEOSWKTWriter_setRoundingPrecision_r);
    /// trailing zeros are trimmed.
    public func wkt(_ g: Geometry, decimals: Int? = nil) throws -> String {
        let gg = try object(g)
        let writer = try GEOSWKTWriterHandle(context: context)
        let h = try context.handle()
        GEOSWKTWriter_setTrim_r(h, writer.pointer, 1)
        GEOSWKTWriter_setOutputDimension_r(h, writer.pointer, 2)
        if let decimals { GEOSWKTWriter_setRoundingPrecision_r(h, writer.pointer, Int32(clamping: decimals)) }
        guard let text = GEOSWKTWriter_write_r(h, writer.pointer, gg.pointer) else {
            throw context.error("GEOSWKTWriter_write_r")
        }
        defer { GEOSFree_r(h, text) }  // GEOS-allocated
        return String(cString: text)
    }

    /// Parses WKT (Z/M ordinates are dropped). Bad text throws `WKTError`.
    public func geometry(wkt: String) throws -> Geometry {
        let reader = try GEOSWKTReaderHandle(context: context)
        let h = try context.handle()
        guard let p = GEOSWKTReader_read_r(h, reader.pointer, wkt) else {
            throw WKTError(reason: context.lastError ?? "unreadable", text: wkt)
        }
        let owner = GEOSObject(context: context, pointer: p)
        return try context.read(owner.pointer)
    }

    /// ISO WKB, little endian (NDR), 2-D.
    public func wkb(_ g: Geometry) throws -> [UInt8] {
        let gg = try object(g)
        let writer = try GEOSWKBWriterHandle(context: context)
        let h = try context.handle()
        GEOSWKBWriter_setOutputDimension_r(h, writer.pointer, 2)
        GEOSWKBWriter_setByteOrder_r(h, writer.pointer, Int32(GEOS_WKB_NDR.rawValue))
        GEOSWKBWriter_setFlavor_r(h, writer.pointer, Int32(GEOS_WKB_ISO.rawValue))
        var size = 0
        guard let bytes = GEOSWKBWriter_write_r(h, writer.pointer, gg.pointer, &size) else {
            throw context.error("GEOSWKBWriter_write_r")
        }
        defer { GEOSFree_r(h, bytes) }  // GEOS-allocated
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    /// Parses WKB (either byte order, ISO or extended flavour). Bad bytes throw `WKBError`.
    public func geometry(wkb: [UInt8]) throws -> Geometry {
        let reader = try GEOSWKBReaderHandle(context: context)
        let h = try context.handle()
        let p = wkb.withUnsafeBufferPointer { buf in
            GEOSWKBReader_read_r(h, reader.pointer, buf.baseAddress, buf.count)
        }
        guard let p else { throw WKBError(reason: context.lastError ?? "unreadable", byteCount: wkb.count) }
        let owner = GEOSObject(context: context, pointer: p)
        return try context.read(owner.pointer)
    }

    // MARK: - Prepared

    /// Prepares `g` for repeated predicates against many other geometries.
    public func prepare(_ g: Geometry) throws -> PreparedGeometry {
        try PreparedGeometry(engine: self, geometry: g)
    }
}

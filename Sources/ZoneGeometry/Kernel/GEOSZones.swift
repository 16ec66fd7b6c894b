import CGEOS

// GEOS on the kernel's flat data (`PolygonSet` items, `SiteView`s): the kernel's fallback, the
// oracle of the benchmark's `--verify` and of the tests, and the "tuned GEOS" pipeline
// (`--engine geos`). Built on the one GEOS wrapper of ZoneGeometry (`GEOSContext`, `GEOSObject`,
// `GEOSPrepared`, `GEOSTree`), through a `GeometryEngine`.

extension GEOSContext {
    /// A linear ring from `n` coordinates in two arrays (closed by the caller).
    func ring(x: UnsafePointer<Double>, y: UnsafePointer<Double>, count n: Int) throws -> GEOSObject {
        let h = try handle()
        guard let seq = GEOSCoordSeq_copyFromArrays_r(h, x, y, nil, nil, UInt32(n)) else {
            throw error("GEOSCoordSeq_copyFromArrays_r")
        }
        // GEOSGeom_createLinearRing_r takes ownership of seq (also on failure).
        guard let r = GEOSGeom_createLinearRing_r(h, seq) else { throw error("GEOSGeom_createLinearRing_r") }
        return GEOSObject(context: self, pointer: r)
    }

    /// A polygon from its rings (shell first); takes the rings' ownership.
    func polygon(rings: [GEOSObject]) throws -> GEOSObject {
        let h = try handle()
        guard let shell = rings.first else {
            guard let e = GEOSGeom_createEmptyPolygon_r(h) else { throw error("GEOSGeom_createEmptyPolygon_r") }
            return GEOSObject(context: self, pointer: e)
        }
        var holePtrs: [OpaquePointer?] = rings.dropFirst().map { $0.releaseOwnership() }
        let shellPtr = shell.releaseOwnership()
        let result = holePtrs.withUnsafeMutableBufferPointer { buf in
            GEOSGeom_createPolygon_r(h, shellPtr, buf.baseAddress, UInt32(buf.count))
        }
        guard let p = result else { throw error("GEOSGeom_createPolygon_r") }
        return GEOSObject(context: self, pointer: p)
    }

    /// One polygon as is, several as a MultiPolygon, none as an empty polygon. Takes ownership.
    func polygonal(_ polys: [GEOSObject]) throws -> GEOSObject {
        if polys.count == 1 { return polys[0] }
        let h = try handle()
        if polys.isEmpty {
            guard let e = GEOSGeom_createEmptyPolygon_r(h) else { throw error("GEOSGeom_createEmptyPolygon_r") }
            return GEOSObject(context: self, pointer: e)
        }
        var ptrs: [OpaquePointer?] = polys.map { $0.releaseOwnership() }
        let result = ptrs.withUnsafeMutableBufferPointer { buf in
            GEOSGeom_createCollection_r(h, Int32(GEOS_MULTIPOLYGON.rawValue), buf.baseAddress, UInt32(buf.count))
        }
        guard let c = result else { throw error("GEOSGeom_createCollection_r") }
        return GEOSObject(context: self, pointer: c)
    }

    /// Item `i` of `set` as a GEOS geometry.
    func make(_ set: PolygonSet, item i: Int) throws -> GEOSObject {
        try set.xs.withUnsafeBufferPointer { xs in
            try set.ys.withUnsafeBufferPointer { ys in
                var polys: [GEOSObject] = []
                for p in set.itemPolyStart[i]..<set.itemPolyStart[i + 1] {
                    var rings: [GEOSObject] = []
                    for r in set.polyRingStart[p]..<set.polyRingStart[p + 1] {
                        let v0 = set.ringStart[r], v1 = set.ringStart[r + 1]
                        rings.append(try ring(x: xs.baseAddress! + v0, y: ys.baseAddress! + v0, count: v1 - v0))
                    }
                    polys.append(try polygon(rings: rings))
                }
                return try polygonal(polys)
            }
        }
    }

    /// A kernel site as a GEOS geometry: every counter-clockwise ring starts a new polygon (the
    /// kernel's convention: shells counter-clockwise, holes clockwise).
    func make(_ s: SiteView) throws -> GEOSObject {
        var polys: [GEOSObject] = []
        var rings: [GEOSObject] = []
        for k in 0..<s.ringCount {
            let v0 = s.ringStart[k], v1 = s.ringStart[k + 1]
            var a = 0.0
            for i in v0..<(v1 - 1) { a += (s.x[i] - s.x[v0]) * (s.y[i + 1] - s.y[v0]) - (s.x[i + 1] - s.x[v0]) * (s.y[i] - s.y[v0]) }
            if a > 0 && !rings.isEmpty { polys.append(try polygon(rings: rings)); rings = [] }
            rings.append(try ring(x: s.x + v0, y: s.y + v0, count: v1 - v0))
        }
        if !rings.isEmpty { polys.append(try polygon(rings: rings)) }
        return try polygonal(polys)
    }
}

/// The zones of a `PolygonSet` as GEOS geometries in one `GeometryEngine`'s context: prepared (on
/// first use) and in an STRtree (on first use).
///
/// **Thread rules:** single-thread, like its engine.
public final class GEOSZones {
    public let engine: GeometryEngine
    public let zoneCount: Int
    private let zones: [GEOSObject]
    private var prepared: [GEOSPrepared?]
    private var tree: GEOSTree?

    public init(zones set: PolygonSet, engine: GeometryEngine = GeometryEngine()) throws {
        self.engine = engine
        zoneCount = set.count
        zones = try (0..<set.count).map { try engine.context.make(set, item: $0) }
        prepared = Array(repeating: nil, count: set.count)
    }

    private var context: GEOSContext { engine.context }

    private func area(_ g: GEOSObject) throws -> Double {
        let h = try context.handle()
        var a = 0.0
        if GEOSArea_r(h, g.pointer, &a) == 0 { throw context.error("GEOSArea_r") }
        return a
    }

    /// GEOSArea of the site.
    public func siteArea(_ s: SiteView) throws -> Double { try area(try context.make(s)) }

    private func intersectionArea(zone z: Int, site g: GEOSObject) throws -> (area: Double, intersects: Bool) {
        let h = try context.handle()
        let hit = try context.predicate("GEOSIntersects_r", GEOSIntersects_r(h, zones[z].pointer, g.pointer))
        if !hit { return (0, false) }
        guard let r = GEOSIntersection_r(h, zones[z].pointer, g.pointer) else { throw context.error("GEOSIntersection_r") }
        return (try area(GEOSObject(context: context, pointer: r)), true)
    }

    /// GEOSIntersects(zone, site), and GEOSIntersection + GEOSArea if they intersect: the oracle.
    public func intersectionArea(zone z: Int, site s: SiteView) throws -> (area: Double, intersects: Bool) {
        try intersectionArea(zone: z, site: try context.make(s))
    }

    private func preparedZone(_ z: Int) throws -> GEOSPrepared {
        if let p = prepared[z] { return p }
        let p = try GEOSPrepared(base: zones[z])
        prepared[z] = p
        return p
    }

    private final class Hits { var indices: [Int] = [] }

    /// Candidate zones of `g` from the STRtree (envelopes intersect), ascending.
    private func candidates(_ g: GEOSObject) throws -> [Int] {
        if tree == nil {
            let t = try GEOSTree(context: context, nodeCapacity: 10)
            let h = try context.handle()
            for (z, obj) in zones.enumerated() {
                GEOSSTRtree_insert_r(h, t.pointer, obj.pointer, UnsafeMutableRawPointer(bitPattern: z + 1))
            }
            t.items = zones
            tree = t
        }
        let hits = Hits()
        let h = try context.handle()
        withExtendedLifetime(hits) {
            GEOSSTRtree_query_r(h, tree!.pointer, g.pointer, { item, ud in
                guard let item, let ud else { return }
                Unmanaged<Hits>.fromOpaque(ud).takeUnretainedValue().indices.append(Int(bitPattern: item) - 1)
            }, Unmanaged.passUnretained(hits).toOpaque())
        }
        return hits.indices.sorted()
    }

    /// The tuned GEOS pipeline for one site: every zone it intersects (prepared intersects), with
    /// the overlap area (site area when the prepared zone contains it properly, else
    /// GEOSIntersection + GEOSArea; `alwaysOverlay` skips the shortcut), ascending zone order.
    public func pairs(site s: SiteView, alwaysOverlay: Bool = false) throws -> [(zone: Int, area: Double)] {
        let g = try context.make(s)
        var out: [(zone: Int, area: Double)] = []
        var siteArea = -1.0
        for z in try candidates(g) {
            let pz = try preparedZone(z)
            let h = try context.handle()
            if !alwaysOverlay {
                if try context.predicate("GEOSPreparedContainsProperly_r", GEOSPreparedContainsProperly_r(h, pz.pointer, g.pointer)) {
                    if siteArea < 0 { siteArea = try area(g) }
                    out.append((z, siteArea))
                    continue
                }
            }
            if !(try context.predicate("GEOSPreparedIntersects_r", GEOSPreparedIntersects_r(h, pz.pointer, g.pointer))) { continue }
            guard let r = GEOSIntersection_r(h, zones[z].pointer, g.pointer) else { throw context.error("GEOSIntersection_r") }
            out.append((z, try area(GEOSObject(context: context, pointer: r))))
        }
        return out
    }
}

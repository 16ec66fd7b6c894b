import CGEOS
import Foundation

/// The GEOS side of the benchmark, straight on the re-entrant C API: one GEOS context per
/// instance (so one per thread), the zones as GEOS geometries, prepared and in an STRtree.
/// It serves three purposes: the fallback of `OverlayKernel`, the oracle of `--verify` and the
/// tests (GEOSIntersection + GEOSArea for every pair), and the `--engine geos` pipeline (the tuned
/// GEOS approach: tree on the zones, prepared contains-properly shortcut, else intersection).
///
/// **Thread rules:** single-thread, like its context.
public final class GEOSWorker {
    let h: OpaquePointer
    public let zoneCount: Int
    private var zoneGeoms: [OpaquePointer] = []
    private var prepared: [OpaquePointer?] = []
    private var tree: OpaquePointer?
    private var hits: [Int] = []
    public private(set) var lastError: String?

    public init(zones: PolygonSet) throws {
        guard let handle = GEOS_init_r() else { throw BenchInputError("GEOS_init_r returned NULL") }
        h = handle
        zoneCount = zones.count
        _ = GEOSContext_setErrorMessageHandler_r(h, { message, userdata in
            guard let userdata else { return }
            let me = Unmanaged<GEOSWorker>.fromOpaque(userdata).takeUnretainedValue()
            me.lastError = message.map { String(cString: $0) }
        }, Unmanaged.passUnretained(self).toOpaque())
        for z in 0..<zones.count {
            guard let g = makeItem(zones, z) else { throw BenchInputError("GEOS could not build zone \(z): \(lastError ?? "?")") }
            zoneGeoms.append(g)
        }
        prepared = Array(repeating: nil, count: zones.count)
    }

    deinit {
        if let tree { GEOSSTRtree_destroy_r(h, tree) }
        for p in prepared { if let p { GEOSPreparedGeom_destroy_r(h, p) } }
        for g in zoneGeoms { GEOSGeom_destroy_r(h, g) }
        GEOS_finish_r(h)
    }

    public static var version: String { String(cString: GEOSversion()) }

    private func ring(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int) -> OpaquePointer? {
        guard let cs = GEOSCoordSeq_copyFromArrays_r(h, x, y, nil, nil, UInt32(n)) else { return nil }
        return GEOSGeom_createLinearRing_r(h, cs)
    }

    private func polygon(rings: [OpaquePointer?]) -> OpaquePointer? {
        guard let shell = rings.first ?? nil else { return nil }
        var holes = Array(rings.dropFirst())
        return holes.withUnsafeMutableBufferPointer { GEOSGeom_createPolygon_r(h, shell, $0.baseAddress, UInt32($0.count)) }
    }

    private func collection(_ polys: [OpaquePointer?]) -> OpaquePointer? {
        if polys.count == 1 { return polys[0] }
        var ps = polys
        return ps.withUnsafeMutableBufferPointer { GEOSGeom_createCollection_r(h, Int32(GEOS_MULTIPOLYGON.rawValue), $0.baseAddress, UInt32($0.count)) }
    }

    /// Item `i` of `set` as an owned GEOS geometry.
    func makeItem(_ set: PolygonSet, _ i: Int) -> OpaquePointer? {
        set.xs.withUnsafeBufferPointer { xs in
            set.ys.withUnsafeBufferPointer { ys in
                var polys: [OpaquePointer?] = []
                for p in set.itemPolyStart[i]..<set.itemPolyStart[i + 1] {
                    var rings: [OpaquePointer?] = []
                    for r in set.polyRingStart[p]..<set.polyRingStart[p + 1] {
                        let v0 = set.ringStart[r], v1 = set.ringStart[r + 1]
                        rings.append(ring(xs.baseAddress! + v0, ys.baseAddress! + v0, v1 - v0))
                    }
                    polys.append(polygon(rings: rings))
                }
                if polys.isEmpty { return GEOSGeom_createEmptyPolygon_r(h) }
                return collection(polys)
            }
        }
    }

    /// The site as an owned GEOS geometry; every ring is a polygon shell or hole in order: rings whose
    /// orientation is counter-clockwise start a new polygon (the kernel's convention).
    public func makeSite(_ s: SiteView) -> OpaquePointer? {
        var polys: [OpaquePointer?] = []
        var rings: [OpaquePointer?] = []
        for k in 0..<s.ringCount {
            let v0 = s.ringStart[k], v1 = s.ringStart[k + 1]
            var a = 0.0
            for i in v0..<(v1 - 1) { a += (s.x[i] - s.x[v0]) * (s.y[i + 1] - s.y[v0]) - (s.x[i + 1] - s.x[v0]) * (s.y[i] - s.y[v0]) }
            if a > 0 && !rings.isEmpty { polys.append(polygon(rings: rings)); rings = [] }
            rings.append(ring(s.x + v0, s.y + v0, v1 - v0))
        }
        if !rings.isEmpty { polys.append(polygon(rings: rings)) }
        return collection(polys)
    }

    public func destroy(_ g: OpaquePointer) { GEOSGeom_destroy_r(h, g) }

    public func area(_ g: OpaquePointer) -> Double {
        var a = 0.0
        _ = GEOSArea_r(h, g, &a)
        return a
    }

    /// GEOSIntersection(zone, site) + GEOSArea, and GEOSIntersects: the oracle.
    public func intersectionArea(zone z: Int, site g: OpaquePointer) -> (area: Double, intersects: Bool)? {
        let hit = GEOSIntersects_r(h, zoneGeoms[z], g)
        if hit == 2 { return nil }
        if hit == 0 { return (0, false) }
        guard let r = GEOSIntersection_r(h, zoneGeoms[z], g) else { return nil }
        defer { GEOSGeom_destroy_r(h, r) }
        return (area(r), true)
    }

    /// The same for a kernel site (builds and frees the site geometry).
    public func intersectionArea(zone z: Int, site s: SiteView) -> (area: Double, intersects: Bool)? {
        guard let g = makeSite(s) else { return nil }
        defer { GEOSGeom_destroy_r(h, g) }
        return intersectionArea(zone: z, site: g)
    }

    private func preparedZone(_ z: Int) -> OpaquePointer? {
        if let p = prepared[z] { return p }
        let p = GEOSPrepare_r(h, zoneGeoms[z])
        prepared[z] = p
        return p
    }

    private func buildTree() {
        guard tree == nil, let t = GEOSSTRtree_create_r(h, 10) else { return }
        for (z, g) in zoneGeoms.enumerated() {
            GEOSSTRtree_insert_r(h, t, g, UnsafeMutableRawPointer(bitPattern: z + 1))
        }
        tree = t
    }

    /// Candidate zones of `g` from the STRtree (envelopes intersect), ascending.
    public func candidates(_ g: OpaquePointer) -> [Int] {
        buildTree()
        hits.removeAll(keepingCapacity: true)
        withUnsafeMutablePointer(to: &hits) { hp in
            GEOSSTRtree_query_r(h, tree, g, { item, ud in
                guard let item, let ud else { return }
                ud.assumingMemoryBound(to: [Int].self).pointee.append(Int(bitPattern: item) - 1)
            }, hp)
        }
        hits.sort()
        return hits
    }

    /// The tuned GEOS pipeline for one site: every zone it intersects (prepared intersects), with
    /// the overlap area (site area when the prepared zone contains it properly, else
    /// GEOSIntersection + GEOSArea; `alwaysOverlay` skips the shortcut). nil if GEOS failed.
    public func pairs(site g: OpaquePointer, alwaysOverlay: Bool = false) -> [(zone: Int, area: Double)]? {
        var out: [(Int, Double)] = []
        var siteArea = -1.0
        for z in candidates(g) {
            guard let pz = preparedZone(z) else { return nil }
            if !alwaysOverlay {
                let cp = GEOSPreparedContainsProperly_r(h, pz, g)
                if cp == 2 { return nil }
                if cp == 1 {
                    if siteArea < 0 { siteArea = area(g) }
                    out.append((z, siteArea))
                    continue
                }
            }
            let hit = GEOSPreparedIntersects_r(h, pz, g)
            if hit == 2 { return nil }
            if hit == 0 { continue }
            guard let r = GEOSIntersection_r(h, zoneGeoms[z], g) else { return nil }
            out.append((z, area(r)))
            GEOSGeom_destroy_r(h, r)
        }
        return out
    }
}

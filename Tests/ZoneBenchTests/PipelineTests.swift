import Foundation
import Testing
import ZoneGeometry
@testable import ZoneBench

func fixture(_ name: String) throws -> String {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw BenchInputError("fixture \(name) missing")
    }
    return url.path
}

@Suite("Batch vetting on the shared data set (2000 sites)")
struct PipelineTests {
    let zones: PolygonSet
    let sites: PolygonSet
    let index: ZoneIndex

    init() throws {
        zones = try WKBFile.read(path: try fixture("zones_4549.wkb"))
        sites = try WKBFile.read(path: try fixture("sites_2000_4326.wkb"))
        index = try ZoneIndex(zones: zones)
    }

    @Test func readsTheFixtures() {
        #expect(zones.count == 257)
        #expect(zones.vertexCount == 35113)  // as zones.csv / gen_data.py report
        #expect(sites.count == 2000)
    }

    /// The checksum equals shapely's (see Fixtures/README.md) and GEOS's, on 1 and 2 threads.
    @Test func checksumMatchesReferenceAndGEOS() throws {
        for threads in [1, 2] {
            let workers = try (0..<threads).map { _ in try VetWorker(sites: sites, index: index) }
            let r = vetAll(workers: workers, chunkSize: 300)
            #expect(r.checksum.pairs == 3686)
            #expect(r.checksum.zoneIdSum == 199_565)
            #expect(abs(r.checksum.areaKm2 - 261.850377) <= 1e-6)
            #expect(r.stats.geos == 0)
            #expect(r.checksum.sitesSkipped == 0)
        }
        let g = try VetWorker(sites: sites, index: index, engine: .geos)
        let rg = vetAll(workers: [g], chunkSize: 500)
        let rk = vetAll(workers: [try VetWorker(sites: sites, index: index)], chunkSize: 500)
        #expect(rg.checksum.pairs == rk.checksum.pairs)
        #expect(rg.checksum.zoneIdSum == rk.checksum.zoneIdSum)
        #expect(abs(rg.checksum.areaM2 - rk.checksum.areaM2) <= 1e-6 * Double(rk.checksum.pairs))
    }

    /// A seeded random sample of sites: every pair's area within 1e-6 m² of GEOSIntersection + GEOSArea,
    /// and the same zones as GEOSIntersects (the `--verify` check, on a sample).
    @Test func randomSampleAgreesWithGEOS() throws {
        let w = try VetWorker(sites: sites, index: index)
        var rng = SplitMix(seed: 2024)
        var picked = Set<Int>()
        while picked.count < 400 { picked.insert(rng.next(sites.count)) }
        let result = vetAll(workers: [w], chunkSize: 100)
        var report = VerifyReport()
        for chunk in result.chunks {
            // verify only the picked sites of this chunk: restrict the chunk to each of them
            for i in picked where i >= chunk.firstSite && i < chunk.firstSite + chunk.siteCount {
                let k = i - chunk.firstSite
                var one = ChunkResult()
                one.firstSite = i
                one.siteCount = 1
                let lo = Int(chunk.pairStart[k]), hi = Int(chunk.pairStart[k + 1])
                one.pairStart = [0, Int32(hi - lo)]
                one.pairZone = Array(chunk.pairZone[lo..<hi])
                one.pairAreaM2 = Array(chunk.pairAreaM2[lo..<hi])
                report.add(w.verify(one, tolerance: 1e-6))
            }
        }
        #expect(report.sites == 400)
        #expect(report.pairs > 600)
        #expect(report.ok, "\(report.examples)")
        #expect(report.maxAbsDiffM2 < 1e-6)
    }

    /// The grid point-in-polygon equals a brute-force exact crossing count over all of a zone's edges.
    @Test func gridPointInPolygon() throws {
        let k = OverlayKernel(index: index)
        var rng = SplitMix(seed: 5)
        for z in [0, 3, 10, 220] {
            let edges = index.edges(ofZone: z)
            let xs = edges.flatMap { [$0.0, $0.2] }, ys = edges.flatMap { [$0.1, $0.3] }
            let lx = xs.min()!, hx = xs.max()!, ly = ys.min()!, hy = ys.max()!
            for t in 0..<600 {
                var px = lx + (hx - lx) * rng.unit(), py = ly + (hy - ly) * rng.unit()
                if t % 3 == 0 { px = index.originX + (px - index.originX / 1).rounded(.down) }  // near / on grid lines
                if t % 5 == 0 { px = index.originX + ((px - index.originX) / index.cellSize).rounded() * index.cellSize }
                if t % 7 == 0 { let e = edges[rng.next(edges.count)]; px = e.0; py = e.1 }  // a vertex: boundary
                var inside = false, boundary = false
                for e in edges {
                    if OverlayKernel.onEdge(e.0, e.1, e.2, e.3, px, py) { boundary = true }
                    if OverlayKernel.crosses(e.0, e.1, e.2, e.3, px, py) { inside.toggle() }
                }
                let want = boundary ? 0 : inside ? 1 : -1
                #expect(k.pointInZone(px, py, zone: UInt32(z)) == want, "zone \(z) point (\(px), \(py))")
            }
        }
    }

    /// The batch projector gives what the project's CoordinateTransformer gives.
    @Test func projectorMatchesCoordinateTransformer() throws {
        let p = try BatchProjector()
        let tr = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        var xs = Array(sites.xs.prefix(500)), ys = Array(sites.ys.prefix(500))
        #expect(p.forward(xs: &xs, ys: &ys))
        for i in 0..<xs.count {
            let c = try tr.transform(Coordinate(sites.xs[i], sites.ys[i]))
            #expect(abs(c.x - xs[i]) <= 1e-9 && abs(c.y - ys[i]) <= 1e-9)
        }
    }
}

@Suite("Robust predicates")
struct PredicateTests {
    @Test func exactCollinearity() {
        // Points on y = x with large magnitudes are exactly collinear; one ulp off is not.
        let a = 3_412_345.123, b = 3_412_999.987, c = 3_413_500.5
        #expect(orient2d(a, a, b, b, c, c) == 0)
        #expect(orient2d(a, a, b, b, c, c.nextUp) == 1)
        #expect(orient2d(a, a, b, b, c, c.nextDown) == -1)
        #expect(orient2d(a, a, b, b, c.nextUp, c) == -1)
        // Shewchuk's classic near-degenerate grid: the exact sign must be antisymmetric and consistent.
        for i in 0..<64 {
            for j in 0..<64 {
                let px = 0.5 + Double(i) * 0x1p-53, py = 0.5 + Double(j) * 0x1p-53
                let o = orient2d(12, 12, 24, 24, px, py)
                #expect(o == (py > px ? 1 : py < px ? -1 : 0))
                #expect(orient2d(24, 24, 12, 12, px, py) == -o)
            }
        }
    }

    @Test func exactFallbackAgreesWithFilter() {
        var rng = SplitMix(seed: 3)
        for _ in 0..<2000 {
            let ax = 500_000 + rng.unit() * 1000, ay = 3_400_000 + rng.unit() * 1000
            let bx = 500_000 + rng.unit() * 1000, by = 3_400_000 + rng.unit() * 1000
            let cx = 500_000 + rng.unit() * 1000, cy = 3_400_000 + rng.unit() * 1000
            #expect(orient2d(ax, ay, bx, by, cx, cy) == orient2dExact(ax, ay, bx, by, cx, cy))
        }
    }
}

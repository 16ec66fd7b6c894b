import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

// GEOS is the referee: the kernel-backed SiteAnalyzer (ZoneIndex + OverlayKernel on a shared
// CompiledPlanGeometry, GEOS only as its fallback) against plain GEOS — prepared covers /
// intersects and GEOSIntersection + GEOSArea on every feature, GEOSDistance to every platform —
// on the real GeoData, for every example and a few thousand seeded random sites.

/// SplitMix64, seeded (deterministic sites).
struct RefereeRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func range(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum Referee {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let plan: PlanData = try! VettingEngine.loadPlan(from: repo.appendingPathComponent("GeoData"))
    static let compiled: CompiledPlanGeometry = try! CompiledPlanGeometry(plan: plan)

    /// Polygonal geometries of every example (GeoData/examples/*.geojson, not the `bad` ones).
    static func exampleSites() throws -> [(String, Geometry)] {
        let dir = repo.appendingPathComponent("GeoData/examples")
        var out: [(String, Geometry)] = []
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).filter({ $0.hasSuffix(".geojson") }).sorted() {
            let feats = try GeoJSON.parseFeatures(try Data(contentsOf: dir.appendingPathComponent(f)))
            for (i, ft) in feats.enumerated() {
                if let g = ft.geometry, g.isPolygonal { out.append(("\(f):\(i)", g)) }
            }
        }
        return out
    }

    static let mPerDegLat = 111_000.0
    static let mPerDegLon = 95_500.0  // at ~30.7°N

    /// A ring of `n` vertices around (lon, lat), radius ~r metres, irregular if `jitter` > 0.
    static func ring(_ rng: inout RefereeRNG, _ lon: Double, _ lat: Double, r: Double, n: Int, jitter: Double,
                     rotation: Double) -> [Coordinate] {
        var pts: [Coordinate] = []
        for k in 0..<n {
            let a = rotation + 2 * Double.pi * Double(k) / Double(n)
            let rr = r * (1 + jitter * rng.range(-1, 1))
            pts.append(Coordinate(lon + rr * cos(a) / mPerDegLon, lat + rr * sin(a) / mPerDegLat))
        }
        return Polygon.closing(pts)
    }

    /// Seeded random sites of 10–500 亩 over the city: squares, irregular polygons, squares with a
    /// hole, two-part MultiPolygons, some centred on plan feature vertices (crossing zone edges), and
    /// some with a corner exactly on a feature vertex (touching / shared vertices).
    static func randomSites(count: Int, seed: UInt64) -> [Geometry] {
        var rng = RefereeRNG(seed: seed)
        let vertices = plan.allFeatures.flatMap { $0.geometry.allCoordinates }
        var out: [Geometry] = []
        while out.count < count {
            let mu = rng.range(10, 500)
            let areaM2 = Mu.toSquareMetres(mu)
            let onEdge = rng.unit() < 0.5
            var lon: Double, lat: Double
            if onEdge {
                let v = vertices[rng.int(vertices.count)]
                lon = v.x + rng.range(-150, 150) / mPerDegLon
                lat = v.y + rng.range(-150, 150) / mPerDegLat
            } else {
                lon = rng.range(120.3, 121.3)
                lat = rng.range(30.3, 31.0)
            }
            let rot = rng.range(0, Double.pi / 2)
            switch rng.int(6) {
            case 0, 1:  // square
                let r = (areaM2 / 2).squareRoot()
                out.append(.polygon(Polygon(exterior: ring(&rng, lon, lat, r: r, n: 4, jitter: 0, rotation: rot))))
            case 2:  // irregular polygon
                let n = 5 + rng.int(8)
                let r = (areaM2 / Double.pi).squareRoot()
                out.append(.polygon(Polygon(exterior: ring(&rng, lon, lat, r: r, n: n, jitter: 0.3, rotation: rot))))
            case 3:  // square with a square hole
                let r = (areaM2 / 2).squareRoot()
                let shell = ring(&rng, lon, lat, r: r, n: 4, jitter: 0, rotation: rot)
                let hole = Array(ring(&rng, lon, lat, r: r * 0.4, n: 4, jitter: 0, rotation: rot).reversed())
                out.append(.polygon(Polygon(exterior: shell, holes: [hole])))
            case 4:  // MultiPolygon: two squares side by side
                let r = (areaM2 / 4).squareRoot()
                let d = 3 * r
                let a = ring(&rng, lon - d / mPerDegLon, lat, r: r, n: 4, jitter: 0, rotation: rot)
                let b = ring(&rng, lon + d / mPerDegLon, lat, r: r, n: 4, jitter: 0, rotation: rot)
                out.append(.multiPolygon([Polygon(exterior: a), Polygon(exterior: b)]))
            default:  // axis-aligned box with a corner exactly on a feature vertex
                let v = vertices[rng.int(vertices.count)]
                let w = areaM2.squareRoot()
                let sx = rng.unit() < 0.5 ? 1.0 : -1.0, sy = rng.unit() < 0.5 ? 1.0 : -1.0
                let x1 = v.x + sx * w / mPerDegLon, y1 = v.y + sy * w / mPerDegLat
                out.append(.polygon(Polygon(exterior: Polygon.closing([
                    Coordinate(v.x, v.y), Coordinate(x1, v.y), Coordinate(x1, y1), Coordinate(v.x, y1)]))))
            }
        }
        return out
    }

    /// Plain GEOS on every feature: (feature, overlap m²) with positive area, in feature order;
    /// and the GEOS distance to every platform, nearest first (ties in feature order).
    final class Oracle {
        let measurer = try! PlanarMeasurer()
        lazy var prepared: [PreparedGeometry] = compiled.projected.map { try! measurer.engine.prepare($0) }

        func overlaps(_ site: Geometry) throws -> (area: Double, pairs: [(Int, Double)], platforms: [(Int, Double)]) {
            let e = measurer.engine
            let p = try measurer.project(site)
            let area = try e.area(p)
            var pairs: [(Int, Double)] = []
            for i in compiled.projected.indices where try prepared[i].intersects(p) {
                let a = try prepared[i].covers(p) ? area : try e.area(e.intersection(p, compiled.projected[i]))
                if a > 0 { pairs.append((i, a)) }
            }
            var d = try compiled.platforms.map { ($0, try e.distance(p, compiled.projected[$0])) }
            d.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            return (area, pairs, d)
        }
    }

    struct Tally {
        var sites = 0, pairs = 0, areaMismatches = 0, setMismatches = 0, distanceMismatches = 0, slivers = 0
        var maxRel = 0.0, maxAbs = 0.0
        var examples: [String] = []
        mutating func note(_ s: String) { if examples.count < 12 { examples.append(s) } }
    }

    /// Compares one site; the analyzer's result against the oracle's.
    static func compare(_ name: String, _ site: Geometry, _ analyzer: SiteAnalyzer, _ oracle: Oracle, _ t: inout Tally) throws {
        let got = try analyzer.analyze(site: site)
        let ref = try oracle.overlaps(site)
        t.sites += 1
        let tolAbs = 0.01
        var mine: [Int: Double] = [:]
        let index = Dictionary(uniqueKeysWithValues: compiled.features.enumerated().map { ($1.id, $0) })
        for o in got.overlaps { mine[index[o.feature.id]!] = o.overlapM2 }
        var theirs: [Int: Double] = [:]
        for (i, a) in ref.pairs { theirs[i] = a }
        // Order: ascending feature order, like the GEOS version.
        let order = got.overlaps.map { index[$0.feature.id]! }
        if order != order.sorted() { t.setMismatches += 1; t.note("\(name): overlaps not in feature order") }
        for i in Set(mine.keys).union(theirs.keys) {
            let a = mine[i] ?? 0, b = theirs[i] ?? 0
            if mine[i] == nil || theirs[i] == nil {
                // A pair only one side reports counts only as a sliver (≤ 0.01 m²).
                if max(a, b) <= tolAbs { t.slivers += 1; continue }
                t.setMismatches += 1
                t.note("\(name): feature \(compiled.features[i].id) kernel \(a) GEOS \(b)")
                continue
            }
            t.pairs += 1
            let d = abs(a - b)
            if b > 0 { t.maxRel = max(t.maxRel, d / b) }
            t.maxAbs = max(t.maxAbs, d)
            if d > max(1e-6 * b, tolAbs) {
                t.areaMismatches += 1
                t.note("\(name): feature \(compiled.features[i].id) area \(a) vs GEOS \(b)")
            }
        }
        // Nearest 3 platforms: same distances; each listed platform at its GEOS distance.
        let gotNear = Array(got.platformDistances.prefix(3)), refNear = Array(ref.platforms.prefix(3))
        let refDist = Dictionary(uniqueKeysWithValues: ref.platforms.map { (compiled.features[$0.0].id, $0.1) })
        if gotNear.count != refNear.count { t.distanceMismatches += 1; t.note("\(name): \(gotNear.count) nearest vs \(refNear.count)") }
        for (g, r) in zip(gotNear, refNear) {
            let sameFeature = g.feature.id == compiled.features[r.0].id
            let close = abs(g.metres - r.1) <= 1e-6 && abs(g.metres - (refDist[g.feature.id] ?? .infinity)) <= 1e-6
            if !close || (!sameFeature && abs(g.metres - r.1) > 1e-9) {
                t.distanceMismatches += 1
                t.note("\(name): nearest \(g.feature.id) \(g.metres) m vs GEOS \(compiled.features[r.0].id) \(r.1) m")
            }
        }
        // The whole list is sorted (ties in feature order).
        for (a, b) in zip(got.platformDistances, got.platformDistances.dropFirst()) where a.metres > b.metres {
            t.distanceMismatches += 1
            t.note("\(name): platform distances not sorted")
        }
    }
}

@Suite("Kernel vs GEOS referee on the real GeoData", .serialized)
struct KernelRefereeTests {
    @Test func compiledGeometryIsComplete() {
        let c = Referee.compiled
        #expect(c.features.count == Referee.plan.allFeatures.count)
        #expect(c.index.zoneCount == c.features.count)
        #expect(c.geosOnly.isEmpty, "features the kernel does not take: \(c.geosOnly)")
        #expect(c.platforms.count == Referee.plan.features(kind: .platform).count)
    }

    @Test func examplesAgreeWithGEOS() throws {
        let analyzer = try SiteAnalyzer(compiled: Referee.compiled)
        let oracle = Referee.Oracle()
        var t = Referee.Tally()
        let examples = try Referee.exampleSites()
        #expect(examples.count >= 10)
        for (name, g) in examples { try Referee.compare(name, g, analyzer, oracle, &t) }
        #expect(t.setMismatches == 0 && t.areaMismatches == 0 && t.distanceMismatches == 0, "\(t.examples)")
        let s = analyzer.kernelStats
        print("referee examples: \(t.sites) sites, \(t.pairs) pairs, slivers \(t.slivers), max rel diff \(t.maxRel); "
              + "kernel paths: grid \(s.grid), point-in-polygon \(s.pointInPolygon), crossing \(s.crossing), "
              + "degenerate \(s.degenerate), GEOS fallback \(s.geos), disjoint candidates \(s.disjointCandidates)")
    }

    @Test func randomSitesAgreeWithGEOS() throws {
        let analyzer = try SiteAnalyzer(compiled: Referee.compiled)
        let oracle = Referee.Oracle()
        var t = Referee.Tally()
        let sites = Referee.randomSites(count: 3000, seed: 20261130)
        let engine = GeometryEngine()
        var skipped = 0
        for (k, g) in sites.enumerated() {
            // The application reader rejects invalid sites; so does this test.
            guard try engine.isValid(g) else { skipped += 1; continue }
            try Referee.compare("random \(k)", g, analyzer, oracle, &t)
        }
        #expect(skipped < 100)
        #expect(t.pairs > 5000)
        #expect(t.setMismatches == 0 && t.areaMismatches == 0 && t.distanceMismatches == 0, "\(t.examples)")
        let s = analyzer.kernelStats
        #expect(s.crossing > 0 && s.grid > 0)
        print("referee random: \(t.sites) sites (\(skipped) invalid skipped), \(t.pairs) pairs, slivers \(t.slivers), "
              + "max rel diff \(t.maxRel), max abs diff \(t.maxAbs) m²; kernel paths: grid \(s.grid), point-in-polygon \(s.pointInPolygon), "
              + "crossing \(s.crossing), degenerate \(s.degenerate), GEOS fallback \(s.geos), "
              + "disjoint candidates \(s.disjointCandidates)")
    }

    /// Two threads, one shared CompiledPlanGeometry, an analyzer each: the same results as one thread.
    @Test func twoThreadsShareOneCompiledGeometry() throws {
        let sites = Referee.randomSites(count: 400, seed: 7)
        struct Summary: Equatable, Sendable {
            var area: Double
            var overlaps: [String]
            var areas: [Double]
            var platforms: [String]
            var distances: [Double]
        }
        @Sendable func run(_ a: SiteAnalyzer) -> [Summary?] {
            sites.map { g in
                guard let c = try? a.analyze(site: g) else { return nil }
                return Summary(area: c.areaM2, overlaps: c.overlaps.map(\.feature.id), areas: c.overlaps.map(\.overlapM2),
                               platforms: c.platformDistances.map(\.feature.id), distances: c.platformDistances.map(\.metres))
            }
        }
        let single = run(try SiteAnalyzer(compiled: Referee.compiled))
        final class Box: @unchecked Sendable { var results: [[Summary?]] = [[], []] }
        let box = Box()
        let group = DispatchGroup()
        for k in 0..<2 {
            group.enter()
            Thread {
                let a = try! SiteAnalyzer(compiled: Referee.compiled)
                var r: [Summary?] = []
                for _ in 0..<2 { r = run(a) }
                box.results[k] = r
                group.leave()
            }.start()
        }
        group.wait()
        #expect(single.compactMap { $0 }.count > 300)
        #expect(box.results[0] == single)
        #expect(box.results[1] == single)
    }

    /// VettingEngine(plan:compiled:) gives the same result as VettingEngine(plan:).
    @Test func sharedEngineMatchesOwnEngine() throws {
        let shared = try VettingEngine(plan: Referee.plan, compiled: Referee.compiled)
        let own = try VettingEngine(plan: Referee.plan)
        for (_, g) in try Referee.exampleSites() {
            let app = Application(name: "x", industry: "C3971", investmentWan: 10_000, outputWan: 20_000,
                                  valueAddedWan: 5_000, energyTce: 300, declaredAreaMu: nil, site: g)
            let a = try shared.vet(app, year: 2026), b = try own.vet(app, year: 2026)
            #expect(a.verdict == b.verdict)
            #expect(a.findings == b.findings)
        }
    }

    /// A compiled geometry of another plan is refused.
    @Test func compiledGeometryOfAnotherPlanIsRefused() {
        #expect(throws: CompiledPlanGeometry.Mismatch.self) { try VettingEngine(plan: Mini.plan, compiled: Referee.compiled) }
        #expect(Referee.compiled.matches(Referee.plan))
    }

    /// A feature the kernel must not take (invalid once projected, here: two overlapping parts) is
    /// measured with GEOS; the others still by the kernel.
    @Test func invalidFeatureGoesToGEOS() throws {
        var features = Referee.plan.allFeatures
        let k = features.firstIndex { $0.kind == .platform }!
        let c = features[k].geometry.envelope!.center
        let d = 0.01
        func sq(_ x: Double, _ y: Double) -> Polygon {
            Polygon(exterior: [Coordinate(x, y), Coordinate(x + d, y), Coordinate(x + d, y + d), Coordinate(x, y + d), Coordinate(x, y)])
        }
        features[k].geometry = .multiPolygon([sq(c.x, c.y), sq(c.x + d / 2, c.y + d / 2)])
        let compiled = try CompiledPlanGeometry(features: features)
        #expect(compiled.geosOnly == [k])
        #expect(compiled.index.zones.vertexRange(item: k).isEmpty)
        let analyzer = try SiteAnalyzer(compiled: compiled)
        let m = try PlanarMeasurer()
        let site = Geometry.polygon(sq(c.x + d * 0.8, c.y + d * 0.8))
        let p = try m.project(site)
        if let got = try? analyzer.analyze(site: site) {
            let o = got.overlaps.first { $0.feature.id == features[k].id }
            let ref = try m.engine.area(m.engine.intersection(p, compiled.projected[k]))
            #expect(abs((o?.overlapM2 ?? 0) - ref) <= 0.01)
            #expect(analyzer.geosOnlyPairs >= 1)
        }
    }
}

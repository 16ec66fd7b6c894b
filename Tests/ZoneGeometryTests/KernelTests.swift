import Foundation
import Testing
@testable import ZoneGeometry

// The overlap kernel's pieces that live in ZoneGeometry besides ZoneIndex / OverlayKernel (those are
// tested in ZoneBenchTests and, on the plan, in ZoneVettingTests/KernelRefereeTests): SiteBuffer,
// FacetDistance (must equal GEOSDistance), GEOSZones (the GEOS side on the kernel's data), and the
// conversion's error paths.

/// A star-shaped polygon of `n` vertices around (cx, cy).
private func star(_ rng: inout SeededGenerator, _ cx: Double, _ cy: Double, _ r: Double, _ n: Int) -> Polygon {
    var pts: [Coordinate] = []
    for k in 0..<n {
        let a = 2 * Double.pi * Double(k) / Double(n)
        let rr = r * Double.random(in: 0.6..<1.3, using: &rng)
        pts.append(Coordinate(cx + rr * cos(a), cy + rr * sin(a)))
    }
    return Polygon(exterior: Polygon.closing(pts))
}

@Suite("Kernel support in ZoneGeometry")
struct KernelSupportTests {
    @Test func siteBufferClosesAndOrients() {
        // A clockwise shell with a counter-clockwise hole, unclosed rings.
        let shell = [Coordinate(0, 0), Coordinate(0, 10), Coordinate(10, 10), Coordinate(10, 0)]
        let hole = [Coordinate(2, 2), Coordinate(4, 2), Coordinate(4, 4), Coordinate(2, 4)]
        let b = SiteBuffer(.polygon(Polygon(exterior: shell, holes: [hole])))
        #expect(b.isUsable)
        #expect(b.ringCount == 2)
        #expect(b.ringStart == [0, 5, 10])
        #expect(abs(b.area - 96) < 1e-12)
        #expect(b.minX == 0 && b.maxX == 10 && b.minY == 0 && b.maxY == 10)
        let sh = (0..<5).map { Coordinate(b.xs[$0], b.ys[$0]) }
        let ho = (5..<10).map { Coordinate(b.xs[$0], b.ys[$0]) }
        #expect(Winding.isCounterClockwise(sh))
        #expect(!Winding.isCounterClockwise(ho))
        #expect(!SiteBuffer(.point(Coordinate(1, 1))).isUsable)
    }

    @Test func facetDistanceEqualsGEOSDistance() throws {
        let engine = GeometryEngine()
        var rng = SeededGenerator(seed: 42)
        var checked = 0
        for _ in 0..<400 {
            let x0 = 500_000 + Double.random(in: 0..<5000, using: &rng), y0 = 3_400_000 + Double.random(in: 0..<5000, using: &rng)
            let a = star(&rng, x0, y0, Double.random(in: 50..<800, using: &rng), Int.random(in: 3..<40, using: &rng))
            let b = star(&rng, x0 + Double.random(in: -3000..<3000, using: &rng), y0 + Double.random(in: -3000..<3000, using: &rng),
                         Double.random(in: 50..<400, using: &rng), Int.random(in: 3..<12, using: &rng))
            let ga = Geometry.polygon(a), gb = Geometry.polygon(b)
            guard try engine.isValid(ga), try engine.isValid(gb), try !engine.intersects(ga, gb) else { continue }
            var set = PolygonSet()
            try set.append([a])
            let d = SiteBuffer(gb).withView { FacetDistance.boundaryDistance(set, item: 0, site: $0) }
            let ref = try engine.distance(ga, gb)
            #expect(abs(d - ref) <= 1e-6, "\(d) vs GEOS \(ref)")
            // A bound below the distance gives a value ≥ the bound.
            let bounded = SiteBuffer(gb).withView { FacetDistance.boundaryDistance(set, item: 0, site: $0, bound: ref / 2) }
            #expect(bounded >= ref / 2)
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func geosZonesAgreesWithGeometryEngine() throws {
        let engine = GeometryEngine()
        var rng = SeededGenerator(seed: 9)
        let zones = (0..<6).map { k in star(&rng, 500_000 + Double(k) * 300, 3_400_000, 400, 9) }.filter {
            (try? engine.isValid(.polygon($0))) == true
        }
        let set = try PolygonSet(geometries: zones.map { .polygon($0) })
        let gz = try GEOSZones(zones: set, engine: engine)
        for _ in 0..<50 {
            let site = star(&rng, 500_000 + Double.random(in: -200..<1800, using: &rng), 3_400_000 + Double.random(in: -500..<500, using: &rng), 150, 7)
            guard try engine.isValid(.polygon(site)) else { continue }
            let buf = SiteBuffer(.polygon(site))
            let pairs = try buf.withView { try gz.pairs(site: $0, alwaysOverlay: true) }
            var ref: [(Int, Double)] = []
            for (z, p) in zones.enumerated() where try engine.intersects(.polygon(p), .polygon(site)) {
                ref.append((z, try engine.area(engine.intersection(.polygon(p), .polygon(site)))))
            }
            #expect(pairs.map(\.zone) == ref.map(\.0))
            for (a, b) in zip(pairs, ref) { #expect(abs(a.area - b.1) <= 1e-6) }
            let area = try buf.withView { try gz.siteArea($0) }
            #expect(abs(area - (try engine.area(.polygon(site)))) <= 1e-6)
        }
    }

    /// The conversion builds its error context only on failure, with the same paths as before.
    @Test func conversionErrorsNameThePart() throws {
        let engine = GeometryEngine()
        let good = square(0, 0, 1)
        var bad = square(5, 5, 1)
        bad.exterior[2] = Coordinate(.nan, 1)
        do {
            _ = try engine.area(.multiPolygon([good, bad]))
            Issue.record("expected an error")
        } catch let e as GeometryError {
            #expect(e.path == "[1].exterior[2]")
        }
        var hole = square(0.2, 0.2, 0.1)
        hole.exterior[1] = Coordinate(.infinity, 0.2)
        do {
            _ = try engine.area(.polygon(Polygon(exterior: square(0, 0, 1).exterior, holes: [hole.exterior])))
            Issue.record("expected an error")
        } catch let e as GeometryError {
            #expect(e.path == "holes[0][1]")
            #expect(e.reason.contains("non-finite"))
        }
        do {
            _ = try engine.area(.geometryCollection([.point(Coordinate(0, 0)), .lineString([Coordinate(0, 0)])]))
            Issue.record("expected an error")
        } catch let e as GeometryError {
            #expect(e.path == "[1]")
        }
    }
}

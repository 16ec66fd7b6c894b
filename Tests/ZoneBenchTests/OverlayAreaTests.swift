import Foundation
import Testing
import ZoneGeometry
@testable import ZoneBench

// The OverlayArea kernel against GEOS (GEOSIntersection + GEOSArea, GEOSIntersects) through the
// project's own GeometryEngine, on hand-made degenerate cases and on seeded random ones.

let X0 = 500_000.0, Y0 = 3_400_000.0  // EPSG:4549-like magnitudes; multiples of the 250 m cell

func P(_ pts: [(Double, Double)]) -> [Coordinate] {
    Polygon.closing(pts.map { Coordinate(X0 + $0.0, Y0 + $0.1) })
}

func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Polygon {
    Polygon(exterior: P([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
}

/// GEOS's answer for every zone: (intersects, area of the intersection).
func oracle(_ engine: GeometryEngine, _ zones: [Geometry], _ site: Geometry) throws -> [(zone: Int, area: Double)] {
    var out: [(Int, Double)] = []
    for (z, g) in zones.enumerated() where try engine.intersects(g, site) {
        out.append((z, try engine.area(engine.intersection(g, site))))
    }
    return out
}

/// Kernel configurations: all paths; no grid shortcut; degenerate path only.
enum Mode: CaseIterable { case normal, noGrid, degenerateOnly }

func kernel(_ index: ZoneIndex, _ mode: Mode) -> OverlayKernel {
    let k = OverlayKernel(index: index)
    switch mode {
    case .normal: break
    case .noGrid: k.useGrid = false
    case .degenerateOnly: k.useGrid = false; k.useCrossingPath = false
    }
    return k
}

/// Checks the kernel against GEOS for each site, in each mode. Returns the number of pairs checked.
@discardableResult
func expectAgreement(zones: [Geometry], sites: [Geometry], cell: Double = 250, tolerance: Double = 1e-6,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> (pairs: Int, normal: KernelStats) {
    let engine = GeometryEngine()
    let index = try ZoneIndex(zones: try PolygonSet(geometries: zones), cellSize: cell)
    var checked = 0
    var normal = KernelStats()
    for mode in Mode.allCases {
        let k = kernel(index, mode)
        for (i, s) in sites.enumerated() {
            let ref = try oracle(engine, zones, s)
            let got = k.vet(geometry: s)
            #expect(got.map(\.zone) == ref.map(\.zone), "site \(i) (\(mode)): zones \(got.map(\.zone)) vs GEOS \(ref.map(\.zone))",
                    sourceLocation: sourceLocation)
            guard got.map(\.zone) == ref.map(\.zone) else { continue }
            for (g, r) in zip(got, ref) {
                #expect(abs(g.areaM2 - r.area) <= tolerance,
                        "site \(i) zone \(r.zone) (\(mode), \(g.path)): \(g.areaM2) vs GEOS \(r.area)", sourceLocation: sourceLocation)
                checked += 1
            }
        }
        #expect(k.stats.geos == 0, "\(mode): \(k.stats.geos) pairs undecided", sourceLocation: sourceLocation)
        if mode == .normal { normal = k.stats }
        if mode == .degenerateOnly { #expect(k.stats.crossing == 0 && k.stats.grid == 0, sourceLocation: sourceLocation) }
    }
    return (checked, normal)
}

@Suite("OverlayArea against GEOS")
struct OverlayAreaTests {
    let square = Geometry.polygon(rect(0, 0, 100, 100))

    @Test func disjointContainedIdentical() throws {
        try expectAgreement(zones: [square], sites: [
            .polygon(rect(200, 200, 300, 300)),   // disjoint
            .polygon(rect(10, 10, 20, 20)),       // contained
            square,                               // identical
            .polygon(rect(-50, -50, 150, 150)),   // zone inside the site
        ])
    }

    @Test func sharedEdgesAndCollinearOverlaps() throws {
        try expectAgreement(zones: [square], sites: [
            .polygon(rect(100, 0, 200, 100)),     // shares a whole edge, outside (area 0, intersects)
            .polygon(rect(0, 0, 50, 100)),        // three edges on or along the zone's, inside
            .polygon(rect(50, 0, 150, 50)),       // bottom edges collinear, partly overlapping
            .polygon(rect(-50, 0, 150, 100)),     // top and bottom collinear, site longer
            .polygon(rect(100, 20, 180, 60)),     // edge collinear inside the zone's edge, outside
            .polygon(rect(0, 100, 100, 200)),     // adjacent above
            .polygon(Polygon(exterior: P([(0, 0), (100, 100), (0, 100)]))),  // half, along the diagonal
        ])
    }

    @Test func verticesOnEdgesAndPointContacts() throws {
        try expectAgreement(zones: [square], sites: [
            .polygon(Polygon(exterior: P([(50, 20), (100, 50), (50, 80)]))),    // inside, vertex on the edge
            .polygon(Polygon(exterior: P([(100, 50), (150, 20), (150, 80)]))),  // outside, vertex on the edge
            .polygon(rect(100, 100, 200, 200)),                                  // corner to corner
            .polygon(Polygon(exterior: P([(50, -50), (150, 50), (50, 150), (-50, 50)]))),  // diamond through the edge midpoints
            .polygon(Polygon(exterior: P([(0, 0), (60, -40), (100, 0), (60, 40)]))),       // vertices on the zone's corners
            .polygon(Polygon(exterior: P([(30, 100), (70, 100), (50, 130)]))),   // edge on the zone's edge, outside
            .polygon(Polygon(exterior: P([(30, 100), (70, 100), (50, 70)]))),    // edge on the zone's edge, inside
        ])
    }

    @Test func holes() throws {
        let holed = Geometry.polygon(Polygon(exterior: rect(0, 0, 300, 300).exterior, holes: [rect(100, 100, 200, 200).exterior]))
        try expectAgreement(zones: [holed], sites: [
            .polygon(rect(120, 120, 180, 180)),   // in the hole: disjoint
            .polygon(rect(50, 50, 150, 150)),     // across the hole's boundary
            .polygon(rect(50, 50, 250, 250)),     // covering the hole
            .polygon(rect(100, 100, 200, 200)),   // exactly the hole: boundary contact only
            .polygon(rect(100, 120, 150, 180)),   // in the hole, one edge on the hole's edge
            .polygon(rect(0, 0, 300, 300)),       // the shell
        ])
        // A site with a hole.
        let site = Geometry.polygon(Polygon(exterior: rect(0, 0, 300, 300).exterior, holes: [rect(100, 100, 200, 200).exterior]))
        try expectAgreement(zones: [.polygon(rect(120, 120, 180, 180)), .polygon(rect(50, 50, 150, 150)), .polygon(rect(100, 100, 200, 200))],
                            sites: [site])
    }

    @Test func multipolygonsAndOverlappingZones() throws {
        let two = Geometry.multiPolygon([rect(0, 0, 100, 100), rect(200, 0, 300, 100)])
        try expectAgreement(zones: [two, .polygon(rect(50, 50, 250, 150)), square], sites: [
            .polygon(rect(50, 25, 250, 75)),
            .polygon(rect(100, 0, 200, 100)),     // between the parts, touching both
            .multiPolygon([rect(10, 10, 20, 20), rect(210, 10, 220, 20)]),
            .polygon(rect(-10, -10, 310, 160)),
        ])
    }

    @Test func repeatedVerticesAndGridLines() throws {
        // Repeated vertex in the site; zone edges exactly on the grid lines (multiples of 250 m).
        let big = Geometry.polygon(rect(0, 0, 1000, 1000))
        try expectAgreement(zones: [big], sites: [
            .polygon(Polygon(exterior: P([(250, 250), (500, 250), (500, 250), (500, 500), (250, 500)]))),
            .polygon(rect(0, 0, 250, 250)),
            .polygon(rect(750, 250, 1000, 500)),
            .polygon(rect(1000, 250, 1250, 500)),
            .polygon(rect(900, 900, 1100, 1100)),
        ])
    }

    /// Seeded lattice polygons: every coordinate on a 10 m lattice, so shared edges, collinear overlaps and
    /// vertices on edges are everywhere.
    @Test func latticeRandomDegenerate() throws {
        var rng = SplitMix(seed: 7)
        func lattice(_ n: Int) -> Double { Double(rng.next(n)) * 10 }
        var zones: [Geometry] = []
        for _ in 0..<12 {
            let x = lattice(60), y = lattice(60), w = 10 + lattice(30), h = 10 + lattice(30)
            switch rng.next(3) {
            case 0: zones.append(.polygon(rect(x, y, x + w, y + h)))
            case 1: zones.append(.polygon(Polygon(exterior: P([(x, y), (x + w, y), (x, y + h)]))))
            default:  // L shape
                zones.append(.polygon(Polygon(exterior: P([(x, y), (x + w, y), (x + w, y + 10), (x + 10, y + 10), (x + 10, y + h), (x, y + h)]))))
            }
        }
        var sites: [Geometry] = []
        for _ in 0..<150 {
            let x = lattice(70), y = lattice(70), w = 10 + lattice(20), h = 10 + lattice(20)
            switch rng.next(4) {
            case 0: sites.append(.polygon(rect(x, y, x + w, y + h)))
            case 1: sites.append(.polygon(Polygon(exterior: P([(x, y), (x + w, y + h), (x, y + h)]))))
            case 2: sites.append(.polygon(Polygon(exterior: P([(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]))))
            default: sites.append(.polygon(Polygon(exterior: P([(x, y), (x + w, y), (x + w, y + h), (x + w / 2, y + h / 2), (x, y + h)]))))
            }
        }
        let (n, st) = try expectAgreement(zones: zones, sites: sites, cell: 100)
        #expect(n > 300)
        #expect(st.degenerate > 20)  // the degenerate path really is exercised
        #expect(st.crossing > 0)
    }

    /// Seeded star polygons (general position), crossing each other at many angles.
    @Test func starsRandom() throws {
        var rng = SplitMix(seed: 11)
        func star(_ cx: Double, _ cy: Double, _ r: Double, _ k: Int) -> Polygon {
            let rot = rng.unit() * 2 * .pi
            let pts = (0..<k).map { i -> (Double, Double) in
                let a = (Double(i) + 0.1 + 0.8 * rng.unit()) * 2 * .pi / Double(k) + rot
                let rr = r * (0.4 + 0.6 * rng.unit())
                return (cx + rr * cos(a), cy + rr * sin(a))
            }
            return Polygon(exterior: P(pts))
        }
        let zones: [Geometry] = (0..<6).map { _ in .polygon(star(rng.unit() * 3000, rng.unit() * 3000, 800 + rng.unit() * 800, 200)) }
        let sites: [Geometry] = (0..<150).map { _ in .polygon(star(rng.unit() * 3000, rng.unit() * 3000, 60 + rng.unit() * 300, 4 + rng.next(9))) }
        let (n, st) = try expectAgreement(zones: zones, sites: sites)
        #expect(n > 50)
        #expect(st.crossing > 10)
    }
}

/// A small seeded generator (SplitMix64), the same on every platform.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextU64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(_ n: Int) -> Int { Int(nextU64() % UInt64(n)) }
    mutating func unit() -> Double { Double(nextU64() >> 11) * 0x1p-53 }
}

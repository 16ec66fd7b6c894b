import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneQuery

/// `where` finds the features at a point with the kernel's grid and the nearest platforms by box
/// distance; GEOS on every feature is the referee: the same features (covers: a point on an edge
/// or a vertex is in), the same three nearest platforms at the same distances.
@Suite("where: the kernel's point lookup and the nearest platforms agree with GEOS on every feature")
struct WhereRefereeTests {
    /// Points over the city's box, and vertices of the plan's features (points exactly on edges).
    static func points(_ plan: PlanData) -> [(point: Coordinate, vertexOf: String?)] {
        var out: [(point: Coordinate, vertexOf: String?)] = []
        for i in 0..<40 { for j in 0..<40 { out.append((Coordinate(120.30 + Double(i) * 0.0335, 30.35 + Double(j) * 0.0215), nil)) } }
        for f in plan.allFeatures where f.kind != .city {
            let cs = f.geometry.allCoordinates
            for k in stride(from: 0, to: cs.count, by: max(1, cs.count / 6)) { out.append((cs[k], f.id)) }
        }
        return out
    }

    @Test("1,600 grid points and the features' vertices: hits and nearest platforms as GEOS gives them")
    func kernelAgreesWithGEOS() throws {
        let plan = Fixture.plan
        let q = try SpatialQuery(plan: plan)
        let engine = q.measurer.engine
        let prepared = try q.projected.map { try engine.prepare($0) }
        let platforms = q.features.indices.filter { q.features[$0].kind == .platform }
        var vertices = 0, withNearest = 0
        for (c, vertexOf) in Self.points(plan) {
            let p = try q.measurer.project(.point(c))
            let expected = try q.features.indices.filter { try prepared[$0].covers(p) }
            let report = try q.place(c)
            #expect(report.features.map(\.id).sorted() == expected.map { q.features[$0].id }.sorted(), "at \(c.x), \(c.y)")
            if let id = vertexOf {
                // On the feature's own boundary: covered.
                #expect(report.features.contains { $0.id == id }, "vertex of \(id) at \(c.x), \(c.y)")
                vertices += 1
            }
            guard !expected.contains(where: { q.features[$0].kind == .platform }) else { continue }
            let brute = try platforms.map { ($0, try engine.distance(p, q.projected[$0])) }
                .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(3)
            guard case .point(let pc) = p else { Issue.record("not a point"); continue }
            let found = try q.nearestPlatforms(p, pc)
            #expect(found.map(\.feature) == brute.map(\.0), "at \(c.x), \(c.y)")
            #expect(found.map(\.metres) == brute.map(\.1))
            #expect(report.nearestPlatforms.map(\.id) == brute.map { q.features[$0.0].id })
            withNearest += 1
        }
        // The sample reaches both branches and the edge case the kernel must get right.
        #expect(vertices > 300 && withNearest > 500)
    }
}

import Foundation
import Testing
@testable import ZoneGeometry

/// Thread rules: every task builds its own GeometryEngine / CoordinateTransformer / PlanarMeasurer.
@Suite struct ConcurrencyTests {
    static let parcels: [Geometry] = (0..<40).map { i in
        let x = 120.70 + Double(i % 8) * 0.01, y = 30.70 + Double(i / 8) * 0.01
        return .polygon(Polygon(exterior: [Coordinate(x, y), Coordinate(x + 0.004, y), Coordinate(x + 0.005, y + 0.003),
                                           Coordinate(x, y + 0.004), Coordinate(x, y)]))
    }

    static func work() throws -> [Double] {
        let measurer = try PlanarMeasurer()
        let engine = GeometryEngine()
        let z40 = try CoordinateTransformer(from: .wgs84, to: .gaussKrugerZone40)
        var out: [Double] = []
        for p in parcels {
            out.append(try measurer.areaMu(lonLat: p))
            let projected = try z40.transform(p)
            out.append(try engine.area(engine.buffer(projected, distance: 10)))
            out.append(try engine.area(engine.intersection(projected, engine.buffer(projected, distance: -20))))
        }
        return out
    }

    @Test func fourTasksWithOwnContextsAgree() async throws {
        let reference = try Self.work()
        #expect(reference.count == 120 && reference.allSatisfy { $0 > 0 })
        let results = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 { group.addTask { try Self.work() } }
            var all: [[Double]] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 4)
        for r in results { #expect(r == reference) }
    }
}

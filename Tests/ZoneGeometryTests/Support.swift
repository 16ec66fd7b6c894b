import Foundation
import Testing
@testable import ZoneGeometry

enum Fixture {
    static func url(_ name: String) throws -> URL {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return dir.appendingPathComponent(name)
    }
    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }
    static func text(_ name: String) throws -> String { try String(decoding: data(name), as: UTF8.self) }
}

/// Closed axis-aligned square polygon (counter-clockwise).
func square(_ x: Double, _ y: Double, _ size: Double) -> Polygon {
    Polygon(exterior: [Coordinate(x, y), Coordinate(x + size, y), Coordinate(x + size, y + size),
                       Coordinate(x, y + size), Coordinate(x, y)])
}

/// Deterministic pseudo-random numbers (SplitMix64) so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random small polygons, lines and points in a 1000 × 1000 area.
func randomGeometries(count: Int, seed: UInt64) -> [Geometry] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { i in
        let x = Double.random(in: 0..<1000, using: &rng), y = Double.random(in: 0..<1000, using: &rng)
        let s = Double.random(in: 1..<60, using: &rng)
        switch i % 4 {
        case 0: return .point(Coordinate(x, y))
        case 1: return .lineString([Coordinate(x, y), Coordinate(x + s, y + s / 2), Coordinate(x + s / 3, y + s)])
        case 2: // triangle
            return .polygon(Polygon(exterior: [Coordinate(x, y), Coordinate(x + s, y), Coordinate(x, y + s), Coordinate(x, y)]))
        default: return .polygon(square(x, y, s))
        }
    }
}

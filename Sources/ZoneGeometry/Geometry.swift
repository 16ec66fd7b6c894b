import Foundation

/// A 2-D position. `x` is longitude or easting, `y` is latitude or northing.
///
/// Pure value type; safe to share between threads.
public struct Coordinate: Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
    public var isFinite: Bool { x.isFinite && y.isFinite }
    public var description: String { "(\(x), \(y))" }
}

/// A polygon: one exterior ring and zero or more holes. Rings are closed (first == last)
/// and have at least 4 positions; an empty `exterior` (with no holes) is the empty polygon.
///
/// The type does not enforce closure; `GeometryEngine` and `GeoJSON` reject unclosed rings
/// with an input error naming the ring. Use `Polygon.closing(_:)` to close a ring.
public struct Polygon: Hashable, Sendable {
    public var exterior: [Coordinate]
    public var holes: [[Coordinate]]
    public init(exterior: [Coordinate], holes: [[Coordinate]] = []) {
        self.exterior = exterior
        self.holes = holes
    }
    /// All rings, exterior first.
    public var rings: [[Coordinate]] { [exterior] + holes }
    public var isEmpty: Bool { exterior.isEmpty }
    /// Returns `ring` with its first position appended if it is not already closed.
    public static func closing(_ ring: [Coordinate]) -> [Coordinate] {
        guard let first = ring.first, ring.last != first else { return ring }
        return ring + [first]
    }
}

/// A 2-D geometry value (OGC simple features model).
///
/// Empty geometries: `lineString([])`, `multi…([])`, `geometryCollection([])` and
/// `polygon(Polygon(exterior: []))`. There is no empty point: GEOS `POINT EMPTY` becomes
/// `multiPoint([])`.
public indirect enum Geometry: Hashable, Sendable {
    case point(Coordinate)
    case multiPoint([Coordinate])
    case lineString([Coordinate])
    case multiLineString([[Coordinate]])
    case polygon(Polygon)
    case multiPolygon([Polygon])
    case geometryCollection([Geometry])

    /// OGC / GeoJSON type name: "Point", "MultiPoint", "LineString", "MultiLineString",
    /// "Polygon", "MultiPolygon", "GeometryCollection".
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .multiPoint: return "MultiPoint"
        case .lineString: return "LineString"
        case .multiLineString: return "MultiLineString"
        case .polygon: return "Polygon"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        }
    }

    /// True for polygons, multipolygons and non-empty collections whose members are all polygonal.
    public var isPolygonal: Bool {
        switch self {
        case .polygon, .multiPolygon: return true
        case .geometryCollection(let gs): return !gs.isEmpty && gs.allSatisfy(\.isPolygonal)
        default: return false
        }
    }

    /// The non-empty polygons of this geometry (collections flattened); `[]` for non-polygonal parts.
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): return p.isEmpty ? [] : [p]
        case .multiPolygon(let ps): return ps.filter { !$0.isEmpty }
        case .geometryCollection(let gs): return gs.flatMap(\.polygons)
        default: return []
        }
    }

    /// All coordinates in order (ring closing positions included).
    public var allCoordinates: [Coordinate] {
        switch self {
        case .point(let c): return [c]
        case .multiPoint(let cs), .lineString(let cs): return cs
        case .multiLineString(let ls): return ls.flatMap { $0 }
        case .polygon(let p): return p.rings.flatMap { $0 }
        case .multiPolygon(let ps): return ps.flatMap { $0.rings.flatMap { $0 } }
        case .geometryCollection(let gs): return gs.flatMap(\.allCoordinates)
        }
    }

    /// Number of positions, ring closing positions included (as `GEOSGetNumCoordinates`).
    public var coordinateCount: Int {
        switch self {
        case .point: return 1
        case .multiPoint(let cs), .lineString(let cs): return cs.count
        case .multiLineString(let ls): return ls.reduce(0) { $0 + $1.count }
        case .polygon(let p): return p.rings.reduce(0) { $0 + $1.count }
        case .multiPolygon(let ps): return ps.reduce(0) { $0 + $1.rings.reduce(0) { $0 + $1.count } }
        case .geometryCollection(let gs): return gs.reduce(0) { $0 + $1.coordinateCount }
        }
    }

    public var isEmpty: Bool { coordinateCount == 0 }

    /// Bounding box computed in Swift; `nil` for an empty geometry.
    public var envelope: Envelope? { Envelope(coordinates: allCoordinates) }

    /// Applies `f` to every position, keeping the structure.
    public func mapCoordinates(_ f: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        switch self {
        case .point(let c): return .point(try f(c))
        case .multiPoint(let cs): return .multiPoint(try cs.map(f))
        case .lineString(let cs): return .lineString(try cs.map(f))
        case .multiLineString(let ls): return .multiLineString(try ls.map { try $0.map(f) })
        case .polygon(let p): return .polygon(try p.mapCoordinates(f))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map { try $0.mapCoordinates(f) })
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapCoordinates(f) })
        }
    }
}

extension Polygon {
    public func mapCoordinates(_ f: (Coordinate) throws -> Coordinate) rethrows -> Polygon {
        Polygon(exterior: try exterior.map(f), holes: try holes.map { try $0.map(f) })
    }
}

/// An axis-aligned bounding box (inclusive bounds). Pure value type.
public struct Envelope: Hashable, Sendable, Codable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// Bounding box of `coordinates`; `nil` if empty.
    public init?<S: Sequence>(coordinates: S) where S.Element == Coordinate {
        var it = coordinates.makeIterator()
        guard let first = it.next() else { return nil }
        var e = Envelope(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        while let c = it.next() {
            e.minX = Swift.min(e.minX, c.x)
            e.minY = Swift.min(e.minY, c.y)
            e.maxX = Swift.max(e.maxX, c.x)
            e.maxY = Swift.max(e.maxY, c.y)
        }
        self = e
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: Coordinate { Coordinate((minX + maxX) / 2, (minY + maxY) / 2) }

    /// True if the boxes share at least one point (touching counts).
    public func intersects(_ other: Envelope) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }

    /// True if `c` lies inside or on the boundary.
    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    public func contains(_ other: Envelope) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    public func union(_ other: Envelope) -> Envelope {
        Envelope(minX: Swift.min(minX, other.minX), minY: Swift.min(minY, other.minY),
                 maxX: Swift.max(maxX, other.maxX), maxY: Swift.max(maxY, other.maxY))
    }

    /// Grown by `d` on every side (negative `d` shrinks).
    public func expanded(by d: Double) -> Envelope {
        Envelope(minX: minX - d, minY: minY - d, maxX: maxX + d, maxY: maxY + d)
    }

    /// The box as a closed counter-clockwise polygon.
    public var polygon: Polygon {
        Polygon(exterior: [Coordinate(minX, minY), Coordinate(maxX, minY), Coordinate(maxX, maxY),
                           Coordinate(minX, maxY), Coordinate(minX, minY)])
    }
}

/// Ring orientation helpers (pure Swift; GEOSOrientPolygons_r is GEOS 3.12+).
public enum Winding {
    /// Shoelace signed area: positive for counter-clockwise rings (y up), negative for clockwise.
    public static func signedArea(_ ring: [Coordinate]) -> Double {
        guard ring.count >= 3 else { return 0 }
        var sum = 0.0
        let origin = ring[0]  // subtract an origin for numerical stability with large coordinates
        for i in 0..<ring.count {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            sum += (a.x - origin.x) * (b.y - origin.y) - (b.x - origin.x) * (a.y - origin.y)
        }
        return sum / 2
    }

    public static func isCounterClockwise(_ ring: [Coordinate]) -> Bool { signedArea(ring) > 0 }

    /// RFC 7946 §3.1.6 orientation: exterior rings counter-clockwise, holes clockwise.
    public static func rfc7946(_ g: Geometry) -> Geometry {
        switch g {
        case .polygon(let p): return .polygon(rfc7946(p))
        case .multiPolygon(let ps): return .multiPolygon(ps.map(rfc7946))
        case .geometryCollection(let gs): return .geometryCollection(gs.map(rfc7946))
        default: return g
        }
    }

    public static func rfc7946(_ p: Polygon) -> Polygon {
        func oriented(_ ring: [Coordinate], ccw: Bool) -> [Coordinate] {
            let a = signedArea(ring)
            if a == 0 || (a > 0) == ccw { return ring }
            return ring.reversed()
        }
        return Polygon(exterior: oriented(p.exterior, ccw: true), holes: p.holes.map { oriented($0, ccw: false) })
    }
}

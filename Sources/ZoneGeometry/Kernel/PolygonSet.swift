import Foundation


/// An input error of the overlap kernel's data (malformed rings, unusable grid, unreadable files).
public struct KernelInputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A list of polygonal items (Polygon or MultiPolygon) stored flat, for millions of items without
/// one allocation each. Item `i` has polygons `itemPolyStart[i]..<itemPolyStart[i+1]`; polygon `p`
/// has rings `polyRingStart[p]..<polyRingStart[p+1]` (the first is the shell, the rest holes);
/// ring `r` has vertices `ringStart[r]..<ringStart[r+1]`, closed (last == first), at least 4.
public struct PolygonSet: Sendable, Equatable {
    public var xs: [Double] = []
    public var ys: [Double] = []
    public var ringStart: [Int] = [0]
    public var polyRingStart: [Int] = [0]
    public var itemPolyStart: [Int] = [0]

    public init() {}

    public var count: Int { itemPolyStart.count - 1 }
    public var vertexCount: Int { xs.count }

    public mutating func reserve(items: Int, vertices: Int) {
        xs.reserveCapacity(vertices)
        ys.reserveCapacity(vertices)
        ringStart.reserveCapacity(items + 1)
        polyRingStart.reserveCapacity(items + 1)
        itemPolyStart.reserveCapacity(items + 1)
    }

    /// Vertex range of all rings of item `i` (its rings are contiguous).
    public func vertexRange(item i: Int) -> Range<Int> {
        let r0 = polyRingStart[itemPolyStart[i]], r1 = polyRingStart[itemPolyStart[i + 1]]
        return ringStart[r0]..<ringStart[r1]
    }

    /// Ring range of item `i`.
    public func ringRange(item i: Int) -> Range<Int> {
        polyRingStart[itemPolyStart[i]]..<polyRingStart[itemPolyStart[i + 1]]
    }

    /// Appends one item made of `polygons` (empty polygons are skipped). Rings are closed if needed.
    public mutating func append(_ polygons: [Polygon]) throws {
        for (pi, p) in polygons.enumerated() where !p.isEmpty {
            for (ri, ring) in p.rings.enumerated() {
                let closed = Polygon.closing(ring)
                guard closed.count >= 4 else {
                    throw KernelInputError("item \(count) polygon \(pi) ring \(ri): \(closed.count) positions, needs 4")
                }
                for c in closed {
                    guard c.isFinite else { throw KernelInputError("item \(count): non-finite coordinate") }
                    xs.append(c.x)
                    ys.append(c.y)
                }
                ringStart.append(xs.count)
            }
            polyRingStart.append(ringStart.count - 1)
        }
        itemPolyStart.append(polyRingStart.count - 1)
    }

    /// Item `i` as a `Geometry` value (Polygon, or MultiPolygon if it has several parts).
    public func geometry(_ i: Int) -> Geometry {
        var polys: [Polygon] = []
        for p in itemPolyStart[i]..<itemPolyStart[i + 1] {
            var rings: [[Coordinate]] = []
            for r in polyRingStart[p]..<polyRingStart[p + 1] {
                rings.append((ringStart[r]..<ringStart[r + 1]).map { Coordinate(xs[$0], ys[$0]) })
            }
            polys.append(Polygon(exterior: rings[0], holes: Array(rings.dropFirst())))
        }
        return polys.count == 1 ? .polygon(polys[0]) : .multiPolygon(polys)
    }

    /// A set built from `Geometry` values (their polygonal parts).
    public init(geometries: [Geometry]) throws {
        for g in geometries { try append(g.polygons) }
    }

    /// The same set with every vertex transformed in place by `f`.
    public mutating func transformVertices(_ f: (inout Double, inout Double) throws -> Void) rethrows {
        for i in xs.indices { try f(&xs[i], &ys[i]) }
    }
}

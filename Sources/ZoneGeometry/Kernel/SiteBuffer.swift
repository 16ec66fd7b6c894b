/// A site's rings in the kernel's layout (flat coordinate arrays, closed rings, shells
/// counter-clockwise and holes clockwise), with its bounding box and area: what `OverlayKernel`
/// and `FacetDistance` take as a `SiteView`. Reusable: `load` keeps the buffers' capacity.
public struct SiteBuffer: Sendable {
    public private(set) var xs: [Double] = []
    public private(set) var ys: [Double] = []
    public private(set) var ringStart: [Int] = [0]
    public private(set) var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
    /// Shoelace area, shells minus holes (m² for projected coordinates).
    public private(set) var area = 0.0

    public init() {}

    public init(_ g: Geometry) {
        load(g)
    }

    public var ringCount: Int { ringStart.count - 1 }
    /// False if the geometry had no polygon with at least 4 positions.
    public var isUsable: Bool { xs.count >= 4 && ringCount > 0 }

    /// Replaces the contents with the polygonal parts of `g` (rings closed and oriented here).
    public mutating func load(_ g: Geometry) {
        xs.removeAll(keepingCapacity: true)
        ys.removeAll(keepingCapacity: true)
        ringStart.removeAll(keepingCapacity: true)
        ringStart.append(0)
        area = 0
        minX = .infinity; minY = .infinity; maxX = -.infinity; maxY = -.infinity
        for p in g.polygons {
            for k in 0..<(1 + p.holes.count) {
                let ring = Polygon.closing(k == 0 ? p.exterior : p.holes[k - 1])
                let a = Winding.signedArea(ring)
                let reverse = (k == 0) != (a > 0)
                area += k == 0 ? abs(a) : -abs(a)
                let n = ring.count
                for i in 0..<n {
                    let c = ring[reverse ? n - 1 - i : i]
                    xs.append(c.x); ys.append(c.y)
                    minX = Swift.min(minX, c.x); maxX = Swift.max(maxX, c.x)
                    minY = Swift.min(minY, c.y); maxY = Swift.max(maxY, c.y)
                }
                ringStart.append(xs.count)
            }
        }
    }

    /// Calls `body` with a view of the buffers (valid only inside `body`).
    public func withView<R>(_ body: (SiteView) throws -> R) rethrows -> R {
        try xs.withUnsafeBufferPointer { bx in
            try ys.withUnsafeBufferPointer { by in
                try ringStart.withUnsafeBufferPointer { bs in
                    try body(SiteView(x: bx.baseAddress!, y: by.baseAddress!, ringStart: bs.baseAddress!,
                                      ringCount: bs.count - 1, minX: minX, minY: minY, maxX: maxX, maxY: maxY, area: area))
                }
            }
        }
    }
}

/// Planar distances between polygon boundaries with GEOS's formulas (`Distance::pointToSegment`,
/// `Distance::segmentToSegment` of GEOS 3.11, as `GEOSDistance` uses for disjoint polygons), so the
/// result equals `GEOSDistance` up to rounding. Only the boundaries are compared: the caller knows
/// the two geometries are disjoint (otherwise the distance is 0).
public enum FacetDistance {
    @inline(__always)
    public static func pointToSegment(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
        if ax == bx && ay == by { return ((px - ax) * (px - ax) + (py - ay) * (py - ay)).squareRoot() }
        let len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
        let r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
        if r <= 0 { return ((px - ax) * (px - ax) + (py - ay) * (py - ay)).squareRoot() }
        if r >= 1 { return ((px - bx) * (px - bx) + (py - by) * (py - by)).squareRoot() }
        let s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
        return abs(s) * len2.squareRoot()
    }

    @inline(__always)
    public static func segmentToSegment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                                        _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Double {
        if ax == bx && ay == by { return pointToSegment(ax, ay, cx, cy, dx, dy) }
        if cx == dx && cy == dy { return pointToSegment(dx, dy, ax, ay, bx, by) }
        var noIntersection = false
        if max(ax, bx) < min(cx, dx) || min(ax, bx) > max(cx, dx) || max(ay, by) < min(cy, dy) || min(ay, by) > max(cy, dy) {
            noIntersection = true
        } else {
            let denom = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx)
            if denom == 0 {
                noIntersection = true
            } else {
                let rNum = (ay - cy) * (dx - cx) - (ax - cx) * (dy - cy)
                let sNum = (ay - cy) * (bx - ax) - (ax - cx) * (by - ay)
                let s = sNum / denom, r = rNum / denom
                if r < 0 || r > 1 || s < 0 || s > 1 { noIntersection = true }
            }
        }
        if noIntersection {
            return min(min(pointToSegment(ax, ay, cx, cy, dx, dy), pointToSegment(bx, by, cx, cy, dx, dy)),
                       min(pointToSegment(cx, cy, ax, ay, bx, by), pointToSegment(dx, dy, ax, ay, bx, by)))
        }
        return 0
    }

    /// Distance from the box to the box (0 if they meet).
    @inline(__always)
    static func boxDistance(_ lx: Double, _ ly: Double, _ hx: Double, _ hy: Double,
                            _ mx: Double, _ my: Double, _ nx: Double, _ ny: Double) -> Double {
        let dx = max(0, max(mx - hx, lx - nx)), dy = max(0, max(my - hy, ly - ny))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Minimum distance between the boundary of item `item` of `set` and the site's rings.
    /// Edges of the item whose box is farther from the site's box than the best distance found
    /// so far (or than `bound`) are skipped; if nothing is nearer than `bound`, returns a value ≥ `bound`.
    public static func boundaryDistance(_ set: PolygonSet, item: Int, site s: SiteView, bound: Double = .infinity) -> Double {
        var best = bound
        let rr = set.ringRange(item: item)
        if s.ringCount == 0 || rr.isEmpty { return best }
        set.xs.withUnsafeBufferPointer { X in
            set.ys.withUnsafeBufferPointer { Y in
                // A first upper bound: the nearest vertex to one of the site's vertices (a distance
                // between two boundary points), so that the edge boxes prune from the start.
                let px = s.x[0], py = s.y[0]
                var d2 = Double.infinity
                for i in set.vertexRange(item: item) {
                    let dx = X[i] - px, dy = Y[i] - py
                    d2 = min(d2, dx * dx + dy * dy)
                }
                best = min(best, d2.squareRoot())
                for r in rr {
                    let v0 = set.ringStart[r], v1 = set.ringStart[r + 1]
                    for i in v0..<(v1 - 1) {
                        let cx = X[i], cy = Y[i], dx = X[i + 1], dy = Y[i + 1]
                        let lx = min(cx, dx), hx = max(cx, dx), ly = min(cy, dy), hy = max(cy, dy)
                        if boxDistance(lx, ly, hx, hy, s.minX, s.minY, s.maxX, s.maxY) > best { continue }
                        for k in 0..<s.ringCount {
                            for j in s.ringStart[k]..<(s.ringStart[k + 1] - 1) {
                                let ax = s.x[j], ay = s.y[j], bx = s.x[j + 1], by = s.y[j + 1]
                                if boxDistance(lx, ly, hx, hy, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)) > best { continue }
                                let d = segmentToSegment(ax, ay, bx, by, cx, cy, dx, dy)
                                if d < best { best = d }
                            }
                        }
                    }
                }
            }
        }
        return best
    }
}

// Exact planar orientation predicate: a floating-point filter (Shewchuk's bound for orient2d)
// with an exact expansion-arithmetic fallback. Every topological decision of the overlap-area
// kernel (crossing, touching, collinear, point in polygon) goes through `orient2d`, so the
// kernel's topology is exact for the coordinates it is given; only the positions of computed
// crossing points are rounded.

/// Error bound factor of the fast orientation test: (3 + 16ε)ε with ε = 2⁻⁵³ (Shewchuk 1997).
@usableFromInline let orientErrorBound: Double = (3.0 + 16.0 * 0x1p-53) * 0x1p-53

/// Exact sign of the orientation of (a, b, c): +1 if they turn counter-clockwise (c left of a→b),
/// −1 if clockwise, 0 if collinear.
@inlinable @inline(__always)
public func orient2d(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
    let detLeft = (ax - cx) * (by - cy)
    let detRight = (ay - cy) * (bx - cx)
    let det = detLeft - detRight
    let bound = orientErrorBound * (abs(detLeft) + abs(detRight))
    if det > bound { return 1 }
    if -det > bound { return -1 }
    return orient2dExact(ax, ay, bx, by, cx, cy)
}

@inline(__always) func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
    let x = a + b
    let bv = x - a
    let av = x - bv
    return (x, (a - av) + (b - bv))
}

@inline(__always) func twoDiff(_ a: Double, _ b: Double) -> (Double, Double) {
    let x = a - b
    let bv = a - x
    let av = x + bv
    return (x, (a - av) + (bv - b))
}

@inline(__always) func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
    let p = a * b
    return (p, (-p).addingProduct(a, b))  // fused: a·b − p exactly
}

/// The exact sign, by expansion arithmetic (no overflow or underflow assumed). Slow; only reached
/// when the filter cannot decide, i.e. for (nearly) collinear points.
@inline(never)
public func orient2dExact(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Int {
    let (acx, acxT) = twoDiff(ax, cx)
    let (bcy, bcyT) = twoDiff(by, cy)
    let (acy, acyT) = twoDiff(ay, cy)
    let (bcx, bcxT) = twoDiff(bx, cx)
    // det = (acx + acxT)(bcy + bcyT) − (acy + acyT)(bcx + bcxT): 8 exact products, 16 terms.
    var terms = [Double]()
    terms.reserveCapacity(16)
    for (u, v, sign) in [(acx, bcy, 1.0), (acx, bcyT, 1.0), (acxT, bcy, 1.0), (acxT, bcyT, 1.0),
                         (acy, bcx, -1.0), (acy, bcxT, -1.0), (acyT, bcx, -1.0), (acyT, bcxT, -1.0)] {
        let (p, e) = twoProduct(u, v)
        terms.append(sign * p)
        terms.append(sign * e)
    }
    // Grow-Expansion (Shewchuk, Theorem 10): keeps a non-overlapping expansion, increasing magnitude.
    var h = [Double]()
    h.reserveCapacity(17)
    for b in terms {
        var q = b
        for i in h.indices {
            let (s, err) = twoSum(q, h[i])
            h[i] = err
            q = s
        }
        h.append(q)
    }
    // The sign of a non-overlapping expansion is the sign of its largest non-zero component.
    for v in h.reversed() where v != 0 { return v > 0 ? 1 : -1 }
    return 0
}

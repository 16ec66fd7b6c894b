import Foundation


/// A site ready for the kernel: projected coordinates of its rings, oriented like the zones
/// (shells counter-clockwise, holes clockwise), each ring closed. Borrowed pointers.
public struct SiteView {
    public var x: UnsafePointer<Double>
    public var y: UnsafePointer<Double>
    /// Ring k has vertices ringStart[k] ..< ringStart[k+1] (relative to x / y).
    public var ringStart: UnsafePointer<Int>
    public var ringCount: Int
    public var minX: Double, minY: Double, maxX: Double, maxY: Double
    /// Area in m² (shells minus holes).
    public var area: Double

    public init(x: UnsafePointer<Double>, y: UnsafePointer<Double>, ringStart: UnsafePointer<Int>, ringCount: Int,
                minX: Double, minY: Double, maxX: Double, maxY: Double, area: Double) {
        self.x = x; self.y = y; self.ringStart = ringStart; self.ringCount = ringCount
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY; self.area = area
    }
}

/// How one site–zone pair was decided.
public enum PairPath: Int, Sendable {
    /// Every cell under the site is inside the zone: contained, no geometry test.
    case grid
    /// No zone edge near the site: one point-in-polygon test.
    case pointInPolygon
    /// OverlayArea, the general-position path (only proper crossings).
    case crossing
    /// OverlayArea, the degenerate path (touching vertices, collinear edges).
    case degenerate
    /// GEOS (the kernel could not decide).
    case geos
}

/// Counters of the kernel's paths (per thread; add them up).
public struct KernelStats: Sendable, Equatable {
    public var grid = 0, pointInPolygon = 0, crossing = 0, degenerate = 0, geos = 0, disjointCandidates = 0
    public init() {}
    public mutating func add(_ o: KernelStats) {
        grid += o.grid; pointInPolygon += o.pointInPolygon; crossing += o.crossing
        degenerate += o.degenerate; geos += o.geos; disjointCandidates += o.disjointCandidates
    }
    mutating func count(_ p: PairPath) {
        switch p {
        case .grid: grid += 1
        case .pointInPolygon: pointInPolygon += 1
        case .crossing: crossing += 1
        case .degenerate: degenerate += 1
        case .geos: geos += 1
        }
    }
}

/// The overlap area of a site with every zone it intersects, without building overlay geometry.
///
/// Area(S ∩ Z) = ½ ∮ (x dy − y dx) around the boundary of S ∩ Z, which is made of the parts of S's
/// boundary inside Z, the parts of Z's boundary inside S, and the boundary stretches they share
/// running the same way (the idea of JTS's OverlayArea, M. Davis 2020). Each edge of S is split at its
/// crossings with Z's nearby edges; whether a piece is inside follows from the state at the edge's
/// start, toggled at each proper crossing; the same for Z's edges near S. Every decision uses the
/// exact `orient2d`; crossing points are computed once per crossing and shared by both sides, in
/// coordinates relative to the site's first vertex, so the pieces close up and the area is accurate.
/// Touching vertices and collinear edges take a slower path that splits at every contact and
/// classifies each piece (shared edges by their direction); anything it cannot classify goes to the
/// `fallback` (GEOS).
///
/// One kernel per thread (scratch buffers); the `ZoneIndex` is shared.
public final class OverlayKernel {
    public let index: ZoneIndex
    /// All mutable state lives in one struct, reached through one access per call: the hot loops
    /// then run on `inout self` without Swift's dynamic exclusivity checks on class properties.
    var core: KernelCore

    public init(index: ZoneIndex) {
        self.index = index
        core = KernelCore(index: index)
    }

    deinit { core.release() }

    public var stats: KernelStats {
        get { core.stats }
        set { core.stats = newValue }
    }
    /// Called for a pair the kernel cannot decide: (site, zone) → (area m², intersects).
    public var fallback: ((SiteView, Int) -> (Double, Bool))? {
        get { core.fallback }
        set { core.fallback = newValue }
    }
    /// Paths that may be taken (tests switch them off to exercise the others).
    public var useGrid: Bool { get { core.useGrid } set { core.useGrid = newValue } }
    public var useCrossingPath: Bool { get { core.useCrossingPath } set { core.useCrossingPath = newValue } }
    public var useDegeneratePath: Bool { get { core.useDegeneratePath } set { core.useDegeneratePath = newValue } }

    /// Results of the last `vet`: zone ids, overlap areas (m²), how each pair was decided.
    public var outZone: [UInt32] { core.outZone }
    public var outArea: [Double] { core.outArea }
    public var outPath: [PairPath] { core.outPath }

    /// Finds every zone the site intersects (closed sets: touching counts) and the overlap area with
    /// each; results in `outZone` / `outArea` / `outPath`, in ascending zone order.
    public func vet(_ s: SiteView) { core.vet(s) }

    /// Where (px, py) is relative to zone `z`: 1 inside, -1 outside, 0 on the boundary.
    public func pointInZone(_ px: Double, _ py: Double, zone z: UInt32) -> Int { core.pointInZone(px, py, zone: z) }

    /// The zones that cover (px, py) — inside or on the boundary — ascending. Only the zones the
    /// point's grid cell lists are tested (`zoneplan where`, `GET /where`).
    public func zones(covering px: Double, _ py: Double) -> [Int] {
        let ix = index
        guard px.isFinite, py.isFinite, px >= ix.originX, py >= ix.originY,
              px <= ix.originX + Double(ix.nx) * ix.cellSize, py <= ix.originY + Double(ix.ny) * ix.cellSize else { return [] }
        let cell = ix.row(py) * ix.nx + ix.column(px)
        var out: [Int] = []
        for k in Int(ix.cellStart[cell])..<Int(ix.cellStart[cell + 1]) {
            let z = ix.entries[k].zone
            if ix.entries[k].edgeCount == 0 || core.pointInZone(px, py, zone: z) >= 0 { out.append(Int(z)) }
        }
        return out.sorted()
    }

    /// Where (px, py) is relative to the site: 1 inside, -1 outside, 0 on the boundary.
    public static func pointInSite(_ s: SiteView, _ px: Double, _ py: Double) -> Int { KernelCore.pointInSite(s, px, py) }

    public static func crosses(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
        KernelCore.crosses(ax, ay, bx, by, px, py)
    }

    public static func onEdge(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
        KernelCore.onEdge(ax, ay, bx, by, px, py)
    }
}

/// The kernel's state and algorithms (see `OverlayKernel`).
struct KernelCore {
    let index: ZoneIndex
    var stats = KernelStats()
    /// Called for a pair the kernel cannot decide: (site, zone) → (area m², intersects).
    var fallback: ((SiteView, Int) -> (Double, Bool))?
    /// Paths that may be taken (tests switch them off to exercise the others).
    var useGrid = true
    var useCrossingPath = true
    var useDegeneratePath = true

    // Edge de-duplication across cells.
    let stamp: UnsafeMutablePointer<UInt32>
    private var stampValue: UInt32 = 0

    // Candidate zone edges of the current pair.
    var eCap = 256
    var ex0: UnsafeMutablePointer<Double>
    var ey0: UnsafeMutablePointer<Double>
    var ex1: UnsafeMutablePointer<Double>
    var ey1: UnsafeMutablePointer<Double>
    var eCount = 0

    // Crossing events of the fast path.
    struct Event { var edge: Int32; var t: Double; var x: Double; var y: Double }
    private var sEv: [Event] = []
    private var zEv: [Event] = []

    // Zones met by the current site.
    private var slotZone: [UInt32] = []
    private var slotBoundary: [Bool] = []
    private var boundaryEntries: [(slot: Int32, entry: Int32)] = []
    private var order: [Int] = []

    // Output of `vet`: zone ids and overlap areas (m²) of the current site.
    var outZone: [UInt32] = []
    var outArea: [Double] = []
    var outPath: [PairPath] = []

    init(index: ZoneIndex) {
        self.index = index
        stamp = .allocate(capacity: max(1, index.edgeCount))
        stamp.initialize(repeating: 0, count: max(1, index.edgeCount))
        ex0 = .allocate(capacity: eCap); ey0 = .allocate(capacity: eCap)
        ex1 = .allocate(capacity: eCap); ey1 = .allocate(capacity: eCap)
        sEv.reserveCapacity(64); zEv.reserveCapacity(64)
        slotZone.reserveCapacity(32); slotBoundary.reserveCapacity(32); order.reserveCapacity(32); boundaryEntries.reserveCapacity(64)
        outZone.reserveCapacity(32); outArea.reserveCapacity(32); outPath.reserveCapacity(32)
    }

    /// Frees the buffers (called by the owning `OverlayKernel`'s deinit).
    func release() {
        stamp.deallocate()
        ex0.deallocate(); ey0.deallocate(); ex1.deallocate(); ey1.deallocate()
    }

    @inline(__always) mutating func nextStamp() -> UInt32 {
        stampValue &+= 1
        if stampValue == 0 {
            stamp.update(repeating: 0, count: max(1, index.edgeCount))
            stampValue = 1
        }
        return stampValue
    }

    mutating func growEdges() {
        let n = eCap * 2
        func grow(_ p: UnsafeMutablePointer<Double>, _ count: Int) -> UnsafeMutablePointer<Double> {
            let q = UnsafeMutablePointer<Double>.allocate(capacity: n)
            q.update(from: p, count: count)
            p.deallocate()
            return q
        }
        ex0 = grow(ex0, eCount); ey0 = grow(ey0, eCount); ex1 = grow(ex1, eCount); ey1 = grow(ey1, eCount)
        eCap = n
    }

    // MARK: - One site against all zones

    /// Finds every zone the site intersects (closed sets: touching counts) and the overlap area with
    /// each; results in `outZone` / `outArea` / `outPath`, in ascending zone order.
    mutating func vet(_ s: SiteView) {
        outZone.removeAll(keepingCapacity: true)
        outArea.removeAll(keepingCapacity: true)
        outPath.removeAll(keepingCapacity: true)
        let ix = index
        let e = ix.eps
        if s.maxX + e < ix.originX || s.maxY + e < ix.originY { return }
        if s.minX - e > ix.originX + Double(ix.nx) * ix.cellSize || s.minY - e > ix.originY + Double(ix.ny) * ix.cellSize { return }
        let c0 = ix.column(s.minX - e), c1 = ix.column(s.maxX + e)
        let r0 = ix.row(s.minY - e), r1 = ix.row(s.maxY + e)
        slotZone.removeAll(keepingCapacity: true)
        slotBoundary.removeAll(keepingCapacity: true)
        boundaryEntries.removeAll(keepingCapacity: true)
        for r in r0...r1 {
            for c in c0...c1 {
                let cell = r * ix.nx + c
                var k = Int(ix.cellStart[cell])
                let end = Int(ix.cellStart[cell + 1])
                while k < end {
                    let ent = ix.entries[k]
                    var slot = -1
                    for q in 0..<slotZone.count where slotZone[q] == ent.zone { slot = q; break }
                    if slot < 0 {
                        slot = slotZone.count
                        slotZone.append(ent.zone)
                        slotBoundary.append(false)
                    }
                    if ent.edgeCount > 0 {
                        slotBoundary[slot] = true
                        boundaryEntries.append((Int32(slot), Int32(k)))
                    }
                    k += 1
                }
            }
        }
        if slotZone.isEmpty { return }
        if slotZone.count > 1 {  // report in zone order (insertion sort of a reused buffer: no allocation)
            order.removeAll(keepingCapacity: true)
            for q in 0..<slotZone.count {
                var j = order.count
                order.append(q)
                while j > 0 && slotZone[order[j - 1]] > slotZone[q] { order[j] = order[j - 1]; j -= 1 }
                order[j] = q
            }
            for q in order { decide(s, slot: q) }
        } else {
            decide(s, slot: 0)
        }
    }

    @inline(__always) mutating func emit(_ z: UInt32, _ area: Double, _ path: PairPath) {
        outZone.append(z)
        outArea.append(area)
        outPath.append(path)
        stats.count(path)
    }

    mutating func decide(_ s: SiteView, slot: Int) {
        let z = slotZone[slot]
        if !slotBoundary[slot] && useGrid {
            emit(z, s.area, .grid)  // all cells under the site are inside the zone
            return
        }
        gatherEdges(s, slot: slot)
        if eCount == 0 && useGrid {
            // No zone edge reaches the site's box: wholly inside or wholly outside.
            let st = pointInZone(s.x[0], s.y[0], zone: z)
            if st > 0 { emit(z, s.area, .pointInPolygon) } else { stats.disjointCandidates += 1 }
            return
        }
        if useCrossingPath, let (area, hit) = overlapCrossing(s, zone: z) {
            if hit { emit(z, area, .crossing) } else { stats.disjointCandidates += 1 }
            return
        }
        if useDegeneratePath, let (area, hit) = overlapGeneral(s, zone: z) {
            if hit { emit(z, area, .degenerate) } else { stats.disjointCandidates += 1 }
            return
        }
        if let fb = fallback {
            let (area, hit) = fb(s, Int(z))
            if hit { emit(z, area, .geos) } else { stats.disjointCandidates += 1 }
        } else {
            stats.geos += 1  // undecided and no fallback: counted, not reported
        }
    }

    /// Collects the zone's edges listed in the site's cells whose boxes meet the site's box.
    mutating func gatherEdges(_ s: SiteView, slot: Int) {
        let ix = index
        let sv = nextStamp()
        eCount = 0
        for be in boundaryEntries where Int(be.slot) == slot {
            let ent = ix.entries[Int(be.entry)]
            var k = Int(ent.edgeStart)
            let end = k + Int(ent.edgeCount)
            while k < end {
                let ed = Int(ix.cellEdges[k])
                k += 1
                if stamp[ed] == sv { continue }
                stamp[ed] = sv
                let p = ix.seg + 4 * ed
                let ax = p[0], ay = p[1], bx = p[2], by = p[3]
                if max(ax, bx) < s.minX || min(ax, bx) > s.maxX || max(ay, by) < s.minY || min(ay, by) > s.maxY { continue }
                if eCount == eCap { growEdges() }
                ex0[eCount] = ax; ey0[eCount] = ay; ex1[eCount] = bx; ey1[eCount] = by
                eCount += 1
            }
        }
    }

    // MARK: - Point in polygon

    /// Ray to the right: does it cross edge (a, b)? Half-open in y, exact side test.
    @inline(__always) static func crosses(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
        if (ay > py) == (by > py) { return false }
        let o = orient2d(ax, ay, bx, by, px, py)
        return by > ay ? o > 0 : o < 0
    }

    @inline(__always) static func onEdge(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
        if px < min(ax, bx) || px > max(ax, bx) || py < min(ay, by) || py > max(ay, by) { return false }
        return orient2d(ax, ay, bx, by, px, py) == 0
    }

    /// Where (px, py) is relative to zone `z`: 1 inside, -1 outside, 0 on the boundary. Uses the grid:
    /// a cell inside or outside answers at once; in a boundary cell, the ray to the right is followed
    /// to the first cell that is not a boundary cell of the zone (whose state is known), counting only
    /// the edges listed in the cells passed.
    mutating func pointInZone(_ px: Double, _ py: Double, zone z: UInt32) -> Int {
        let ix = index
        if px < ix.originX || py < ix.originY || px > ix.originX + Double(ix.nx) * ix.cellSize
            || py > ix.originY + Double(ix.ny) * ix.cellSize { return -1 }
        let c = ix.column(px), r = ix.row(py)
        let k0 = ix.entry(row: r, col: c, zone: z)
        if k0 < 0 { return -1 }
        if ix.entries[k0].edgeCount == 0 { return 1 }
        var stop = c + 1
        var stopInside = false
        while stop < ix.nx {
            let k = ix.entry(row: r, col: stop, zone: z)
            if k < 0 { break }
            if ix.entries[k].edgeCount == 0 { stopInside = true; break }
            stop += 1
        }
        let qx = ix.originX + Double(stop) * ix.cellSize  // a point of the stop cell, on the same line
        let sv = nextStamp()
        var parity = false
        for cc in c..<stop {
            let ent = ix.entries[ix.entry(row: r, col: cc, zone: z)]
            var k = Int(ent.edgeStart)
            let end = k + Int(ent.edgeCount)
            while k < end {
                let ed = Int(ix.cellEdges[k])
                k += 1
                if stamp[ed] == sv { continue }
                stamp[ed] = sv
                let p = ix.seg + 4 * ed
                let ax = p[0], ay = p[1], bx = p[2], by = p[3]
                if Self.onEdge(ax, ay, bx, by, px, py) { return 0 }
                if Self.crosses(ax, ay, bx, by, px, py) != Self.crosses(ax, ay, bx, by, qx, py) { parity.toggle() }
            }
        }
        return parity != stopInside ? 1 : -1
    }

    /// Where (px, py) is relative to the site: 1 inside, -1 outside, 0 on the boundary.
    static func pointInSite(_ s: SiteView, _ px: Double, _ py: Double) -> Int {
        if px < s.minX || px > s.maxX || py < s.minY || py > s.maxY { return -1 }
        var parity = false
        for k in 0..<s.ringCount {
            for i in s.ringStart[k]..<(s.ringStart[k + 1] - 1) {
                let ax = s.x[i], ay = s.y[i], bx = s.x[i + 1], by = s.y[i + 1]
                if onEdge(ax, ay, bx, by, px, py) { return 0 }
                if crosses(ax, ay, bx, by, px, py) { parity.toggle() }
            }
        }
        return parity ? 1 : -1
    }

    // MARK: - OverlayArea, general position

    /// nil if any contact is not a proper crossing (or the states disagree): then the degenerate path.
    /// Otherwise (area m², intersects).
    mutating func overlapCrossing(_ s: SiteView, zone z: UInt32) -> (Double, Bool)? {
        sEv.removeAll(keepingCapacity: true)
        zEv.removeAll(keepingCapacity: true)
        let ox = s.x[0], oy = s.y[0]
        let n = eCount
        let X0 = ex0, Y0 = ey0, X1 = ex1, Y1 = ey1
        for k in 0..<s.ringCount {
            for i in s.ringStart[k]..<(s.ringStart[k + 1] - 1) {
                let ax = s.x[i], ay = s.y[i], bx = s.x[i + 1], by = s.y[i + 1]
                if ax == bx && ay == by { continue }
                let lx = min(ax, bx), hx = max(ax, bx), ly = min(ay, by), hy = max(ay, by)
                for j in 0..<n {
                    let cx = X0[j], cy = Y0[j], dx = X1[j], dy = Y1[j]
                    if max(cx, dx) < lx || min(cx, dx) > hx || max(cy, dy) < ly || min(cy, dy) > hy { continue }
                    let oc = orient2d(ax, ay, bx, by, cx, cy), od = orient2d(ax, ay, bx, by, dx, dy)
                    if oc == od && oc != 0 { continue }
                    let oa = orient2d(cx, cy, dx, dy, ax, ay), ob = orient2d(cx, cy, dx, dy, bx, by)
                    if oa == ob && oa != 0 { continue }
                    if oc == 0 || od == 0 || oa == 0 || ob == 0 { return nil }  // touching or collinear
                    // Proper crossing: p = a + t (b − a) = c + u (d − c).
                    let rx = bx - ax, ry = by - ay, qx = dx - cx, qy = dy - cy
                    let den = rx * qy - ry * qx
                    let acx = cx - ax, acy = cy - ay
                    var t = (acx * qy - acy * qx) / den
                    var u = (acx * ry - acy * rx) / den
                    t = min(1, max(0, t)); u = min(1, max(0, u))
                    let px = (ax - ox) + t * rx, py = (ay - oy) + t * ry
                    sEv.append(Event(edge: Int32(i), t: t, x: px, y: py))
                    zEv.append(Event(edge: Int32(j), t: u, x: px, y: py))
                }
            }
        }
        Self.sortEvents(&sEv)
        Self.sortEvents(&zEv)
        var sum = 0.0
        // Site rings: state at the first vertex, toggled at each crossing.
        var ev = 0
        for k in 0..<s.ringCount {
            let v0 = s.ringStart[k], v1 = s.ringStart[k + 1]
            let st = pointInZone(s.x[v0], s.y[v0], zone: z)
            if st == 0 { return nil }
            let start = st > 0
            var inside = start
            for i in v0..<(v1 - 1) {
                var cx = s.x[i] - ox, cy = s.y[i] - oy
                while ev < sEv.count && Int(sEv[ev].edge) == i {
                    let e = sEv[ev]
                    if inside { sum += cx * e.y - e.x * cy }
                    cx = e.x; cy = e.y
                    inside.toggle()
                    ev += 1
                }
                if inside { sum += cx * (s.y[i + 1] - oy) - (s.x[i + 1] - ox) * cy }
            }
            if inside != start { return nil }
        }
        // Zone edges near the site: state at the edge's start, toggled at each crossing.
        ev = 0
        for j in 0..<n {
            var inside: Bool
            let st = Self.pointInSite(s, X0[j], Y0[j])
            if st == 0 { return nil }
            inside = st > 0
            var cx = X0[j] - ox, cy = Y0[j] - oy
            while ev < zEv.count && Int(zEv[ev].edge) == j {
                let e = zEv[ev]
                if inside { sum += cx * e.y - e.x * cy }
                cx = e.x; cy = e.y
                inside.toggle()
                ev += 1
            }
            if inside { sum += cx * (Y1[j] - oy) - (X1[j] - ox) * cy }
        }
        let area = 0.5 * sum
        if area < -1e-6 || area > s.area * (1 + 1e-9) + 1e-6 { return nil }
        return (max(0, area), !sEv.isEmpty || area > 0)
    }

    @inline(__always) static func sortEvents(_ a: inout [Event]) {
        if a.count < 2 { return }
        for i in 1..<a.count {
            let x = a[i]
            var j = i - 1
            while j >= 0 && (a[j].edge > x.edge || (a[j].edge == x.edge && a[j].t > x.t)) {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = x
        }
    }

    // MARK: - OverlayArea, degenerate cases

    struct GEvent { var edge: Int32; var t: Double; var x: Double; var y: Double; var ax: Double; var ay: Double }
    struct Interval { var edge: Int32; var t0: Double; var t1: Double; var same: Bool }

    /// Position along segment (a, b) of a point on its line, by the dominant axis (monotone, exact at the ends).
    @inline(__always) static func param(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Double {
        if px == ax && py == ay { return 0 }
        if px == bx && py == by { return 1 }
        return abs(bx - ax) >= abs(by - ay) ? (px - ax) / (bx - ax) : (py - ay) / (by - ay)
    }

    /// Splits every edge at every contact (crossings, vertices on edges, ends of collinear overlaps) and
    /// classifies each piece: shared stretches by direction (counted once, from the site's side, when
    /// both run the same way), the rest by the side of its midpoint. nil if a midpoint is on a boundary.
    mutating func overlapGeneral(_ s: SiteView, zone z: UInt32) -> (Double, Bool)? {
        let ox = s.x[0], oy = s.y[0]
        let n = eCount
        var sE: [GEvent] = [], zE: [GEvent] = []
        var sI: [Interval] = [], zI: [Interval] = []
        var contact = false
        for k in 0..<s.ringCount {
            for i in s.ringStart[k]..<(s.ringStart[k + 1] - 1) {
                let ax = s.x[i], ay = s.y[i], bx = s.x[i + 1], by = s.y[i + 1]
                if ax == bx && ay == by { continue }
                for j in 0..<n {
                    let cx = ex0[j], cy = ey0[j], dx = ex1[j], dy = ey1[j]
                    if max(cx, dx) < min(ax, bx) || min(cx, dx) > max(ax, bx) || max(cy, dy) < min(ay, by) || min(cy, dy) > max(ay, by) { continue }
                    let oc = orient2d(ax, ay, bx, by, cx, cy), od = orient2d(ax, ay, bx, by, dx, dy)
                    if oc == od && oc != 0 { continue }
                    let oa = orient2d(cx, cy, dx, dy, ax, ay), ob = orient2d(cx, cy, dx, dy, bx, by)
                    if oa == ob && oa != 0 { continue }
                    if oc == 0 && od == 0 {
                        // Collinear: compare along the dominant axis of a→b (exact comparisons).
                        let useX = abs(bx - ax) >= abs(by - ay)
                        let a1 = useX ? ax : ay, b1 = useX ? bx : by, c1 = useX ? cx : cy, d1 = useX ? dx : dy
                        let sLo = min(a1, b1), sHi = max(a1, b1), zLo = min(c1, d1), zHi = max(c1, d1)
                        if zHi < sLo || zLo > sHi { continue }
                        contact = true
                        if !(zHi > sLo && zLo < sHi) { continue }  // a single common point: an end of both
                        func strictlyIn(_ v: Double, _ lo: Double, _ hi: Double) -> Bool { v > lo && v < hi }
                        var tc = Self.param(ax, ay, bx, by, cx, cy), td = Self.param(ax, ay, bx, by, dx, dy)
                        if strictlyIn(c1, sLo, sHi) { sE.append(GEvent(edge: Int32(i), t: tc, x: cx - ox, y: cy - oy, ax: cx, ay: cy)) }
                        if strictlyIn(d1, sLo, sHi) { sE.append(GEvent(edge: Int32(i), t: td, x: dx - ox, y: dy - oy, ax: dx, ay: dy)) }
                        var ua = Self.param(cx, cy, dx, dy, ax, ay), ub = Self.param(cx, cy, dx, dy, bx, by)
                        if strictlyIn(a1, zLo, zHi) { zE.append(GEvent(edge: Int32(j), t: ua, x: ax - ox, y: ay - oy, ax: ax, ay: ay)) }
                        if strictlyIn(b1, zLo, zHi) { zE.append(GEvent(edge: Int32(j), t: ub, x: bx - ox, y: by - oy, ax: bx, ay: by)) }
                        tc = min(1, max(0, tc)); td = min(1, max(0, td))
                        ua = min(1, max(0, ua)); ub = min(1, max(0, ub))
                        let same = (bx - ax) * (dx - cx) + (by - ay) * (dy - cy) > 0
                        sI.append(Interval(edge: Int32(i), t0: min(tc, td), t1: max(tc, td), same: same))
                        zI.append(Interval(edge: Int32(j), t0: min(ua, ub), t1: max(ua, ub), same: same))
                        continue
                    }
                    contact = true
                    if oc != 0 && od != 0 && oa != 0 && ob != 0 {
                        let rx = bx - ax, ry = by - ay, qx = dx - cx, qy = dy - cy
                        let den = rx * qy - ry * qx
                        let acx = cx - ax, acy = cy - ay
                        let t = min(1, max(0, (acx * qy - acy * qx) / den))
                        let u = min(1, max(0, (acx * ry - acy * rx) / den))
                        let px = (ax - ox) + t * rx, py = (ay - oy) + t * ry
                        let pax = ax + t * rx, pay = ay + t * ry
                        sE.append(GEvent(edge: Int32(i), t: t, x: px, y: py, ax: pax, ay: pay))
                        zE.append(GEvent(edge: Int32(j), t: u, x: px, y: py, ax: pax, ay: pay))
                        continue
                    }
                    // Touching at a vertex that lies on the other segment.
                    if oc == 0 && !(cx == ax && cy == ay) && !(cx == bx && cy == by) {
                        sE.append(GEvent(edge: Int32(i), t: Self.param(ax, ay, bx, by, cx, cy), x: cx - ox, y: cy - oy, ax: cx, ay: cy))
                    }
                    if od == 0 && !(dx == ax && dy == ay) && !(dx == bx && dy == by) {
                        sE.append(GEvent(edge: Int32(i), t: Self.param(ax, ay, bx, by, dx, dy), x: dx - ox, y: dy - oy, ax: dx, ay: dy))
                    }
                    if oa == 0 && !(ax == cx && ay == cy) && !(ax == dx && ay == dy) {
                        zE.append(GEvent(edge: Int32(j), t: Self.param(cx, cy, dx, dy, ax, ay), x: ax - ox, y: ay - oy, ax: ax, ay: ay))
                    }
                    if ob == 0 && !(bx == cx && by == cy) && !(bx == dx && by == dy) {
                        zE.append(GEvent(edge: Int32(j), t: Self.param(cx, cy, dx, dy, bx, by), x: bx - ox, y: by - oy, ax: bx, ay: by))
                    }
                }
            }
        }
        sE.sort { $0.edge != $1.edge ? $0.edge < $1.edge : $0.t < $1.t }
        zE.sort { $0.edge != $1.edge ? $0.edge < $1.edge : $0.t < $1.t }
        var sum = 0.0
        var failed = false

        // Walks the pieces of edge (a, b) split at `evs[from..<to]`; `classify` decides each piece.
        func walk(_ edge: Int32, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                  _ evs: [GEvent], _ from: Int, _ to: Int, _ intervals: [Interval], siteSide: Bool) {
            var pt = 0.0, px = ax - ox, py = ay - oy, pax = ax, pay = ay
            var k = from
            while true {
                let last = k == to
                let qt = last ? 1.0 : evs[k].t
                let qx = last ? bx - ox : evs[k].x, qy = last ? by - oy : evs[k].y
                let qax = last ? bx : evs[k].ax, qay = last ? by : evs[k].ay
                if !(qax == pax && qay == pay) {
                    var include: Bool? = nil
                    for iv in intervals where iv.edge == edge && pt >= iv.t0 && qt <= iv.t1 {
                        include = siteSide && iv.same  // a shared stretch: once, from the site's side
                        break
                    }
                    if include == nil {
                        let mx = 0.5 * (pax + qax), my = 0.5 * (pay + qay)
                        let st = siteSide ? pointInZone(mx, my, zone: z) : Self.pointInSite(s, mx, my)
                        if st == 0 { failed = true; return }
                        include = st > 0
                    }
                    if include! { sum += px * qy - qx * py }
                }
                if last { return }
                pt = qt; px = qx; py = qy; pax = qax; pay = qay
                k += 1
            }
        }

        var ev = 0
        for k in 0..<s.ringCount {
            for i in s.ringStart[k]..<(s.ringStart[k + 1] - 1) {
                let ax = s.x[i], ay = s.y[i], bx = s.x[i + 1], by = s.y[i + 1]
                let from = ev
                while ev < sE.count && Int(sE[ev].edge) == i { ev += 1 }
                if ax == bx && ay == by { continue }
                walk(Int32(i), ax, ay, bx, by, sE, from, ev, sI, siteSide: true)
                if failed { return nil }
            }
        }
        ev = 0
        for j in 0..<n {
            let from = ev
            while ev < zE.count && Int(zE[ev].edge) == j { ev += 1 }
            walk(Int32(j), ex0[j], ey0[j], ex1[j], ey1[j], zE, from, ev, zI, siteSide: false)
            if failed { return nil }
        }
        let area = 0.5 * sum
        if area < -1e-6 || area > s.area * (1 + 1e-9) + 1e-6 { return nil }
        return (max(0, area), contact || area > 0)
    }
}

extension OverlayKernel {
    /// Vets one site given as a `Geometry` already in the zones' CRS (for tests and small jobs):
    /// rings are closed and oriented here. Returns (zone, overlap m², path) in zone order.
    public func vet(geometry g: Geometry) -> [(zone: Int, areaM2: Double, path: PairPath)] {
        let site = SiteBuffer(g)
        guard site.isUsable else { return [] }
        return site.withView { view in
            vet(view)
            return (0..<outZone.count).map { (Int(outZone[$0]), outArea[$0], outPath[$0]) }
        }
    }
}

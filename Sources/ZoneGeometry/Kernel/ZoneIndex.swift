import Foundation

/// One (cell, zone) record of the grid: the zone covers the whole cell (`edgeCount == 0`), or
/// its boundary passes within `ZoneIndex.eps` of the cell and `edgeCount` edges are listed from
/// `edgeStart` in `cellEdges`. Cells a zone does not reach have no record for it.
public struct ZoneCellEntry: Equatable, Sendable {
    public var zone: UInt32
    public var edgeStart: UInt32
    public var edgeCount: UInt32
}

/// The zoning layers prepared for vetting many sites: all zone edges (rings oriented so that the
/// zone's interior is on the left of every edge: shells counter-clockwise, holes clockwise), and a
/// uniform grid over the layers in which each cell lists, per zone that reaches it, either
/// "wholly inside" or the zone edges that touch the cell. Large zones are thereby subdivided: a
/// site only ever sees the few edges near it, and a site in an inside cell is contained without
/// any geometry test.
///
/// Immutable after `init`, so one index is shared by all threads.
public final class ZoneIndex: @unchecked Sendable {
    public let zones: PolygonSet
    public let zoneCount: Int
    public let edgeCount: Int
    public let cellSize: Double
    public let originX: Double
    public let originY: Double
    public let nx: Int
    public let ny: Int
    /// Margin (metres) by which edges are registered in the cells they come near: covers the
    /// rounding of cell arithmetic, so a cell with no record of a zone's edges is provably clear of them.
    public let eps: Double
    /// Zone areas (m²), from the oriented rings.
    public let zoneArea: [Double]
    /// Counts for the report.
    public let boundaryEntryCount: Int
    public let insideEntryCount: Int

    /// Edge e is (seg[4e], seg[4e+1]) → (seg[4e+2], seg[4e+3]).
    let seg: UnsafeMutablePointer<Double>
    let edgeZone: UnsafeMutablePointer<UInt32>
    let cellStart: UnsafeMutablePointer<UInt32>
    let entries: UnsafeMutablePointer<ZoneCellEntry>
    let cellEdges: UnsafeMutablePointer<UInt32>
    let entryTotal: Int
    let cellEdgeTotal: Int

    /// Builds the index. `zones` must be in a projected CRS (metres). `cellSize` ~ the size of a
    /// site works well (default 250 m).
    public init(zones: PolygonSet, cellSize: Double = 250) throws {
        guard cellSize > 0, cellSize.isFinite else { throw KernelInputError("cell size must be positive") }
        self.zones = zones
        zoneCount = zones.count
        self.cellSize = cellSize
        eps = max(1e-6, cellSize * 1e-9)

        // 1. Oriented edges, zone areas and the bounds of everything.
        var segs: [Double] = []
        var ezone: [UInt32] = []
        var zoneEdgeStart = [0]
        var areas: [Double] = []
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for z in 0..<zones.count {
            var zoneAreaSum = 0.0
            for p in zones.itemPolyStart[z]..<zones.itemPolyStart[z + 1] {
                for r in zones.polyRingStart[p]..<zones.polyRingStart[p + 1] {
                    let v0 = zones.ringStart[r], v1 = zones.ringStart[r + 1]
                    let isShell = r == zones.polyRingStart[p]
                    var a = 0.0
                    let ox = zones.xs[v0], oy = zones.ys[v0]
                    for i in v0..<(v1 - 1) {
                        a += (zones.xs[i] - ox) * (zones.ys[i + 1] - oy) - (zones.xs[i + 1] - ox) * (zones.ys[i] - oy)
                    }
                    let reverse = isShell ? a < 0 : a > 0
                    zoneAreaSum += isShell ? abs(a) / 2 : -abs(a) / 2
                    for k in 0..<(v1 - 1 - v0) {
                        let i = reverse ? v1 - 1 - k : v0 + k
                        let j = reverse ? i - 1 : i + 1
                        let ax = zones.xs[i], ay = zones.ys[i], bx = zones.xs[j], by = zones.ys[j]
                        if ax == bx && ay == by { continue }  // repeated vertex: no edge
                        segs.append(ax); segs.append(ay); segs.append(bx); segs.append(by)
                        ezone.append(UInt32(z))
                        minX = min(minX, ax); maxX = max(maxX, ax); minY = min(minY, ay); maxY = max(maxY, ay)
                    }
                }
            }
            areas.append(zoneAreaSum)
            zoneEdgeStart.append(ezone.count)
        }
        zoneArea = areas
        edgeCount = ezone.count
        if edgeCount == 0 { minX = 0; minY = 0; maxX = 0; maxY = 0 }
        guard edgeCount < Int(UInt32.max) else { throw KernelInputError("too many zone edges") }

        // 2. The grid: one free cell of margin on every side.
        originX = (minX / cellSize).rounded(.down) * cellSize - cellSize
        originY = (minY / cellSize).rounded(.down) * cellSize - cellSize
        nx = Int(((maxX - originX) / cellSize).rounded(.down)) + 2
        ny = Int(((maxY - originY) / cellSize).rounded(.down)) + 2
        guard nx > 0, ny > 0, nx * ny < 200_000_000 else {
            throw KernelInputError("grid of \(nx)×\(ny) cells: cell size \(cellSize) m is too small for these zones")
        }

        // 3. Per zone: boundary cells (with their edges) and inside cells.
        var entryCell: [Int] = []
        var entryList: [ZoneCellEntry] = []
        var edgesOut: [UInt32] = []
        var nBoundary = 0, nInside = 0
        let ox = originX, oy = originY, cs = cellSize, e = eps, nxx = nx, nyy = ny
        func col(_ x: Double) -> Int { min(nxx - 1, max(0, Int(((x - ox) / cs).rounded(.down)))) }
        func row(_ y: Double) -> Int { min(nyy - 1, max(0, Int(((y - oy) / cs).rounded(.down)))) }
        var pairs: [(cell: Int, edge: UInt32)] = []
        var crossings: [Double] = []
        var rowCrossings: [(row: Int32, x: Double)] = []
        for z in 0..<zones.count {
            let e0 = zoneEdgeStart[z], e1 = zoneEdgeStart[z + 1]
            if e0 == e1 { continue }
            pairs.removeAll(keepingCapacity: true)
            var zMinX = Double.infinity, zMinY = Double.infinity, zMaxX = -Double.infinity, zMaxY = -Double.infinity
            for ed in e0..<e1 {
                let ax = segs[4 * ed], ay = segs[4 * ed + 1], bx = segs[4 * ed + 2], by = segs[4 * ed + 3]
                let lx = min(ax, bx), hx = max(ax, bx), ly = min(ay, by), hy = max(ay, by)
                zMinX = min(zMinX, lx); zMaxX = max(zMaxX, hx); zMinY = min(zMinY, ly); zMaxY = max(zMaxY, hy)
                let c0 = col(lx - e), c1 = col(hx + e), r0 = row(ly - e), r1 = row(hy + e)
                for r in r0...r1 {
                    for c in c0...c1 {
                        if c0 != c1 && r0 != r1 {
                            // Is the segment clear of the cell grown by eps? (all corners strictly on one side)
                            let x0 = ox + Double(c) * cs - e, x1 = ox + Double(c + 1) * cs + e
                            let y0 = oy + Double(r) * cs - e, y1 = oy + Double(r + 1) * cs + e
                            let dx = bx - ax, dy = by - ay
                            let s0 = dx * (y0 - ay) - dy * (x0 - ax), s1 = dx * (y0 - ay) - dy * (x1 - ax)
                            let s2 = dx * (y1 - ay) - dy * (x0 - ax), s3 = dx * (y1 - ay) - dy * (x1 - ax)
                            if (s0 > 0 && s1 > 0 && s2 > 0 && s3 > 0) || (s0 < 0 && s1 < 0 && s2 < 0 && s3 < 0) { continue }
                        }
                        pairs.append((r * nxx + c, UInt32(ed)))
                    }
                }
            }
            pairs.sort { $0.cell != $1.cell ? $0.cell < $1.cell : $0.edge < $1.edge }
            // Boundary entries.
            var k = 0
            while k < pairs.count {
                let cell = pairs[k].cell
                let start = edgesOut.count
                while k < pairs.count && pairs[k].cell == cell {
                    edgesOut.append(pairs[k].edge)
                    k += 1
                }
                entryCell.append(cell)
                entryList.append(ZoneCellEntry(zone: UInt32(z), edgeStart: UInt32(start), edgeCount: UInt32(edgesOut.count - start)))
                nBoundary += 1
            }
            // Inside entries: scan line through the row's cell centres; crossings are computed in floating
            // point, but a cell without boundary records is at least half a cell from every crossing.
            let c0 = col(zMinX - e), c1 = col(zMaxX + e), r0 = row(zMinY - e), r1 = row(zMaxY + e)
            // The crossings of every row's centre line, bucketed per edge over the rows it spans
            // (not every edge per row): the same values, in O(edges + crossings).
            rowCrossings.removeAll(keepingCapacity: true)
            for ed in e0..<e1 {
                let ay = segs[4 * ed + 1], by = segs[4 * ed + 3]
                if ay == by { continue }
                let lo = min(ay, by), hi = max(ay, by)
                let ra = max(r0, Int(((lo - oy) / cs - 0.5).rounded(.down)) - 1)
                let rb = min(r1, Int(((hi - oy) / cs - 0.5).rounded(.up)) + 1)
                if ra > rb { continue }
                let ax = segs[4 * ed], bx = segs[4 * ed + 2]
                for r in ra...rb {
                    let y = oy + (Double(r) + 0.5) * cs
                    if (ay > y) != (by > y) {
                        rowCrossings.append((Int32(r), ax + (y - ay) * (bx - ax) / (by - ay)))
                    }
                }
            }
            rowCrossings.sort { $0.row != $1.row ? $0.row < $1.row : $0.x < $1.x }
            var rc = 0  // cursor into rowCrossings
            var bk = 0  // cursor into pairs (sorted by cell, so by row then column)
            for r in r0...r1 {
                crossings.removeAll(keepingCapacity: true)
                while rc < rowCrossings.count && Int(rowCrossings[rc].row) < r { rc += 1 }
                while rc < rowCrossings.count && Int(rowCrossings[rc].row) == r {
                    crossings.append(rowCrossings[rc].x)
                    rc += 1
                }
                if crossings.isEmpty { continue }
                var ci = 0  // crossings left of the current centre
                for c in c0...c1 {
                    let cell = r * nxx + c
                    while bk < pairs.count && pairs[bk].cell < cell { bk += 1 }
                    let xc = ox + (Double(c) + 0.5) * cs
                    while ci < crossings.count && crossings[ci] < xc { ci += 1 }
                    if bk < pairs.count && pairs[bk].cell == cell { continue }  // boundary cell
                    if ci % 2 == 1 {
                        entryCell.append(cell)
                        entryList.append(ZoneCellEntry(zone: UInt32(z), edgeStart: 0, edgeCount: 0))
                        nInside += 1
                    }
                }
            }
        }
        boundaryEntryCount = nBoundary
        insideEntryCount = nInside

        // 4. CSR by cell (counting sort, stable: entries of a cell stay in zone order).
        let ncell = nx * ny
        cellStart = .allocate(capacity: ncell + 1)
        cellStart.initialize(repeating: 0, count: ncell + 1)
        for c in entryCell { cellStart[c + 1] += 1 }
        for i in 0..<ncell { cellStart[i + 1] += cellStart[i] }
        entryTotal = entryList.count
        entries = .allocate(capacity: max(1, entryTotal))
        var fill = [UInt32](repeating: 0, count: ncell)
        for (i, c) in entryCell.enumerated() {
            entries.advanced(by: Int(cellStart[c] + fill[c])).initialize(to: entryList[i])
            fill[c] += 1
        }
        cellEdgeTotal = edgesOut.count
        cellEdges = .allocate(capacity: max(1, cellEdgeTotal))
        cellEdges.initialize(from: edgesOut, count: cellEdgeTotal)
        seg = .allocate(capacity: max(4, segs.count))
        seg.initialize(from: segs, count: segs.count)
        edgeZone = .allocate(capacity: max(1, ezone.count))
        edgeZone.initialize(from: ezone, count: ezone.count)
    }

    deinit {
        seg.deallocate()
        edgeZone.deallocate()
        cellStart.deallocate()
        entries.deallocate()
        cellEdges.deallocate()
    }

    /// Bytes held by the index arrays.
    public var memoryBytes: Int {
        edgeCount * 36 + (nx * ny + 1) * 4 + entryTotal * MemoryLayout<ZoneCellEntry>.stride + cellEdgeTotal * 4
    }

    @inline(__always) func column(_ x: Double) -> Int {
        min(nx - 1, max(0, Int(((x - originX) / cellSize).rounded(.down))))
    }

    @inline(__always) func row(_ y: Double) -> Int {
        min(ny - 1, max(0, Int(((y - originY) / cellSize).rounded(.down))))
    }

    /// Index into `entries` of zone `z`'s record in cell (`r`, `c`), or -1.
    @inline(__always) func entry(row r: Int, col c: Int, zone z: UInt32) -> Int {
        let cell = r * nx + c
        var k = Int(cellStart[cell])
        let end = Int(cellStart[cell + 1])
        while k < end {
            let ez = entries[k].zone
            if ez == z { return k }
            if ez > z { return -1 }
            k += 1
        }
        return -1
    }

    /// The edges of zone `z` (oriented, for tests): (ax, ay, bx, by).
    public func edges(ofZone z: Int) -> [(Double, Double, Double, Double)] {
        (0..<edgeCount).filter { edgeZone[$0] == UInt32(z) }.map { (seg[4 * $0], seg[4 * $0 + 1], seg[4 * $0 + 2], seg[4 * $0 + 3]) }
    }

    /// Records in cell (`r`, `c`) (for tests).
    public func cellRecords(row r: Int, col c: Int) -> [ZoneCellEntry] {
        let cell = r * nx + c
        return (Int(cellStart[cell])..<Int(cellStart[cell + 1])).map { entries[$0] }
    }
}

import Foundation
import ZoneGeometry

/// The work's checksum: site–zone pairs, the sum of their zone ids, the total overlap area.
public struct Checksum: Equatable, Sendable, CustomStringConvertible {
    public var pairs = 0
    public var zoneIdSum = 0
    public var areaM2 = 0.0
    public var contained = 0
    public var sitesSkipped = 0
    public init() {}
    public var areaKm2: Double { areaM2 / 1e6 }
    public var description: String {
        String(format: "pairs=%d zone_id_sum=%d area_km2=%.6f", pairs, zoneIdSum, areaKm2)
    }
    mutating func add(_ o: Checksum) {
        pairs += o.pairs; zoneIdSum += o.zoneIdSum; areaM2 += o.areaM2; contained += o.contained; sitesSkipped += o.sitesSkipped
    }
}

/// Which engine computes the pairs.
public enum Engine: String, Sendable {
    /// Grid + OverlayArea kernel in Swift, GEOS as fallback.
    case kernel
    /// GEOS: STRtree on the zones, prepared contains-properly shortcut, else GEOSIntersection.
    case geos
}

/// Result of one chunk of sites: per-site pair lists (zone id, overlap area in 亩) and the checksum.
public struct ChunkResult: Sendable {
    public var firstSite = 0
    public var siteCount = 0
    /// Pairs of site k are pairZone[pairStart[k] ..< pairStart[k+1]].
    public var pairStart: [Int32] = [0]
    public var pairZone: [UInt32] = []
    public var pairAreaMu: [Double] = []
    public var pairAreaM2: [Double] = []
    public var checksum = Checksum()
    public var stats = KernelStats()
}

/// Per-thread state: a PROJ context, a kernel (or a GEOS context), scratch buffers. Projects a chunk
/// of sites at once (proj_trans_generic), orients their rings, and vets them one by one.
public final class VetWorker {
    public let sites: PolygonSet
    public let index: ZoneIndex
    public let engine: Engine
    let projector: BatchProjector
    public let kernel: OverlayKernel
    private var geos: GEOSZones?
    private var px: [Double] = []
    private var py: [Double] = []

    /// `sites` in lon/lat (EPSG:4326); `index` built on the zones in EPSG:4549.
    public init(sites: PolygonSet, index: ZoneIndex, engine: Engine = .kernel, projector: BatchProjector? = nil) throws {
        self.sites = sites
        self.index = index
        self.engine = engine
        self.projector = try projector ?? BatchProjector()
        kernel = OverlayKernel(index: index)
        if engine == .geos { geos = try GEOSZones(zones: index.zones) }
        kernel.fallback = { [unowned self] s, z in
            guard let r = try? self.geosZones()?.intersectionArea(zone: z, site: s) else { return (0, false) }
            return r
        }
    }

    /// The worker's GEOS context and zones (made on first use: the kernel rarely needs them).
    public func geosZones() -> GEOSZones? {
        if geos == nil { geos = try? GEOSZones(zones: index.zones) }
        return geos
    }

    /// Projects and orients sites `range`, then calls `body` with each site's view.
    /// Sites whose projection fails are skipped (counted by the caller through the return value).
    func forEachSite(_ range: Range<Int>, _ body: (Int, SiteView) -> Void) -> Int {
        if range.isEmpty { return 0 }
        let v0 = sites.ringStart[sites.polyRingStart[sites.itemPolyStart[range.lowerBound]]]
        let v1 = sites.ringStart[sites.polyRingStart[sites.itemPolyStart[range.upperBound]]]
        let n = v1 - v0
        if px.count < n { px = [Double](repeating: 0, count: n); py = px }
        var skipped = 0
        var rings: [Int] = []
        rings.reserveCapacity(16)
        sites.xs.withUnsafeBufferPointer { sx in
            sites.ys.withUnsafeBufferPointer { sy in
                px.withUnsafeMutableBufferPointer { bx in
                    py.withUnsafeMutableBufferPointer { by in
                        let X = bx.baseAddress!, Y = by.baseAddress!
                        X.update(from: sx.baseAddress! + v0, count: n)
                        Y.update(from: sy.baseAddress! + v0, count: n)
                        projector.forward(x: X, y: Y, count: n)
                        for i in range {
                            let pr0 = sites.itemPolyStart[i], pr1 = sites.itemPolyStart[i + 1]
                            let r0 = sites.polyRingStart[pr0], r1 = sites.polyRingStart[pr1]
                            rings.removeAll(keepingCapacity: true)
                            let base = sites.ringStart[r0] - v0
                            var ok = r1 > r0
                            var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
                            var area = 0.0
                            for p in pr0..<pr1 {
                                for r in sites.polyRingStart[p]..<sites.polyRingStart[p + 1] {
                                    let a = sites.ringStart[r] - v0, b = sites.ringStart[r + 1] - v0
                                    rings.append(a - base)
                                    let ox = X[a], oy = Y[a]
                                    var s = 0.0
                                    for k in a..<(b - 1) {
                                        let x = X[k], y = Y[k]
                                        if !(x.isFinite && y.isFinite) { ok = false }
                                        minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                                        s += (x - ox) * (Y[k + 1] - oy) - (X[k + 1] - ox) * (y - oy)
                                    }
                                    let shell = r == sites.polyRingStart[p]
                                    if shell ? s < 0 : s > 0 {  // orient: shells counter-clockwise, holes clockwise
                                        var lo = a, hi = b - 1
                                        while lo < hi { let tx = X[lo]; X[lo] = X[hi]; X[hi] = tx; let ty = Y[lo]; Y[lo] = Y[hi]; Y[hi] = ty; lo += 1; hi -= 1 }
                                    }
                                    area += shell ? abs(s) / 2 : -abs(s) / 2
                                }
                            }
                            if !ok { skipped += 1; continue }
                            rings.append(sites.ringStart[r1] - v0 - base)
                            rings.withUnsafeBufferPointer { rb in
                                let view = SiteView(x: X + base, y: Y + base, ringStart: rb.baseAddress!, ringCount: rb.count - 1,
                                                    minX: minX, minY: minY, maxX: maxX, maxY: maxY, area: area)
                                body(i, view)
                            }
                        }
                    }
                }
            }
        }
        return skipped
    }

    /// Vets sites `range`.
    public func run(_ range: Range<Int>) -> ChunkResult {
        var res = ChunkResult()
        res.firstSite = range.lowerBound
        res.siteCount = range.count
        res.pairStart.reserveCapacity(range.count + 1)
        res.pairZone.reserveCapacity(range.count * 2)
        res.pairAreaMu.reserveCapacity(range.count * 2)
        res.pairAreaM2.reserveCapacity(range.count * 2)
        let before = kernel.stats
        var done = range.lowerBound
        let skipped = forEachSite(range) { i, s in
            while done < i { res.pairStart.append(Int32(res.pairZone.count)); done += 1 }  // skipped sites: no pairs
            switch engine {
            case .kernel:
                kernel.vet(s)
                let zs = kernel.outZone, areas = kernel.outArea, paths = kernel.outPath
                for k in 0..<zs.count {
                    let a = areas[k]
                    res.pairZone.append(zs[k])
                    res.pairAreaM2.append(a)
                    res.pairAreaMu.append(a * 15.0 / 10000.0)
                    if paths[k] == .grid || paths[k] == .pointInPolygon { res.checksum.contained += 1 }
                }
            case .geos:
                for (z, a) in (try? geos!.pairs(site: s)) ?? [] {
                    res.pairZone.append(UInt32(z))
                    res.pairAreaM2.append(a)
                    res.pairAreaMu.append(a * 15.0 / 10000.0)
                }
            }
            res.pairStart.append(Int32(res.pairZone.count))
            done = i + 1
        }
        while done < range.upperBound { res.pairStart.append(Int32(res.pairZone.count)); done += 1 }
        res.checksum.sitesSkipped = skipped
        res.checksum.pairs = res.pairZone.count
        var idSum = 0
        var area = 0.0
        for k in 0..<res.pairZone.count { idSum += Int(res.pairZone[k]); area += res.pairAreaM2[k] }
        res.checksum.zoneIdSum = idSum
        res.checksum.areaM2 = area
        var st = kernel.stats
        st.grid -= before.grid; st.pointInPolygon -= before.pointInPolygon; st.crossing -= before.crossing
        st.degenerate -= before.degenerate; st.geos -= before.geos; st.disjointCandidates -= before.disjointCandidates
        res.stats = st
        return res
    }
}

/// Runs `body(worker)` on `threads` threads (the calling one included) and waits.
public func onThreads(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    if threads <= 1 { body(0); return }
    let group = DispatchGroup()
    for k in 1..<threads {
        group.enter()
        let t = Thread {
            body(k)
            group.leave()
        }
        t.stackSize = 8 << 20
        t.start()
    }
    body(0)
    group.wait()
}

/// Hands out chunk numbers to threads.
final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    let count: Int
    init(count: Int) { self.count = count }
    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if next >= count { return nil }
        next += 1
        return next - 1
    }
}

/// Fixed-size result slots written by different threads at different indices.
final class Slots<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T?>
    init(_ n: Int) {
        buffer = .allocate(capacity: n)
        buffer.initialize(repeating: nil)
    }
    deinit {
        buffer.baseAddress!.deinitialize(count: buffer.count)
        buffer.deallocate()
    }
}

/// Batch vetting of all sites on `workers.count` threads, in chunks of `chunkSize` sites.
/// The checksum is added up in chunk order, so it does not depend on the number of threads.
public struct BatchResult: Sendable {
    public var chunks: [ChunkResult]
    public var checksum: Checksum
    public var stats: KernelStats
    public var seconds: Double
}

public func vetAll(workers: [VetWorker], chunkSize: Int = 2048) -> BatchResult {
    let n = workers[0].sites.count
    let nChunks = (n + chunkSize - 1) / chunkSize
    let counter = ChunkCounter(count: nChunks)
    let slots = Slots<ChunkResult>(nChunks)
    let box = UncheckedBox(workers)
    let t0 = monotonicSeconds()
    onThreads(workers.count) { k in
        let w = box.value[k]
        while let c = counter.take() {
            let lo = c * chunkSize
            slots.buffer[c] = w.run(lo..<min(n, lo + chunkSize))
        }
    }
    let seconds = monotonicSeconds() - t0
    var chunks: [ChunkResult] = []
    chunks.reserveCapacity(nChunks)
    var sum = Checksum()
    var stats = KernelStats()
    for c in 0..<nChunks {
        let r = slots.buffer[c]!
        sum.add(r.checksum)
        stats.add(r.stats)
        chunks.append(r)
    }
    return BatchResult(chunks: chunks, checksum: sum, stats: stats, seconds: seconds)
}

final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ v: T) { value = v }
}

public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Peak resident set (VmHWM) and current (VmRSS) of this process, in MB, from /proc/self/status.
public func memoryMB() -> (peak: Double, current: Double) {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    var peak = 0.0, cur = 0.0
    for line in text.split(separator: "\n") {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2, let kb = Double(parts[1]) else { continue }
        if parts[0] == "VmHWM:" { peak = kb / 1024 }
        if parts[0] == "VmRSS:" { cur = kb / 1024 }
    }
    return (peak, cur)
}

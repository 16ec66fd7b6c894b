import Foundation
import ZoneGeometry

/// Outcome of checking the kernel's pairs against GEOS on every site.
public struct VerifyReport: Sendable {
    public var sites = 0
    public var pairs = 0
    /// Sites whose set of zones differs from GEOS's (GEOSIntersects).
    public var pairSetMismatches = 0
    /// Pairs whose area differs from GEOSIntersection + GEOSArea by more than the tolerance.
    public var areaMismatches = 0
    public var maxAbsDiffM2 = 0.0
    public var geosFailures = 0
    public var examples: [String] = []
    public var seconds = 0.0
    public var ok: Bool { pairSetMismatches == 0 && areaMismatches == 0 && geosFailures == 0 }

    mutating func add(_ o: VerifyReport) {
        sites += o.sites; pairs += o.pairs; pairSetMismatches += o.pairSetMismatches
        areaMismatches += o.areaMismatches; maxAbsDiffM2 = max(maxAbsDiffM2, o.maxAbsDiffM2)
        geosFailures += o.geosFailures
        if examples.count < 10 { examples += o.examples.prefix(10 - examples.count) }
    }
}

extension VetWorker {
    /// Recomputes the chunk with GEOS — the zones each site intersects (GEOSIntersects) and, for every
    /// pair, GEOSIntersection + GEOSArea — and compares with the chunk's pairs.
    public func verify(_ chunk: ChunkResult, tolerance: Double) -> VerifyReport {
        var rep = VerifyReport()
        guard let g = geosZones() else { rep.geosFailures = 1; return rep }
        _ = forEachSite(chunk.firstSite..<(chunk.firstSite + chunk.siteCount)) { i, s in
            rep.sites += 1
            let k = i - chunk.firstSite
            let lo = Int(chunk.pairStart[k]), hi = Int(chunk.pairStart[k + 1])
            var mine: [(Int, Double)] = []
            for p in lo..<hi { mine.append((Int(chunk.pairZone[p]), chunk.pairAreaM2[p])) }
            guard let ref = try? g.pairs(site: s, alwaysOverlay: true) else { rep.geosFailures += 1; return }
            rep.pairs += ref.count
            if ref.map(\.zone) != mine.map(\.0) {
                rep.pairSetMismatches += 1
                if rep.examples.count < 10 {
                    rep.examples.append("site \(i): zones \(mine.map(\.0)) vs GEOS \(ref.map(\.zone))")
                }
                return
            }
            for (r, m) in zip(ref, mine) {
                let d = abs(r.area - m.1)
                rep.maxAbsDiffM2 = max(rep.maxAbsDiffM2, d)
                if d > tolerance {
                    rep.areaMismatches += 1
                    if rep.examples.count < 10 {
                        rep.examples.append("site \(i) zone \(r.zone): area \(m.1) vs GEOS \(r.area) m² (diff \(d))")
                    }
                }
            }
        }
        return rep
    }
}

/// Verifies every chunk of `result` on the workers' threads.
public func verifyAll(workers: [VetWorker], result: BatchResult, tolerance: Double = 1e-6) -> VerifyReport {
    let counter = ChunkCounter(count: result.chunks.count)
    let slots = Slots<VerifyReport>(result.chunks.count)
    let box = UncheckedBox((workers, result.chunks))
    let t0 = monotonicSeconds()
    onThreads(workers.count) { k in
        let w = box.value.0[k]
        while let c = counter.take() { slots.buffer[c] = w.verify(box.value.1[c], tolerance: tolerance) }
    }
    var total = VerifyReport()
    for c in 0..<result.chunks.count { total.add(slots.buffer[c]!) }
    total.seconds = monotonicSeconds() - t0
    return total
}

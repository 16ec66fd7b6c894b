import Foundation
import ZoneBench
import ZoneGeometry

// zoneplan-bench — see BENCHMARKS.md.
//   zoneplan-bench --zones Z.wkb --sites S.wkb [--threads T] [--reps R] [--engine kernel|geos]
//                  [--verify] [--cell M] [--json OUT]
//   zoneplan-bench --layers GeoData/layers --sites S.wkb …     (the project's own layers as zones)
//   zoneplan-bench cold-check --binary .build/release/zoneplan [--runs 20] -- check --quiet FILE
// Prints one JSON object on stdout (sites_per_s, pairs, area_km2, …) and a summary on stderr.

let processStart = monotonicSeconds()
let loadBefore = loadAverage1m()

/// 1-minute load average (other processes competing for the cores show up here).
func loadAverage1m() -> Double {
    guard let t = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return -1 }
    return Double(t.split(separator: " ").first ?? "") ?? -1
}

/// User + system CPU seconds of this process so far.
func cpuSeconds() -> Double {
    var ru = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &ru)
    return Double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + Double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6
}

func fail(_ message: String, code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("zoneplan-bench: \(message)\n".utf8))
    exit(code)
}

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

func jsonText(_ obj: [String: Any]) -> String {
    guard let d = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]) else { return "{}" }
    return String(decoding: d, as: UTF8.self)
}

func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

var args = Array(CommandLine.arguments.dropFirst())
if args.first == "-h" || args.first == "--help" {
    print("""
    usage: zoneplan-bench --zones ZONES_4549.wkb --sites SITES_4326.wkb [--threads T] [--reps R]
                          [--engine kernel|geos] [--verify] [--cell METRES] [--json OUT]
           zoneplan-bench --layers DIR --sites SITES_4326.wkb …
           zoneplan-bench cold-check --binary PATH [--runs N] -- ARGS…
    """)
    exit(0)
}

// MARK: cold-check

if args.first == "cold-check" {
    var binary = ".build/release/zoneplan", runs = 20
    var rest: [String] = []
    var i = 1
    while i < args.count {
        let a = args[i]
        if a == "--" { rest = Array(args[(i + 1)...]); break }
        guard i + 1 < args.count else { fail("\(a) needs a value") }
        switch a {
        case "--binary": binary = args[i + 1]
        case "--runs": runs = Int(args[i + 1]) ?? runs
        default: fail("unknown option \(a)")
        }
        i += 2
    }
    do {
        let r = try ColdRun.measure(executable: binary, arguments: rest, runs: runs)
        let out: [String: Any] = [
            "command": ([binary] + rest).joined(separator: " "), "runs": runs,
            "median_ms": round6(r.median * 1000), "min_ms": round6(r.min * 1000), "max_ms": round6(r.max * 1000),
            "peak_rss_mb": round6(r.peakRSSMB), "exit_codes": Array(Set(r.exitCodes)).sorted(), "valid": r.allValid,
        ]
        log(String(format: "cold %@: median %.1f ms (min %.1f, max %.1f), peak RSS %.1f MB, exit codes %@",
                   rest.joined(separator: " "), r.median * 1000, r.min * 1000, r.max * 1000, r.peakRSSMB,
                   Array(Set(r.exitCodes)).sorted().map(String.init).joined(separator: ",")))
        print(jsonText(out))
        exit(r.allValid ? 0 : 1)
    } catch { fail("\(error)") }
}

// MARK: batch vetting

var zonesPath: String?, layersDir: String?, sitesPath: String?, jsonOut: String?
var threads = ProcessInfo.processInfo.activeProcessorCount
var reps: Int?
var engine = Engine.kernel
var verify = false
var cell = 250.0
var i = 0
while i < args.count {
    let a = args[i]
    if a == "--verify" { verify = true; i += 1; continue }
    guard i + 1 < args.count else { fail("\(a) needs a value") }
    let v = args[i + 1]
    switch a {
    case "--zones": zonesPath = v
    case "--layers": layersDir = v
    case "--sites": sitesPath = v
    case "--threads": threads = max(1, Int(v) ?? threads)
    case "--reps": reps = max(1, Int(v) ?? 1)
    case "--engine": engine = Engine(rawValue: v) ?? { fail("--engine kernel or geos") }()
    case "--cell": cell = Double(v) ?? cell
    case "--json": jsonOut = v
    default: fail("unknown option \(a)")
    }
    i += 2
}
guard let sitesPath, zonesPath != nil || layersDir != nil else { fail("need --sites and --zones (or --layers); --help for usage") }

do {
    // Load (read + parse the WKB / GeoJSON).
    var t0 = monotonicSeconds()
    let zones: PolygonSet
    var repaired: [String] = []
    if let layersDir {
        let l = try ZoneSource.geoJSONLayersChecked(layersDir)
        zones = l.zones
        repaired = l.repaired
        if !repaired.isEmpty { log("invalid once projected to EPSG:4549, repaired with GEOS MakeValid: \(repaired.joined(separator: ", "))") }
    } else {
        zones = try ZoneSource.wkbFile(zonesPath!)
    }
    let sites = try WKBFile.read(path: sitesPath)
    let loadSeconds = monotonicSeconds() - t0
    let n = sites.count
    log("loaded \(zones.count) zones (\(zones.vertexCount) vertices), \(n) sites (\(sites.vertexCount) vertices) in \(String(format: "%.3f", loadSeconds)) s")

    // Index and per-thread workers (a PROJ context each; GEOS contexts for --engine geos).
    t0 = monotonicSeconds()
    let index = try ZoneIndex(zones: zones, cellSize: cell)
    let indexSeconds = monotonicSeconds() - t0
    t0 = monotonicSeconds()
    let workers = try (0..<threads).map { _ in try VetWorker(sites: sites, index: index, engine: engine) }
    let setupSeconds = monotonicSeconds() - t0
    log(String(format: "index: %d×%d cells of %.0f m, %d edges, %d boundary + %d inside records, %.1f MB, %.3f s; workers %.3f s",
               index.nx, index.ny, cell, index.edgeCount, index.boundaryEntryCount, index.insideEntryCount,
               Double(index.memoryBytes) / 1e6, indexSeconds, setupSeconds))

    let repCount = reps ?? (n >= 1_000_000 ? 3 : n >= 100_000 ? 5 : 10)
    var times: [Double] = []
    var result: BatchResult?
    var e2e = 0.0
    let cpu0 = cpuSeconds()
    for r in 0..<repCount {
        result = nil  // free the previous pairs first
        let res = vetAll(workers: workers)
        times.append(res.seconds)
        if r == 0 { e2e = monotonicSeconds() - processStart }
        if let prev = result, prev.checksum != res.checksum { fail("checksum changed between repetitions") }
        result = res
    }
    let res = result!
    let cpuPerRep = (cpuSeconds() - cpu0) / Double(repCount)
    let loadAfter = loadAverage1m()
    let mem = memoryMB()
    let sorted = times.sorted()
    let median = sorted[sorted.count / 2]
    let c = res.checksum
    let ref = layersDir == nil ? ReferenceChecksum.lookup(sites: n, zones: zones.count) : nil
    let refOK = ref.map { $0.matches(c) }

    var out: [String: Any] = [
        "tool": "zoneplan-bench", "engine": engine.rawValue, "N": n, "zones": zones.count,
        "zone_vertices": zones.vertexCount, "site_vertices": sites.vertexCount, "threads": threads,
        "cores": ProcessInfo.processInfo.activeProcessorCount, "reps": repCount,
        "sites_per_s": (Double(n) / median).rounded(), "vet_s_median": round6(median),
        "vet_s_min": round6(sorted.first!), "vet_s_max": round6(sorted.last!),
        "pairs": c.pairs, "zone_id_sum": c.zoneIdSum, "area_km2": round6(c.areaKm2),
        "contained_pairs": c.contained, "sites_skipped": c.sitesSkipped,
        "load_s": round6(loadSeconds), "index_s": round6(indexSeconds), "setup_s": round6(setupSeconds),
        "e2e_s": round6(e2e), "peak_rss_mb": round6(mem.peak), "cell_m": cell,
        "cpu_s_per_rep": round6(cpuPerRep), "sites_per_cpu_s": (Double(n) / cpuPerRep).rounded(),
        "loadavg_1m_before": loadBefore, "loadavg_1m_after": loadAfter,
        "paths": ["grid": res.stats.grid, "point_in_polygon": res.stats.pointInPolygon, "crossing": res.stats.crossing,
                  "degenerate": res.stats.degenerate, "geos_fallback": res.stats.geos,
                  "disjoint_candidates": res.stats.disjointCandidates],
        "geos_version": GeometryEngine.geosVersion, "proj_version": BatchProjector.projVersion,
        "zones_source": layersDir ?? zonesPath!, "sites_source": sitesPath,
    ]
    if layersDir != nil { out["zones_repaired"] = repaired }
    if let ref {
        out["reference"] = ["pairs": ref.pairs, "zone_id_sum": ref.zoneIdSum as Any, "area_km2": ref.areaKm2, "ok": refOK!]
    }
    log(String(format: "%@ T=%d: vet median %.4f s (min %.4f, max %.4f, %d reps) -> %.0f sites/s; %@; contained %d; peak RSS %.0f MB; e2e %.3f s",
               engine.rawValue, threads, median, sorted.first!, sorted.last!, repCount, Double(n) / median,
               c.description, c.contained, mem.peak, e2e))
    log(String(format: "CPU %.3f s per pass (%.0f sites per CPU-second); 1-min load average %.2f before, %.2f after",
               cpuPerRep, Double(n) / cpuPerRep, loadBefore, loadAfter))
    log("paths: grid \(res.stats.grid), point-in-polygon \(res.stats.pointInPolygon), crossing \(res.stats.crossing), degenerate \(res.stats.degenerate), GEOS fallback \(res.stats.geos)")
    if let ref { log("reference \(ref.pairs) pairs, \(ref.areaKm2) km²: \(refOK! ? "MATCH" : "MISMATCH")") }

    if verify {
        let v = verifyAll(workers: workers, result: res, tolerance: 1e-6)
        out["verify"] = ["sites": v.sites, "pairs": v.pairs, "pair_set_mismatches": v.pairSetMismatches,
                         "area_mismatches": v.areaMismatches, "max_abs_diff_m2": v.maxAbsDiffM2,
                         "geos_failures": v.geosFailures, "tolerance_m2": 1e-6, "ok": v.ok, "seconds": round6(v.seconds),
                         "examples": v.examples]
        log(String(format: "verify (GEOSIntersection + GEOSArea on every pair, %d pairs, %.1f s): %@; max |diff| %.3g m²",
                   v.pairs, v.seconds, v.ok ? "OK" : "FAILED", v.maxAbsDiffM2))
        for e in v.examples { log("  \(e)") }
    }
    let text = jsonText(out)
    print(text)
    if let jsonOut { try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: jsonOut)) }
    if refOK == false { exit(3) }
    if verify, let v = out["verify"] as? [String: Any], v["ok"] as? Bool == false { exit(4) }
} catch {
    fail("\(error)")
}

import Foundation
import ZoneGeometry

/// The reference work of the shared data set (`../shared/bench/gen_data.py`, 257 zones).
public struct ReferenceChecksum: Sendable {
    public var sites: Int
    public var pairs: Int
    public var zoneIdSum: Int?
    public var areaKm2: Double

    public static let known: [ReferenceChecksum] = [
        ReferenceChecksum(sites: 10_000, pairs: 18_418, zoneIdSum: nil, areaKm2: 1338.182556),
        ReferenceChecksum(sites: 100_000, pairs: 184_744, zoneIdSum: 10_130_888, areaKm2: 13562.224203),
        ReferenceChecksum(sites: 1_000_000, pairs: 1_845_279, zoneIdSum: 100_753_415, areaKm2: 134974.774708),
    ]

    /// The reference for `sites` sites against the shared 257 zones, if there is one.
    public static func lookup(sites: Int, zones: Int) -> ReferenceChecksum? {
        zones == 257 ? known.first { $0.sites == sites } : nil
    }

    /// Same pairs, same zone-id sum (when known), area within 1e-9 relative (the reference is
    /// given to 1e-6 km², so at least ±5e-7 km² is allowed).
    public func matches(_ c: Checksum) -> Bool {
        c.pairs == pairs && (zoneIdSum.map { $0 == c.zoneIdSum } ?? true)
            && abs(c.areaKm2 - areaKm2) <= max(1e-9 * areaKm2, 5e-7)
    }
}

/// Loading the zones.
public enum ZoneSource {
    /// Zones in EPSG:4549 from a benchmark WKB file.
    public static func wkbFile(_ path: String) throws -> PolygonSet { try WKBFile.read(path: path) }

    /// The project's own layers: every `*.geojson` in `directory` (sorted by file name, features
    /// in file order), WGS 84 lon/lat projected to EPSG:4549 with `CoordinateTransformer`.
    /// A feature that is invalid once projected (GEOS isValid) is repaired with GEOS MakeValid, so
    /// the overlap areas are well defined; their names are returned in `repaired`.
    /// Returns the zones and a name per zone ("file:index").
    public static func geoJSONLayers(_ directory: String) throws -> (PolygonSet, [String]) {
        let (set, names, _) = try geoJSONLayersChecked(directory)
        return (set, names)
    }

    public static func geoJSONLayersChecked(_ directory: String) throws -> (zones: PolygonSet, names: [String], repaired: [String]) {
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".geojson") }.sorted()
        guard !files.isEmpty else { throw BenchInputError("no .geojson files in \(directory)") }
        let tr = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        let engine = GeometryEngine()
        var set = PolygonSet()
        var names: [String] = []
        var repaired: [String] = []
        for f in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(f))
            for (i, feat) in try GeoJSON.parseFeatures(data).enumerated() {
                guard let g = feat.geometry, g.isPolygonal else { continue }
                var p = try tr.transform(g)
                if try !engine.isValid(p) {
                    p = try engine.makeValid(p)
                    repaired.append("\(f):\(i)")
                }
                try set.append(p.polygons)
                names.append("\(f):\(i)")
            }
        }
        return (set, names, repaired)
    }
}

/// Timing of a command as a cold process: spawned, waited for, its peak RSS read from wait4.
public struct ColdRunReport: Sendable {
    public var runs: [Double] = []  // seconds
    public var exitCodes: [Int32] = []
    public var peakRSSMB = 0.0
    public var median: Double { runs.isEmpty ? .nan : runs.sorted()[runs.count / 2] }
    public var min: Double { runs.min() ?? .nan }
    public var max: Double { runs.max() ?? .nan }
    /// Exit codes 0 and 1 are verdicts (approve / not); anything else is a failure of the command.
    public var allValid: Bool { !exitCodes.isEmpty && exitCodes.allSatisfy { $0 == 0 || $0 == 1 } }
}

public enum ColdRun {
    /// Runs `executable args…` `runs` times (after `warmups` untimed runs), output to /dev/null.
    public static func measure(executable: String, arguments: [String], runs: Int, warmups: Int = 1) throws -> ColdRunReport {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchInputError("\(executable) is not an executable file (build it first)")
        }
        var rep = ColdRunReport()
        for k in 0..<(warmups + runs) {
            let t0 = monotonicSeconds()
            let (code, maxrssKB) = try spawnAndWait(executable, arguments)
            let dt = monotonicSeconds() - t0
            if k >= warmups {
                rep.runs.append(dt)
                rep.exitCodes.append(code)
                rep.peakRSSMB = Swift.max(rep.peakRSSMB, Double(maxrssKB) / 1024)
            }
        }
        return rep
    }

    static func spawnAndWait(_ exe: String, _ args: [String]) throws -> (Int32, Int) {
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &fa, nil, argv, environ)
        guard rc == 0 else { throw BenchInputError("posix_spawn \(exe) failed: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var ru = rusage()
        while wait4(pid, &status, 0, &ru) < 0 {
            if errno != EINTR { throw BenchInputError("wait4 failed: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS by hand (macros are not imported).
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, Int(ru.ru_maxrss))
    }
}

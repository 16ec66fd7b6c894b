import CPROJ
import Foundation

/// Small results that are dear to compute and cheap to keep between runs, each kept in memory for
/// the process and in a small file under the user's cache directory (`$ZONEPLAN_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/zoneplan`, else `~/.cache/zoneplan`; `ZONEPLAN_CACHE_DIR=off` disables the
/// files). Each line carries a checksum; any problem with a file means computing as before, never
/// another answer.
///
/// - `projOperations`: the coordinate operations `proj_create_crs_to_crs` picked, as PROJ strings,
///   so that the next transformer between the same CRSs is built with `proj_create` (~0.1 ms)
///   instead of searching proj.db again (~20–30 ms, a sixth of a cold `zoneplan check`). Keyed by
///   the CRS pair, the PROJ release and proj.db's path, size and modification time, so a PROJ or
///   database upgrade misses it; a string that does not read back as itself is not used.
/// - `validity`: GEOS's verdict on the plan's projected features (`CompiledPlanGeometry`), keyed
///   by a hash of every projected coordinate, the GEOS release and the PROJ release, so a cold
///   `zoneplan check` does not re-check geometry that has not changed (~15–20 ms of CPU).
final class UserCache: @unchecked Sendable {
    static let projOperations = UserCache(fileName: "proj-operations.txt")
    static let validity = UserCache(fileName: "validity.txt")

    let fileName: String
    init(fileName: String) { self.fileName = fileName }

    /// The file, or nil when disabled.
    var fileURL: URL? {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["ZONEPLAN_CACHE_DIR"] {
            if dir.isEmpty || dir == "off" { return nil }
            return URL(fileURLWithPath: dir).appendingPathComponent(fileName)
        }
        let base: URL
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { base = URL(fileURLWithPath: xdg) } else {
            guard let home = env["HOME"], !home.isEmpty else { return nil }
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        }
        return base.appendingPathComponent("zoneplan/\(fileName)")
    }

    /// What a PROJ operation depends on besides the CRSs: PROJ's release and its database file.
    static func projEnvironmentKey(_ ctx: OpaquePointer) -> String? {
        let release = String(cString: proj_info().release)
        guard let dbC = proj_context_get_database_path(ctx) else { return nil }
        let db = String(cString: dbC)
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: db),
              let size = attrs[.size] as? NSNumber, let mtime = attrs[.modificationDate] as? Date else { return nil }
        return "\(release)|\(db)|\(size.int64Value)|\(mtime.timeIntervalSince1970)"
    }

    static func projKey(_ source: CRS, _ target: CRS, _ env: String) -> String { "\(source.rawValue)>\(target.rawValue)|\(env)" }

    private let lock = NSLock()
    private var texts: [String: String] = [:]
    private var loadedFile = false

    func text(for key: String) -> String? {
        lock.lock(); defer { lock.unlock() }
        if !loadedFile { loadedFile = true; load() }
        return texts[key]
    }

    func remember(_ text: String, for key: String) {
        lock.lock(); defer { lock.unlock() }
        guard texts[key] != text else { return }
        texts[key] = text
        save()
    }

    /// 64-bit FNV-1a, enough to notice a damaged line.
    static func checksum(_ s: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }

    private func load() {
        guard let url = fileURL, let data = FileManager.default.contents(atPath: url.path) else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, Self.checksum(parts[0] + "\t" + parts[1]) == parts[2] else { continue }
            texts[parts[0]] = parts[1]
        }
    }

    /// Best effort: written whole to a temporary file, then renamed over the old one.
    private func save() {
        guard let url = fileURL else { return }
        let body = texts.sorted { $0.key < $1.key }.map { k, v in "\(k)\t\(v)\t\(Self.checksum(k + "\t" + v))\n" }.joined()
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(fileName).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(body.utf8).write(to: tmp)
            if rename(tmp.path, url.path) != 0 { try? FileManager.default.removeItem(at: tmp) }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
        }
    }
}

/// GEOS's validity verdicts on a list of geometries, remembered between runs (`UserCache.validity`).
public enum ValidityMemo {
    /// The key of `geometries`: a 64-bit hash of their kinds and every coordinate's bits, with the
    /// GEOS and PROJ releases (a GEOS upgrade may judge differently; PROJ made the coordinates).
    public static func key(_ geometries: [Geometry]) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x100000001b3; h ^= h >> 29 }
        func add(_ cs: [Coordinate]) { mix(UInt64(cs.count)); for c in cs { mix(c.x.bitPattern); mix(c.y.bitPattern) } }
        func add(_ g: Geometry) {
            switch g {
            case .point(let c): mix(1); add([c])
            case .multiPoint(let cs): mix(2); add(cs)
            case .lineString(let cs): mix(3); add(cs)
            case .multiLineString(let ls): mix(4); mix(UInt64(ls.count)); ls.forEach(add)
            case .polygon(let p): mix(5); mix(UInt64(p.rings.count)); p.rings.forEach(add)
            case .multiPolygon(let ps): mix(6); mix(UInt64(ps.count)); for p in ps { mix(UInt64(p.rings.count)); p.rings.forEach(add) }
            case .geometryCollection(let gs): mix(7); mix(UInt64(gs.count)); gs.forEach(add)
            }
        }
        mix(UInt64(geometries.count))
        geometries.forEach(add)
        return "\(String(h, radix: 16))|\(geometries.count)|geos \(GeometryEngine.geosVersion)|proj \(String(cString: proj_info().release))"
    }

    /// The verdicts kept for `key`, if any.
    public static func flags(for key: String) -> [Bool]? {
        guard let text = UserCache.validity.text(for: key), let n = Int(key.split(separator: "|")[1]), text.count == n,
              text.allSatisfy({ $0 == "1" || $0 == "0" }) else { return nil }
        return text.map { $0 == "1" }
    }

    public static func remember(_ flags: [Bool], for key: String) {
        UserCache.validity.remember(String(flags.map { $0 ? "1" : "0" }), for: key)
    }
}

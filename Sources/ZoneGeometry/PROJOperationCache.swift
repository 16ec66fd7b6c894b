import CPROJ
import Foundation

/// The coordinate operations `proj_create_crs_to_crs` picked, as PROJ strings, so that the next
/// transformer between the same CRSs is built with `proj_create` (~0.1 ms) instead of searching
/// proj.db again (~20–30 ms, a sixth of a cold `zoneplan check`).
///
/// Kept in memory for the process and in a small file under the user's cache directory
/// (`$ZONEPLAN_CACHE_DIR`, else `$XDG_CACHE_HOME/zoneplan`, else `~/.cache/zoneplan`;
/// `ZONEPLAN_CACHE_DIR=off` disables the file). An entry is keyed by the CRS pair, the PROJ
/// release and proj.db's path, size and modification time, so a PROJ or database upgrade misses
/// it; each line carries a checksum, and a string that does not read back as itself is not used.
/// Any problem with the file means a search as before, never another operation.
final class PROJOperationCache: @unchecked Sendable {
    static let shared = PROJOperationCache()

    private let lock = NSLock()
    private var texts: [String: String] = [:]
    private var loadedFile = false

    /// The file, or nil when disabled.
    static var fileURL: URL? {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["ZONEPLAN_CACHE_DIR"] {
            if dir.isEmpty || dir == "off" { return nil }
            return URL(fileURLWithPath: dir).appendingPathComponent("proj-operations.txt")
        }
        let base: URL
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { base = URL(fileURLWithPath: xdg) } else {
            guard let home = env["HOME"], !home.isEmpty else { return nil }
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        }
        return base.appendingPathComponent("zoneplan/proj-operations.txt")
    }

    /// What an operation depends on besides the CRSs: PROJ's release and its database file.
    static func environmentKey(_ ctx: OpaquePointer) -> String? {
        let release = String(cString: proj_info().release)
        guard let dbC = proj_context_get_database_path(ctx) else { return nil }
        let db = String(cString: dbC)
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: db),
              let size = attrs[.size] as? NSNumber, let mtime = attrs[.modificationDate] as? Date else { return nil }
        return "\(release)|\(db)|\(size.int64Value)|\(mtime.timeIntervalSince1970)"
    }

    static func key(_ source: CRS, _ target: CRS, _ env: String) -> String { "\(source.rawValue)>\(target.rawValue)|\(env)" }

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
        guard let url = Self.fileURL, let data = FileManager.default.contents(atPath: url.path) else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, Self.checksum(parts[0] + "\t" + parts[1]) == parts[2] else { continue }
            texts[parts[0]] = parts[1]
        }
    }

    /// Best effort: written whole to a temporary file, then renamed over the old one.
    private func save() {
        guard let url = Self.fileURL else { return }
        let body = texts.sorted { $0.key < $1.key }.map { k, v in "\(k)\t\(v)\t\(Self.checksum(k + "\t" + v))\n" }.joined()
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".proj-operations.\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(body.utf8).write(to: tmp)
            if rename(tmp.path, url.path) != 0 { try? FileManager.default.removeItem(at: tmp) }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
        }
    }
}

import Foundation

/// A PostgreSQL + PostGIS server for test suites. `$ZONEPLAN_TEST_PG` (a `postgres://` URL of a
/// database on a server where the role may CREATE DATABASE) when set; otherwise a throwaway
/// cluster started once per process with `scripts/pg-test-server.sh` (PostgreSQL 15 + PostGIS 3
/// from Debian's packages, loopback, its own port) and stopped when the process exits — a
/// watcher stops it even when the process crashes. A server that cannot start is an error that
/// says why; the tests that need it fail, they do not skip.
public enum PostGISTestServer {
    public static let environmentVariable = "ZONEPLAN_TEST_PG"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: Result<String, PostGISError>?
    nonisolated(unsafe) private static var clusterDir: String?
    nonisolated(unsafe) private static var script: String?

    /// The server's URL (its maintenance database), starting the server on first use.
    public static func url(repoRoot: URL) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let started { return try started.get() }
        let result: Result<String, PostGISError>
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty {
            result = .success(env)
        } else {
            result = Result { try start(repoRoot: repoRoot) }.mapError { $0 as? PostGISError ?? PostGISError("\($0)") }
        }
        started = result
        return try result.get()
    }

    /// A new, empty database with PostGIS for one test; returns its URL.
    public static func freshDatabase(repoRoot: URL, prefix: String = "zp_t") throws -> String {
        let server = try url(repoRoot: repoRoot)
        let name = prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        do {
            return try ZonePostGIS.createDatabase(name, on: server, template: "zp_template")
        } catch {
            // A server not made by pg-test-server.sh has no zp_template: copy template1 and add PostGIS.
            return try ZonePostGIS.createDatabase(name, on: server)
        }
    }

    /// Drops a database made by `freshDatabase` (best effort).
    public static func dropDatabase(url: String, repoRoot: URL) {
        guard let server = try? Self.url(repoRoot: repoRoot), let name = try? PostgresURL(url).database else { return }
        try? ZonePostGIS.dropDatabase(name, on: server)
    }

    private static func start(repoRoot: URL) throws -> String {
        let scriptPath = repoRoot.appendingPathComponent("scripts/pg-test-server.sh").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-pg-\(UUID().uuidString.prefix(8))").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [scriptPath, "start", dir, "--watch", "\(ProcessInfo.processInfo.processIdentifier)"]
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("zp-pg-start-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: tmp.path + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: tmp.path + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: tmp.path + ".out")
            try? FileManager.default.removeItem(atPath: tmp.path + ".err")
        }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp.path + ".out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp.path + ".err"))
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            throw PostGISError("the PostgreSQL test server cannot start: cannot run \(scriptPath): \(error)")
        }
        p.waitUntilExit()
        let out = (try? String(contentsOfFile: tmp.path + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: tmp.path + ".err", encoding: .utf8)) ?? ""
        guard p.terminationStatus == 0,
              let url = out.split(separator: "\n").map(String.init).last(where: { $0.hasPrefix("postgres://") }) else {
            throw PostGISError("the PostgreSQL + PostGIS test server did not start (scripts/pg-test-server.sh exit \(p.terminationStatus)): "
                               + err.trimmingCharacters(in: .whitespacesAndNewlines)
                               + " — install postgresql-15 and postgresql-15-postgis-3 (make deps), or set $\(environmentVariable) to a server's URL")
        }
        clusterDir = dir
        script = scriptPath
        atexit { PostGISTestServer.stop() }
        return url
    }

    /// Stops the server this process started (also run at exit).
    public static func stop() {
        guard let dir = clusterDir, let script else { return }
        clusterDir = nil
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script, "stop", dir]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try? p.run()
        p.waitUntilExit()
    }
}

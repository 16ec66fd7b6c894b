import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZonePostGIS
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let geoData = repoRoot.appendingPathComponent("GeoData")
let plan: PlanData = try! VettingEngine.loadPlan(from: geoData)

/// The two workspace backends. The workspace tests take one as their argument, so the same tests
/// run against both. PostGIS runs on a real server: `$ZONEPLAN_TEST_PG`, else a throwaway
/// PostgreSQL 15 + PostGIS 3 cluster (scripts/pg-test-server.sh) started once for the run. When
/// it cannot start, the PostGIS cases fail and say why; they never skip.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case spatialite = "SpatiaLite"
    case postgis = "PostGIS"
    var testDescription: String { rawValue }
}

/// A fresh workspace (a file in a temporary folder, or a new database on the test server),
/// initialised from the bundled GeoData.
final class TempWorkspace {
    let backend: Backend
    let dir: URL
    /// The SpatiaLite path or the postgres:// URL (with the test password).
    let location: String
    let workspace: Workspace

    init(_ backend: Backend = .spatialite, initialise: Bool = true) throws {
        self.backend = backend
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        switch backend {
        case .spatialite:
            location = dir.appendingPathComponent("ws.sqlite").path
        case .postgis:
            ZonePostGIS.register()
            location = try PostGISTestServer.freshDatabase(repoRoot: repoRoot)
        }
        workspace = Workspace(store: try WorkspaceLocator.open(location, create: true))
        #expect(workspace.store.backendName == backend.rawValue)
        if initialise { try workspace.initialize(from: plan, official: "测试员") }
    }

    deinit {
        if backend == .postgis {
            (workspace.store as? PostGISStore)?.close()
            PostGISTestServer.dropDatabase(url: location, repoRoot: repoRoot)
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// Another connection to the same workspace (for concurrent tasks).
    func openStore() throws -> WorkspaceStore {
        try WorkspaceLocator.open(location, create: false)
    }

    /// Runs raw SQL on the backend (as an intruder would), bypassing the store's API.
    func execute(_ sql: String) throws {
        switch backend {
        case .spatialite: try (workspace.store as! SpatiaLiteStore).db.execute(sql)
        case .postgis: try (workspace.store as! PostGISStore).query(sql)
        }
    }

    /// One text value from raw SQL.
    func text(_ sql: String) throws -> String? {
        switch backend {
        case .spatialite: return try (workspace.store as! SpatiaLiteStore).db.scalar(sql).text
        case .postgis: return try (workspace.store as! PostGISStore).session.scalar(sql).text
        }
    }

    /// What `ogrinfo` opens.
    var gdalSource: String {
        switch backend {
        case .spatialite: return location
        case .postgis: return (try? PostgresURL(location).gdalDataSource(includePassword: true)) ?? location
        }
    }

    /// Tables whose geometry column has a spatial index (R*Tree in SpatiaLite, GiST in PostGIS).
    func spatiallyIndexedTables() throws -> Set<String> {
        switch backend {
        case .spatialite:
            let db = (workspace.store as! SpatiaLiteStore).db
            return Set(try db.query("SELECT f_table_name FROM geometry_columns WHERE spatial_index_enabled = 1").compactMap { $0[0].text })
        case .postgis:
            let s = (workspace.store as! PostGISStore).session
            return Set(try s.query("""
                SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_am am ON am.oid = ic.relam WHERE am.amname = 'gist'
                """).compactMap { $0[0].text })
        }
    }
}

func example(_ name: String) throws -> (Application, Data) {
    let data = try Data(contentsOf: geoData.appendingPathComponent("examples/\(name).geojson"))
    let entries = try ApplicationFile.read(data, fileLabel: name, catalog: plan.industries, engine: GeometryEngine())
    return (try entries[0].get(), data)
}

/// Runs a command-line tool; returns exit status and standard output.
@discardableResult
func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Runs `body` on `count` threads at once (real threads, not the cooperative pool, so every
/// recorder is in flight together even on a two-core machine); returns the results in order.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let box = ResultsBox<T>(count)
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        let t = Thread {
            let r = Result { try body(i) }
            box.set(i, r)
            group.leave()
        }
        t.stackSize = 8 << 20
        t.start()
    }
    group.wait()
    return try box.results.map { try $0!.get() }
}

final class ResultsBox<T>: @unchecked Sendable {
    var results: [Result<T, Error>?]
    let lock = NSLock()
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ r: Result<T, Error>) { lock.lock(); results[i] = r; lock.unlock() }
}

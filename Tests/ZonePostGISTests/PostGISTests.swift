import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZonePostGIS
@testable import ZoneService
@testable import ZoneStore

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let geoData = repoRoot.appendingPathComponent("GeoData")
let plan: PlanData = try! VettingEngine.loadPlan(from: geoData)

/// A new database on the test server (see `PostGISTestServer`), dropped at the end.
final class TempDatabase {
    let url: String
    let store: PostGISStore
    init() throws {
        ZonePostGIS.register()
        url = try PostGISTestServer.freshDatabase(repoRoot: repoRoot)
        store = try PostGISStore(url: url)
    }
    deinit {
        store.close()
        PostGISTestServer.dropDatabase(url: url, repoRoot: repoRoot)
    }
}

@Suite struct PostgresURLTests {
    @Test func urlPartsAndEnvironment() throws {
        let u = try PostgresURL("postgres://planner:s%40cret@db.bureau.local:6543/zoneplan", environment: [:])
        #expect(u.user == "planner" && u.password == "s@cret" && u.host == "db.bureau.local" && u.port == 6543 && u.database == "zoneplan")
        #expect(u.sslMode == .prefer)  // a remote server: TLS when it offers it
        #expect(!u.description.contains("cret"))
        #expect(u.gdalDataSource() == "PG:host=db.bureau.local port=6543 dbname=zoneplan user=planner")

        let e = try PostgresURL("postgresql://127.0.0.1/ws", environment: ["PGPASSWORD": "from-env", "PGUSER": "ops", "PGPORT": "5433"])
        #expect(e.user == "ops" && e.password == "from-env" && e.port == 5433 && e.database == "ws" && e.sslMode == .disable)

        let s = try PostgresURL("postgres://planner@/zoneplan?host=/run/postgresql", environment: [:])
        #expect(s.socketDirectory == "/run/postgresql")
        #expect(throws: PostGISError.self) { try PostgresURL("postgres://x@h/db?sslmode=bogus", environment: [:]) }
        #expect(WorkspaceLocator.redacted("postgres://planner:s3cret@db:5432/zp") == "postgres://planner:***@db:5432/zp")
    }

    @Test func aServerThatIsNotThereIsAPlainErrorWithoutThePassword() throws {
        ZonePostGIS.register()
        let error = #expect(throws: PostGISError.self) {
            _ = try WorkspaceLocator.open("postgres://planner:s3cret@127.0.0.1:1/zoneplan", create: false)
        }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("cannot connect to postgres://planner@127.0.0.1:1/zoneplan"), "\(text)")
        #expect(!text.contains("s3cret"))
    }
}

@Suite struct PostGISStoreTests {
    @Test func theLocatorOpensPostGISAndLayersArePostGISGeometry() throws {
        let db = try TempDatabase()
        let store = try WorkspaceLocator.open(db.url, create: true)
        #expect(store is PostGISStore && store.backendName == "PostGIS")
        #expect(!store.location.contains("zp-test-secret"))
        try Workspace(store: store).initialize(from: plan, official: "测试员")
        let s = (store as! PostGISStore).session
        let columns = try s.query("SELECT f_table_name, type, srid FROM geometry_columns WHERE f_geometry_column = 'geom' ORDER BY 1")
        let byTable = Dictionary(uniqueKeysWithValues: columns.map { ($0[0].text!, ($0[1].text!, $0[2].int!)) })
        for name in plan.layers.map({ "layer_\($0.name)" }) + ["zp_feature_history", "zp_decisions"] {
            #expect(byTable[name]?.0 == "MULTIPOLYGON" && byTable[name]?.1 == 4326, "\(name): \(String(describing: byTable[name]))")
        }
        #expect(try store.integrityProblems().isEmpty)
        // Disabling an append-only trigger is noticed.
        try s.query("ALTER TABLE zp_decisions DISABLE TRIGGER zp_decisions_no_delete")
        #expect(try store.integrityProblems().contains { $0.contains("zp_decisions_no_delete is disabled") })
    }

    @Test func writeTransactionHoldsTheWritersLockAgainstOtherConnections() throws {
        let db = try TempDatabase()
        _ = try db.store.migrate()
        let other = try PostGISStore(url: db.url)
        defer { other.close() }
        let lock = PGValue.int(PostGISStore.writersLock)
        try db.store.writeTransaction { () throws -> Void in
            #expect(try other.session.scalar("SELECT pg_try_advisory_xact_lock($1)", [lock]).bool == false)
        }
        #expect(try other.session.scalar("SELECT pg_try_advisory_lock($1)", [lock]).bool == true)
        try other.session.query("SELECT pg_advisory_unlock($1)", [lock])
        // A failed transaction leaves nothing behind.
        #expect(throws: WorkspaceError.self) {
            try db.store.writeTransaction {
                _ = try db.store.insertQuotaEntry(QuotaEntry(account: QuotaAccountKey(kind: .county, ref: "330402", year: 2026),
                                                             at: "2026-01-01T00:00:00.000Z", kind: .allocate, amountMu: 10, official: "甲"))
                throw WorkspaceError(.conflict, "abandon")
            }
        }
        #expect(try db.store.quotaStatuses(year: nil).isEmpty)
    }

    /// The same engine and rules on both backends: every example gets the same verdict, area and
    /// findings from a PostGIS workspace as from a SpatiaLite one.
    @Test func verdictsAndAreasAreIdenticalToSpatiaLite() throws {
        let db = try TempDatabase()
        let pg = Workspace(store: db.store)
        try pg.initialize(from: plan, official: "测试员")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-pg-cmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lite = Workspace(store: try SpatiaLiteStore(path: dir.appendingPathComponent("ws.sqlite").path))
        try lite.initialize(from: plan, official: "测试员")
        let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)
        for ws in [pg, lite] { try ws.setQuota(key, mu: 500, name: "南湖区", official: "甲", note: nil) }

        let examples = try FileManager.default.contentsOfDirectory(atPath: geoData.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".geojson") }.sorted()
        #expect(examples.count >= 5)
        let engine = GeometryEngine()
        for name in examples {
            let data = try Data(contentsOf: geoData.appendingPathComponent("examples/\(name)"))
            for entry in try ApplicationFile.read(data, fileLabel: name, catalog: plan.industries, engine: engine) {
                guard let app = try? entry.get() else { continue }
                let a = try pg.record(application: app, input: data, official: "甲", note: nil, year: 2026)
                let b = try lite.record(application: app, input: data, official: "甲", note: nil, year: 2026)
                #expect(a.record.verdict == b.record.verdict, "\(name)")
                #expect(a.record.areaMu == b.record.areaMu, "\(name)")
                #expect(a.record.result.findings.map(\.outcome) == b.record.result.findings.map(\.outcome), "\(name)")
                #expect(a.draws.map(\.amountMu) == b.draws.map(\.amountMu), "\(name)")
                #expect(try pg.replay(id: a.record.id!).reproduced, "\(name)")
            }
        }
        #expect(try pg.store.quotaStatus(key) == lite.store.quotaStatus(key))
        #expect(try pg.verify().isEmpty)
    }
}

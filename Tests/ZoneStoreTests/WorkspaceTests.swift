import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

@Suite struct SchemaTests {
    @Test(arguments: Backend.allCases) func migrationsAreExplicitVersionedAndRecorded(_ backend: Backend) throws {
        let t = try TempWorkspace(backend, initialise: false)
        #expect(try t.workspace.store.schemaVersion() == 0)
        #expect(try t.workspace.store.migrate() == Migrations.descriptions.map(\.0))
        #expect(try t.workspace.store.schemaVersion() == Migrations.latest)
        #expect(try t.workspace.store.migrate() == [])  // nothing pending: applying twice is a no-op
        // Both dialects have the same steps, numbers and descriptions.
        for dialect in [Migrations.spatialite, Migrations.postgis] {
            #expect(dialect.map(\.version) == Migrations.descriptions.map(\.0))
            #expect(dialect.map(\.description) == Migrations.descriptions.map(\.1))
        }
        #expect(try t.text("SELECT group_concat(version) FROM (SELECT version FROM zp_migrations ORDER BY version) AS m".replacingOccurrences(
            of: "group_concat(version)", with: backend == .postgis ? "string_agg(version::text, ',')" : "group_concat(version)")) == Migrations.descriptions.map { String($0.0) }.joined(separator: ","))
    }

    @Test(arguments: Backend.allCases) func durabilitySettings(_ backend: Backend) throws {
        let t = try TempWorkspace(backend, initialise: false)
        switch backend {
        case .spatialite:
            let db = (t.workspace.store as! SpatiaLiteStore).db
            #expect(try db.scalar("PRAGMA journal_mode").text == "wal")
            #expect(try db.scalar("PRAGMA synchronous").int == 2)  // FULL
        case .postgis:
            // A committed decision is flushed to the server's disk before `record` returns.
            #expect(try t.text("SHOW synchronous_commit") == "on")
            #expect(try t.text("SHOW fsync") == "on")
        }
    }

    @Test(arguments: Backend.allCases) func gdalOpensEveryLayerWithSRIDAndCounts(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let info = try run("ogrinfo", ["-ro", "-so", "-al", t.gdalSource])
        #expect(info.status == 0, "ogrinfo failed: \(info.err)")
        for layer in plan.layers {
            let block = info.out.components(separatedBy: "Layer name: ").first { $0.hasPrefix("layer_\(layer.name)\n") }
            let b = try #require(block, "ogrinfo does not list layer_\(layer.name)")
            #expect(b.contains("Feature Count: \(layer.features.count)"), "layer_\(layer.name)")
            #expect(b.contains("ID[\"EPSG\",4326]") || b.contains("EPSG\",\"4326"), "layer_\(layer.name) SRID")
            #expect(b.contains("Geometry: Multi Polygon"))
        }
        // The spatial index (R*Tree, GiST) exists for each geometry table.
        let indexed = try t.spatiallyIndexedTables()
        #expect(indexed.isSuperset(of: plan.layers.map { "layer_\($0.name)" } + ["zp_feature_history", "zp_decisions"]))
    }

    @Test(arguments: Backend.allCases) func workspacePlanEqualsGeoDataPlan(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let p = try t.workspace.loadPlan()
        #expect(p.allFeatures.map(\.id) == plan.allFeatures.map(\.id))
        #expect(p.rulePack.version == plan.rulePack.version)
        // The clause book is kept with the plan: a decision recorded here quotes its clauses.
        #expect(!plan.clauses.all.isEmpty)
        #expect(p.clauses.version == plan.clauses.version)
        #expect(p.clauses.all.map(\.quote) == plan.clauses.all.map(\.quote))
        // So is the industry-policy catalogue: recording vets against the same items as `check`.
        #expect(!plan.policy.isEmpty && p.policy.labels == plan.policy.labels)
        #expect(p.policy.allItems.map(\.number) == plan.policy.allItems.map(\.number))
        let (app, _) = try example("jiaxipera-compressor")
        let a = try VettingEngine(plan: plan).vet(app), b = try VettingEngine(plan: p).vet(app)
        #expect(a.clauses.map(\.ref) == b.clauses.map(\.ref) && !b.clauses.isEmpty)
        #expect(a.verdict == b.verdict)
        #expect(abs(a.areaMu - b.areaMu) < 1e-6)
        #expect(a.findings.map(\.outcome) == b.findings.map(\.outcome))
    }

    @Test(arguments: Backend.allCases) func initialisingTwiceIsRefused(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        #expect(throws: WorkspaceError.self) { try t.workspace.initialize(from: plan, official: "x") }
    }
}

@Suite struct LedgerTests {
    @Test(arguments: Backend.allCases) func ledgerIsAppendOnlyInTheDatabase(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")
        try t.workspace.setQuota(QuotaAccountKey(kind: .county, ref: "330402", year: 2026), mu: 1000, name: "南湖区", official: "甲", note: nil)
        let r = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        var intrusions = [
            "UPDATE zp_decisions SET verdict = 'approve'", "DELETE FROM zp_decisions",
            "UPDATE zp_feature_history SET name = 'x'", "DELETE FROM zp_feature_history",
            "UPDATE zp_quota_entries SET amount_mu = 0", "DELETE FROM zp_quota_entries",
        ]
        if backend == .postgis { intrusions += ["TRUNCATE zp_decisions CASCADE", "TRUNCATE zp_quota_entries", "TRUNCATE zp_feature_history"] }
        for sql in intrusions {
            let error = #expect(throws: (any Error).self, "\(sql) must be refused") { try t.execute(sql) }
            #expect("\(error.map { "\($0)" } ?? "")".contains("append-only"), "\(sql): \(String(describing: error))")
        }
        #expect(try t.workspace.store.decision(id: r.record.id!)?.verdict == r.record.verdict)
        #expect(try t.workspace.store.quotaEntries(nil).count == 2)
        #expect(try t.workspace.verify().isEmpty)
    }

    @Test(arguments: Backend.allCases) func recordStoresWhatReproducesTheDecision(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        try t.workspace.setQuota(QuotaAccountKey(kind: .county, ref: "330402", year: 2026), mu: 1000, name: "南湖区", official: "甲", note: nil)
        let (app, data) = try example("jiaxipera-compressor")
        let r = try t.workspace.record(application: app, input: data, official: "甲", note: "同意", year: 2026)
        let d = try #require(try t.workspace.store.decision(id: r.record.id!))
        #expect(d.inputSha256 == SHA256.hash(Array(data)))
        #expect(d.rulePackVersion == plan.rulePack.version)
        #expect(Set(d.layerVersions.keys) == Set(plan.layers.map(\.name)))
        #expect(d.official == "甲" && d.note == "同意")
        #expect(d.result.quotaChecked)
        #expect(d.quotaSnapshot.balances["county:330402:2026"] == 1000)
        let replay = try t.workspace.replay(id: d.id!)
        #expect(replay.reproduced)
        #expect(replay.changes.isEmpty, "\(replay.changes)")
    }

    @Test(arguments: Backend.allCases) func revisionSupersedesAndReturnsTheEarlierDraw(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)
        try t.workspace.setQuota(key, mu: 200, name: "南湖区", official: "甲", note: nil)
        let (app, data) = try example("jiaxipera-compressor")
        let first = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(first.record.verdict == .approve)
        #expect(abs(try t.workspace.store.quotaStatus(key)!.balanceMu - (200 - app.site.areaMuForTest)) < 0.01)
        let second = try t.workspace.record(application: app, input: data, official: "乙", note: "复核", supersedes: first.record.id, year: 2026)
        #expect(second.record.supersedes == first.record.id)
        #expect(second.record.verdict == .approve)  // the first draw was returned before the revision was vetted
        #expect(try t.workspace.store.decisions(limit: nil).count == 2)
        #expect(abs(try t.workspace.store.quotaStatus(key)!.balanceMu - (200 - app.site.areaMuForTest)) < 0.01)
    }
}

@Suite struct QuotaTests {
    let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)

    @Test(arguments: Backend.allCases) func approvalDrawsDownAndAnEmptyQuotaFails(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")  // 150 亩 in 南湖区
        let area = app.site.areaMuForTest
        try t.workspace.setQuota(key, mu: area * 1.5, name: "南湖区", official: "甲", note: nil)
        let a = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(a.record.verdict == .approve)
        #expect(a.draws.contains { $0.account == key && abs($0.amountMu + area) < 1e-6 })
        #expect(abs(try t.workspace.store.quotaStatus(key)!.balanceMu - area * 0.5) < 1e-6)
        // Half the area left: the quota rule fails, the decision is a reject, and nothing is drawn.
        let b = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(b.record.verdict == .reject)
        #expect(b.record.result.findings.contains { $0.rule == "land-quota" && $0.outcome == .fail })
        #expect(b.draws.isEmpty)
        #expect(abs(try t.workspace.store.quotaStatus(key)!.balanceMu - area * 0.5) < 1e-6)
        // Returned land is an entry, and makes room again.
        try t.workspace.returnLand(key, mu: area, decision: a.record.id, official: "甲", note: "腾笼换鸟 收回")
        #expect(try t.workspace.store.quotaEntries(key).map(\.kind) == [.allocate, .draw, .return])
        let c = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(c.record.verdict == .approve)
    }

    @Test(arguments: Backend.allCases) func missingCountyAccountFailsClosed(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")
        let r = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(r.record.verdict == .incomplete)
        #expect(r.draws.isEmpty)
    }

    @Test(arguments: Backend.allCases) func dryRunWritesNothing(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        try t.workspace.setQuota(key, mu: 1000, name: "南湖区", official: "甲", note: nil)
        let (app, data) = try example("jiaxipera-compressor")
        let r = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026, dryRun: true)
        #expect(r.dryRun && r.record.verdict == .approve && !r.draws.isEmpty)
        #expect(try t.workspace.store.decisions(limit: nil).isEmpty)
        #expect(try t.workspace.store.quotaStatus(key)!.balanceMu == 1000)
    }

    @Test(arguments: Backend.allCases) func concurrentRecordersInThreadsNeverOverspend(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")
        try t.workspace.setQuota(key, mu: app.site.areaMuForTest * 1.2, name: "南湖区", official: "甲", note: nil)
        // Room for exactly one: 8 recorders at once, each its own connection and engines.
        let stores = try (0..<8).map { _ in try t.openStore() }
        nonisolated(unsafe) let workspaces = stores.map(Workspace.init(store:))
        let verdicts = try onThreads(8) { i in
            try workspaces[i].record(application: app, input: data, official: "官员\(i)", note: nil, year: 2026).record.verdict
        }
        #expect(verdicts.filter { $0 == .approve }.count == 1)
        #expect(verdicts.filter { $0 == .reject }.count == 7)
        let status = try #require(try t.workspace.store.quotaStatus(key))
        #expect(status.balanceMu >= 0)
        #expect(abs(status.drawnMu - app.site.areaMuForTest) < 1e-6)
        #expect(try t.workspace.store.decisions(limit: nil).count == 8)
        #expect(try t.workspace.verify().isEmpty)
    }
}

extension Geometry {
    var areaMuForTest: Double { (try? PlanarMeasurer().areaMu(lonLat: self)) ?? .nan }
}

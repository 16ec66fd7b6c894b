import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZonePostGIS
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// Schema 5: the layer tables carry the attributes QGIS styles and filters by as columns; PostGIS
/// keeps properties as jsonb and times as timestamptz; `ledger migrate` upgrades a schema-4 workspace.
@Suite("schema 5: attribute columns, jsonb and timestamptz, upgrade from schema 4")
struct SchemaFiveTests {
    /// `ogrinfo -so` of one workspace layer table.
    static func summary(_ t: TempWorkspace, _ table: String) throws -> String {
        let info = try run("ogrinfo", ["-ro", "-so", t.gdalSource, table])
        #expect(info.status == 0, "ogrinfo: \(info.err)")
        return info.out
    }

    static func columns(_ t: TempWorkspace, _ table: String) throws -> [String: String] {
        switch t.backend {
        case .spatialite:
            let rows = try (t.workspace.store as! SpatiaLiteStore).db.query("PRAGMA table_info(\(table))")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0[1].text ?? "", ($0[2].text ?? "").lowercased()) })
        case .postgis:
            let rows = try (t.workspace.store as! PostGISStore).session.query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_name = $1", [.text(table)])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0[0].text ?? "", $0[1].text ?? "") })
        }
    }

    /// What QGIS filters on, checked against the plan: every platform's tier, every zone's
    /// category, every county list, and areas equal to the export's (same projection, same 亩).
    static func expectAttributeColumns(_ t: TempWorkspace) throws {
        let p = try t.workspace.loadPlan()
        let measurer = try PlanarMeasurer()
        let platforms = try #require(p.layer(named: "platforms"))
        let tiers = try t.text(t.backend == .postgis
            ? "SELECT string_agg(feature_id || '=' || tier, ',' ORDER BY feature_id) FROM layer_platforms"
            : "SELECT group_concat(feature_id || '=' || tier, ',') FROM (SELECT * FROM layer_platforms ORDER BY feature_id)")
        #expect(tiers == platforms.features.sorted { $0.id < $1.id }.map { "\($0.id)=\($0.properties["tier"]?.stringValue ?? "")" }.joined(separator: ","))
        #expect(try t.text("SELECT count(*) || '' FROM layer_function_zones WHERE category IS NULL") == "0")
        #expect(try t.text("SELECT county FROM layer_platforms WHERE feature_id = 'platform-nat-jxepz'") == "330402,330482")
        let jxip = try #require(p.feature(id: "platform-prov-jxip"))
        let stored = Double(try t.text("SELECT CAST(area_mu AS text) FROM layer_platforms WHERE feature_id = 'platform-prov-jxip'") ?? "") ?? .nan
        #expect(abs(stored - (try measurer.areaMu(lonLat: jxip.geometry))) < 0.001, "area_mu \(stored)")
        #expect(try t.text("SELECT CAST(accuracy_m AS text) FROM layer_platforms WHERE feature_id = 'platform-prov-jxip'")?.hasPrefix("5000") == true)
        let info = try summary(t, "layer_platforms")
        for field in ["tier: String", "category: String", "county: String", "accuracy_m: Real", "area_mu: Real"] {
            #expect(info.contains("\(field) ("), "ogrinfo lacks \(field): \(info)")
        }
    }

    @Test("a new workspace: attribute columns filled, jsonb and timestamptz on PostGIS, times read back as written",
          arguments: Backend.allCases)
    func newWorkspace(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        try Self.expectAttributeColumns(t)
        let cols = try Self.columns(t, "layer_platforms")
        if backend == .postgis {
            #expect(cols["properties"] == "jsonb")
            #expect(try Self.columns(t, "zp_feature_history")["properties"] == "jsonb")
            #expect(try Self.columns(t, "zp_decisions")["recorded_at"] == "timestamp with time zone")
            #expect(try Self.columns(t, "zp_quota_entries")["at"] == "timestamp with time zone")
            #expect(try Self.columns(t, "zp_layer_versions")["imported_at"] == "timestamp with time zone")
        }
        let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)
        let e = try t.workspace.setQuota(key, mu: 100, name: "南湖区", official: "甲", note: nil)
        #expect(try t.workspace.store.quotaEntries(key).first?.at == e.at, "the time comes back as the ISO 8601 text written")
        #expect(e.at.hasSuffix("Z") && e.at.count == 24)
    }

    @Test("ledger migrate upgrades a schema-4 workspace: columns added and filled, times and properties kept",
          arguments: Backend.allCases)
    func upgradeFromSchemaFour(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)
        try t.workspace.setQuota(key, mu: 1000, name: "南湖区", official: "甲", note: nil)
        let (app, data) = try example("jiaxipera-compressor")
        let first = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        let entriesBefore = try t.workspace.store.quotaEntries(nil).map(\.at)
        let versionsBefore = try t.workspace.store.layerVersions(layer: nil, activeOnly: false).map(\.importedAt)

        // Back to the schema-4 shape, as a workspace made before step 5 is.
        let tables = try t.workspace.store.layerVersions(layer: nil, activeOnly: true).map { SQLWorkspaceStore.tableName($0.layer) }
        var downgrade: [String] = tables.flatMap { table in ["tier", "category", "county", "accuracy_m", "area_mu"].map { "ALTER TABLE \(table) DROP COLUMN \($0)" } }
        if backend == .postgis {
            let iso = { (c: String) in "to_char(\(c) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')" }
            downgrade += tables.map { "ALTER TABLE \($0) ALTER COLUMN properties TYPE text" }
            downgrade += ["ALTER TABLE zp_feature_history ALTER COLUMN properties TYPE text"]
            downgrade += [("zp_migrations", "applied_at"), ("zp_documents", "imported_at"), ("zp_layer_versions", "imported_at"),
                          ("zp_decisions", "recorded_at"), ("zp_quota_entries", "at"), ("zp_idempotency", "created_at")].map {
                "ALTER TABLE \($0.0) ALTER COLUMN \($0.1) TYPE text USING \(iso($0.1))"
            }
        }
        // Step 6's tables (亩均效益) did not exist either.
        downgrade += backend == .postgis ? ["DROP TABLE zp_eval_parcels, zp_eval_firms, zp_eval_years"]
            : ["SELECT DropGeoTable('zp_eval_parcels')", "DROP TABLE zp_eval_firms", "DROP TABLE zp_eval_years"]
        // Nor step 7's (people and cases).
        downgrade += ["zp_case_steps", "zp_cases", "zp_workflow_settings", "zp_person_tokens", "zp_person_roles", "zp_people"].map { "DROP TABLE \($0)" }
        downgrade.append("DELETE FROM zp_migrations WHERE version >= 5")
        for statement in downgrade { try t.execute(statement) }
        #expect(try t.workspace.store.schemaVersion() == 4)
        #expect(try Self.columns(t, "layer_platforms")["tier"] == nil)
        // An old workspace must be migrated before a layer is imported into it.
        #expect(throws: WorkspaceError.self) {
            try t.workspace.importLayer(name: "parks", title: nil, features: [], sourceFile: "x", sha256: "x", format: "geojson",
                                        official: "甲", note: nil)
        }

        let applied = try t.workspace.store.migrate()
        #expect(applied.first == 5)
        #expect(try t.workspace.store.schemaVersion() == Migrations.latest)
        try Self.expectAttributeColumns(t)
        #expect(try t.workspace.store.quotaEntries(nil).map(\.at) == entriesBefore)
        #expect(try t.workspace.store.layerVersions(layer: nil, activeOnly: false).map(\.importedAt) == versionsBefore)
        #expect(try t.workspace.verify().isEmpty)
        // The ledger goes on: the recorded decision is intact and a new one records and draws.
        #expect(try t.workspace.store.decision(id: first.record.id!)?.areaMu == first.record.areaMu)
        let second = try t.workspace.record(application: app, input: data, official: "乙", note: nil, year: 2026)
        #expect(second.record.verdict == .approve && !second.draws.isEmpty)
        #expect(try t.workspace.replay(id: first.record.id!).reproduced)
    }
}

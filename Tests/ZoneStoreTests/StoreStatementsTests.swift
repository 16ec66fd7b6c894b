import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// The statements of `WorkspaceSQL`, written once, do the same on both backends.
@Suite struct StoreStatementsTests {
    @Test func placeholdersAreRenderedPerDialect() {
        let sql = "SELECT 'a?b' FROM t WHERE x = ? AND y IN (?, ?)"
        #expect(SQLDialect.spatialite.render(sql) == sql)
        #expect(SQLDialect.postgis.render(sql) == "SELECT 'a?b' FROM t WHERE x = $1 AND y IN ($2, $3)")
        #expect(WorkspaceSQL(.postgis).layerVersions(byLayer: true, activeOnly: true).contains("layer = $1 AND active = true"))
        #expect(WorkspaceSQL(.spatialite).layerVersions(byLayer: true, activeOnly: true).contains("layer = ? AND active = 1"))
    }

    @Test(arguments: Backend.allCases) func layerVersionsFiltersAndReimport(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let store = t.workspace.store
        let layer = try #require(plan.layers.first)
        let before = try store.layerVersions(layer: nil, activeOnly: true)
        #expect(before.count == plan.layers.count && before.allSatisfy { $0.active && $0.version == 1 })
        // A new version of one layer: it becomes the active one, the old one stays in the history.
        let features = try store.layerFeatures(versionId: try #require(before.first { $0.layer == layer.name }?.id))
        #expect(features.map(\.id) == layer.features.map { .string($0.id) })
        let v2 = try t.workspace.importLayer(name: layer.name, title: nil, features: features, sourceFile: "again.geojson",
                                             sha256: "x", format: "geojson", official: "乙", note: "again")
        #expect(v2.version == 2 && v2.active && v2.featureCount == features.count)
        let all = try store.layerVersions(layer: layer.name, activeOnly: false)
        #expect(all.map(\.version) == [1, 2] && all.map(\.active) == [false, true])
        #expect(try store.layerVersions(layer: layer.name, activeOnly: true) == [v2])
        #expect(try store.layerVersion(id: v2.id!) == v2)
        #expect(try store.layerVersions(layer: nil, activeOnly: true).count == plan.layers.count)
        #expect(try store.layerFeatures(versionId: v2.id!) == features)
        #expect(try t.text("SELECT note FROM zp_layer_versions WHERE version = 2") == "again")
        #expect(try t.text("SELECT count(*) || '' FROM \(SQLWorkspaceStore.tableName(layer.name)) WHERE layer_version = \(v2.id!)") == "\(features.count)")
    }

    @Test(arguments: Backend.allCases) func ledgerAndQuotaQueries(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let store = t.workspace.store
        let a = QuotaAccountKey(kind: .county, ref: "330402", year: 2026), b = QuotaAccountKey(kind: .county, ref: "330411", year: 2027)
        try t.workspace.setQuota(a, mu: 500, name: "南湖区", official: "甲", note: nil)
        try t.workspace.setQuota(b, mu: 300, name: nil, official: "甲", note: "note")
        #expect(try store.quotaStatuses(year: nil).map(\.account) == [a, b])
        #expect(try store.quotaStatuses(year: 2027).map(\.account) == [b])
        #expect(try store.quotaStatus(a)?.allocatedMu == 500 && store.quotaStatus(a)?.name == "南湖区")
        #expect(try store.quotaStatus(QuotaAccountKey(kind: .platform, ref: "none", year: 2026)) == nil)
        #expect(try store.quotaEntries(b).map(\.note) == ["note"])
        #expect(try store.quotaEntries(nil).count == 2)
        let (app, data) = try example("jiaxipera-compressor")
        let r1 = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        let r2 = try t.workspace.record(application: app, input: data, official: "乙", note: "again", year: 2026)
        #expect(try store.decisions(limit: nil).map(\.id) == [r1.record.id, r2.record.id])
        #expect(try store.decisions(limit: 1).map(\.id) == [r2.record.id])
        #expect(try store.decision(id: r2.record.id!)?.note == "again")
        #expect(try store.decision(id: 999_999) == nil)
    }
}

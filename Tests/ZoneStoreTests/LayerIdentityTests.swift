import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// An official layer replaces a schematic one without renaming what the ledger names: ids given
/// by `--id-field` are kept, a dry run draws what the record draws, and an import that would leave
/// a quota account or a decision naming a vanished feature is refused unless forced.
@Suite("import keeps feature ids; orphans are refused or reported")
struct LayerIdentityTests {
    static let county = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)
    static let park = QuotaAccountKey(kind: .platform, ref: "platform-prov-jxip", year: 2026)

    /// The platforms layer as a bureau would import it: the GeoData file, its `id` attribute named as the id field.
    static func officialPlatforms(idField: String) throws -> [Feature] {
        try LayerImporter.read(path: geoData.appendingPathComponent("layers/platforms.geojson").path,
                               options: .init(layer: "platforms", idField: idField, accuracyM: 2, official: "测绘科")).features
    }

    static func draws(_ r: Workspace.Recorded) -> [String] {
        r.draws.map { "\($0.kind.rawValue) \($0.account) \(String(format: "%.6f", $0.amountMu))" }.sorted()
    }

    static func funded(_ backend: Backend) throws -> TempWorkspace {
        let t = try TempWorkspace(backend)
        try t.workspace.setQuota(county, mu: 1000, name: "南湖区", official: "甲", note: nil)
        try t.workspace.setQuota(park, mu: 500, name: "嘉兴工业园区", official: "甲", note: nil)
        return t
    }

    @Test("the dry run draws exactly the accounts and amounts the record draws, also after importing platforms with --id-field",
          arguments: Backend.allCases)
    func dryRunMatchesRecord(_ backend: Backend) throws {
        let t = try Self.funded(backend)
        let (app, data) = try example("jiaxipera-compressor")   // in 南湖区, in 嘉兴工业园区 and a platform without an account
        func both() throws -> (dry: [String], real: [String]) {
            let dry = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026, dryRun: true)
            let real = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
            #expect(dry.record.verdict == real.record.verdict)
            return (Self.draws(dry), Self.draws(real))
        }
        let before = try both()
        #expect(before.dry == before.real)
        #expect(before.real.count == 2, "the county and the one platform with an account: \(before.real)")
        #expect(before.real.contains { $0.hasPrefix("draw platform:platform-prov-jxip:2026 ") })

        let features = try Self.officialPlatforms(idField: "id")
        #expect(features.contains { $0.id == .string("platform-prov-jxip") }, "the id is kept as written")
        #expect(!features.contains { $0.id?.stringValue?.hasPrefix("platforms-") == true })
        let done = try t.workspace.replaceLayer(name: "platforms", title: nil, features: features, sourceFile: "园区边界.geojson",
                                                sha256: "test", format: "geojson", official: "测绘科", note: nil)
        #expect(done.orphans.isEmpty)
        #expect(try t.workspace.loadPlan().feature(id: "platform-prov-jxip")?.schematic == false)

        let after = try both()
        #expect(after.dry == after.real)
        #expect(after.real == before.real, "the official layer keeps drawing the same accounts")
        #expect(try t.workspace.store.quotaStatus(Self.park)!.drawnMu > 0)
        #expect(try t.workspace.verify().isEmpty)
    }

    @Test("an import that renames a funded platform is refused whole and lists the orphans; --force imports and verify reports them",
          arguments: Backend.allCases)
    func orphansRefusedUnlessForced(_ backend: Backend) throws {
        let t = try Self.funded(backend)
        let (app, data) = try example("jiaxipera-compressor")
        let recorded = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(recorded.record.verdict == .approve)
        let versionBefore = try t.workspace.store.layerVersions(layer: "platforms", activeOnly: true).first?.id

        // The bureau's file identifies its parks by English name: every platform id changes.
        let renamed = try Self.officialPlatforms(idField: "name_en")
        #expect(!renamed.contains { $0.id == .string("platform-prov-jxip") })
        var refusal: ImportWouldOrphan?
        do {
            _ = try t.workspace.importLayer(name: "platforms", title: nil, features: renamed, sourceFile: "parks.geojson",
                                            sha256: "test", format: "geojson", official: "测绘科", note: nil)
        } catch let e as ImportWouldOrphan { refusal = e }
        let e = try #require(refusal, "the import must be refused")
        #expect(e.orphans.contains { $0.hasPrefix("quota account platform:platform-prov-jxip:2026") }, "\(e.orphans)")
        #expect(e.orphans.contains { $0.hasPrefix("decision \(recorded.record.id!) ") && $0.contains("platform-prov-jxip") }, "\(e.orphans)")
        #expect(!e.orphans.contains { $0.contains("county:330402") }, "the county account still has its county")
        #expect(try t.workspace.store.layerVersions(layer: "platforms", activeOnly: true).first?.id == versionBefore, "nothing stored")
        #expect(try t.workspace.verify().isEmpty)

        let forced = try t.workspace.replaceLayer(name: "platforms", title: nil, features: renamed, sourceFile: "parks.geojson",
                                                  sha256: "test", format: "geojson", official: "测绘科", note: nil, force: true)
        #expect(forced.orphans == e.orphans)
        let problems = try t.workspace.verify()
        #expect(problems.contains { $0.hasPrefix("quota account platform:platform-prov-jxip:2026") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("decision \(recorded.record.id!) ") }, "\(problems)")
    }
}

import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// The workspace keeps its industry-policy catalogue like its rule pack: stored at init, replaced
/// by `zoneplan import policy-catalogue`, and a decision replays against the one in force then.
@Suite struct PolicyCatalogueWorkspaceTests {
    @Test(arguments: Backend.allCases) func anImportedCatalogueIsUsedAndReplayKeepsTheOldOne(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("restricted-policy-item")
        let first = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(first.record.verdict == .reject)
        #expect(first.record.result.findings.contains { $0.rule == "national-policy" && $0.outcome == .fail })
        let keyBefore = try t.workspace.planKey()

        // A bureau's edit (made up for the test): the item's capacity limit lowered below the project's.
        let original = try String(contentsOf: geoData.appendingPathComponent("policy-catalogue.yaml"), encoding: .utf8)
        let edited = original.replacingOccurrences(of: "version: \"2024-subset.1\"", with: "version: \"2024-subset.1-bureau\"")
            .replacingOccurrences(of: "condition: {measure: 单线产能, comparison: below, value: 50000, unit: 立方米/年}",
                                  with: "condition: {measure: 单线产能, comparison: below, value: 20000, unit: 立方米/年}")
        #expect(edited.components(separatedBy: "value: 20000").count == original.components(separatedBy: "value: 20000").count + 1,
                "the edit must hit the item")
        let d = try t.workspace.importPolicyCatalogue(text: edited, source: "bureau.yaml", official: "乙")
        #expect(d.version == "2024-subset.1-bureau")
        #expect(try t.workspace.planKey() != keyBefore, "a server must see the new plan")
        #expect(try t.workspace.loadPlan().policy.catalogues.map(\.version) == ["2024-subset.1-bureau"])
        let second = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(!second.record.result.findings.contains { $0.rule == "national-policy" && $0.outcome == .fail })

        // Each decision replays against the catalogue it was decided under.
        #expect(try t.workspace.replay(id: first.record.id!).reproduced)
        #expect(try t.workspace.replay(id: second.record.id!).reproduced)

        // A catalogue that does not load is refused whole, naming the file; nothing is stored.
        #expect(throws: (any Error).self) {
            try t.workspace.importPolicyCatalogue(text: "id: x\nitems: 3\n", source: "broken.yaml", official: "乙")
        }
        #expect(try t.workspace.loadPlan().policy.catalogues.map(\.version) == ["2024-subset.1-bureau"])
    }
}

import Foundation
import Testing
import ZonePlan
@testable import ZoneVetting

/// The README's rule table, the rule pack and the rules agree.
@Suite struct RuleDocsTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyRuleHasARowInTheReadmeAndAnEntryInThePack() throws {
        let readme = try String(contentsOf: Self.repo.appendingPathComponent("README.md"), encoding: .utf8)
        let plan = try VettingEngine.loadPlan(from: Self.repo.appendingPathComponent("GeoData"))
        for rule in RuleRegistry.all {
            let id = type(of: rule).id
            #expect(readme.contains("| `\(id)` |"), "README's rule table has no row for \(id)")
            #expect(plan.rulePack.rule(id) != nil, "rule pack has no \(id)")
        }
        // Every rule that can give a reading has a row in the readings table.
        let readings = try #require(readme.range(of: "**Readings.**")).upperBound
        let table = readme[readings...].prefix(6000)
        for id in ["function-zone", "land-intensity", "restricted-industry", "layout-fit", "jurisdiction", "sea", "land-quota", "national-policy"] {
            #expect(table.contains("| `\(id)`"), "readings table lacks \(id)")
        }
    }

    @Test func everyPackCitationHasItsClauseQuoted() throws {
        let plan = try VettingEngine.loadPlan(from: Self.repo.appendingPathComponent("GeoData"))
        for rule in plan.rulePack.rules {
            for c in rule.citations { #expect(plan.clauses.clause(for: c) != nil, "\(rule.id): \(c)") }
        }
        #expect(plan.rulePack.rule("declared-area")?.citations == [], "declared-area is a data check with no clause")
        #expect(plan.rulePack.rule("land-intensity")?.citations == ["000:116"])
    }
}

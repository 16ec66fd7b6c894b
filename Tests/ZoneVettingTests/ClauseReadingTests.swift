import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// The rules added or re-read from the plans' text (issue: verdicts that follow the plans).
@Suite struct LandIntensityScopeTests {
    @Test func belowTargetFailsInsideAPlatformAndWarnsOutside() throws {
        // 000:116 is a target for 经济开发区、工业园区: text inside a platform, our reading outside.
        let inside = try Mini.findings(LandIntensityRule(), Mini.app(Mini.site(120.725, 30.725), investmentPerMu: 150))
        #expect(inside.outcome("investment") == .fail)
        #expect(inside.first { $0.check == "investment" }?.basis == .text)
        #expect(inside.first { $0.check == "investment" }?.citation == ["000:116"])
        let outside = try Mini.findings(LandIntensityRule(), Mini.app(Mini.site(120.705, 30.78), investmentPerMu: 150))
        #expect(outside.outcome("investment") == .warn)
        #expect(outside.first { $0.check == "investment" }?.basis == .reading)
    }
}

@Suite struct SeaRuleTests {
    @Test func siteInTheSeaWarnsWithTheSeaPartInMu() throws {
        // The mini land layer leaves a 0.005° corner (lon 120.795–120.80, lat 30.70–30.705) as sea.
        let site = Mini.box(120.796, 30.701, 120.799, 30.704)
        let f = try Mini.findings(SeaRule(), Mini.app(site))
        #expect(f.outcome() == .warn)
        #expect(f[0].basis == .reading)
        let area = try PlanarMeasurer().areaMu(lonLat: site)
        #expect(abs((f[0].measured ?? 0) - area) < 0.01, "all of it is sea")
        #expect(f[0].unit == "亩")
    }

    @Test func halfInTheSeaReportsOnlyThatHalf() throws {
        let site = Mini.box(120.796, 30.703, 120.799, 30.707)  // lat 30.703–30.705 sea, 30.705–30.707 land
        let f = try Mini.findings(SeaRule(), Mini.app(site))
        #expect(f.outcome() == .warn)
        let sea = try PlanarMeasurer().areaMu(lonLat: Mini.box(120.796, 30.703, 120.799, 30.705))
        #expect(abs((f[0].measured ?? 0) - sea) < 0.05)
    }

    @Test func siteOnLandPasses() throws {
        #expect(try Mini.findings(SeaRule(), Mini.app(Mini.site(120.725, 30.725))).outcome() == .pass)
    }

    @Test func withoutALandLayerItCannotBeChecked() throws {
        var plan = Mini.plan
        plan.layers.removeAll { $0.name == "land" }
        let f = try Mini.findings(SeaRule(), Mini.app(Mini.site(120.725, 30.725)), plan: plan)
        #expect(f.outcome() == .unverifiable)
    }
}

@Suite struct PollutantEmissionsRuleTests {
    static func plan(cod: Double?) -> PlanData {
        var plan = Mini.plan
        let i = plan.rulePack.rules.firstIndex { $0.id == PollutantEmissionsRule.id }!
        plan.rulePack.rules[i].params["city_avg_cod"] = cod.map { .quantity($0, unit: PollutantEmissionsRule.unit) }
        return plan
    }

    @Test func offUntilTheBureauSetsAnAverage() throws {
        let r = try Mini.vet(Mini.app(Mini.site(120.725, 30.725)))
        #expect(!r.findings.contains { $0.rule == PollutantEmissionsRule.id })
        let na = try #require(r.notApplied.first { $0.rule == PollutantEmissionsRule.id })
        #expect(na.reason == .parameterNotSet)
    }

    @Test func emissionPerValueAddedAgainstTheCityAverage() throws {
        let plan = Self.plan(cod: 0.5)  // 0.5 kg per 万元
        var app = try Mini.app(Mini.site(120.725, 30.725), valueAdded: 10_000)
        app.emissionsT["cod_t"] = 4  // 4 t / 10,000 万元 = 0.4 kg/万元
        #expect(try Mini.findings(PollutantEmissionsRule(), app, plan: plan).outcome("cod_t") == .pass)
        app.emissionsT["cod_t"] = 6
        let f = try Mini.findings(PollutantEmissionsRule(), app, plan: plan)
        #expect(f.outcome("cod_t") == .fail)
        #expect(abs((f[0].measured ?? 0) - 0.6) < 1e-9 && f[0].limit == 0.5)
        #expect(f[0].citation.contains("002:51"))
        app.emissionsT["cod_t"] = nil
        #expect(try Mini.findings(PollutantEmissionsRule(), app, plan: plan).outcome("cod_t") == .unverifiable)
        // Only the pollutants with a set average are checked.
        #expect(try Mini.findings(PollutantEmissionsRule(), app, plan: plan).count == 1)
    }

    @Test func emissionsAreReadFromTheApplication() throws {
        let json = """
        {"type":"Feature","properties":{"name":"x","industry":"C3976","value_added_wan":100,"so2_t":1.5},
         "geometry":{"type":"Polygon","coordinates":[[[120.72,30.72],[120.73,30.72],[120.73,30.73],[120.72,30.73],[120.72,30.72]]]}}
        """
        let f = try GeoJSON.parseFeatures(Data(json.utf8))[0]
        let app = try Application.parse(f, label: "t", catalog: Mini.plan.industries, engine: GeometryEngine())
        #expect(app.emissionsT["so2_t"] == 1.5)
        #expect(app.emissionsT["cod_t"] == nil)
    }
}

@Suite struct NotAppliedTests {
    @Test func everyRuleThatDidNotRunIsListedWithItsReason() throws {
        var plan = Mini.plan
        let i = plan.rulePack.rules.firstIndex { $0.id == "energy-intensity" }!
        plan.rulePack.rules[i].enabled = false
        let engine = try VettingEngine(plan: plan)
        let r = try engine.vet(Mini.app(Mini.site(120.725, 30.725)))
        let reasons = Dictionary(uniqueKeysWithValues: r.notApplied.map { ($0.rule, $0.reason) })
        #expect(reasons["energy-intensity"] == .disabled)
        #expect(reasons["land-quota"] == .noWorkspace)
        #expect(reasons["pollutant-emissions"] == .parameterNotSet)
        // Every rule of the registry either produced findings or is listed as not applied.
        let ran = Set(r.findings.map(\.rule))
        for rule in RuleRegistry.all {
            let id = type(of: rule).id
            #expect(ran.contains(id) || reasons[id] != nil, "\(id) neither ran nor was listed")
        }
        let text = Report.text(r)
        #expect(text.contains("not applied") && text.contains("land-quota") && text.contains("disabled"))
        let json = String(decoding: try Report.json([r]), as: UTF8.self)
        #expect(json.contains("\"not_applied\"") && json.contains("\"parameter-not-set\""))
    }

    @Test func everyFindingSaysItsBasis() throws {
        let r = try Mini.vet(Mini.app(Mini.site(120.785, 30.74), industry: "C39"))
        let json = try JSONSerialization.jsonObject(with: Report.json([r])) as! [String: Any]
        let findings = json["findings"] as! [[String: Any]]
        #expect(!findings.isEmpty)
        for f in findings { #expect(["text", "reading", "data-check"].contains(f["basis"] as? String ?? "")) }
        #expect(r.findings.contains { $0.rule == "function-zone" && $0.basis == .reading && $0.outcome == .warn })
        #expect(r.findings.first { $0.rule == "declared-area" }?.basis == .dataCheck)
        #expect(r.findings.first { $0.rule == "declared-area" }?.citation == [])
    }

    @Test func oldLedgerResultsWithoutTheNewFieldsStillDecode() throws {
        let r = try Mini.vet(Mini.app(Mini.site(120.725, 30.725)))
        var obj = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
        obj.removeValue(forKey: "not_applied")
        obj.removeValue(forKey: "clauses")
        obj["findings"] = (obj["findings"] as! [[String: Any]]).map { f in var f = f; f.removeValue(forKey: "basis"); return f }
        let back = try JSONDecoder().decode(VettingResult.self, from: JSONSerialization.data(withJSONObject: obj))
        #expect(back.verdict == r.verdict && back.findings.count == r.findings.count && back.notApplied.isEmpty)
    }
}

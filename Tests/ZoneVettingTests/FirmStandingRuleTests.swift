import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// firm-standing: the applicant's 亩均效益 class (004:120 priority for A/B; D warns, a reading of 004:114).
@Suite struct FirmStandingRuleTests {
    // Well-formed codes (GB 32100-2015 check character) from the synthetic example data.
    static let a = "91330482265423519C", b = "91330481835030566F", c = "913304837365580858", d = "91330402542744380M"
    static let standings = FirmStandings(year: 2025, packVersion: "2026.11.1", source: "test", firms: [
        FirmStanding(creditCode: a, name: "示例甲", firmClass: .A, score: 131.2),
        FirmStanding(creditCode: b, name: "示例乙", firmClass: .B, score: 96),
        FirmStanding(creditCode: c, name: "示例丙", firmClass: .C, score: 60.5),
        FirmStanding(creditCode: d, name: "示例丁", firmClass: .D, score: 21.4),
        FirmStanding(creditCode: "91330402MA2B0000XX", name: "示例戊", firmClass: nil, notEvaluated: "new firm (started 2024)"),
    ])

    func findings(code: String?, standings: FirmStandings? = Self.standings) throws -> [Finding] {
        var app = try Mini.app(Mini.site(120.725, 30.725))
        app.creditCode = code
        let plan = Mini.plan
        let analyzer = try SiteAnalyzer(plan: plan)
        let site = try analyzer.analyze(site: app.site)
        let spec = try #require(plan.rulePack.rule(FirmStandingRule.id))
        return try withExtendedLifetime(analyzer) {
            try FirmStandingRule().evaluate(RuleInput(application: app, site: site, plan: plan, spec: spec, standings: standings))
        }
    }

    @Test(arguments: [(a, "A"), (b, "B")])
    func abClassPassesWithThePriorityOf004_120(code: String, cls: String) throws {
        let f = try findings(code: code)
        #expect(f.count == 1)
        #expect(f[0].outcome == .pass && f[0].basis == .text && f[0].citation == ["004:120"])
        #expect(f[0].explanationZh.contains("\(cls) 类") && f[0].explanationZh.contains("重点倾斜"))
        #expect(f[0].explanationEn.contains("priority in land and energy quota"))
        #expect(f[0].explanationZh.contains("2025 年") && f[0].explanationZh.contains("2026.11.1"))
    }

    @Test func cClassPassesWithoutPriority() throws {
        let f = try findings(code: Self.c)
        #expect(f.outcome("class") == .pass)
        #expect(f[0].measured == 60.5 && f[0].unit == "分")
        #expect(f[0].explanationEn.contains("no priority"))
    }

    @Test func dClassWarnsAsAReadingOf004_114() throws {
        let f = try findings(code: Self.d)
        #expect(f.outcome("class") == .warn)
        #expect(f[0].basis == .reading && f[0].citation == ["004:114"])
        #expect(f[0].explanationZh.contains("D 类") && f[0].explanationZh.contains("示例丁"))
    }

    @Test func dClassOutcomeComesFromThePack() throws {
        var plan = Mini.plan
        let i = try #require(plan.rulePack.rules.firstIndex { $0.id == FirmStandingRule.id })
        plan.rulePack.rules[i].params["d_class_outcome"] = .word("fail")
        var app = try Mini.app(Mini.site(120.725, 30.725))
        app.creditCode = Self.d
        let engine = try VettingEngine(plan: plan)
        engine.standings = Self.standings
        let r = try engine.vet(app)
        #expect(r.findings.first { $0.rule == FirmStandingRule.id }?.outcome == .fail)
        #expect(r.verdict == .reject)
    }

    @Test func aFirmNotInTheEvaluationPassesAsNotEvaluated() throws {
        // A new firm (招商引资) is the common applicant: not being evaluated is not a defect.
        let f = try findings(code: "91330000000000000X")
        #expect(f.outcome("not-evaluated") == .pass)
        #expect(f[0].basis == .dataCheck && f[0].explanationEn.contains("not in the 2025"))
    }

    @Test func aFirmTheEvaluationDidNotClassSaysWhy() throws {
        let f = try findings(code: "91330402ma2b0000xx ")  // codes compare upper case, trimmed
        #expect(f.outcome("not-classed") == .pass)
        #expect(f[0].explanationEn.contains("new firm (started 2024)"))
    }

    @Test func anApplicationWithoutACodeIsNotLookedUp() throws {
        let f = try findings(code: nil)
        #expect(f.outcome("credit-code") == .pass)
        #expect(f[0].explanationEn.contains("no 统一社会信用代码"))
    }

    @Test func withoutAnEvaluationTheRuleIsListedAsNotApplied() throws {
        var app = try Mini.app(Mini.site(120.725, 30.725))
        app.creditCode = Self.d
        let r = try Mini.vet(app)
        #expect(!r.findings.contains { $0.rule == FirmStandingRule.id })
        #expect(r.notApplied.contains(NotApplied(rule: FirmStandingRule.id, reason: .noEvaluation)))
    }

    @Test func aPackFromBeforeTheRuleStillVetsAsItDidWithoutAnEvaluation() throws {
        // Decisions recorded under rule pack 2026.11.2 are replayed with that pack.
        var plan = Mini.plan
        plan.rulePack.rules.removeAll { $0.id == FirmStandingRule.id }
        let app = try Mini.app(Mini.site(120.725, 30.725))
        let r = try VettingEngine(plan: plan).vet(app)
        #expect(!r.findings.contains { $0.rule == FirmStandingRule.id })
        #expect(r.verdict == (try Mini.vet(app)).verdict)
        // Given an evaluation, a pack without the rule cannot judge it: fail closed as for any rule.
        let engine = try VettingEngine(plan: plan)
        engine.standings = Self.standings
        #expect(try engine.vet(app).findings.first { $0.rule == FirmStandingRule.id }?.outcome == .unverifiable)
    }

    @Test func applicationReadsCreditCodeUnderEitherName() throws {
        let geometry = GeometryEngine()
        func parse(_ props: [String: JSONValue]) throws -> Application {
            var p: [String: JSONValue] = ["name": .string("x"), "industry": .string("C3976")]
            p.merge(props) { $1 }
            return try Application.parse(Feature(id: nil, geometry: Mini.site(120.725, 30.725), properties: p, bbox: nil),
                                         label: "t", catalog: Mini.plan.industries, engine: geometry)
        }
        #expect(try parse(["credit_code": .string(" \(Self.a.lowercased()) ")]).creditCode == Self.a)
        #expect(try parse(["统一社会信用代码": .string(Self.b)]).creditCode == Self.b)
        #expect(try parse([:]).creditCode == nil)
        #expect(throws: ApplicationError.self) { try parse(["credit_code": .number(913304)]) }
        // A mistyped code is bad input naming the field and why, not a firm "not evaluated".
        #expect(throws: ApplicationError(application: "t (x)", field: "properties.credit_code",
                                         message: "'91330000000000000X' check character is 'X', expected '4' (GB 32100-2015)")) {
            try parse(["credit_code": .string("91330000000000000X")])
        }
        #expect(throws: ApplicationError.self) { try parse(["统一社会信用代码": .string("9133")]) }
    }

    @Test func evaluationJSONIsReadAndBadOnesAreNamed() throws {
        let good = #"{"year": 2025, "pack": {"version": "v1"}, "firms": [{"credit_code": "\#(Self.d)", "name": "丁", "class": "D", "score": 12.5, "not_evaluated": null}]}"#
        let s = try FirmStandings.fromEvaluationJSON(Data(good.utf8), source: "e.json")
        #expect(s.year == 2025 && s.packVersion == "v1" && s.standing(of: Self.d)?.firmClass == .D)
        for (doc, field) in [(#"{"pack": {"version": "v1"}, "firms": []}"#, "year"),
                             (#"{"year": 2025, "firms": []}"#, "pack.version"),
                             (#"{"year": 2025, "pack": {"version": "v1"}, "firms": [{"credit_code": "X", "class": "E"}]}"#, "firms[0].class"),
                             ("[1]", "file")] {
            #expect { try FirmStandings.fromEvaluationJSON(Data(doc.utf8), source: "e.json") } throws: { e in
                (e as? FirmStandings.FormatError)?.field == field
            }
        }
    }
}

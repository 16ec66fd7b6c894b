import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// The national-policy rule on the mini plan with a test catalogue (Fixtures/policy-catalogue-test.yaml).
@Suite("national-policy rule")
struct NationalPolicyRuleTests {
    static let catalogueURL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("policy-catalogue-test.yaml")
    /// The mini plan with the rule on (the mini pack has it off: it carries no catalogue).
    static let enabled: PlanData = {
        var p = Mini.plan
        let i = p.rulePack.rules.firstIndex { $0.id == NationalPolicyRule.id }!
        p.rulePack.rules[i].enabled = true
        return p
    }()
    static let plan: PlanData = {
        var p = enabled
        try! p.addPolicyCatalogue(PolicyCatalogues.read(catalogueURL, displayName: "policy-catalogue-test.yaml", vocabulary: p.industries))
        return p
    }()
    static let inPlatform = Mini.site(120.725, 30.725)

    /// An application read as from a file, so declarations go through the same checks.
    static func parse(industry: String, _ extra: [String: JSONValue] = [:], plan: PlanData = Self.plan) throws -> Application {
        var p: [String: JSONValue] = ["name": .string("x"), "industry": .string(industry)]
        p.merge(extra) { $1 }
        return try Application.parse(Feature(id: nil, geometry: inPlatform, properties: p, bbox: nil),
                                     label: "t", catalog: plan.industries, engine: GeometryEngine())
    }

    static func capacity(_ v: Double, _ unit: String = "万米/年") -> JSONValue { .object(["value": .number(v), "unit": .string(unit)]) }

    func policy(_ app: Application) throws -> [Finding] {
        try Mini.findings(NationalPolicyRule(), app, plan: Self.plan)
    }

    @Test func aRestrictedItemWithinItsCapacityConditionFailsQuotingTheItem() throws {
        let app = try Self.parse(industry: "C1713", ["policy_items": .array([.string("限制类 T、1")]), "capacity": Self.capacity(3000)])
        let f = try #require(try policy(app).first)
        #expect(f.outcome == .fail && f.check == "restricted")
        #expect(f.explanationZh.contains("「限制类 T、1」") && f.explanationZh.contains("3000 万米/年 < 5000"))
        #expect(f.measured == 3000 && f.limit == 5000 && f.unit == "万米/年")
        #expect(f.citation == ["000:359", "000:384"])
        // Unchecked numbering is marked as such wherever the item is quoted.
        #expect(f.explanationZh.contains("未经原文核对"))
        let r = try Mini.vet(app, plan: Self.plan)
        #expect(r.verdict == .reject)
    }

    @Test func aCapacityOutsideTheConditionIsNotUnderTheItem() throws {
        let app = try Self.parse(industry: "C1713", ["policy_items": .array([.string("限制类 T、1")]), "capacity": Self.capacity(8000)])
        let f = try #require(try policy(app).first)
        #expect(f.outcome == .pass && f.basis == .dataCheck)
        #expect(f.explanationZh.contains("不属该条目"))
    }

    @Test func aConditionedItemWithoutCapacityCannotBeJudged() throws {
        let app = try Self.parse(industry: "C1713", ["policy_items": .array([.string("限制类 T、1")])])
        #expect(try policy(app).map(\.outcome) == [.unverifiable])
        #expect(try Mini.vet(app, plan: Self.plan).verdict != .approve)
    }

    @Test func anEliminatedItemFails() throws {
        let app = try Self.parse(industry: "C1713", ["policy_items": .array([.string("淘汰类 T、1")])])
        let f = try #require(try policy(app).first)
        #expect(f.outcome == .fail && f.check == "eliminated")
        #expect(f.explanationZh.contains("淘汰类") && f.explanationZh.contains("浴比大于 1:10"))
    }

    @Test func anEncouragedItemPassesAsALandPriority() throws {
        let app = try Self.parse(industry: "C3825", ["policy_items": .array([.string("鼓励类 T、1")])])
        let f = try #require(try policy(app).first)
        #expect(f.outcome == .pass && f.basis == .text && f.citation == ["000:359"])
        #expect(f.explanationZh.contains("优先配置土地"))
    }

    @Test func anUndeclaredProjectInAClassWithBarredItemsIsAskedForItsItem() throws {
        for code in ["C1713", "C17"] {  // C17 may hold C1713: asked too
            let f = try #require(try policy(try Self.parse(industry: code)).first)
            #expect(f.outcome == .warn && f.basis == .reading && f.check == "undeclared", "\(code)")
            #expect(f.explanationZh.contains("限制类 T、1") && f.explanationZh.contains("淘汰类 T、1"))
            #expect(f.explanationZh.contains("policy_items"))
        }
        // A class with no barred item is a pass, naming the encouraged items the applicant could declare.
        let pv = try #require(try policy(try Self.parse(industry: "C3825")).first)
        #expect(pv.outcome == .pass && pv.explanationZh.contains("鼓励类 T、1"))
        #expect(try policy(try Self.parse(industry: "C3976")).first?.outcome == .pass)
    }

    @Test func statingThatNoItemAppliesIsTakenAsDeclared() throws {
        let app = try Self.parse(industry: "C1713", ["policy_items": .array([])])
        let f = try #require(try policy(app).first)
        #expect(f.outcome == .pass && f.check == "declared-none")
    }

    @Test func withoutACatalogueTheVerdictCannotBeApproval() throws {
        // The pack asks for the check, nothing is loaded to check against: fail closed.
        let r = try Mini.vet(try Mini.app(Self.inPlatform), plan: Self.enabled)
        let f = try #require(r.findings.first { $0.rule == NationalPolicyRule.id })
        #expect(f.outcome == .unverifiable && f.explanationEn.contains("no industry-policy catalogue"))
        #expect(r.verdict == .incomplete)
        #expect(r.policyCatalogues == nil)
        // A pack from before the rule (a decision replayed under it) lists it as not applied.
        var old = Mini.plan
        old.rulePack.rules.removeAll { $0.id == NationalPolicyRule.id }
        let replayed = try Mini.vet(try Mini.app(Self.inPlatform), plan: old)
        #expect(replayed.notApplied.contains(NotApplied(rule: NationalPolicyRule.id, reason: .noPolicyCatalogue)))
    }

    @Test func theResultAndThePlanVersionNameTheCatalogue() throws {
        let r = try Mini.vet(try Self.parse(industry: "C3976"), plan: Self.plan)
        #expect(r.policyCatalogues == ["测试产业政策目录 t1"])
        #expect(Self.plan.snapshotVersion.hasSuffix("; policy test-catalogue=t1"))
        let json = String(decoding: try Report.json([r]), as: UTF8.self)
        #expect(json.contains("\"policy_catalogues\""))
        // The writer stays byte-identical to JSONEncoder with the new member.
        #expect(try Report.json([r]) == Report.encoderJSON([r], pretty: true))
    }

    @Test func anUnknownItemOrACapacityInTheWrongUnitIsBadInput() throws {
        #expect(throws: ApplicationError(application: "t (x)", field: "properties.policy_items[0]",
                                         message: "unknown catalogue item '限制类 T、9' (not in 测试产业政策目录 t1)")) {
            try Self.parse(industry: "C1713", ["policy_items": .array([.string("限制类 T、9")])])
        }
        #expect(throws: ApplicationError(application: "t (x)", field: "properties.capacity.unit",
                                         message: "'吨/年' is not the unit of 限制类 T、1 (单线产能 in 万米/年)")) {
            try Self.parse(industry: "C1713", ["policy_items": .array([.string("限制类 T、1")]), "capacity": Self.capacity(3000, "吨/年")])
        }
        #expect(throws: ApplicationError.self) { try Self.parse(industry: "C1713", ["policy_items": .string("限制类 T、1")]) }
        #expect(throws: ApplicationError.self) { try Self.parse(industry: "C1713", ["capacity": .number(3000)]) }
        #expect(throws: ApplicationError.self) { try Self.parse(industry: "C1713", ["capacity": Self.capacity(-1)]) }
        // Without any catalogue an item cannot be known: refused, not silently ignored.
        #expect(throws: ApplicationError(application: "t (x)", field: "properties.policy_items[0]",
                                         message: "unknown catalogue item '限制类 T、1': no industry-policy catalogue is loaded")) {
            try Self.parse(industry: "C1713", ["policy_items": .array([.string("限制类 T、1")])], plan: Mini.plan)
        }
    }
}

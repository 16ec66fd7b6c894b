import ZoneGeometry
import ZonePlan

/// Shows an applicant firm's 亩均效益 class: A/B earn priority for land and energy quota (004:120); a D-class firm asking for more land warns (004:114, reading).
public struct FirmStandingRule: VettingRule {
    public static let id = "firm-standing"
    public static let parameters: [ParameterSpec] = [
        .init("d_class_outcome", .choice(["warn", "fail", "pass"])),
    ]
    public init() {}

    public func notApplied(_ spec: RuleSpec, hasWorkspace: Bool, hasStandings: Bool) -> NotApplied? {
        hasStandings ? nil : NotApplied(rule: Self.id, reason: .noEvaluation)
    }

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        guard let standings = input.standings else { return [] }
        let of = "\(standings.year) 年亩均效益评价（评价包 \(standings.packVersion)）"
        let ofEn = "the \(standings.year) 亩均效益 evaluation (pack \(standings.packVersion))"
        // An application without a code is not a defect: siting does not require an evaluated firm.
        guard let code = input.application.creditCode else {
            return [Finding(rule: Self.id, check: "credit-code", outcome: .pass, basis: .dataCheck, citation: [],
                            zh: "申请未填统一社会信用代码（credit_code），未查询\(of)",
                            en: "the application gives no 统一社会信用代码 (credit_code): \(ofEn) was not looked up")]
        }
        // Not found is a pass: new firms (招商引资) are not evaluated until they have produced for a
        // year or two, and the plans grant or withhold nothing for that. (A malformed code never gets
        // here: it is refused when the application is read.)
        guard let firm = standings.standing(of: code) else {
            return [Finding(rule: Self.id, check: "not-evaluated", outcome: .pass, basis: .dataCheck, citation: [],
                            zh: "\(code) 不在\(of)中（新企业或评价范围外），无 AB 类倾斜，亦无 D 类限制",
                            en: "\(code) is not in \(ofEn) (a new firm, or outside the evaluation): no A/B priority, no D-class restriction")]
        }
        let who = firm.name.map { "\($0)（\(code)）" } ?? code
        let whoEn = firm.name.map { "\($0) (\(code))" } ?? code
        guard let cls = firm.firmClass else {
            let why = firm.notEvaluated ?? "未分类"
            return [Finding(rule: Self.id, check: "not-classed", outcome: .pass, basis: .dataCheck, citation: [],
                            zh: "\(who)在\(of)中未分类：\(why)",
                            en: "\(whoEn) is not classed in \(ofEn): \(firm.notEvaluated ?? "no class")")]
        }
        let score = firm.score.map { "，得分 \(num($0))" } ?? ""
        let scoreEn = firm.score.map { ", score \(num($0))" } ?? ""
        switch cls {
        case .A, .B:
            return [Finding(rule: Self.id, check: "class", outcome: .pass, basis: .text, measured: firm.score, unit: firm.score == nil ? nil : "分",
                            citation: ["004:120"],
                            zh: "\(who)为\(of) \(cls.rawValue) 类\(score)：在土地、能源等资源要素分配上给予重点倾斜（用地指标、用能指标优先）",
                            en: "\(whoEn) is class \(cls.rawValue) in \(ofEn)\(scoreEn): priority in land and energy quota (004:120)")]
        case .C:
            return [Finding(rule: Self.id, check: "class", outcome: .pass, basis: .text, measured: firm.score, unit: firm.score == nil ? nil : "分",
                            citation: ["004:120"],
                            zh: "\(who)为\(of) C 类\(score)：不属 AB 类，无资源要素倾斜",
                            en: "\(whoEn) is class C in \(ofEn)\(scoreEn): not A/B, so no priority for land or energy quota")]
        case .D:
            // 004:114 says low-efficiency firms are to exit or upgrade through differentiated
            // allocation; that more land for a D-class firm is a condition is our reading.
            let outcome = input.outcome("d_class_outcome", default: .warn)
            return [Finding(rule: Self.id, check: "class", outcome: outcome, basis: .reading, measured: firm.score, unit: firm.score == nil ? nil : "分",
                            citation: ["004:114"],
                            zh: "\(who)为\(of) D 类\(score)：低效企业应加速退出或转型提升，新增用地须说明提升措施（解读）",
                            en: "\(whoEn) is class D in \(ofEn)\(scoreEn): low-efficiency firms are to exit or upgrade, not expand; more land needs an upgrade case (reading)")]
        }
    }
}

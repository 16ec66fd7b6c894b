import ZoneGeometry
import ZonePlan

/// Checks the project against the industry-policy catalogue(s): a restricted or eliminated item gets no land (000:359, 000:384); an encouraged item has land priority (000:359); an undeclared project in a class with barred items warns (reading).
/// 000:359 says only that projects not conforming to national industry policy get no land and
/// conforming key projects get priority; which project an item covers is the applicant's
/// declaration (`policy_items`, `capacity`). That a project in a class with barred items must
/// state its item is our reading: the catalogue names products and capacities, not classes.
public struct NationalPolicyRule: VettingRule {
    public static let id = "national-policy"
    public static let parameters: [ParameterSpec] = [
        .outcome("restricted_outcome"), .outcome("eliminated_outcome"), .outcome("undeclared_outcome"),
    ]
    public init() {}


    /// `「限制类 一、2」（产业结构调整指导目录（2024年本）：…）`, marked when not checked against the text.
    static func quoted(_ item: PolicyCatalogue.Item) -> String {
        "「\(item.number)」（\(item.catalogue) \(item.section)：\(item.description)）" + (item.verified ? "" : "〔条目号与表述未经原文核对〕")
    }

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let app = input.application
        let policy = input.plan.policy
        // The pack asks for the check and there is nothing to check against: never approvable
        // (a pack from before this rule is the engine's case: not applied, as it was decided).
        guard !policy.isEmpty else {
            return [input.unverifiable(zh: "未载入产业政策目录，无法核对国家产业政策（GeoData 的 policy-catalogue.yaml；工作区用 zoneplan import policy-catalogue FILE 载入）",
                                       en: "no industry-policy catalogue is loaded, so national industry policy cannot be checked (GeoData's policy-catalogue.yaml; in a workspace, zoneplan import policy-catalogue FILE)")]
        }
        guard let declared = app.policyItems else {
            // The finding follows from the plan and the industry code alone: one per code and engine.
            guard let memo = input.scratch else { return [undeclared(input, policy: policy)] }
            if let known = memo.undeclaredPolicy[app.industry] { return [known] }
            let f = undeclared(input, policy: policy)
            VettingScratch.makeRoom(&memo.undeclaredPolicy)
            memo.undeclaredPolicy[app.industry] = f
            return [f]
        }
        guard !declared.isEmpty else {
            let barred = barredItems(input, policy: policy)
            return [Finding(rule: Self.id, check: "declared-none", outcome: .pass, basis: .dataCheck, citation: ["000:359"],
                            zh: "申请声明不属产业政策目录任何条目" + (barred.isEmpty ? "" : "（本行业有限制类、淘汰类条目 \(barred.map(\.number).joined(separator: "、"))，以申请人声明为准）"),
                            en: "the application states that no catalogue item applies" + (barred.isEmpty ? "" : " (this industry has restricted/eliminated items \(barred.map(\.number).joined(separator: ", ")); taken as declared)"))]
        }
        return declared.compactMap { policy.item($0)?.item }.map { finding(for: $0, input: input) }
    }

    func barredItems(_ input: RuleInput, policy: PolicyCatalogues) -> [PolicyCatalogue.Item] {
        let code = input.application.industry
        guard let memo = input.scratch else { return policy.barredItems(for: code) }
        if let known = memo.barredItems[code] { return known }
        let barred = policy.barredItems(for: code)
        VettingScratch.makeRoom(&memo.barredItems)
        memo.barredItems[code] = barred
        return barred
    }

    func finding(for item: PolicyCatalogue.Item, input: RuleInput) -> Finding {
        let app = input.application
        let q = Self.quoted(item)
        let check = item.category.rawValue
        var measured: Double?, limit: Double?, unit: String?
        var conditionZh = "", conditionEn = ""
        if let c = item.condition {
            limit = c.value; unit = c.unit
            guard let cap = app.capacity else {
                // Whether the item applies turns on the capacity: fail closed until it is stated.
                return input.unverifiable(check: check,
                                          zh: "申报条目\(q)以\(c.measure)\(c.comparison.symbol) \(num(c.value)) \(c.unit)为条件，申请未填 capacity，无法判断是否适用",
                                          en: "declared item \(item.number) applies when \(c.measure) \(c.comparison.symbol) \(num(c.value)) \(c.unit); the application gives no capacity, so it cannot be told")
            }
            measured = cap.value
            guard c.comparison.holds(cap.value, c.value) else {
                return Finding(rule: Self.id, check: check, outcome: .pass, basis: .dataCheck, measured: cap.value, limit: c.value, unit: c.unit,
                               citation: ["000:359"],
                               zh: "申报条目\(q)：本项目\(c.measure) \(num(cap.value)) \(c.unit)，不满足该条目条件（\(c.comparison.symbol) \(num(c.value))），不属该条目" + (item.category == .encouraged ? "，不享受鼓励类用地优先" : ""),
                               en: "declared item \(item.number): the project's \(c.measure) \(num(cap.value)) \(c.unit) is outside the item's condition (\(c.comparison.symbol) \(num(c.value))), so the item does not apply")
            }
            conditionZh = "（本项目\(c.measure) \(num(cap.value)) \(c.unit) \(c.comparison.symbol) \(num(c.value))）"
            conditionEn = " (\(c.measure) \(num(cap.value)) \(c.unit) \(c.comparison.symbol) \(num(c.value)))"
        }
        let process = item.process.map { "；工艺条件：\($0)" } ?? ""
        switch item.category {
        case .encouraged:
            return Finding(rule: Self.id, check: check, outcome: .pass, measured: measured, limit: limit, unit: unit, citation: ["000:359"],
                           zh: "属鼓励类\(q)\(conditionZh)\(process)：符合国家产业政策，属优先配置土地的项目",
                           en: "encouraged item \(item.number)\(conditionEn): conforms to national industry policy and has priority for land (000:359)")
        case .restricted, .eliminated:
            let outcome = input.outcome(item.category == .restricted ? "restricted_outcome" : "eliminated_outcome", default: .fail)
            let what = item.category == .restricted ? "限制类，新建项目禁止投资，不予审批、供地" : "淘汰类，须淘汰的落后工艺、装备或产品"
            return Finding(rule: Self.id, check: check, outcome: outcome, measured: measured, limit: limit, unit: unit, citation: ["000:359", "000:384"],
                           zh: "属\(what)：\(q)\(conditionZh)\(process)。不符合国家产业政策的项目不予供地，国家和省市明确禁止和限制发展的产业是招商引资禁区",
                           en: "\(item.category.rawValue) item \(item.number)\(conditionEn) of \(item.catalogue): a project not conforming to national industry policy gets no land (000:359, 000:384)")
        }
    }

    func undeclared(_ input: RuleInput, policy: PolicyCatalogues) -> Finding {
        let code = input.application.industry
        let barred = policy.barredItems(for: code)
        guard !barred.isEmpty else {
            // Encouraged items of the class are named: declaring one earns the land priority of 000:359.
            let encouraged = policy.encouragedItems(for: code).map(\.number)
            return Finding(rule: Self.id, check: "undeclared", outcome: .pass, basis: .dataCheck, citation: ["000:359"],
                           zh: "行业 \(code) 在所载目录（\(policy.labels.joined(separator: "；"))，为子集）中无限制类、淘汰类条目，申请未申报条目"
                               + (encouraged.isEmpty ? "" : "；本行业有鼓励类条目 \(encouraged.joined(separator: "、"))，申报并符合的可优先配置土地"),
                           en: "the loaded catalogues (\(policy.labels.joined(separator: "; ")), a subset) list no restricted or eliminated item for industry \(code); the application declares none"
                               + (encouraged.isEmpty ? "" : "; encouraged items of this industry (\(encouraged.joined(separator: ", "))), if declared and met, have land priority"))
        }
        let shown = barred.prefix(6).map { "「\($0.number)」\($0.description)" }.joined(separator: "；") + (barred.count > 6 ? " 等 \(barred.count) 条" : "")
        return Finding(rule: Self.id, check: "undeclared", outcome: input.outcome("undeclared_outcome", default: .warn), basis: .reading,
                       citation: ["000:359", "000:384"],
                       zh: "行业 \(code) 有产业政策目录限制类、淘汰类条目（\(shown)），申请未说明所属条目：请在 policy_items 中申报条目（不属任何条目则填 []）及 capacity（解读）",
                       en: "industry \(code) has restricted/eliminated catalogue items (\(barred.prefix(6).map(\.number).joined(separator: ", "))\(barred.count > 6 ? ", …" : "")) and the application does not say which applies: state policy_items (or [] for none) and capacity (reading)")
    }
}

import ZoneGeometry
import ZonePlan

/// How one check came out. `unverifiable` means the data it needs is missing: never approvable.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    case pass, warn, fail, unverifiable
}

/// The decision for one application.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// Every applicable rule passes.
    case approve
    /// No rule fails, some warn (approvable with conditions).
    case conditional
    /// A rule fails.
    case reject
    /// A rule could not be evaluated for lack of data; never approve.
    case incomplete

    public var chinese: String {
        switch self {
        case .approve: return "同意"
        case .conditional: return "附条件同意"
        case .reject: return "不予同意"
        case .incomplete: return "资料不全，无法审查"
        }
    }

    /// fail beats unverifiable (a definite failure decides), unverifiable beats warn.
    public static func from(_ outcomes: [Outcome]) -> Verdict {
        if outcomes.contains(.fail) { return .reject }
        if outcomes.contains(.unverifiable) { return .incomplete }
        if outcomes.contains(.warn) { return .conditional }
        return .approve
    }
}

/// What a finding rests on: a clause that says it (`text`), our reading where the plan is silent or
/// general (`reading`, listed in the README), or a check of the application's own data with no
/// clause behind it (`data-check`).
public enum Basis: String, Sendable, Codable, CaseIterable {
    case text, reading
    case dataCheck = "data-check"

    public var chinese: String {
        switch self {
        case .text: return "条文"
        case .reading: return "解读"
        case .dataCheck: return "数据核对"
        }
    }
}

/// A rule of the pack that was not applied to this application, and why: silence is not a pass.
public struct NotApplied: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable {
        /// `enabled: false` in the rule pack.
        case disabled
        /// A parameter the rule needs is not set in the rule pack.
        case parameterNotSet = "parameter-not-set"
        /// The rule needs a workspace (land quotas) and the check ran without one.
        case noWorkspace = "no-workspace"
        /// The rule needs a 亩均效益 evaluation (`check --evaluation`) and none was given.
        case noEvaluation = "no-evaluation"
        /// The rule needs an industry-policy catalogue (`policy-catalogue.yaml`) and the plan has none.
        case noPolicyCatalogue = "no-policy-catalogue"
    }
    public var rule: String
    public var reason: Reason
    /// Which parameters, where the reason is `parameter-not-set`.
    public var detail: String?
    public init(rule: String, reason: Reason, detail: String? = nil) { self.rule = rule; self.reason = reason; self.detail = detail }

    public var explanationZh: String {
        switch reason {
        case .disabled: return "规则包中已停用（enabled: false）"
        case .parameterNotSet: return "规则包参数未设定\(detail.map { "（\($0)）" } ?? "")，本规则未执行"
        case .noWorkspace: return "未使用工作空间，用地指标未核对"
        case .noEvaluation: return "未提供亩均效益评价（--evaluation），未查询申请企业类别"
        case .noPolicyCatalogue: return "未载入产业政策目录（policy-catalogue.yaml），未核对产业政策"
        }
    }
    public var explanationEn: String {
        switch reason {
        case .disabled: return "disabled in the rule pack (enabled: false)"
        case .parameterNotSet: return "rule-pack parameter not set\(detail.map { " (\($0))" } ?? ""): the rule did not run"
        case .noWorkspace: return "no workspace: land quotas were not checked"
        case .noEvaluation: return "no 亩均效益 evaluation given (--evaluation): the applicant firm's class was not looked up"
        case .noPolicyCatalogue: return "no industry-policy catalogue loaded (policy-catalogue.yaml): national industry policy was not checked"
        }
    }
}

/// A plan feature a finding is about, with how the site relates to it.
public struct ZoneRef: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    /// Tier of a platform or category of a functional zone.
    public var detail: String?
    public var overlapMu: Double?
    public var share: Double?
    public var distanceKm: Double?

    public init(id: String, name: String, kind: String, detail: String? = nil, overlapMu: Double? = nil, share: Double? = nil, distanceKm: Double? = nil) {
        self.id = id; self.name = name; self.kind = kind; self.detail = detail
        self.overlapMu = overlapMu; self.share = share; self.distanceKm = distanceKm
    }

    public init(_ f: PlanFeature, overlapMu: Double? = nil, share: Double? = nil, distanceKm: Double? = nil) {
        id = f.id; name = f.name; kind = f.kind.rawValue
        detail = f.tier?.rawValue ?? f.category?.rawValue
        self.overlapMu = overlapMu; self.share = share; self.distanceKm = distanceKm
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, detail
        case overlapMu = "overlap_mu", share
        case distanceKm = "distance_km"
    }
}

/// One piece of evidence: which rule, what was measured against which limit, the zones involved,
/// the clause of the plan, and a one-line explanation in Chinese and English.
public struct Finding: Sendable, Codable, Equatable {
    public var rule: String
    /// Which part of the rule, where a rule checks more than one thing (e.g. `investment`, `output`).
    public var check: String?
    public var outcome: Outcome
    /// Whether the clause says this, or it is our reading, or a data check.
    public var basis: Basis
    public var measured: Double?
    public var limit: Double?
    public var unit: String?
    public var zones: [ZoneRef]
    public var citation: [String]
    public var explanationZh: String
    public var explanationEn: String

    public init(rule: String, check: String? = nil, outcome: Outcome, basis: Basis = .text, measured: Double? = nil, limit: Double? = nil,
                unit: String? = nil, zones: [ZoneRef] = [], citation: [String], zh: String, en: String) {
        self.rule = rule; self.check = check; self.outcome = outcome; self.basis = basis; self.measured = measured; self.limit = limit
        self.unit = unit; self.zones = zones; self.citation = citation; explanationZh = zh; explanationEn = en
    }

    enum CodingKeys: String, CodingKey {
        case rule, check, outcome, basis, measured, limit, unit, zones, citation
        case explanationZh = "explanation_zh", explanationEn = "explanation_en"
    }

    // Ledger entries written before `basis` existed still decode.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rule = try c.decode(String.self, forKey: .rule)
        check = try c.decodeIfPresent(String.self, forKey: .check)
        outcome = try c.decode(Outcome.self, forKey: .outcome)
        basis = try c.decodeIfPresent(Basis.self, forKey: .basis) ?? .text
        measured = try c.decodeIfPresent(Double.self, forKey: .measured)
        limit = try c.decodeIfPresent(Double.self, forKey: .limit)
        unit = try c.decodeIfPresent(String.self, forKey: .unit)
        zones = try c.decode([ZoneRef].self, forKey: .zones)
        citation = try c.decode([String].self, forKey: .citation)
        explanationZh = try c.decode(String.self, forKey: .explanationZh)
        explanationEn = try c.decode(String.self, forKey: .explanationEn)
    }
}

/// The answer for one application: verdict, findings, and what is needed to reproduce it.
public struct VettingResult: Sendable, Codable {
    public var name: String
    public var verdict: Verdict
    public var areaMu: Double
    public var counties: [ZoneRef]
    public var platforms: [ZoneRef]
    public var findings: [Finding]
    public var rulePackVersion: String
    public var geodataVersion: String
    public var industry: String
    public var industryName: String?
    /// The application's properties as given (extra properties are kept and echoed).
    public var application: [String: JSONValue]
    /// Whether land quotas were checked (only with a workspace).
    public var quotaChecked: Bool = false
    /// What an approval would draw from each quota account.
    public var quotaDraws: [QuotaDraw] = []
    /// Version of each layer the decision used.
    public var layerVersions: [String: String] = [:]
    /// The plan snapshot the result was vetted with (GeoData, layers, rule pack, vocabulary).
    public var planVersion: String?
    /// Rules of the pack that were not applied, and why.
    public var notApplied: [NotApplied] = []
    /// The clauses the findings cite (title, section, quote), once each, in citation order.
    public var clauses: [Clause] = []
    /// The industry-policy catalogues vetted against (name and version each), as the rule pack's
    /// version is recorded; nil when the plan had none.
    public var policyCatalogues: [String]?

    enum CodingKeys: String, CodingKey {
        case name, verdict
        case areaMu = "area_mu"
        case counties, platforms, findings
        case rulePackVersion = "rule_pack_version"
        case geodataVersion = "geodata_version"
        case industry
        case industryName = "industry_name"
        case application
        case quotaChecked = "quota_checked"
        case quotaDraws = "quota_draws"
        case layerVersions = "layer_versions"
        case notApplied = "not_applied"
        case clauses
        case planVersion = "plan_version"
        case policyCatalogues = "policy_catalogues"
    }

    public init(name: String, verdict: Verdict, areaMu: Double, counties: [ZoneRef], platforms: [ZoneRef], findings: [Finding],
                rulePackVersion: String, geodataVersion: String, industry: String, industryName: String?,
                application: [String: JSONValue]) {
        self.name = name; self.verdict = verdict; self.areaMu = areaMu; self.counties = counties; self.platforms = platforms
        self.findings = findings; self.rulePackVersion = rulePackVersion; self.geodataVersion = geodataVersion
        self.industry = industry; self.industryName = industryName; self.application = application
    }

    // Ledger entries written before `not_applied` existed still decode.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        areaMu = try c.decode(Double.self, forKey: .areaMu)
        counties = try c.decode([ZoneRef].self, forKey: .counties)
        platforms = try c.decode([ZoneRef].self, forKey: .platforms)
        findings = try c.decode([Finding].self, forKey: .findings)
        rulePackVersion = try c.decode(String.self, forKey: .rulePackVersion)
        geodataVersion = try c.decode(String.self, forKey: .geodataVersion)
        industry = try c.decode(String.self, forKey: .industry)
        industryName = try c.decodeIfPresent(String.self, forKey: .industryName)
        application = try c.decode([String: JSONValue].self, forKey: .application)
        quotaChecked = try c.decodeIfPresent(Bool.self, forKey: .quotaChecked) ?? false
        quotaDraws = try c.decodeIfPresent([QuotaDraw].self, forKey: .quotaDraws) ?? []
        layerVersions = try c.decodeIfPresent([String: String].self, forKey: .layerVersions) ?? [:]
        notApplied = try c.decodeIfPresent([NotApplied].self, forKey: .notApplied) ?? []
        clauses = try c.decodeIfPresent([Clause].self, forKey: .clauses) ?? []
        planVersion = try c.decodeIfPresent(String.self, forKey: .planVersion)
        policyCatalogues = try c.decodeIfPresent([String].self, forKey: .policyCatalogues)
    }

    public func rules(with outcome: Outcome) -> [String] {
        var seen: [String] = []
        for f in findings where f.outcome == outcome && !seen.contains(f.rule) { seen.append(f.rule) }
        return seen
    }
}

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
    public var measured: Double?
    public var limit: Double?
    public var unit: String?
    public var zones: [ZoneRef]
    public var citation: [String]
    public var explanationZh: String
    public var explanationEn: String

    public init(rule: String, check: String? = nil, outcome: Outcome, measured: Double? = nil, limit: Double? = nil,
                unit: String? = nil, zones: [ZoneRef] = [], citation: [String], zh: String, en: String) {
        self.rule = rule; self.check = check; self.outcome = outcome; self.measured = measured; self.limit = limit
        self.unit = unit; self.zones = zones; self.citation = citation; explanationZh = zh; explanationEn = en
    }

    enum CodingKeys: String, CodingKey {
        case rule, check, outcome, measured, limit, unit, zones, citation
        case explanationZh = "explanation_zh", explanationEn = "explanation_en"
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
    }

    public func rules(with outcome: Outcome) -> [String] {
        var seen: [String] = []
        for f in findings where f.outcome == outcome && !seen.contains(f.rule) { seen.append(f.rule) }
        return seen
    }
}

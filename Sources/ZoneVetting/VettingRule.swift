import ZoneGeometry
import ZonePlan

/// What a rule sees: the application, the measured site, the plan, and its own entry in the rule pack.
public struct RuleInput {
    public var application: Application
    public var site: SiteContext
    public var plan: PlanData
    public var spec: RuleSpec
    /// Land-quota balances (a workspace), or nil: then the quota rule is not run.
    public var quotas: QuotaLedger?
    /// The quota year of the decision.
    public var year: Int?
    /// The 亩均效益 evaluation the applicant firm is looked up in, or nil: then the firm-standing rule is not run.
    public var standings: FirmStandings?
    /// The engine's memos (nil: nothing is memoised, e.g. a rule run on its own in a test).
    var scratch: VettingScratch? = nil

    public var citation: [String] { spec.citations }
    public var catalog: IndustryCatalog { plan.industries }

    /// `catalog.membership(code, inClass:)`, kept per engine: some classes list many codes, and
    /// several rules ask for every application.
    func membership(_ code: String, inClass name: String) -> Membership {
        guard let memo = scratch else { return catalog.membership(code, inClass: name) }
        if let known = memo.classMembership[code]?[name] { return known }
        let m = catalog.membership(code, inClass: name)
        if memo.classMembership[code] == nil { VettingScratch.makeRoom(&memo.classMembership) }
        memo.classMembership[code, default: [:]][name] = m
        return m
    }

    /// An outcome word from the pack (`pass`/`warn`/`fail`); validated at load, so the default is
    /// only reached for a pack built in code.
    public func outcome(_ param: String, default d: Outcome = .fail) -> Outcome { spec.outcome(param, default: d) }

    /// A finding that the data this rule needs is missing: never approvable.
    public func unverifiable(check: String? = nil, basis: Basis = .text, zh: String, en: String, zones: [ZoneRef] = []) -> Finding {
        Finding(rule: spec.id, check: check, outcome: .unverifiable, basis: basis, zones: zones, citation: citation, zh: zh, en: en)
    }

    /// Whether the site lies in a platform (share of its area in one platform ≥ the platform
    /// rule's `inside_share`).
    public var insidePlatforms: [FeatureOverlap] {
        let need = plan.rulePack.rule("platform")?.quantity("inside_share") ?? 0.99
        return site.overlaps(kind: .platform).filter { $0.share >= need }
    }
}

/// What rules remember between the applications one engine vets. Owned by one engine, which is
/// single-thread, so no lock; its plan never changes, so what follows from plan data and an
/// application's industry code alone can be kept. Keys are validated industry codes (a section
/// letter and at most 4 digits) or plan feature indices, so the memos stay small.
final class VettingScratch {
    /// Codes a memo keeps before it starts over: a server's engine lives long, and the finer codes
    /// under a listed division are many, though a plan's applications use few.
    static let maxCodes = 4096

    /// Call before adding a code to `memo`.
    static func makeRoom<V>(_ memo: inout [String: V]) {
        if memo.count >= maxCodes { memo.removeAll(keepingCapacity: true) }
    }

    /// The national-policy rule's finding for a project that declares no catalogue item.
    var undeclaredPolicy: [String: Finding] = [:]
    /// `PolicyCatalogues.barredItems(for:)` by industry code.
    var barredItems: [String: [PolicyCatalogue.Item]] = [:]
    /// `seedRefs` of a plan feature's `source`, by the feature's index in the engine's plan geometry.
    var seedRefs: [Int: [String]] = [:]
    /// `LayoutFitRule.guidanceMatches`, by industry code, then feature index.
    var guidanceMatches: [String: [Int: [LayoutFitRule.GuidanceMatch]]] = [:]
    /// `IndustryCatalog.membership(_:inClass:)`, by industry code, then class name (from the rule pack).
    var classMembership: [String: [String: Membership]] = [:]
}

/// One admission rule. Each lives in its own file under Rules/, with a one-line doc of what it
/// checks; `id` is the stable id the rule pack and the findings use.
public protocol VettingRule: Sendable {
    static var id: String { get }
    /// The parameters this rule takes from the rule pack (checked when the pack is loaded).
    static var parameters: [ParameterSpec] { get }
    /// Why this rule will not run with its pack entry, or nil when it runs. A rule that cannot
    /// run says so here, so the report lists it instead of staying silent.
    func notApplied(_ spec: RuleSpec, hasWorkspace: Bool) -> NotApplied?
    /// As above, also knowing whether a 亩均效益 evaluation was given; the engine asks this one.
    func notApplied(_ spec: RuleSpec, hasWorkspace: Bool, hasStandings: Bool) -> NotApplied?
    /// As above, also seeing the plan (e.g. whether it has a policy catalogue); the engine asks this one.
    func notApplied(_ spec: RuleSpec, plan: PlanData, hasWorkspace: Bool, hasStandings: Bool) -> NotApplied?
    func evaluate(_ input: RuleInput) throws -> [Finding]
    /// What this rule says about a place before any project is known (`zoneplan where`); none by default.
    func place(_ place: PlaceFacts, spec: RuleSpec) -> [PlaceStatement]
}

extension VettingRule {
    public func place(_ place: PlaceFacts, spec: RuleSpec) -> [PlaceStatement] { [] }
    public func notApplied(_ spec: RuleSpec, hasWorkspace: Bool) -> NotApplied? { nil }
    public func notApplied(_ spec: RuleSpec, hasWorkspace: Bool, hasStandings: Bool) -> NotApplied? {
        notApplied(spec, hasWorkspace: hasWorkspace)
    }
    public func notApplied(_ spec: RuleSpec, plan: PlanData, hasWorkspace: Bool, hasStandings: Bool) -> NotApplied? {
        notApplied(spec, hasWorkspace: hasWorkspace, hasStandings: hasStandings)
    }
}

/// The rules the engine runs, in report order.
public enum RuleRegistry {
    public static let all: [any VettingRule] = [
        JurisdictionRule(), SeaRule(), FunctionZoneRule(), PlatformRule(), LayoutFitRule(),
        LandIntensityRule(), DeclaredAreaRule(), EnergyIntensityRule(), PollutantEmissionsRule(), RestrictedIndustryRule(),
        LandQuotaRule(), FirmStandingRule(), NationalPolicyRule(),
    ]
    public static var schemas: [String: [ParameterSpec]] {
        var d: [String: [ParameterSpec]] = [:]
        for r in all { d[type(of: r).id] = type(of: r).parameters }
        return d
    }
}

/// Figures in explanations: `DecimalText.format`, the one number formatter.
func num(_ d: Double, _ decimals: Int = 2) -> String { DecimalText.format(d, places: decimals) }

func pct(_ share: Double) -> String { num(share * 100, 1) + "%" }

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

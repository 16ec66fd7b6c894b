import Foundation
import ZoneGeometry
import ZonePlan

/// Vets applications against the plan: measures the site once, runs every enabled rule, and
/// derives the verdict. Holds a `SiteAnalyzer` (GEOS + PROJ contexts), so it is single-thread;
/// make one per task — from one shared `CompiledPlanGeometry` (`init(plan:compiled:)`).
public final class VettingEngine {
    public let plan: PlanData
    public let analyzer: SiteAnalyzer
    let rules: [any VettingRule]
    /// The 亩均效益 evaluation applicants are looked up in (`zoneplan check --evaluation`), or nil:
    /// then the firm-standing rule is listed as not applied.
    public var standings: FirmStandings?
    /// Clauses by citation, looked up once per engine (a citation that is not a plain key of the
    /// book is parsed on each lookup).
    private var clauseMemo: [String: Clause?] = [:]
    /// `plan.snapshotVersion`, built once (it sorts and joins the layer versions).
    private lazy var planVersion = plan.snapshotVersion
    /// `plan.policy.labels`, built once.
    private lazy var policyLabels = plan.policy.labels
    private let scratch = VettingScratch()
    /// Each rule's pack entry, found once (the pack is searched by id).
    private lazy var specs: [RuleSpec?] = rules.map { plan.rulePack.rule(type(of: $0).id) }

    public init(plan: PlanData, rules: [any VettingRule] = RuleRegistry.all) throws {
        self.plan = plan
        self.rules = rules
        analyzer = try SiteAnalyzer(plan: plan)
    }

    /// An engine on a plan geometry compiled once (`CompiledPlanGeometry(plan: plan)`) and shared by
    /// many engines, e.g. one per thread or per request: each engine has its own GEOS and PROJ contexts.
    /// Throws `CompiledPlanGeometry.Mismatch` if `compiled` was not made from `plan`'s layers.
    public init(plan: PlanData, compiled: CompiledPlanGeometry, rules: [any VettingRule] = RuleRegistry.all) throws {
        guard compiled.matches(plan) else { throw CompiledPlanGeometry.Mismatch() }
        self.plan = plan
        self.rules = rules
        analyzer = try SiteAnalyzer(compiled: compiled)
    }

    /// Loads GeoData (layers, vocabulary, rule pack) with the rules' parameter schemas.
    public static func loadPlan(from root: URL) throws -> PlanData {
        try PlanData.load(from: root, ruleSchemas: RuleRegistry.schemas)
    }

    public var engine: GeometryEngine { analyzer.measurer.engine }

    /// Each cited clause once, in the order the findings cite them; a citation the clause book
    /// lacks is skipped here (the clause tests keep the book complete). Memoised per citation.
    private func clauses(citedBy findings: [Finding]) -> [Clause] {
        // A result cites a handful of short refs: a linear scan beats hashing each into a set.
        var seen: [String] = []
        var out: [Clause] = []
        for f in findings {
            for ref in f.citation where !seen.contains(ref) {
                seen.append(ref)
                let c: Clause?
                if let m = clauseMemo[ref] { c = m } else {
                    c = plan.clauses.clause(for: ref)
                    clauseMemo[ref] = .some(c)
                }
                if let c { out.append(c) }
            }
        }
        return out
    }

    /// This year in the machine's time zone, as `Calendar(identifier: .gregorian)` gives it,
    /// without making a calendar per application.
    static func currentYear() -> Int {
        var now = time(nil)
        var t = tm()
        localtime_r(&now, &t)
        return Int(t.tm_year) + 1900
    }

    /// - Parameters:
    ///   - quotas: land-quota balances (a workspace); without them the quota rule is not run.
    ///   - year: the quota year (default: this year).
    public func vet(_ app: Application, quotas: QuotaLedger? = nil, year: Int? = nil) throws -> VettingResult {
        let year = year ?? Self.currentYear()
        let site = try analyzer.analyze(site: app.site)
        var findings: [Finding] = []
        var notApplied: [NotApplied] = []
        let specs = self.specs
        for (i, rule) in rules.enumerated() {
            let id = type(of: rule).id
            guard let spec = specs[i] else {
                // Without an evaluation the firm-standing rule would not run anyway: a pack from before
                // the rule (a decision recorded under 2026.11.2, replayed) stays as it was decided.
                if rule is FirmStandingRule, standings == nil {
                    notApplied.append(NotApplied(rule: id, reason: .noEvaluation))
                    continue
                }
                // Likewise a pack from before the national-policy rule, on a plan with no catalogue.
                if rule is NationalPolicyRule, plan.policy.isEmpty {
                    notApplied.append(NotApplied(rule: id, reason: .noPolicyCatalogue))
                    continue
                }
                // A rule the engine has but the pack lacks cannot be judged: fail closed.
                findings.append(Finding(rule: id, outcome: .unverifiable, citation: [],
                                        zh: "规则包缺少该规则，无法审查", en: "the rule pack has no entry for this rule"))
                continue
            }
            guard spec.enabled else { notApplied.append(NotApplied(rule: id, reason: .disabled)); continue }
            if let why = rule.notApplied(spec, plan: plan, hasWorkspace: quotas != nil, hasStandings: standings != nil) { notApplied.append(why); continue }
            findings += try rule.evaluate(RuleInput(application: app, site: site, plan: plan, spec: spec,
                                                   quotas: quotas, year: quotas == nil ? nil : year, standings: standings, scratch: scratch))
        }
        let counties = site.overlaps(kind: .county).sorted { $0.overlapM2 > $1.overlapM2 }.map { $0.ref() }
        let platforms = site.overlaps(kind: .platform).sorted { $0.overlapM2 > $1.overlapM2 }.map { $0.ref() }
        var draws: [QuotaDraw] = []
        if quotas != nil, let spec = plan.rulePack.rule(LandQuotaRule.id), spec.enabled {
            draws = LandQuotaRule.draws(site: site, year: year, toleranceShare: spec.quantity("overlap_tolerance_share") ?? 0.001)
        }
        var result = VettingResult(name: app.name, verdict: Verdict.from(findings.map(\.outcome)), areaMu: site.areaMu,
                             counties: counties, platforms: platforms, findings: findings,
                             rulePackVersion: plan.rulePack.version, geodataVersion: plan.geodataVersion,
                             industry: app.industry, industryName: plan.industries.name(of: app.industry),
                             application: app.properties)
        result.quotaChecked = quotas != nil
        result.quotaDraws = draws
        result.layerVersions = plan.layerVersions
        result.planVersion = planVersion
        result.notApplied = notApplied
        result.clauses = clauses(citedBy: findings)
        if !plan.policy.isEmpty { result.policyCatalogues = policyLabels }
        return result
    }
}

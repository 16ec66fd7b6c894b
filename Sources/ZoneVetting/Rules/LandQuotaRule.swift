import ZoneGeometry
import ZonePlan

/// Checks that each county (and each platform with an account) the site lies in has land quota left for the site's share of area.
public struct LandQuotaRule: VettingRule {
    public static let id = "land-quota"
    public static let parameters: [ParameterSpec] = [
        .init("missing_county_account_outcome", .choice(["unverifiable", "warn", "pass"])),
        .init("overlap_tolerance_share", .quantity(unit: "share", range: 0...0.5)),
    ]
    public init() {}

    /// The draws a decision on this site makes: each county's and each platform's share of the area.
    public static func draws(site: SiteContext, year: Int, toleranceShare: Double) -> [QuotaDraw] {
        var out: [QuotaDraw] = []
        for o in site.overlaps(kind: .county) where o.share > toleranceShare {
            let ref = o.feature.counties.first ?? o.feature.id
            out.append(QuotaDraw(account: QuotaAccountKey(kind: .county, ref: ref, year: year), mu: o.overlapMu, name: o.feature.name))
        }
        for o in site.overlaps(kind: .platform) where o.share > toleranceShare {
            out.append(QuotaDraw(account: QuotaAccountKey(kind: .platform, ref: o.feature.id, year: year), mu: o.overlapMu, name: o.feature.name))
        }
        return out
    }

    public func notApplied(_ spec: RuleSpec, hasWorkspace: Bool) -> NotApplied? {
        hasWorkspace ? nil : NotApplied(rule: Self.id, reason: .noWorkspace)
    }

    // Drawing on a county's yearly account is our reading of 000:358–359 (quotas go first to
    // platforms and key projects); the plan sets no account mechanics.
    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        guard let ledger = input.quotas, let year = input.year else { return [] }
        let draws = Self.draws(site: input.site, year: year, toleranceShare: input.spec.quantity("overlap_tolerance_share") ?? 0.001)
        var findings: [Finding] = []
        for d in draws {
            let balance = try ledger.balanceMu(d.account)
            let ref = ZoneRef(id: d.account.ref, name: d.name, kind: d.account.kind.rawValue, overlapMu: d.mu)
            guard let balance else {
                if d.account.kind == .platform { continue }  // platform accounts are optional
                let outcome = Outcome(rawValue: input.spec.word("missing_county_account_outcome") ?? "unverifiable") ?? .unverifiable
                findings.append(Finding(rule: Self.id, check: d.account.kind.rawValue, outcome: outcome, basis: .reading, measured: d.mu, unit: "亩",
                                        zones: [ref], citation: input.citation,
                                        zh: "\(d.name) \(year) 年无用地指标账户，无法核对指标",
                                        en: "\(d.name) has no land-quota account for \(year): the quota cannot be checked"))
                continue
            }
            let ok = balance + 1e-9 >= d.mu
            findings.append(Finding(rule: Self.id, check: d.account.kind.rawValue, outcome: ok ? .pass : .fail, basis: .reading, measured: d.mu, limit: balance, unit: "亩",
                                    zones: [ref], citation: input.citation,
                                    zh: "\(d.name) \(year) 年用地指标余额 \(num(balance)) 亩，本项目需 \(num(d.mu)) 亩\(ok ? "" : "，指标不足")",
                                    en: "\(d.name) \(year) land quota: \(num(balance)) mu left, this project needs \(num(d.mu)) mu\(ok ? "" : " — not enough")"))
        }
        return findings
    }
}

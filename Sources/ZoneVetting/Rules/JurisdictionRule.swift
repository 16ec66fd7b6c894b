import ZoneGeometry
import ZonePlan

/// Checks that the site lies in Jiaxing, and names the county-level units it falls in with overlap areas.
/// The plans' scope is the city (000:15, 001:15); the sign-off by each county of a straddling site is our reading.
public struct JurisdictionRule: VettingRule {
    public static let id = "jurisdiction"
    public static let parameters: [ParameterSpec] = [
        .init("outside_tolerance", .quantity(unit: "m2", range: 0...10_000)),
        .init("outside_tolerance_share", .quantity(unit: "share", range: 0...0.5)),
        .outcome("multi_county_outcome"),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let site = input.site
        let cities = site.overlaps(kind: .city)
        guard input.plan.hasFeatures(kind: .city) else {
            return [input.unverifiable(zh: "缺少市界图层，无法判断是否在嘉兴市域内", en: "no city boundary layer: cannot tell whether the site is in Jiaxing")]
        }
        let inside = cities.map(\.overlapM2).reduce(0, +)
        let outside = max(0, site.areaM2 - inside)
        let share = site.areaM2 > 0 ? outside / site.areaM2 : 1
        let tolM2 = input.spec.quantity("outside_tolerance") ?? 0
        let tolShare = input.spec.quantity("outside_tolerance_share") ?? 0
        let counties = site.overlaps(kind: .county).sorted { $0.overlapM2 > $1.overlapM2 }
        let countyRefs = counties.map { $0.ref() }
        if inside <= 0 {
            return [Finding(rule: Self.id, outcome: .fail, measured: 0, limit: 100, unit: "%",
                            citation: input.citation,
                            zh: "用地不在嘉兴市行政区域内，不属本市审查范围",
                            en: "the site lies outside Jiaxing; it is not this city's to approve")]
        }
        if outside > tolM2 || share > tolShare {
            return [Finding(rule: Self.id, outcome: .fail, measured: Mu.fromSquareMetres(outside), limit: Mu.fromSquareMetres(tolM2), unit: "亩",
                            zones: cities.map { $0.ref() } + countyRefs, citation: input.citation,
                            zh: "用地有 \(num(Mu.fromSquareMetres(outside))) 亩（\(pct(share))）在嘉兴市域外",
                            en: "\(num(Mu.fromSquareMetres(outside))) mu (\(pct(share))) of the site lies outside Jiaxing")]
        }
        let tol = { (o: FeatureOverlap) in site.significant(o, toleranceM2: tolM2, toleranceShare: tolShare) }
        let real = counties.filter(tol)
        let list = real.map { "\($0.feature.name) \(num($0.overlapMu)) 亩 (\(pct($0.share)))" }.joined(separator: "、")
        if real.count > 1 {
            let listEn = real.map { "\($0.feature.nameEn ?? $0.feature.name) \(num($0.overlapMu)) mu (\(pct($0.share)))" }.joined(separator: ", ")
            return [Finding(rule: Self.id, check: "counties", outcome: input.outcome("multi_county_outcome", default: .warn),
                            basis: .reading, measured: Double(real.count), limit: 1, unit: "县（市、区）", zones: countyRefs, citation: input.citation,
                            zh: "用地跨 \(real.count) 个县（市、区）：\(list)；须各方会签并分别核减用地指标",
                            en: "the site spans \(real.count) county-level units: \(listEn); each must sign off and account for its share of land quota")]
        }
        let en = real.first.map { "in Jiaxing, \($0.feature.nameEn ?? $0.feature.name)" } ?? "in Jiaxing"
        return [Finding(rule: Self.id, outcome: .pass, measured: 100 * (1 - share), limit: 100, unit: "%", zones: countyRefs,
                        citation: input.citation, zh: "用地位于嘉兴市域内：\(list)", en: "the site lies \(en)")]
    }
}

extension JurisdictionRule {
    /// Inside Jiaxing the county's land quota applies; outside it, no application is taken.
    public func place(_ place: PlaceFacts, spec s: RuleSpec) -> [PlaceStatement] {
        let counties = place.counties
        guard !counties.isEmpty else {
            return [PlaceStatement(rule: s.id, effect: "fail", zh: "该点不在嘉兴市域内：工业项目选址不予受理",
                                   en: "the point is outside Jiaxing: a site here fails the jurisdiction rule", zones: [], citation: s.citations)]
        }
        let names = counties.map(\.name).joined(separator: "、")
        return [PlaceStatement(rule: s.id, effect: "pass", zh: "位于嘉兴市\(names)，由该县（市、区）审查用地指标",
                               en: "in Jiaxing, \(counties.map { $0.nameEn ?? $0.id }.joined(separator: ", ")); that county's land quota applies",
                               zones: counties.map(\.id), citation: s.citations)]
    }
}

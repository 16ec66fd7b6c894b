import ZoneGeometry
import ZonePlan

/// Checks how much of the site lies in the sea (outside the `land` layer): such land must first be
/// reclaimed with 海域使用 approval.
public struct SeaRule: VettingRule {
    public static let id = "sea"
    public static let parameters: [ParameterSpec] = [
        .init("tolerance", .quantity(unit: "m2", range: 0...100_000)),
        .init("tolerance_share", .quantity(unit: "share", range: 0...0.5)),
        .outcome("sea_outcome"),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let site = input.site
        guard input.plan.hasFeatures(kind: .land) else {
            return [input.unverifiable(basis: .reading, zh: "缺少陆域（海岸线）图层，无法判断用地是否占用海域",
                                       en: "no land (shoreline) layer: cannot tell whether the site lies in the sea")]
        }
        // A county's jurisdiction reaches into the bay; only the shoreline tells land from sea.
        // Only the part inside the city is judged here; outside it the jurisdiction rule decides.
        let land = site.overlaps(kind: .land)
        let city = site.overlaps(kind: .city)
        let hasCity = input.plan.hasFeatures(kind: .city)
        let inCity = hasCity ? min(site.areaM2, city.map(\.overlapM2).reduce(0, +)) : site.areaM2
        if hasCity && inCity <= 0 {
            return [Finding(rule: Self.id, outcome: .pass, basis: .reading, citation: input.citation,
                            zh: "用地不在嘉兴市域内，海域与否不在本市审查范围（见 jurisdiction）",
                            en: "the site is outside Jiaxing: land or sea is not for this city to judge (see jurisdiction)")]
        }
        let onLand = min(inCity, land.map(\.overlapM2).reduce(0, +))
        let sea = max(0, inCity - onLand)
        let share = site.areaM2 > 0 ? sea / site.areaM2 : 0
        let tol = input.spec.quantity("tolerance") ?? 0
        let tolShare = input.spec.quantity("tolerance_share") ?? 0
        if sea > tol && share > tolShare {
            let all = share > 0.999
            return [Finding(rule: Self.id, outcome: input.outcome("sea_outcome", default: .warn), basis: .reading,
                            measured: Mu.fromSquareMetres(sea), limit: Mu.fromSquareMetres(tol), unit: "亩",
                            zones: land.map { $0.ref() }, citation: input.citation,
                            zh: "用地有 \(num(Mu.fromSquareMetres(sea))) 亩（\(pct(share))）\(all ? "全部" : "")位于海域（海岸线以外），须先经围垦并取得海域使用批准，方可作为工业用地",
                            en: "\(num(Mu.fromSquareMetres(sea))) mu (\(pct(share))) of the site lies in the sea, beyond the shoreline: it needs reclamation and a sea-use (海域使用) approval before it can be industrial land")]
        }
        return [Finding(rule: Self.id, outcome: .pass, basis: .reading, measured: Mu.fromSquareMetres(sea), limit: Mu.fromSquareMetres(tol), unit: "亩",
                        zones: land.map { $0.ref() }, citation: input.citation,
                        zh: "用地位于陆域（海岸线以内）", en: "the site lies on land, within the shoreline")]
    }
}

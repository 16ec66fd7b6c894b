import ZoneGeometry
import ZonePlan

/// Checks whether the site lies in a development platform (which, what tier); outside, names the nearest ones.
public struct PlatformRule: VettingRule {
    public static let id = "platform"
    public static let parameters: [ParameterSpec] = [
        .init("inside_share", .quantity(unit: "share", range: 0.5...1)),
        .init("nearest_count", .quantity(unit: "count", range: 1...20)),
        .outcome("outside_outcome"),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let site = input.site
        guard input.plan.hasFeatures(kind: .platform) else {
            return [input.unverifiable(zh: "缺少发展平台图层，无法审查", en: "no development-platform layer: cannot be checked")]
        }
        let inside = input.insidePlatforms.sorted { tierRank($0.feature.tier) < tierRank($1.feature.tier) }
        if !inside.isEmpty {
            let names = inside.map { "\($0.feature.name)（\($0.feature.tier?.chinese ?? "")）" }.joined(separator: "、")
            let namesEn = inside.map { "\($0.feature.nameEn ?? $0.feature.name) (\($0.feature.tier?.rawValue ?? ""))" }.joined(separator: ", ")
            return [Finding(rule: Self.id, outcome: .pass, measured: (inside.map(\.share).max() ?? 0) * 100,
                            limit: (input.spec.quantity("inside_share") ?? 0.99) * 100, unit: "%",
                            zones: inside.map { $0.ref() }, citation: input.citation,
                            zh: "用地位于发展平台内：\(names)", en: "the site lies in development platform(s): \(namesEn)")]
        }
        let n = Int(input.spec.quantity("nearest_count") ?? 3)
        let partial = site.overlaps(kind: .platform)
        let nearest = site.platformDistances.prefix(n)
        let refs = nearest.map { ZoneRef($0.feature, distanceKm: ($0.metres / 1000 * 100).rounded() / 100) }
        let list = nearest.map { "\($0.feature.name) \(num($0.metres / 1000)) km" }.joined(separator: "、")
        let listEn = nearest.map { "\($0.feature.nameEn ?? $0.feature.name) \(num($0.metres / 1000)) km" }.joined(separator: ", ")
        let best = partial.map(\.share).max() ?? 0
        let part = best > 0 ? "（最多 \(pct(best)) 在平台内）" : ""
        let partEn = best > 0 ? " (at most \(pct(best)) inside one)" : ""
        return [Finding(rule: Self.id, outcome: input.outcome("outside_outcome", default: .warn), measured: best * 100,
                        limit: (input.spec.quantity("inside_share") ?? 0.99) * 100, unit: "%",
                        zones: partial.map { $0.ref() } + refs, citation: input.citation,
                        zh: "用地不在发展平台内\(part)；工业项目应向平台集聚，最近的平台：\(list)",
                        en: "the site is outside every development platform\(partEn); industry is to concentrate in platforms — nearest: \(listEn)")]
    }

    func tierRank(_ t: PlatformTier?) -> Int {
        switch t {
        case .national?: return 0
        case .provincial?: return 1
        case .regional?: return 2
        case .seiArea?: return 3
        default: return 4
        }
    }
}

extension PlatformRule {
    /// The platform(s) at the place, or outside every platform the nearest ones.
    public func place(_ place: PlaceFacts, spec s: RuleSpec) -> [PlaceStatement] {
        let platforms = place.platforms
        let inside = num((s.quantity("inside_share") ?? 0.99) * 100)
        guard !platforms.isEmpty else {
            let near = place.nearestPlatforms
            let outcome = s.outcome("outside_outcome", default: .warn).rawValue
            return [PlaceStatement(rule: s.id, effect: outcome,
                                   zh: "不在发展平台内（\(outcome)）；最近的平台：\(near.map { "\($0.name) \(num($0.distanceKm)) km" }.joined(separator: "、"))",
                                   en: "outside every development platform (\(outcome)); nearest: \(near.map { "\($0.id) \(num($0.distanceKm)) km" }.joined(separator: ", "))",
                                   zones: near.map(\.id), citation: s.citations)]
        }
        return [PlaceStatement(rule: s.id, effect: "pass",
                               zh: "位于发展平台：\(platforms.map { "\($0.name)（\($0.tier?.chinese ?? "")）" }.joined(separator: "、"))；用地须 ≥ \(inside)% 在平台内",
                               en: "in development platform(s) \(platforms.map(\.id).joined(separator: ", ")); a site must lie ≥ \(inside)% inside one",
                               zones: platforms.map(\.id), citation: s.citations)]
    }
}

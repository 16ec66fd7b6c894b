import ZoneGeometry
import ZonePlan

/// Checks land investment intensity (≥ 200万元/亩) and output intensity (≥ 300万元/亩) on the area
/// computed in EPSG:4549: the 2015 target 000:116 sets for 经济开发区 and 工业园区.
public struct LandIntensityRule: VettingRule {
    public static let id = "land-intensity"
    public static let parameters: [ParameterSpec] = [
        .init("investment_min", .quantity(unit: "万元/亩", range: 0...100_000)),
        .init("output_min", .quantity(unit: "万元/亩", range: 0...100_000)),
        .outcome("inside_platform_outcome"),
        .outcome("outside_platform_outcome"),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let area = input.site.areaMu
        let app = input.application
        // 000:116 states the figures for 经济开发区、工业园区 only. Outside every platform applying the
        // same figures is our reading (the platform rule already asks the project to move).
        let inside = !input.insidePlatforms.isEmpty
        let below = inside ? input.outcome("inside_platform_outcome", default: .fail) : input.outcome("outside_platform_outcome", default: .warn)
        let basis: Basis = inside ? .text : .reading
        return [
            check("investment", app.investmentWan, min: input.spec.quantity("investment_min"), area: area, input: input,
                  below: below, basis: basis, inside: inside, zhName: "投资强度", enName: "investment intensity", field: "investment_wan"),
            check("output", app.outputWan, min: input.spec.quantity("output_min"), area: area, input: input,
                  below: below, basis: basis, inside: inside, zhName: "产出强度", enName: "output intensity", field: "output_wan"),
        ]
    }

    func check(_ check: String, _ amount: Double?, min: Double?, area: Double, input: RuleInput, below: Outcome, basis: Basis,
               inside: Bool, zhName: String, enName: String, field: String) -> Finding {
        guard let amount else {
            return input.unverifiable(check: check, basis: basis, zh: "缺少 \(field)，无法计算\(zhName)", en: "\(field) is missing: \(enName) cannot be computed")
        }
        guard let min else { return input.unverifiable(check: check, zh: "规则包缺少门槛", en: "the rule pack has no threshold") }
        guard area > 0 else { return input.unverifiable(check: check, zh: "用地面积为零", en: "the site has no area") }
        let v = amount / area
        let ok = v >= min
        let scope = inside ? "（开发区、工业园区目标）" : "（平台外参照开发区、工业园区目标）"
        let scopeEn = inside ? " (the target for development zones and industrial parks)" : " (outside platforms, the platforms' target applied by reading)"
        return Finding(rule: Self.id, check: check, outcome: ok ? .pass : below, basis: basis, measured: v, limit: min, unit: "万元/亩",
                       citation: input.citation,
                       zh: "\(zhName) \(num(v)) 万元/亩（\(num(amount)) 万元 ÷ \(num(area)) 亩）\(ok ? "≥" : "<") \(num(min)) 万元/亩\(scope)",
                       en: "\(enName) \(num(v)) 万元/mu (\(num(amount)) 万元 / \(num(area)) mu) is \(ok ? "at or above" : "below") \(num(min))\(scopeEn)")
    }
}

extension LandIntensityRule {
    /// The intensity figures a project here must reach, and what falling short gets.
    public func place(_ place: PlaceFacts, spec s: RuleSpec) -> [PlaceStatement] {
        let inside = !place.platforms.isEmpty
        let below = (inside ? s.outcome("inside_platform_outcome", default: .fail) : s.outcome("outside_platform_outcome", default: .warn)).rawValue
        let inv = s.statedQuantity("investment_min"), out = s.statedQuantity("output_min")
        return [PlaceStatement(rule: s.id, effect: "depends",
                               zh: "投入强度 ≥ \(inv) 万元/亩，产出强度 ≥ \(out) 万元/亩（\(inside ? "平台内" : "平台外")低于此为 \(below)）",
                               en: "investment ≥ \(inv) 万元/亩 and output ≥ \(out) 万元/亩 (below: \(below) \(inside ? "inside a platform" : "outside platforms"))",
                               zones: [], citation: s.citations)]
    }
}

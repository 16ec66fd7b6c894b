import ZoneGeometry
import ZonePlan

/// Checks land investment intensity (≥ 200万元/亩) and output intensity (≥ 300万元/亩) on the area computed in EPSG:4549.
public struct LandIntensityRule: VettingRule {
    public static let id = "land-intensity"
    public static let parameters: [ParameterSpec] = [
        .init("investment_min", .quantity(unit: "万元/亩", range: 0...100_000)),
        .init("output_min", .quantity(unit: "万元/亩", range: 0...100_000)),
        .init("applies_to", .choice(["everywhere", "platforms"])),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        if input.spec.word("applies_to") == "platforms" && input.insidePlatforms.isEmpty {
            return [Finding(rule: Self.id, outcome: .pass, citation: input.citation,
                            zh: "用地不在发展平台内，规则包规定投入/产出强度门槛仅适用于平台", en: "outside platforms: the rule pack applies the intensity thresholds in platforms only")]
        }
        let area = input.site.areaMu
        let app = input.application
        return [
            check("investment", app.investmentWan, min: input.spec.quantity("investment_min"), area: area, input: input,
                  zhName: "投资强度", enName: "investment intensity", field: "investment_wan"),
            check("output", app.outputWan, min: input.spec.quantity("output_min"), area: area, input: input,
                  zhName: "产出强度", enName: "output intensity", field: "output_wan"),
        ]
    }

    func check(_ check: String, _ amount: Double?, min: Double?, area: Double, input: RuleInput,
               zhName: String, enName: String, field: String) -> Finding {
        guard let amount else {
            return input.unverifiable(check: check, zh: "缺少 \(field)，无法计算\(zhName)", en: "\(field) is missing: \(enName) cannot be computed")
        }
        guard let min else { return input.unverifiable(check: check, zh: "规则包缺少门槛", en: "the rule pack has no threshold") }
        guard area > 0 else { return input.unverifiable(check: check, zh: "用地面积为零", en: "the site has no area") }
        let v = amount / area
        let ok = v >= min
        return Finding(rule: Self.id, check: check, outcome: ok ? .pass : .fail, measured: v, limit: min, unit: "万元/亩",
                       citation: input.citation,
                       zh: "\(zhName) \(num(v)) 万元/亩（\(num(amount)) 万元 ÷ \(num(area)) 亩）\(ok ? "≥" : "<") \(num(min)) 万元/亩",
                       en: "\(enName) \(num(v)) 万元/mu (\(num(amount)) 万元 / \(num(area)) mu) is \(ok ? "at or above" : "below") \(num(min))")
    }
}

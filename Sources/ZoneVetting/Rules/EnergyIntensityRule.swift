import ZoneGeometry
import ZonePlan

/// Checks energy use per unit of industrial value added against the city average in the rule pack.
public struct EnergyIntensityRule: VettingRule {
    public static let id = "energy-intensity"
    public static let parameters: [ParameterSpec] = [
        .init("max_tce_per_value_added", .quantity(unit: "吨标准煤/万元", range: 0...100)),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let app = input.application
        guard let energy = app.energyTce else {
            return [input.unverifiable(zh: "缺少 energy_tce（年综合能耗），无法计算单位增加值能耗", en: "energy_tce is missing: energy per value added cannot be computed")]
        }
        guard let va = app.valueAddedWan else {
            return [input.unverifiable(zh: "缺少 value_added_wan（年工业增加值），无法计算单位增加值能耗", en: "value_added_wan is missing: energy per value added cannot be computed")]
        }
        guard let limit = input.spec.quantity("max_tce_per_value_added") else {
            return [input.unverifiable(zh: "规则包缺少能耗门槛", en: "the rule pack has no energy limit")]
        }
        guard va > 0 else {
            return [Finding(rule: Self.id, outcome: energy > 0 ? .fail : .unverifiable, limit: limit, unit: "吨标准煤/万元", citation: input.citation,
                            zh: "工业增加值为零，单位增加值能耗无法达标", en: "value added is zero: energy per value added is unbounded")]
        }
        let v = energy / va
        let ok = v <= limit
        return [Finding(rule: Self.id, outcome: ok ? .pass : .fail, measured: v, limit: limit, unit: "吨标准煤/万元", citation: input.citation,
                        zh: "单位工业增加值能耗 \(num(v, 3)) 吨标准煤/万元（\(num(energy)) ÷ \(num(va))）\(ok ? "不高于" : "高于")全市平均 \(num(limit, 3))",
                        en: "energy per value added \(num(v, 3)) tce/万元 (\(num(energy)) / \(num(va))) is \(ok ? "not above" : "above") the city average \(num(limit, 3))")]
    }
}

extension EnergyIntensityRule {
    /// The energy-intensity ceiling a project here must keep under.
    public func place(_ place: PlaceFacts, spec s: RuleSpec) -> [PlaceStatement] {
        [PlaceStatement(rule: s.id, effect: "depends",
                        zh: "单位工业增加值能耗 ≤ \(s.statedQuantity("max_tce_per_value_added")) 吨标准煤/万元",
                        en: "energy per value added ≤ \(s.statedQuantity("max_tce_per_value_added")) tce/万元", zones: [], citation: s.citations)]
    }
}

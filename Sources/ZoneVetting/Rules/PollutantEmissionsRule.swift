import ZoneGeometry
import ZonePlan

/// One of the main pollutants 000:468 names for reduction (化学需氧量、氨氮、二氧化硫、氮氧化物).
public struct Pollutant: Sendable {
    /// The application field, in 吨/年.
    public var field: String
    /// The rule-pack parameter: the city average in 千克 per 万元 of industrial value added.
    public var parameter: String
    public var zh: String
    public var en: String

    public static let all: [Pollutant] = [
        .init(field: "cod_t", parameter: "city_avg_cod", zh: "化学需氧量", en: "COD"),
        .init(field: "ammonia_nitrogen_t", parameter: "city_avg_ammonia_nitrogen", zh: "氨氮", en: "ammonia nitrogen"),
        .init(field: "so2_t", parameter: "city_avg_so2", zh: "二氧化硫", en: "SO₂"),
        .init(field: "nox_t", parameter: "city_avg_nox", zh: "氮氧化物", en: "NOₓ"),
    ]
}

/// Checks each main pollutant's emission per unit of industrial value added against the city
/// average the bureau sets in the rule pack (002:51); off until an average is set.
public struct PollutantEmissionsRule: VettingRule {
    public static let id = "pollutant-emissions"
    public static let unit = "千克/万元"
    public static let parameters: [ParameterSpec] = Pollutant.all.map {
        .init($0.parameter, .quantity(unit: unit, range: 0...100_000), optional: true)
    }
    public init() {}

    public func notApplied(_ spec: RuleSpec, hasWorkspace: Bool) -> NotApplied? {
        let set = Pollutant.all.filter { spec.quantity($0.parameter) != nil }
        guard set.isEmpty else { return nil }
        return NotApplied(rule: Self.id, reason: .parameterNotSet,
                          detail: "city averages " + Pollutant.all.map(\.parameter).joined(separator: ", "))
    }

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let app = input.application
        var findings: [Finding] = []
        for p in Pollutant.all {
            guard let limit = input.spec.quantity(p.parameter) else { continue }
            guard let tonnes = app.emissionsT[p.field] else {
                findings.append(input.unverifiable(check: p.field, zh: "缺少 \(p.field)（年\(p.zh)排放量，吨），无法与全市平均比较",
                                                   en: "\(p.field) (yearly \(p.en) emission, t) is missing: it cannot be compared with the city average"))
                continue
            }
            guard let va = app.valueAddedWan, va > 0 else {
                findings.append(input.unverifiable(check: p.field, zh: "缺少或为零的 value_added_wan，无法计算单位增加值\(p.zh)排放量",
                                                   en: "value_added_wan is missing or zero: \(p.en) per value added cannot be computed"))
                continue
            }
            let v = tonnes * 1000 / va
            let ok = v <= limit
            findings.append(Finding(rule: Self.id, check: p.field, outcome: ok ? .pass : .fail, basis: .text, measured: v, limit: limit,
                                    unit: Self.unit, citation: input.citation,
                                    zh: "单位工业增加值\(p.zh)排放量 \(num(v, 3)) 千克/万元（\(num(tonnes, 3)) 吨 ÷ \(num(va)) 万元）\(ok ? "不高于" : "高于")全市平均 \(num(limit, 3))",
                                    en: "\(p.en) per value added \(num(v, 3)) kg/万元 (\(num(tonnes, 3)) t / \(num(va)) 万元) is \(ok ? "not above" : "above") the city average \(num(limit, 3))"))
        }
        return findings
    }
}

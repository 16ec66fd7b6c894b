import ZoneGeometry
import ZonePlan

/// Checks the applicant's declared area against the area computed on EPSG:4549 (1 % tolerance).
/// A data check: no clause of the plans stands behind it, so it cites none.
public struct DeclaredAreaRule: VettingRule {
    public static let id = "declared-area"
    public static let parameters: [ParameterSpec] = [
        .init("tolerance_share", .quantity(unit: "share", range: 0...0.5)),
        .outcome("outcome"),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let computed = input.site.areaMu
        guard let declared = input.application.declaredAreaMu else {
            return [Finding(rule: Self.id, outcome: .pass, basis: .dataCheck, measured: computed, unit: "亩", citation: input.citation,
                            zh: "未申报面积；按 CGCS2000 3° 高斯-克吕格（EPSG:4549）计算为 \(num(computed)) 亩",
                            en: "no area declared; computed on EPSG:4549: \(num(computed)) mu")]
        }
        let tol = input.spec.quantity("tolerance_share") ?? 0.01
        let diff = computed > 0 ? abs(declared - computed) / computed : 1
        let ok = diff <= tol
        return [Finding(rule: Self.id, outcome: ok ? .pass : input.outcome("outcome", default: .warn), basis: .dataCheck, measured: diff * 100, limit: tol * 100, unit: "%",
                        citation: input.citation,
                        zh: "申报面积 \(num(declared)) 亩，计算面积 \(num(computed)) 亩，相差 \(pct(diff))\(ok ? "，在" : "，超过") \(pct(tol)) 容差\(ok ? "内" : "")",
                        en: "declared \(num(declared)) mu vs computed \(num(computed)) mu: \(pct(diff)) difference, \(ok ? "within" : "beyond") the \(pct(tol)) tolerance")]
    }
}

import ZoneGeometry
import ZonePlan

/// Checks pollution- and energy-intensive industry: pollution only inside platforms (central treatment), energy review for key energy users.
/// 000:370 restricts high-pollution, high-energy projects entering the platforms and asks for
/// central treatment there; that such a project *fails outside* a platform is our reading, not a
/// sentence of the plan.
public struct RestrictedIndustryRule: VettingRule {
    public static let id = "restricted-industry"
    public static let parameters: [ParameterSpec] = [
        .outcome("pollution_outside_platform_outcome"), .outcome("pollution_inside_platform_outcome"),
        .outcome("pollution_led_area_outcome"),
        .init("key_energy_user_threshold", .quantity(unit: "吨标准煤/年", range: 0...1_000_000)),
        .outcome("energy_review_outcome"),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let code = input.application.industry
        let catalog = input.catalog
        var findings: [Finding] = []
        let basisP = catalog.classes["pollution_intensive"]?.basis ?? ""
        switch input.membership(code, inClass: "pollution_intensive") {
        case .yes:
            let inside = input.insidePlatforms
            // Where the layout itself leads this industry (e.g. 滨海新区 临港重化工业, 000:296), the
            // plan places it there: the platform reading gives way to a condition.
            let tol = input.plan.rulePack.rule("layout-fit")?.quantity("overlap_tolerance_share") ?? 0.001
            let led = input.site.overlaps.filter { o in
                o.share > tol && (o.feature.guidance?.lead ?? []).contains { catalog.membership(code, inTerm: $0) == .yes }
            }
            if inside.isEmpty && !led.isEmpty {
                let names = led.map { o in "\(o.feature.name)「重点布局」" + (o.feature.guidance?.lead ?? []).filter { catalog.membership(code, inTerm: $0) == .yes }.joined(separator: "、") }
                var cites: [String] = []
                for o in led { for r in seedRefs(o.feature.source) where !cites.contains(r) { cites.append(r) } }
                findings.append(Finding(rule: Self.id, check: "pollution", outcome: input.outcome("pollution_led_area_outcome", default: .warn),
                                        basis: .reading, zones: led.map { $0.ref() }, citation: ["000:370", "000:468"] + cites,
                                        zh: "行业 \(code) 属污染型行业，用地不在发展平台内，但位于规划重点布局该产业的区域（\(names.joined(separator: "；"))）：须接入集中治污设施，通过环评并落实主要污染物总量指标替代",
                                        en: "industry \(code) is pollution-intensive and outside every platform, but the layout leads this industry here (\(led.map { $0.feature.nameEn ?? $0.feature.id }.joined(separator: ", "))): conditional on central treatment, an EIA and pollutant-quota offsets"))
            } else if inside.isEmpty {
                findings.append(Finding(rule: Self.id, check: "pollution", outcome: input.outcome("pollution_outside_platform_outcome", default: .fail),
                                        basis: .reading, citation: ["000:370", "000:468"],
                                        zh: "行业 \(code) 属污染型行业（\(basisP)）；规划要求平台内污染物集中治理，据此解读污染型项目须进入发展平台，本用地不在平台内",
                                        en: "industry \(code) is pollution-intensive; the plan has pollutants treated centrally in platforms, which we read as requiring such projects to locate in one, and this site is outside every platform"))
            } else {
                findings.append(Finding(rule: Self.id, check: "pollution", outcome: input.outcome("pollution_inside_platform_outcome", default: .warn),
                                        zones: inside.map { $0.ref() }, citation: ["000:370", "000:468"],
                                        zh: "行业 \(code) 属污染型行业，须通过环境影响评价并落实主要污染物总量指标替代",
                                        en: "industry \(code) is pollution-intensive: approval is conditional on an environmental impact assessment and pollutant-quota offsets"))
            }
        case .possible:
            findings.append(input.unverifiable(check: "pollution", zh: "行业代码 \(code) 过粗，无法判断是否属污染型行业，请给出四位小类代码",
                                               en: "industry code \(code) is too coarse to tell whether it is pollution-intensive — give the 4-digit class"))
        case .no:
            findings.append(Finding(rule: Self.id, check: "pollution", outcome: .pass, basis: .reading, citation: ["000:370", "000:468"],
                                    zh: "行业 \(code) 不属污染型行业", en: "industry \(code) is not pollution-intensive"))
        }
        let threshold = input.spec.quantity("key_energy_user_threshold") ?? 1000
        let energyClass = input.membership(code, inClass: "energy_intensive")
        let energy = input.application.energyTce
        var reasons: [String] = []
        var reasonsEn: [String] = []
        if energyClass == .yes { reasons.append("属高耗能行业"); reasonsEn.append("an energy-intensive sector") }
        if let e = energy, e >= threshold {
            reasons.append("年综合能耗 \(num(e)) 吨标准煤 ≥ \(num(threshold))（重点用能单位）")
            reasonsEn.append("a key energy user (\(num(e)) ≥ \(num(threshold)) tce/yr)")
        }
        if !reasons.isEmpty {
            findings.append(Finding(rule: Self.id, check: "energy-review", outcome: input.outcome("energy_review_outcome", default: .warn),
                                    measured: energy, limit: threshold, unit: "吨标准煤/年", citation: ["000:463", "000:464"],
                                    zh: "本项目\(reasons.joined(separator: "、"))，须通过节能评估审查方可开工",
                                    en: "the project is \(reasonsEn.joined(separator: " and ")): it may not start before passing the energy review"))
        } else if energy == nil || energyClass == .possible {
            findings.append(input.unverifiable(check: "energy-review",
                                               zh: energy == nil ? "缺少 energy_tce，无法判断是否为重点用能单位" : "行业代码 \(code) 过粗，无法判断是否属高耗能行业",
                                               en: energy == nil ? "energy_tce is missing: cannot tell whether this is a key energy user" : "industry code \(code) is too coarse to tell whether it is energy-intensive"))
        } else {
            findings.append(Finding(rule: Self.id, check: "energy-review", outcome: .pass, measured: energy, limit: threshold, unit: "吨标准煤/年",
                                    citation: ["000:463", "000:464"], zh: "非高耗能行业，年综合能耗低于重点用能单位标准",
                                    en: "not energy-intensive and below the key-energy-user threshold"))
        }
        return findings
    }
}

extension RestrictedIndustryRule {
    /// What pollution-intensive industry gets here: inside a platform, or outside every one.
    public func place(_ place: PlaceFacts, spec s: RuleSpec) -> [PlaceStatement] {
        let outside = place.platforms.isEmpty
        let o = (outside ? s.outcome("pollution_outside_platform_outcome", default: .fail) : s.outcome("pollution_inside_platform_outcome", default: .warn)).rawValue
        let led = s.outcome("pollution_led_area_outcome", default: .warn).rawValue
        return [PlaceStatement(rule: s.id, effect: "depends",
                               zh: outside ? "平台外：污染型行业为 \(o)（须入平台集中治污）；所在区域重点布局该产业者为 \(led)" : "平台内：污染型行业为 \(o)（须环评及污染物总量替代）",
                               en: outside ? "outside platforms: pollution-intensive industry gets \(o) (central treatment in platforms), \(led) where the layout leads that industry here"
                                           : "inside a platform: pollution-intensive industry gets \(o) (EIA and pollutant-quota offsets)",
                               zones: place.platforms.map(\.id), citation: s.citations)]
    }
}

import ZoneGeometry
import ZonePlan

/// Checks the main functional zones the site overlaps: none in 禁止开发区; only high-tech,
/// non-polluting industry in 优化开发区; only ecological, non-polluting industry in 生态经济区.
public struct FunctionZoneRule: VettingRule {
    public static let id = "function-zone"
    public static let parameters: [ParameterSpec] = [
        .init("overlap_tolerance", .quantity(unit: "m2", range: 0...10_000)),
        .init("overlap_tolerance_share", .quantity(unit: "share", range: 0...0.5)),
        .init("optimized_requires", .industryClasses), .init("optimized_excludes", .industryClasses),
        .init("ecological_requires", .industryClasses), .init("ecological_excludes", .industryClasses),
    ]
    public init() {}

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let site = input.site
        let tolM2 = input.spec.quantity("overlap_tolerance") ?? 0
        let tolShare = input.spec.quantity("overlap_tolerance_share") ?? 0
        let zones = site.overlaps(kind: .functionZone).sorted { $0.overlapM2 > $1.overlapM2 }
        let real = zones.filter { site.significant($0, toleranceM2: tolM2, toleranceShare: tolShare) }
        var findings: [Finding] = []
        let covered = zones.map(\.overlapM2).reduce(0, +)
        let uncovered = max(0, site.areaM2 - covered)
        if uncovered > tolM2 && uncovered / max(site.areaM2, 1e-9) > tolShare {
            findings.append(input.unverifiable(
                check: "coverage",
                zh: "用地有 \(num(Mu.fromSquareMetres(uncovered))) 亩不在任何主体功能区图斑内，无法判断其管制要求",
                en: "\(num(Mu.fromSquareMetres(uncovered))) mu of the site lies in no main functional zone: its rules cannot be checked",
                zones: zones.map { $0.ref() }))
        }
        let code = input.application.industry
        let catalog = input.catalog
        for z in real {
            guard let category = z.feature.category else { continue }
            let ref = z.ref()
            let clause = Self.clause(category, input.citation)
            let where_ = "\(z.feature.name)（\(num(z.overlapMu)) 亩，\(pct(z.share))）"
            switch category {
            case .prohibited:
                findings.append(Finding(rule: Self.id, check: category.rawValue, outcome: .fail, measured: z.overlapM2, limit: tolM2, unit: "m2",
                                        zones: [ref], citation: clause,
                                        zh: "用地与禁止开发区 \(where_) 重叠，禁止开发区严禁工业布点",
                                        en: "the site overlaps prohibited-development zone \(z.feature.id) by \(num(z.overlapM2, 0)) m² (\(pct(z.share))); no industry may be sited there"))
            case .key:
                findings.append(Finding(rule: Self.id, check: category.rawValue, outcome: .pass, measured: z.share * 100, unit: "%",
                                        zones: [ref], citation: clause,
                                        zh: "用地位于\(where_)，属重点开发区，积极吸引工业项目",
                                        en: "the site lies in key-development zone \(z.feature.id) (\(pct(z.share))), where industry is welcome"))
            case .optimized, .ecological:
                let requires = input.spec.list(category == .optimized ? "optimized_requires" : "ecological_requires") ?? []
                let excludes = input.spec.list(category == .optimized ? "optimized_excludes" : "ecological_excludes") ?? []
                let missing = requires.map { ($0, catalog.membership(code, inClass: $0)) }.filter { $0.1 != .yes }
                let hit = excludes.map { ($0, catalog.membership(code, inClass: $0)) }.filter { $0.1 != .no }
                let need = category == .optimized ? "仅布局高新技术产业、无污染产业" : "仅适当分布生态型工业，严格限制有污染的生产经营活动"
                let needEn = category == .optimized ? "only high-tech, non-polluting industry" : "only ecological industry, no polluting activity"
                if hit.contains(where: { $0.1 == .yes }) || missing.contains(where: { $0.1 == .no }) {
                    let why = (hit.filter { $0.1 == .yes }.map { "属于\(className($0.0))" } + missing.filter { $0.1 == .no }.map { "不属于\(className($0.0))" }).joined(separator: "、")
                    let whyEn = (hit.filter { $0.1 == .yes }.map { "is \($0.0)" } + missing.filter { $0.1 == .no }.map { "is not \($0.0)" }).joined(separator: ", ")
                    findings.append(Finding(rule: Self.id, check: category.rawValue, outcome: .fail, measured: z.overlapMu, unit: "亩",
                                            zones: [ref], citation: clause,
                                            zh: "用地位于\(where_)，该区\(need)；本项目行业 \(code) \(why)",
                                            en: "the site lies in \(category.rawValue) zone \(z.feature.id) (\(pct(z.share))), which admits \(needEn); industry \(code) \(whyEn)"))
                } else if !hit.isEmpty || !missing.isEmpty {
                    findings.append(Finding(rule: Self.id, check: category.rawValue, outcome: .unverifiable, measured: z.overlapMu, unit: "亩",
                                            zones: [ref], citation: clause,
                                            zh: "用地位于\(where_)，该区\(need)；行业代码 \(code) 过粗，无法判断，请给出四位小类代码",
                                            en: "the site lies in \(category.rawValue) zone \(z.feature.id), which admits \(needEn); industry code \(code) is too coarse to tell — give the 4-digit class"))
                } else {
                    findings.append(Finding(rule: Self.id, check: category.rawValue, outcome: .pass, measured: z.share * 100, unit: "%",
                                            zones: [ref], citation: clause,
                                            zh: "用地位于\(where_)，本项目行业 \(code) 符合该区要求（\(need)）",
                                            en: "the site lies in \(category.rawValue) zone \(z.feature.id); industry \(code) meets its rule (\(needEn))"))
                }
            }
        }
        // Overlaps below tolerance with a prohibited zone are reported (an official may want to trim the site).
        for z in zones where !real.contains(where: { $0.feature.id == z.feature.id }) && z.feature.category == .prohibited {
            findings.append(Finding(rule: Self.id, check: "prohibited-edge", outcome: .pass, measured: z.overlapM2, limit: tolM2, unit: "m2",
                                    zones: [z.ref()], citation: input.citation,
                                    zh: "用地仅与禁止开发区 \(z.feature.name) 边界相接（\(num(z.overlapM2, 1)) m²，在容差内）",
                                    en: "the site only touches prohibited zone \(z.feature.id) (\(num(z.overlapM2, 1)) m², within tolerance)"))
        }
        if findings.isEmpty {
            findings.append(input.unverifiable(zh: "用地不在任何主体功能区图斑内，无法审查", en: "the site lies in no main functional zone: cannot be checked"))
        }
        return findings
    }

    /// The general clause (000:306) plus the one for this category, as listed in the pack.
    static func clause(_ c: FunctionZoneCategory, _ citations: [String]) -> [String] {
        let line: String
        switch c {
        case .optimized: line = "000:308"
        case .key: line = "000:310"
        case .ecological: line = "000:312"
        case .prohibited: line = "000:314"
        }
        let picked = citations.filter { $0 == line || $0 == "000:306" }
        return picked.isEmpty ? citations : picked
    }

    func className(_ c: String) -> String {
        switch c {
        case "high_tech": return "高新技术产业"
        case "pollution_intensive": return "污染型行业"
        case "energy_intensive": return "高耗能行业"
        case "ecological": return "生态型工业"
        default: return c
        }
    }
}

import ZoneGeometry
import ZonePlan

/// Checks the main functional zones the site overlaps, as 000:306–314 word them: no industry in
/// 禁止开发区; high-tech **or** non-polluting industry in 优化开发区; in 生态经济区 polluting industry
/// fails, 生态型工业 passes and other industry is admitted on condition it is run as 生态型工业.
public struct FunctionZoneRule: VettingRule {
    public static let id = "function-zone"
    public static let parameters: [ParameterSpec] = [
        .init("overlap_tolerance", .quantity(unit: "m2", range: 0...10_000)),
        .init("overlap_tolerance_share", .quantity(unit: "share", range: 0...0.5)),
        .init("polluting", .industryClasses),
        .init("optimized_admits", .industryClasses),
        .init("ecological_admits", .industryClasses),
        .outcome("ecological_other_outcome"),
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
        func member(_ param: String) -> (Membership, [String]) {
            let classes = input.spec.list(param) ?? []
            var best = Membership.no
            var hits: [String] = []
            for c in classes {
                let m = input.membership(code, inClass: c)
                if m == .yes { best = .yes; hits.append(c) } else if m == .possible && best == .no { best = .possible }
            }
            return (best, hits)
        }
        let (polluting, pollutingClasses) = member("polluting")
        for z in real {
            guard let category = z.feature.category else { continue }
            let ref = z.ref()
            let clause = Self.clause(category, input.citation)
            let where_ = "\(z.feature.name)（\(num(z.overlapMu)) 亩，\(pct(z.share))）"
            let whereEn = "\(category.rawValue) zone \(z.feature.id) (\(pct(z.share)))"
            func finding(_ o: Outcome, _ basis: Basis, _ zh: String, _ en: String) -> Finding {
                Finding(rule: Self.id, check: category.rawValue, outcome: o, basis: basis, measured: z.overlapMu, unit: "亩",
                        zones: [ref], citation: clause, zh: zh, en: en)
            }
            let coarse = "行业代码 \(code) 过粗，无法判断，请给出四位小类代码"
            let coarseEn = "industry code \(code) is too coarse to tell — give the 4-digit class"
            let pollutingZh = pollutingClasses.map(className).joined(separator: "、")
            switch category {
            case .prohibited:
                findings.append(Finding(rule: Self.id, check: category.rawValue, outcome: .fail, basis: .text, measured: z.overlapM2, limit: tolM2, unit: "m2",
                                        zones: [ref], citation: clause,
                                        zh: "用地与禁止开发区 \(where_) 重叠，禁止开发区严禁工业布点",
                                        en: "the site overlaps prohibited-development zone \(z.feature.id) by \(num(z.overlapM2, 0)) m² (\(pct(z.share))); no industry may be sited there"))
            case .key:
                findings.append(Finding(rule: Self.id, check: category.rawValue, outcome: .pass, basis: .text, measured: z.share * 100, unit: "%",
                                        zones: [ref], citation: clause,
                                        zh: "用地位于\(where_)，属重点开发区，积极吸引工业项目",
                                        en: "the site lies in key-development zone \(z.feature.id) (\(pct(z.share))), where industry is welcome"))
            case .optimized:
                // 000:308: 主要布局高新技术产业、无污染产业 — either admits the project.
                let (highTech, htClasses) = member("optimized_admits")
                if highTech == .yes {
                    findings.append(finding(.pass, .text, "用地位于\(where_)，优化开发区主要布局高新技术产业、无污染产业；本项目行业 \(code) 属\(htClasses.map(className).joined(separator: "、"))",
                                            "the site lies in \(whereEn), which admits high-tech or non-polluting industry; industry \(code) is \(htClasses.joined(separator: ", "))"))
                } else if polluting == .no {
                    findings.append(finding(.pass, .text, "用地位于\(where_)，优化开发区主要布局高新技术产业、无污染产业；本项目行业 \(code) 不属污染型行业",
                                            "the site lies in \(whereEn), which admits high-tech or non-polluting industry; industry \(code) is not pollution-intensive"))
                } else if polluting == .yes && highTech == .no {
                    findings.append(finding(.fail, .text, "用地位于\(where_)，优化开发区主要布局高新技术产业、无污染产业，不准再新上此外工业项目；本项目行业 \(code) 属\(pollutingZh)，且非高新技术产业",
                                            "the site lies in \(whereEn), which admits only high-tech or non-polluting industry; industry \(code) is \(pollutingClasses.joined(separator: ", ")) and not high-tech"))
                } else {
                    findings.append(finding(.unverifiable, .text, "用地位于\(where_)，优化开发区仅布局高新技术产业、无污染产业；\(coarse)",
                                            "the site lies in \(whereEn), which admits high-tech or non-polluting industry; \(coarseEn)"))
                }
            case .ecological:
                // 000:312: 适当分布生态型工业，严格限制有污染的生产经营活动.
                let (eco, ecoClasses) = member("ecological_admits")
                if polluting == .yes {
                    findings.append(finding(.fail, .text, "用地位于\(where_)，生态经济区严格限制有污染的生产经营活动；本项目行业 \(code) 属\(pollutingZh)",
                                            "the site lies in \(whereEn), where polluting activity is strictly restricted; industry \(code) is \(pollutingClasses.joined(separator: ", "))"))
                } else if polluting == .possible {
                    findings.append(finding(.unverifiable, .text, "用地位于\(where_)，生态经济区严格限制有污染的生产经营活动；\(coarse)",
                                            "the site lies in \(whereEn), where polluting activity is strictly restricted; \(coarseEn)"))
                } else if eco == .yes {
                    findings.append(finding(.pass, .text, "用地位于\(where_)，生态经济区适当分布生态型工业；本项目行业 \(code) 属\(ecoClasses.map(className).joined(separator: "、"))",
                                            "the site lies in \(whereEn), where ecological industry may be sited; industry \(code) is \(ecoClasses.joined(separator: ", "))"))
                } else {
                    // The clause neither admits nor bars clean industry off the ecological list: our
                    // reading is a condition that it be built and run as 生态型工业.
                    findings.append(finding(input.outcome("ecological_other_outcome", default: .warn), .reading,
                                            "用地位于\(where_)，生态经济区实行保护优先、适度开发，适当分布生态型工业；本项目行业 \(code) 不属污染型行业，可附条件布点：须按生态型工业建设运营——通过环评和清洁生产审核，主要污染物达标排放并落实总量替代，能耗不高于全市平均，不占用生态保护空间",
                                            "the site lies in \(whereEn) (protection first, moderate development, ecological industry); industry \(code) is not pollution-intensive and is admitted on condition it is run as ecological industry: EIA and cleaner-production audit, pollutants within standards with quota offsets, energy use not above the city average, no ecological-protection land used"))
                }
            }
        }
        // Overlaps below tolerance with a prohibited zone are reported (an official may want to trim the site).
        for z in zones where !real.contains(where: { $0.feature.id == z.feature.id }) && z.feature.category == .prohibited {
            findings.append(Finding(rule: Self.id, check: "prohibited-edge", outcome: .pass, basis: .reading, measured: z.overlapM2, limit: tolM2, unit: "m2",
                                    zones: [z.ref()], citation: Self.clause(.prohibited, input.citation),
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

extension FunctionZoneRule {
    /// Each main functional zone at the place and what it admits (000:306–314).
    public func place(_ place: PlaceFacts, spec s: RuleSpec) -> [PlaceStatement] {
        let zones = place.hits.filter { $0.kind == .functionZone }
        if zones.isEmpty && !place.counties.isEmpty {
            return [PlaceStatement(rule: s.id, effect: "unverifiable", zh: "该点不在任何主体功能区图斑内，无法判断其管制要求",
                                   en: "no main functional zone covers the point: its rules cannot be checked", zones: [], citation: s.citations)]
        }
        return zones.compactMap { z -> PlaceStatement? in
            guard let c = z.category else { return nil }
            let cite = Self.clause(c, s.citations)
            let polluting = s.list("polluting") ?? []
            switch c {
            case .prohibited:
                return PlaceStatement(rule: s.id, effect: "fail", zh: "\(z.name)：禁止开发区，严禁工业布点",
                                      en: "\(z.id): prohibited-development zone — no industry may be sited here", zones: [z.id], citation: cite)
            case .key:
                return PlaceStatement(rule: s.id, effect: "pass", zh: "\(z.name)：重点开发区，积极吸引工业项目",
                                      en: "\(z.id): key-development zone — industry is welcome", zones: [z.id], citation: cite)
            case .optimized:
                let admits = s.list("optimized_admits") ?? []
                return PlaceStatement(rule: s.id, effect: "depends",
                                      zh: "\(z.name)：优化开发区，主要布局高新技术产业、无污染产业（属于 \(admits.joined(separator: "、")) 或不属于 \(polluting.joined(separator: "、")) 者可布点）",
                                      en: "\(z.id): optimized zone — a project is admitted if it is \(admits.joined(separator: ", ")) or not \(polluting.joined(separator: ", "))",
                                      zones: [z.id], citation: cite)
            case .ecological:
                let admits = s.list("ecological_admits") ?? []
                let other = s.outcome("ecological_other_outcome", default: .warn).rawValue
                return PlaceStatement(rule: s.id, effect: "depends",
                                      zh: "\(z.name)：生态经济区，严格限制有污染的生产经营活动（\(polluting.joined(separator: "、")) 不予布点）；\(admits.joined(separator: "、")) 可布点；其他清洁工业为 \(other)（须按生态型工业建设运营）",
                                      en: "\(z.id): ecological zone — \(polluting.joined(separator: ", ")) fails, \(admits.joined(separator: ", ")) passes, other clean industry gets \(other) (to be run as ecological industry)",
                                      zones: [z.id], citation: cite)
            }
        }
    }
}

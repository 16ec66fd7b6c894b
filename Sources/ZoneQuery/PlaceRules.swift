import Foundation
import ZoneGeometry
import ZonePlan

/// What the rule pack says about a place, before any project is known: the statements that
/// `zoneplan where` prints. Each names the rule id of `GeoData/rulepack.yaml` and its clause.
enum PlaceRules {
    static func rules(at hits: [PlanFeature], near: [NearFeature], pack: RulePack) -> [PlaceRule] {
        var out: [PlaceRule] = []
        func spec(_ id: String) -> RuleSpec? { pack.rule(id).flatMap { $0.enabled ? $0 : nil } }
        func q(_ s: RuleSpec, _ p: String) -> String { s.quantity(p).map { fmt($0) } ?? "?" }

        let counties = hits.filter { $0.kind == .county }
        if let s = spec("jurisdiction") {
            if counties.isEmpty {
                out.append(PlaceRule(rule: s.id, effect: "fail", zh: "该点不在嘉兴市域内：工业项目选址不予受理",
                                     en: "the point is outside Jiaxing: a site here fails the jurisdiction rule", zones: [], citation: s.citations))
            } else {
                let names = counties.map(\.name).joined(separator: "、")
                out.append(PlaceRule(rule: s.id, effect: "pass", zh: "位于嘉兴市\(names)，由该县（市、区）审查用地指标",
                                     en: "in Jiaxing, \(counties.map { $0.nameEn ?? $0.id }.joined(separator: ", ")); that county's land quota applies",
                                     zones: counties.map(\.id), citation: s.citations))
            }
        }
        if let s = spec("function-zone") {
            let zones = hits.filter { $0.kind == .functionZone }
            if zones.isEmpty && !counties.isEmpty {
                out.append(PlaceRule(rule: s.id, effect: "unverifiable", zh: "该点不在任何主体功能区图斑内，无法判断其管制要求",
                                     en: "no main functional zone covers the point: its rules cannot be checked", zones: [], citation: s.citations))
            }
            for z in zones {
                guard let c = z.category else { continue }
                let cite = s.citations.filter { $0 == "000:306" || $0 == clause(c) }
                switch c {
                case .prohibited:
                    out.append(PlaceRule(rule: s.id, effect: "fail", zh: "\(z.name)：禁止开发区，严禁工业布点",
                                         en: "\(z.id): prohibited-development zone — no industry may be sited here", zones: [z.id], citation: cite))
                case .key:
                    out.append(PlaceRule(rule: s.id, effect: "pass", zh: "\(z.name)：重点开发区，积极吸引工业项目",
                                         en: "\(z.id): key-development zone — industry is welcome", zones: [z.id], citation: cite))
                case .optimized:
                    let admits = s.list("optimized_admits") ?? []
                    let polluting = s.list("polluting") ?? []
                    out.append(PlaceRule(rule: s.id, effect: "depends",
                                         zh: "\(z.name)：优化开发区，主要布局高新技术产业、无污染产业（属于 \(admits.joined(separator: "、")) 或不属于 \(polluting.joined(separator: "、")) 者可布点）",
                                         en: "\(z.id): optimized zone — a project is admitted if it is \(admits.joined(separator: ", ")) or not \(polluting.joined(separator: ", "))",
                                         zones: [z.id], citation: cite))
                case .ecological:
                    let admits = s.list("ecological_admits") ?? []
                    let polluting = s.list("polluting") ?? []
                    let other = s.word("ecological_other_outcome") ?? "warn"
                    out.append(PlaceRule(rule: s.id, effect: "depends",
                                         zh: "\(z.name)：生态经济区，严格限制有污染的生产经营活动（\(polluting.joined(separator: "、")) 不予布点）；\(admits.joined(separator: "、")) 可布点；其他清洁工业为 \(other)（须按生态型工业建设运营）",
                                         en: "\(z.id): ecological zone — \(polluting.joined(separator: ", ")) fails, \(admits.joined(separator: ", ")) passes, other clean industry gets \(other) (to be run as ecological industry)",
                                         zones: [z.id], citation: cite))
                }
            }
        }
        let platforms = hits.filter { $0.kind == .platform }
        if let s = spec("platform") {
            if platforms.isEmpty {
                let list = near.map { "\($0.name) \(fmt($0.distanceKm)) km" }.joined(separator: "、")
                let outcome = s.word("outside_outcome") ?? "warn"
                out.append(PlaceRule(rule: s.id, effect: outcome, zh: "不在发展平台内（\(outcome)）；最近的平台：\(list)",
                                     en: "outside every development platform (\(outcome)); nearest: \(near.map { "\($0.id) \(fmt($0.distanceKm)) km" }.joined(separator: ", "))",
                                     zones: near.map(\.id), citation: s.citations))
            } else {
                out.append(PlaceRule(rule: s.id, effect: "pass",
                                     zh: "位于发展平台：\(platforms.map { "\($0.name)（\($0.tier?.chinese ?? "")）" }.joined(separator: "、"))；用地须 ≥ \(fmt((s.quantity("inside_share") ?? 0.99) * 100))% 在平台内",
                                     en: "in development platform(s) \(platforms.map(\.id).joined(separator: ", ")); a site must lie ≥ \(fmt((s.quantity("inside_share") ?? 0.99) * 100))% inside one",
                                     zones: platforms.map(\.id), citation: s.citations))
            }
        }
        if let s = spec("layout-fit") {
            for ring in hits where ring.kind == .coreRing {
                let o = s.word("core_ring_outcome") ?? "warn"
                out.append(PlaceRule(rule: s.id, effect: o, zh: "\(ring.name)：主要发展现代服务业，工业项目为 \(o)",
                                     en: "\(ring.id): the core ring is for modern services; an industrial project gets \(o)", zones: [ring.id], citation: ["000:281"]))
            }
            let guided = hits.filter { $0.guidance.map { !$0.isEmpty } ?? false }
            if guided.isEmpty && !counties.isEmpty {
                out.append(PlaceRule(rule: s.id, effect: s.word("mismatch_outcome") ?? "warn", zh: "无产业布局导向覆盖该点，请人工核对",
                                     en: "no layout guidance covers the point; check by hand", zones: [], citation: s.citations))
            } else if !guided.isEmpty {
                out.append(PlaceRule(rule: s.id, effect: "depends",
                                     zh: "行业须在所在区域的重点布局/改造提升/培育发展名单内（见下方产业导向），否则为 \(s.word("mismatch_outcome") ?? "warn")",
                                     en: "the industry should be on a lead/upgrade/foster list of \(guided.map(\.id).joined(separator: ", ")) (else \(s.word("mismatch_outcome") ?? "warn"))",
                                     zones: guided.map(\.id), citation: guided.flatMap { seedRefs($0.source) }.uniqued()))
            }
        }
        if let s = spec("restricted-industry") {
            let o = platforms.isEmpty ? (s.word("pollution_outside_platform_outcome") ?? "fail") : (s.word("pollution_inside_platform_outcome") ?? "warn")
            let led = s.word("pollution_led_area_outcome") ?? "warn"
            out.append(PlaceRule(rule: s.id, effect: "depends",
                                 zh: platforms.isEmpty ? "平台外：污染型行业为 \(o)（须入平台集中治污）；所在区域重点布局该产业者为 \(led)" : "平台内：污染型行业为 \(o)（须环评及污染物总量替代）",
                                 en: platforms.isEmpty ? "outside platforms: pollution-intensive industry gets \(o) (central treatment in platforms), \(led) where the layout leads that industry here" : "inside a platform: pollution-intensive industry gets \(o) (EIA and pollutant-quota offsets)",
                                 zones: platforms.map(\.id), citation: s.citations))
        }
        if let s = spec("land-intensity") {
            let below = platforms.isEmpty ? (s.word("outside_platform_outcome") ?? "warn") : (s.word("inside_platform_outcome") ?? "fail")
            out.append(PlaceRule(rule: s.id, effect: "depends",
                                 zh: "投入强度 ≥ \(q(s, "investment_min")) 万元/亩，产出强度 ≥ \(q(s, "output_min")) 万元/亩（\(platforms.isEmpty ? "平台外" : "平台内")低于此为 \(below)）",
                                 en: "investment ≥ \(q(s, "investment_min")) 万元/亩 and output ≥ \(q(s, "output_min")) 万元/亩 (below: \(below) \(platforms.isEmpty ? "outside platforms" : "inside a platform"))",
                                 zones: [], citation: s.citations))
        }
        if let s = spec("energy-intensity") {
            out.append(PlaceRule(rule: s.id, effect: "depends",
                                 zh: "单位工业增加值能耗 ≤ \(q(s, "max_tce_per_value_added")) 吨标准煤/万元",
                                 en: "energy per value added ≤ \(q(s, "max_tce_per_value_added")) tce/万元", zones: [], citation: s.citations))
        }
        return out
    }

    static func clause(_ c: FunctionZoneCategory) -> String {
        switch c {
        case .optimized: return "000:308"
        case .key: return "000:310"
        case .ecological: return "000:312"
        case .prohibited: return "000:314"
        }
    }
}

func fmt(_ d: Double, _ decimals: Int = 2) -> String {
    var s = String(format: "%.\(decimals)f", d)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

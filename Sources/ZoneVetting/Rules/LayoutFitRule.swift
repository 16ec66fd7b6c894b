import Foundation
import ZoneGeometry
import ZonePlan

/// Checks the industry against the guidance (重点布局/改造提升/培育发展) of the districts, clusters and belts the site lies in.
public struct LayoutFitRule: VettingRule {
    public static let id = "layout-fit"
    public static let parameters: [ParameterSpec] = [
        .outcome("core_ring_outcome"), .outcome("mismatch_outcome"),
        .init("overlap_tolerance_share", .quantity(unit: "share", range: 0...0.5)),
    ]
    public init() {}

    static let listNames: [(list: @Sendable (Guidance) -> [String], zh: String, en: String)] = [
        ({ $0.lead }, "重点布局", "lead"), ({ $0.upgrade }, "改造提升", "upgrade"), ({ $0.foster }, "培育发展", "foster"),
    ]

    public func evaluate(_ input: RuleInput) throws -> [Finding] {
        let site = input.site
        let tol = input.spec.quantity("overlap_tolerance_share") ?? 0
        var findings: [Finding] = []
        for ring in site.overlaps(kind: .coreRing) where ring.share > tol {
            findings.append(Finding(rule: Self.id, check: "core-ring", outcome: input.outcome("core_ring_outcome", default: .warn),
                                    measured: ring.share * 100, limit: 0, unit: "%", zones: [ring.ref()], citation: ["000:281"],
                                    zh: "用地位于主中心城市核心圈层（\(pct(ring.share))），该圈层主要发展现代服务业",
                                    en: "the site lies in the core ring of the main city (\(pct(ring.share))), which is for modern services, not industry"))
        }
        let areas = site.overlaps.filter { ($0.feature.guidance.map { !$0.isEmpty } ?? false) && $0.share > tol }
        guard !areas.isEmpty else {
            if site.overlaps(kind: .city).isEmpty {
                findings.append(input.unverifiable(zh: "用地不在嘉兴市域内，无产业布局导向可查", en: "the site is outside Jiaxing: no layout guidance applies"))
            } else {
                findings.append(Finding(rule: Self.id, outcome: input.outcome("mismatch_outcome", default: .warn), basis: .reading, citation: input.citation,
                                        zh: "用地所在区域无产业布局导向，请人工核对", en: "no layout guidance covers the site; check by hand"))
            }
            return findings
        }
        let code = input.application.industry
        var matches: [(area: FeatureOverlap, list: String, listEn: String, term: String)] = []
        for a in areas {
            for m in Self.guidanceMatches(code, a, input) { matches.append((a, m.list, m.listEn, m.term)) }
        }
        let industryName = input.catalog.name(of: code) ?? code
        // Cite the clauses the guidance came from (each layout feature's `source`). Kept per engine
        // by feature index: the shared memo locked and hashed the whole source text per application.
        func refs(_ f: FeatureOverlap) -> [String] {
            guard let memo = input.scratch else { return seedRefs(f.feature.source) }
            if let known = memo.seedRefs[f.index] { return known }
            let r = seedRefs(f.feature.source)
            memo.seedRefs[f.index] = r
            return r
        }
        func cites(_ fs: [FeatureOverlap]) -> [String] {
            var out: [String] = []
            for f in fs {
                for m in refs(f) where !out.contains(m) { out.append(m) }
            }
            return out.isEmpty ? input.citation : out
        }
        if matches.isEmpty {
            // The guidance lists say where industries are led, not where others are barred: a
            // mismatch is a warning, our reading. The lists are quoted only here, where they are
            // shown: building them for every application was a visible part of vetting.
            var quoted: [String] = []
            var quotedEn: [String] = []
            for a in areas {
                guard let g = a.feature.guidance else { continue }
                var parts: [String] = []
                for (list, zh, _) in Self.listNames {
                    let terms = list(g)
                    guard !terms.isEmpty else { continue }
                    parts.append("\(zh)：\(terms.joined(separator: "、"))")
                }
                quoted.append("\(a.feature.name)【\(parts.joined(separator: "；"))】")
                quotedEn.append(a.feature.nameEn ?? a.feature.id)
            }
            findings.append(Finding(rule: Self.id, outcome: input.outcome("mismatch_outcome", default: .warn), basis: .reading,
                                    zones: areas.map { $0.ref() }, citation: cites(areas),
                                    zh: "行业 \(code)（\(industryName)）不在所在区域的产业导向内：\(quoted.joined(separator: " "))",
                                    en: "industry \(code) (\(industryName)) is on none of the guidance lists of \(quotedEn.joined(separator: ", "))"))
        } else {
            // A few matches at most: deduped by scanning, not by hashing each (Chinese) text.
            var uniq: [String] = []
            for x in matches {
                let m = "\(x.area.feature.name)「\(x.list)」\(x.term)"
                if !uniq.contains(m) { uniq.append(m) }
            }
            var uniqEn: [String] = []
            for x in matches {
                let m = "\(x.area.feature.nameEn ?? x.area.feature.id) \(x.listEn): \(x.term)"
                if !uniqEn.contains(m) { uniqEn.append(m) }
            }
            findings.append(Finding(rule: Self.id, outcome: .pass, zones: areas.map { $0.ref() }, citation: cites(matches.map(\.area)),
                                    zh: "行业 \(code)（\(industryName)）符合产业导向：\(uniq.joined(separator: "；"))",
                                    en: "industry \(code) matches the guidance: \(uniqEn.joined(separator: "; "))"))
        }
        return findings
    }

    typealias GuidanceMatch = (list: String, listEn: String, term: String)

    /// The terms of an area's guidance lists that hold the industry code, in list order. They follow
    /// from plan data and the code alone: kept per engine, by code and feature index, since looking
    /// each (Chinese) term up for every application was most of this rule's time.
    static func guidanceMatches(_ code: String, _ area: FeatureOverlap, _ input: RuleInput) -> [GuidanceMatch] {
        func compute() -> [GuidanceMatch] {
            guard let g = area.feature.guidance else { return [] }
            var out: [GuidanceMatch] = []
            for (list, zh, en) in listNames {
                for t in list(g) where input.catalog.membership(code, inTerm: t) == .yes { out.append((zh, en, t)) }
            }
            return out
        }
        guard let memo = input.scratch else { return compute() }
        if let known = memo.guidanceMatches[code]?[area.index] { return known }
        let found = compute()
        if memo.guidanceMatches[code] == nil { VettingScratch.makeRoom(&memo.guidanceMatches) }
        memo.guidanceMatches[code, default: [:]][area.index] = found
        return found
    }
}

// Compiled once: compiling it per call was a visible share of vetting time.
let seedRefPattern = try! NSRegularExpression(pattern: "(?<![0-9A-Za-z:])[0-9]{3}:[0-9]+(?:[–-][0-9]+)?(?![0-9A-Za-z])")

/// `seed 000:286; 000:295–298` → ["000:286", "000:295–298"]; not a digest such as `sha256:6b83…`.
/// Memoised: the sources are the plan features' (a few hundred texts), and matching them for every
/// application was ~5 % of vetting. `zoneplan where` cites guidance with it too.
public func seedRefs(_ source: String) -> [String] {
    if let known = seedRefMemo.get(source) { return known }
    let re = seedRefPattern
    let ns = source as NSString
    let refs = re.matches(in: source, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    seedRefMemo.put(source, refs)
    return refs
}

private let seedRefMemo = SeedRefMemo()
private final class SeedRefMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var refs: [String: [String]] = [:]
    func get(_ s: String) -> [String]? { lock.lock(); defer { lock.unlock() }; return refs[s] }
    func put(_ s: String, _ r: [String]) {
        lock.lock(); defer { lock.unlock() }
        if refs.count < 4096 { refs[s] = r }  // bounded: sources come from the plan, not from applications
    }
}

extension LayoutFitRule {
    /// The core ring, and whether layout guidance covers the place (the lists themselves are the
    /// place report's guidance).
    public func place(_ place: PlaceFacts, spec s: RuleSpec) -> [PlaceStatement] {
        var out: [PlaceStatement] = []
        for ring in place.hits where ring.kind == .coreRing {
            let o = s.outcome("core_ring_outcome", default: .warn).rawValue
            out.append(PlaceStatement(rule: s.id, effect: o, zh: "\(ring.name)：主要发展现代服务业，工业项目为 \(o)",
                                      en: "\(ring.id): the core ring is for modern services; an industrial project gets \(o)", zones: [ring.id], citation: ["000:281"]))
        }
        let guided = place.hits.filter { $0.guidance.map { !$0.isEmpty } ?? false }
        let mismatch = s.outcome("mismatch_outcome", default: .warn).rawValue
        if guided.isEmpty && !place.counties.isEmpty {
            out.append(PlaceStatement(rule: s.id, effect: mismatch, zh: "无产业布局导向覆盖该点，请人工核对",
                                      en: "no layout guidance covers the point; check by hand", zones: [], citation: s.citations))
        } else if !guided.isEmpty {
            out.append(PlaceStatement(rule: s.id, effect: "depends",
                                      zh: "行业须在所在区域的重点布局/改造提升/培育发展名单内（见下方产业导向），否则为 \(mismatch)",
                                      en: "the industry should be on a lead/upgrade/foster list of \(guided.map(\.id).joined(separator: ", ")) (else \(mismatch))",
                                      zones: guided.map(\.id), citation: guided.flatMap { seedRefs($0.source) }.uniqued()))
        }
        return out
    }
}

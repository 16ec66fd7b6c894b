import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

/// Plain-text renderings for people (the CLI prints these); JSON comes from the Codable values.
public enum QueryText {
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self) + "\n"
    }

    static func mu(_ d: Double) -> String { fmt(d, 2) }
    static func pct(_ d: Double?) -> String { d.map { fmt($0 * 100, 1) + "%" } ?? "—" }

    public static func place(_ r: PlaceReport) -> String {
        var out = "point 点位: lon \(fmt(r.lon, 7)) lat \(fmt(r.lat, 7)) (WGS 84)"
        if r.inputCRS != InputCRS.wgs84.rawValue { out += " ← \(r.input.map { fmt($0, 7) }.joined(separator: " ")) \(r.inputCRS)" }
        out += "\n"
        if !r.inJiaxing { out += "outside Jiaxing 不在嘉兴市域内\n" }
        if !r.features.isEmpty {
            out += "\nfeatures 图层要素\n"
            out += Report.table(header: ["kind", "id", "name", "detail", "schematic"], rows: r.features.map {
                [$0.kind, $0.id, $0.name, [$0.detail, $0.detailZh].compactMap { $0 }.joined(separator: " "),
                 $0.schematic ? "± \(fmt($0.accuracyM, 0)) m" : "no"]
            }, indent: "  ")
        }
        if !r.guidance.isEmpty {
            out += "\nindustry guidance 产业导向\n"
            for g in r.guidance {
                out += "  \(g.name) [\(g.citation.joined(separator: ", "))]\n"
                if !g.lead.isEmpty { out += "    重点布局 lead: \(g.lead.joined(separator: "、"))\n" }
                if !g.upgrade.isEmpty { out += "    改造提升 upgrade: \(g.upgrade.joined(separator: "、"))\n" }
                if !g.foster.isEmpty { out += "    培育发展 foster: \(g.foster.joined(separator: "、"))\n" }
                if !g.industries.isEmpty { out += "    industries: \(g.industries.joined(separator: "、"))\n" }
            }
        }
        out += "\nrules here 适用规则 (rule pack \(r.rulePackVersion))\n"
        for rule in r.rules {
            out += "  \(rule.rule.padding(toLength: 20, withPad: " ", startingAt: 0)) \(rule.effect.padding(toLength: 12, withPad: " ", startingAt: 0)) \(rule.zh) [\(rule.citation.joined(separator: ", "))]\n"
        }
        out += "\n\(r.schematicNote)\n"
        return out
    }

    public static func query(_ a: QueryAnswer) -> String {
        var out = "query 查询: \(a.predicate.rawValue)\(a.layer.map { ", layer \($0)" } ?? ", all layers")"
        out += a.bufferM > 0 ? ", buffer \(fmt(a.bufferM)) m" : ""
        out += ", query area \(mu(a.queryAreaMu)) 亩 (EPSG:4549); \(a.hits.count) feature(s)\n"
        if !a.hits.isEmpty {
            out += Report.table(header: ["kind", "id", "name", "detail", "overlap 亩", "of query", "of feature", "feature 亩"], rows: a.hits.map {
                [$0.feature.kind, $0.feature.id, $0.feature.name, $0.feature.detail ?? "", mu($0.overlapMu), pct($0.shareOfQuery),
                 pct($0.shareOfFeature), mu($0.featureAreaMu)]
            }, indent: "")
        }
        out += "\(a.schematicNote)\n"
        return out
    }

    /// Each county's polygon beside its land: the jurisdiction reaches into the bay, the land stops at the shore.
    public static func countyLand(_ rows: [CountyLand]) -> String {
        guard !rows.isEmpty else { return "" }
        var out = "\ncounties 县（市、区）: polygon (jurisdiction) and land (inside the shoreline, GSHHG)\n"
        out += Report.table(header: ["county", "adcode", "polygon km²", "land km²", "sea km²"], rows: rows.map { r in
            [r.name, r.adcode ?? "", fmt(r.polygonKm2), r.landKm2.map { fmt($0) } ?? "— (no land layer)",
             r.landKm2.map { fmt(max(0, r.polygonKm2 - $0)) } ?? "—"]
        }, indent: "  ")
        return out
    }

    public static func stats(_ s: StatsReport) -> String {
        var out = "GeoData \(s.geodataVersion) — areas in 亩 on EPSG:4549 (1 km² = 1500 亩)\n\nlayers 图层\n"
        out += Report.table(header: ["layer", "title", "features", "schematic", "sum 亩", "union 亩"], rows: s.layers.map {
            [$0.layer, $0.title, "\($0.features)", "\($0.schematicFeatures)", mu($0.sumMu), mu($0.unionMu)]
        }, indent: "  ")
        out += countyLand(s.counties)
        out += "\nplatform tiers vs the 2015 targets 平台面积与2015年开发面积目标 (000:492–540)\n"
        out += Report.table(header: ["tier", "platforms", "area 亩", "area km²", "target km²", "of target", "cites"], rows: s.tiers.map {
            [$0.labelZh, "\($0.platforms)", mu($0.areaMu), fmt($0.areaKm2), $0.targetKm2.map { fmt($0) } ?? "—", pct($0.shareOfTarget),
             $0.citation.joined(separator: ", ")]
        }, indent: "  ")
        out += "  The platform polygons are schematic: their areas follow the plans' stated areas where given, not surveyed\n"
        out += "  boundaries, so the comparison with the targets is indicative only.\n"
        if let by = s.by {
            out += "\nby \(by.rawValue)\n"
            let header = ["id", "name", by == .county ? "adcode" : "detail"] + (by == .county ? [] : ["county"]) + s.columns.map { $0 + " 亩" }
            out += Report.table(header: header, rows: s.rows.map { r in
                [r.id, r.name, r.detail ?? ""] + (by == .county ? [] : [r.county ?? ""]) + s.columns.map { r.areasMu[$0].map(mu) ?? "—" }
            }, indent: "  ")
        }
        out += "\n\(s.schematicNote)\n"
        return out
    }

    public static func suggestion(_ s: SuggestionReport) -> String {
        var out = "\(s.application) — \(s.industry)\(s.industryName.map { " \($0)" } ?? ""), \(mu(s.areaMu)) 亩\n"
        out += "where proposed 原选址: \(s.proposedVerdict.rawValue) \(s.proposedVerdict.chinese)"
        if !s.proposedFailRules.isEmpty { out += "; fails \(s.proposedFailRules.joined(separator: ", "))" }
        if !s.proposedWarnRules.isEmpty { out += "; warns \(s.proposedWarnRules.joined(separator: ", "))" }
        out += "\n"
        if s.proposedVerdict == .approve { out += "(already approvable where proposed; the list shows alternatives)\n" }
        out += "\(s.quotaNote)\n\n"
        if s.candidates.isEmpty {
            out += "no platform where the project would pass (\(s.platformsTried) tried)\n"
        } else {
            out += "candidates 建议平台 — ranked by verdict, then guidance match, then distance\n"
            out += Report.table(header: ["#", "platform", "tier", "verdict", "guidance", "distance km", "in platform", "quota", "conditions"], rows: s.candidates.map {
                ["\($0.rank)", "\($0.platform.name) \($0.platform.id)", $0.platform.detail ?? "", $0.score.verdict.rawValue,
                 $0.score.guidanceMatch ? "match" : "no match", fmt($0.score.distanceKm), pct($0.score.platformShare),
                 $0.score.quota == SiteSuggester.noWorkspaceNote ? "not checked" : $0.score.quota,
                 $0.conditions.joined(separator: ",")]
            }, indent: "")
            out += "\nwhy 理由\n"
            for c in s.candidates {
                out += "  \(c.rank). \(c.platform.name): verdict \(c.score.verdict.rawValue) (score \(c.score.verdictScore)); "
                out += "guidance \(c.score.guidanceMatch ? "match" : "no match") — \(c.score.guidance)\n"
                out += "     function zone: \(c.score.functionZone); distance \(fmt(c.score.distanceKm)) km; placed at \(fmt(c.placedAt[0], 7)) \(fmt(c.placedAt[1], 7)) (\(c.placement))\n"
            }
        }
        let ex = s.excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        out += "\n\(s.platformsTried) platforms tried\(ex.isEmpty ? "" : "; not passing: \(ex)")\n"
        out += "method: \(s.method)\n\(s.schematicNote)\n"
        return out
    }
}

import Foundation
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneStore
import ZoneVetting

/// A printable decision report: the site and the zones around it (inline SVG drawn from the
/// EPSG:4549 projection), the findings with their citations, and the versions used.
enum DecisionReport {
    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    static func num(_ d: Double, _ places: Int = 2) -> String {
        var s = String(format: "%.\(places)f", d)
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
        return s
    }

    static let kindColours: [String: String] = [
        "county": "#555555", "city": "#222222", "platform": "#1f77b4", "function_zone": "#2ca02c", "cluster": "#9467bd",
        "core": "#ff7f0e", "core_ring": "#ff7f0e", "main_city": "#ff7f0e", "belt": "#ffbb78", "district": "#e0a040",
        "binhai_cluster": "#e0a040", "link_area": "#c7c7c7",
    ]
    static let categoryColours: [String: String] = ["prohibited": "#d62728", "ecological": "#98df8a", "optimized": "#aec7e8", "key": "#ffd27f"]

    static func colour(_ f: PlanFeature) -> String {
        if let c = f.category { return categoryColours[c.rawValue] ?? "#2ca02c" }
        return kindColours[f.kind.rawValue] ?? "#888888"
    }

    /// The SVG map: view = the site's box grown by 60 % (at least 1.5 km each side).
    static func svg(site: Geometry, highlighted: Set<String>, plan: PlanData, worker: Worker) throws -> String {
        let q = try worker.query()
        let m = q.measurer
        let siteP = try m.project(site)
        guard let se = siteP.envelope else { return "" }
        let pad = max(1500, max(se.width, se.height) * 0.6)
        var view = Envelope(minX: se.minX - pad, minY: se.minY - pad, maxX: se.maxX + pad, maxY: se.maxY + pad)
        // Square-ish 4:3 view
        let w = view.width, h = view.height
        if w / h < 4.0 / 3.0 { let extra = (h * 4 / 3 - w) / 2; view.minX -= extra; view.maxX += extra }
        else { let extra = (w * 3 / 4 - h) / 2; view.minY -= extra; view.maxY += extra }
        let W = 720.0, H = 540.0
        let sx = W / view.width
        func pt(_ c: Coordinate) -> String { num((c.x - view.minX) * sx, 1) + "," + num((view.maxY - c.y) * sx, 1) }
        func path(_ g: Geometry) -> String {
            g.polygons.map { p in p.rings.map { r in "M" + r.map(pt).joined(separator: "L") + "Z" }.joined() }.joined()
        }
        let rect = Geometry.polygon(Polygon(exterior: [
            Coordinate(view.minX, view.minY), Coordinate(view.maxX, view.minY), Coordinate(view.maxX, view.maxY),
            Coordinate(view.minX, view.maxY), Coordinate(view.minX, view.minY)]))
        // The view in lon/lat, to pick the features near the site cheaply.
        let viewLL = try m.unproject(rect).envelope ?? view
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(W)) \(Int(H))\" width=\"100%\" class=\"sitemap\">"
        out += "<rect width=\"\(Int(W))\" height=\"\(Int(H))\" fill=\"#fbfbf8\"/>"
        let order: [FeatureKind] = [.city, .county, .core, .coreRing, .mainCity, .belt, .district, .binhaiCluster, .linkArea,
                                    .functionZone, .cluster, .platform]
        var labels: [(String, Coordinate, String)] = []
        let features = plan.allFeatures.filter { $0.geometry.envelope?.intersects(viewLL) == true }
            .sorted { (order.firstIndex(of: $0.kind) ?? 99) < (order.firstIndex(of: $1.kind) ?? 99) }
        for f in features {
            let clipped = try m.engine.intersection(try m.project(f.geometry), rect)
            guard !clipped.isEmpty, clipped.isPolygonal || !clipped.polygons.isEmpty else { continue }
            let hit = highlighted.contains(f.id)
            let c = colour(f)
            let fillOpacity = f.kind == .county || f.kind == .city ? "0" : (hit ? "0.35" : "0.18")
            let stroke = hit ? "#d00000" : c
            let sw = hit ? "3" : (f.kind == .county ? "1.6" : "1")
            let dash = f.kind == .county ? " stroke-dasharray=\"6 3\"" : ""
            out += "<path d=\"\(path(clipped))\" fill=\"\(c)\" fill-opacity=\"\(fillOpacity)\" stroke=\"\(stroke)\" stroke-width=\"\(sw)\"\(dash) fill-rule=\"evenodd\"><title>\(esc(f.name)) (\(esc(f.id)))</title></path>"
            if f.kind != .city, let pos = try? m.engine.pointOnSurface(clipped) { labels.append((f.name, pos, hit ? "#d00000" : "#333")) }
        }
        out += "<path d=\"\(path(siteP))\" fill=\"#000\" fill-opacity=\"0.25\" stroke=\"#000\" stroke-width=\"2.5\"/>"
        for (name, pos, colour) in labels.prefix(14) {
            out += "<text x=\"\(num((pos.x - view.minX) * sx, 1))\" y=\"\(num((view.maxY - pos.y) * sx, 1))\" font-size=\"11\" fill=\"\(colour)\" text-anchor=\"middle\">\(esc(name))</text>"
        }
        // Scale bar: a round length about a fifth of the width.
        let target = view.width / 5
        let step = [100.0, 200, 500, 1000, 2000, 5000, 10000, 20000].last { $0 <= target } ?? 100
        let px = step * sx
        out += "<g transform=\"translate(16,\(Int(H) - 20))\"><rect x=\"0\" y=\"-6\" width=\"\(num(px, 1))\" height=\"6\" fill=\"#000\"/>"
        out += "<text x=\"0\" y=\"-10\" font-size=\"11\">\(step >= 1000 ? num(step / 1000) + " km" : num(step) + " m")</text></g>"
        out += "<text x=\"\(Int(W) - 10)\" y=\"18\" font-size=\"12\" text-anchor=\"end\">N ↑ · EPSG:4549</text>"
        out += "</svg>"
        return out
    }

    static func html(result r: VettingResult, site: Geometry, worker: Worker, decision: DecisionRecord?) throws -> String {
        let plan = worker.plan
        var highlighted = Set<String>()
        for f in r.findings where f.outcome == .fail || f.outcome == .warn { for z in f.zones { highlighted.insert(z.id) } }
        let map = try svg(site: site, highlighted: highlighted, plan: plan, worker: worker)
        let verdictClass = r.verdict.rawValue
        var h = """
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>审查意见 \(esc(r.name))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Noto Serif CJK SC",sans-serif;margin:24px;color:#111;font-size:13px}
        h1{font-size:20px;margin:0 0 4px} h2{font-size:15px;margin:18px 0 6px;border-bottom:1px solid #999}
        table{border-collapse:collapse;width:100%} td,th{border:1px solid #bbb;padding:3px 5px;vertical-align:top;text-align:left}
        th{background:#eee} .verdict{font-size:18px;font-weight:bold;padding:6px 10px;display:inline-block;border:2px solid}
        .approve{color:#15702a}.conditional{color:#9a6500}.reject{color:#b00000}.incomplete{color:#555}
        .o-fail{color:#b00000;font-weight:bold}.o-warn{color:#9a6500;font-weight:bold}.o-pass{color:#15702a}.o-unverifiable{color:#555;font-weight:bold}
        .sitemap{border:1px solid #999;max-width:720px} .note{color:#555;font-size:11px}
        @media print{body{margin:10mm} h2{break-after:avoid} tr{break-inside:avoid} .sitemap{max-width:170mm}}
        @page{size:A4;margin:12mm}
        </style></head><body>
        <h1>建设项目选址审查意见 Site vetting report</h1>
        <div>\(esc(r.name))</div>
        <p><span class="verdict \(verdictClass)" id="report-verdict">\(r.verdict.rawValue.uppercased()) · \(esc(r.verdict.chinese))</span></p>
        <table><tr><th>行业 industry</th><td>\(esc(r.industry)) \(esc(r.industryName ?? ""))</td><th>面积 area</th><td>\(num(r.areaMu)) 亩 (EPSG:4549)</td></tr>
        <tr><th>县（市、区） counties</th><td>\(esc(r.counties.map { "\($0.name) \(num($0.overlapMu ?? 0)) 亩" }.joined(separator: "、")))</td>
        <th>平台 platforms</th><td>\(esc(r.platforms.isEmpty ? "—" : r.platforms.map(\.name).joined(separator: "、")))</td></tr>
        """
        if let d = decision {
            h += "<tr><th>决定编号 decision</th><td>\(d.id ?? 0)\(d.supersedes.map { "（修订 \($0)）" } ?? "")</td><th>记录 recorded</th><td>\(esc(d.recordedAt)) · \(esc(d.official))</td></tr>"
            if let n = d.note { h += "<tr><th>备注 note</th><td colspan=\"3\">\(esc(n))</td></tr>" }
        }
        h += "</table><h2>位置 Site and zones around it</h2>\(map)"
        h += "<p class=\"note\">黑色为申请地块；红框为审查中不通过或需附条件的图层要素。Black: the site; red outline: zones behind a fail or warn.</p>"
        h += "<h2>审查结果 Findings</h2><table><tr><th>规则 rule</th><th>结果</th><th>测算值 measured</th><th>限值 limit</th><th>涉及图层要素 zones</th><th>依据 citation</th><th>性质 basis</th><th>说明 explanation</th></tr>"
        for f in r.findings {
            let rule = f.rule + (f.check.map { "/\($0)" } ?? "")
            let zones = f.zones.map { z in
                z.name + (z.overlapMu.map { " \(num($0)) 亩" } ?? "") + (z.distanceKm.map { " \(num($0)) km" } ?? "")
            }.joined(separator: "；")
            h += "<tr><td>\(esc(rule))</td><td class=\"o-\(f.outcome.rawValue)\">\(f.outcome.rawValue)</td>"
            h += "<td>\(f.measured.map { num($0, 4) + (f.unit.map { " \($0)" } ?? "") } ?? "")</td><td>\(f.limit.map { num($0, 4) } ?? "")</td>"
            h += "<td>\(esc(zones))</td><td>\(esc(f.citation.isEmpty ? "—" : f.citation.joined(separator: ", ")))</td><td>\(esc(f.basis.chinese)) \(f.basis.rawValue)</td><td>\(esc(f.explanationZh))<br><span class=\"note\">\(esc(f.explanationEn))</span></td></tr>"
        }
        h += "</table>"
        if !r.notApplied.isEmpty {
            h += "<h2>未执行的规则 Rules not applied</h2><table id=\"not-applied\"><tr><th>规则 rule</th><th>原因 reason</th></tr>"
            for n in r.notApplied {
                h += "<tr><td>\(esc(n.rule))</td><td>\(esc(n.explanationZh))<br><span class=\"note\">\(esc(n.explanationEn))</span></td></tr>"
            }
            h += "</table>"
        }
        h += "<h2>依据条文 Clauses cited</h2><table id=\"clauses\"><tr><th>条款</th><th>规划 plan</th><th>章节 section</th><th>原文 quote</th></tr>"
        for c in r.clauses {
            h += "<tr><td>\(esc(c.ref))</td><td>\(esc(c.title))</td><td>\(esc(c.section))</td><td>「\(esc(c.quote))」</td></tr>"
        }
        h += "</table><p class=\"note\">FILE:LINE of the plans in shared/seeds/; basis: 条文 text = the clause says it, 解读 reading = our reading where the plan is silent or general, 数据核对 data-check = no clause.</p>"
        h += "<h2>版本 Versions</h2><table><tr><th>rule pack</th><td>\(esc(r.rulePackVersion))</td><th>GeoData</th><td>\(esc(r.geodataVersion))</td></tr>"
        if !r.layerVersions.isEmpty {
            h += "<tr><th>layers</th><td colspan=\"3\">\(esc(r.layerVersions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))</td></tr>"
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        h += "<tr><th>generated</th><td colspan=\"3\">\(stamp) · zoneplan serve</td></tr></table>"
        h += "<p class=\"note\">\(esc(SpatialQuery.schematicNote))</p></body></html>\n"
        return h
    }
}

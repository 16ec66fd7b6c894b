import Foundation
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneService
import ZoneStore
import ZoneVetting

/// The bureau's document number of a recorded decision (文号), e.g. `嘉自然资规审〔2026〕12号`.
/// The format is the bureau's to set: `$ZONEPLAN_DECISION_NUMBER` (or `zoneplan report
/// --number-format`) with `{year}` (the China-time year it was recorded), `{n}` (its place among
/// that year's decisions in the ledger, from 1) and `{id}` (the ledger id).
public enum DecisionNumber {
    public static let defaultFormat = "嘉自然资规审〔{year}〕{n}号"
    public static let environmentVariable = "ZONEPLAN_DECISION_NUMBER"

    /// The format from the environment, else the default.
    public static var configuredFormat: String {
        let v = ProcessInfo.processInfo.environment[environmentVariable] ?? ""
        return v.isEmpty ? defaultFormat : v
    }

    /// Nil when the format is usable; otherwise what is wrong with it.
    public static func problem(_ format: String) -> String? {
        format.contains("{n}") || format.contains("{id}") ? nil
            : "a decision number format needs {n} (the number within the year) or {id} (the ledger id), e.g. \(defaultFormat)"
    }

    /// `ledger` holds every recorded decision's id and time (the ledger is append-only, so a
    /// decision's number never changes once given).
    public static func number(id: Int64, recordedAt: String, ledger: [(id: Int64, recordedAt: String)], format: String) -> String {
        let year = ChinaTime.parse(recordedAt).map(ChinaTime.year) ?? 0
        let n = ledger.filter { $0.id <= id && (ChinaTime.parse($0.recordedAt).map(ChinaTime.year) ?? -1) == year }.count
        return format.replacingOccurrences(of: "{year}", with: String(year)).replacingOccurrences(of: "{n}", with: String(max(n, 1)))
            .replacingOccurrences(of: "{id}", with: String(id))
    }
}

/// The printable report of a recorded decision for shells outside the server (`zoneplan report`).
public enum PrintableReport {
    public static func html(decision: DecisionRecord, number: String, snapshot: PlanSnapshot, signedCase: CaseRecord? = nil) throws -> String {
        let worker = try Worker(snapshot: snapshot)
        return try DecisionReport.html(result: decision.result, site: decision.site, worker: worker, decision: decision, number: number,
                                       signedCase: signedCase)
    }
}

/// A printable decision report: the site and the zones around it (inline SVG drawn from the
/// EPSG:4549 projection, zones numbered with a key), the findings with their clauses, the
/// signature lines and the versions used. Times in China time.
enum DecisionReport {
    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    static func num(_ d: Double, _ places: Int = 2) -> String { DecimalText.format(d, places: places) }

    static let kindColours: [String: String] = [
        "county": "#555555", "city": "#222222", "platform": "#1f77b4", "function_zone": "#2ca02c", "cluster": "#9467bd",
        "core": "#ff7f0e", "core_ring": "#ff7f0e", "main_city": "#ff7f0e", "belt": "#ffbb78", "district": "#e0a040",
        "binhai_cluster": "#e0a040", "link_area": "#c7c7c7", "parcel": "#8c564b", "land": "#999999",
    ]
    static let categoryColours: [String: String] = ["prohibited": "#d62728", "ecological": "#98df8a", "optimized": "#aec7e8", "key": "#ffd27f"]
    static let kindNames: [FeatureKind: String] = [
        .city: "市域", .county: "县（市、区）", .core: "核心圈层", .coreRing: "核心圈层", .mainCity: "主城", .belt: "产业带",
        .district: "产业区", .binhaiCluster: "滨海产业集群", .linkArea: "联动区", .platform: "发展平台", .functionZone: "主体功能区",
        .cluster: "产业集群", .parcel: "已批地块", .land: "陆域",
    ]

    static func colour(_ f: PlanFeature) -> String {
        if let c = f.category { return categoryColours[c.rawValue] ?? "#2ca02c" }
        return kindColours[f.kind.rawValue] ?? "#888888"
    }

    /// What the site has to do with a zone the findings name: the zones behind a fail or warn
    /// (the site lies in or across them), and the nearest platforms a finding lists for reference.
    struct Involvement {
        var outcome: Outcome
        var rules: [String]
        var nearestOnly: Bool
    }

    static func involvement(_ r: VettingResult) -> [String: Involvement] {
        var out: [String: Involvement] = [:]
        for f in r.findings where f.outcome == .fail || f.outcome == .warn {
            let rule = f.rule + (f.check.map { "/\($0)" } ?? "")
            for z in f.zones {
                // A distance-only reference (the nearest platforms of a site outside every platform)
                // does not offend: it is advice on where the site could go.
                let nearest = z.distanceKm != nil && z.overlapMu == nil && z.share == nil
                var v = out[z.id] ?? Involvement(outcome: f.outcome, rules: [], nearestOnly: nearest)
                if !nearest { v.nearestOnly = false }
                if f.outcome == .fail { v.outcome = .fail }
                if !v.rules.contains(rule) { v.rules.append(rule) }
                out[z.id] = v
            }
        }
        return out
    }

    /// The SVG map and its key. View: the site's box grown by 80 % of its size (at least 350 m
    /// each side), so a 40 亩 site is a shape, not a dot; zones are numbered, the numbers placed
    /// clear of each other and of the site, with a leader line where a number had to move.
    static func siteMap(site: Geometry, involved: [String: Involvement], plan: PlanData, worker: Worker) throws -> (svg: String, key: String, numbers: [String: Int]) {
        let q = try worker.query()
        let m = q.measurer
        let siteP = try m.project(site)
        guard let se = siteP.envelope else { return ("", "", [:]) }
        let pad = max(350, max(se.width, se.height) * 0.8)
        var view = Envelope(minX: se.minX - pad, minY: se.minY - pad, maxX: se.maxX + pad, maxY: se.maxY + pad)
        let w = view.width, h = view.height
        if w / h < 4.0 / 3.0 { let extra = (h * 4 / 3 - w) / 2; view.minX -= extra; view.maxX += extra }
        else { let extra = (w * 3 / 4 - h) / 2; view.minY -= extra; view.maxY += extra }
        let W = 720.0, H = 540.0
        let sx = W / view.width
        func px(_ c: Coordinate) -> (Double, Double) { ((c.x - view.minX) * sx, (view.maxY - c.y) * sx) }
        func pt(_ c: Coordinate) -> String { let p = px(c); return num(p.0, 1) + "," + num(p.1, 1) }
        func path(_ g: Geometry) -> String {
            g.polygons.map { p in p.rings.map { r in "M" + r.map(pt).joined(separator: "L") + "Z" }.joined() }.joined()
        }
        let rect = Geometry.polygon(Polygon(exterior: [
            Coordinate(view.minX, view.minY), Coordinate(view.maxX, view.minY), Coordinate(view.maxX, view.maxY),
            Coordinate(view.minX, view.maxY), Coordinate(view.minX, view.minY)]))
        let viewLL = try m.unproject(rect).envelope ?? view
        let order: [FeatureKind] = [.city, .county, .land, .core, .coreRing, .mainCity, .belt, .district, .binhaiCluster, .linkArea,
                                    .functionZone, .cluster, .parcel, .platform]
        let candidates = plan.allFeatures.filter {
            $0.geometry.envelope?.intersects(viewLL) == true && ($0.kind != .land || involved[$0.id] != nil) && $0.kind != .city
        }.sorted { (order.firstIndex(of: $0.kind) ?? 99) < (order.firstIndex(of: $1.kind) ?? 99) }
        var drawn: [(feature: PlanFeature, clipped: Geometry)] = []
        for f in candidates {
            let clipped = try m.engine.intersection(try m.project(f.geometry), rect)
            guard !clipped.isEmpty, !clipped.polygons.isEmpty else { continue }
            drawn.append((f, clipped))
        }
        // Key order: the zones behind a fail, then a warn, then the nearest platforms, then the rest.
        func rank(_ f: PlanFeature) -> Int {
            guard let v = involved[f.id] else { return 3 }
            if v.nearestOnly { return 2 }
            return v.outcome == .fail ? 0 : 1
        }
        let keyed = drawn.enumerated().sorted { (rank($0.element.feature), $0.offset) < (rank($1.element.feature), $1.offset) }.map(\.element)
        var number: [String: Int] = [:]
        for (i, d) in keyed.enumerated() { number[d.feature.id] = i + 1 }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(W)) \(Int(H))\" width=\"100%\" class=\"sitemap\">"
        out += "<rect width=\"\(Int(W))\" height=\"\(Int(H))\" fill=\"#fbfbf8\"/>"
        for (f, clipped) in drawn {
            let v = involved[f.id]
            let hit = v.map { !$0.nearestOnly } ?? false
            let c = colour(f)
            let fillOpacity = f.kind == .county || f.kind == .land ? "0" : (hit ? "0.35" : "0.18")
            let stroke = hit ? "#d00000" : c
            let sw = hit ? "3" : (f.kind == .county ? "1.6" : "1")
            let dash = f.kind == .county ? " stroke-dasharray=\"6 3\"" : (v?.nearestOnly == true ? " stroke-dasharray=\"2 2\"" : "")
            out += "<path d=\"\(path(clipped))\" fill=\"\(c)\" fill-opacity=\"\(fillOpacity)\" stroke=\"\(stroke)\" stroke-width=\"\(sw)\"\(dash) fill-rule=\"evenodd\"><title>\(number[f.id].map { "\($0) " } ?? "")\(esc(f.name)) (\(esc(f.id)))</title></path>"
        }
        out += "<path d=\"\(path(siteP))\" fill=\"#000\" fill-opacity=\"0.28\" stroke=\"#000\" stroke-width=\"2.5\" fill-rule=\"evenodd\" class=\"site\"/>"

        // Number markers: at a point inside the zone's visible part, else moved to the nearest free
        // spot around it (rings of 8 directions) with a leader line back.
        let siteBox = { () -> (Double, Double, Double, Double) in
            let a = px(Coordinate(se.minX, se.maxY)), b = px(Coordinate(se.maxX, se.minY))
            return (a.0 - 4, a.1 - 4, b.0 + 4, b.1 + 4)
        }()
        var placed: [(Double, Double)] = []
        let radius = 9.5
        func free(_ x: Double, _ y: Double) -> Bool {
            guard x > 14, x < W - 14, y > 26, y < H - 34 else { return false }
            if x + radius > siteBox.0 && x - radius < siteBox.2 && y + radius > siteBox.1 && y - radius < siteBox.3 { return false }
            return placed.allSatisfy { hypot($0.0 - x, $0.1 - y) >= 2 * radius + 2 }
        }
        // Where a zone can carry its number: points of a 16 px grid inside its visible part,
        // nearest to GEOS's point on surface first.
        func inside(_ x: Double, _ y: Double, _ rings: [[(Double, Double)]]) -> Bool {
            var c = false
            for r in rings {
                var j = r.count - 1
                for i in 0..<r.count {
                    let (xi, yi) = r[i], (xj, yj) = r[j]
                    if (yi > y) != (yj > y), x < (xj - xi) * (y - yi) / (yj - yi) + xi { c.toggle() }
                    j = i
                }
            }
            return c
        }
        var leaders = "", markers = ""
        for (f, clipped) in keyed {
            guard let n = number[f.id], let anchorC = try? m.engine.pointOnSurface(clipped) else { continue }
            let anchor = px(anchorC)
            let polys = clipped.polygons.map { p in p.rings.map { $0.map(px) } }
            var spot: (Double, Double)? = free(anchor.0, anchor.1) ? anchor : nil
            if spot == nil, let e = clipped.envelope {
                let a = px(Coordinate(e.minX, e.maxY)), b = px(Coordinate(e.maxX, e.minY))
                var grid: [(Double, Double)] = []
                var y = max(a.1, 0).rounded(.down)
                while y <= min(b.1, H) {
                    var x = max(a.0, 0).rounded(.down)
                    while x <= min(b.0, W) { grid.append((x, y)); x += 16 }
                    y += 16
                }
                func away(_ p: (Double, Double)) -> Double { hypot(p.0 - anchor.0, p.1 - anchor.1) }
                func usable(_ p: (Double, Double)) -> Bool { free(p.0, p.1) && polys.contains { ring in inside(p.0, p.1, ring) } }
                spot = grid.sorted { away($0) < away($1) }.first(where: usable)
            }
            if spot == nil {
                // No room inside (a sliver or a crowded corner): nearby, with a leader line back.
                search: for ring in 1...8 {
                    let r = Double(ring) * 22
                    for k in 0..<(8 * ring) {
                        let a = Double(k) / Double(8 * ring) * 2 * .pi
                        let x = anchor.0 + r * cos(a), y = anchor.1 + r * sin(a)
                        if free(x, y) { spot = (x, y); break search }
                    }
                }
            }
            guard let s = spot else { continue }
            placed.append(s)
            let hit = involved[f.id].map { !$0.nearestOnly } ?? false
            let stroke = hit ? "#d00000" : "#333"
            if !polys.contains(where: { inside(s.0, s.1, $0) }) {
                leaders += "<circle cx=\"\(num(anchor.0, 1))\" cy=\"\(num(anchor.1, 1))\" r=\"2\" fill=\"\(stroke)\"/>"
                leaders += "<line x1=\"\(num(anchor.0, 1))\" y1=\"\(num(anchor.1, 1))\" x2=\"\(num(s.0, 1))\" y2=\"\(num(s.1, 1))\" stroke=\"\(stroke)\" stroke-width=\"0.8\"/>"
            }
            markers += "<g class=\"zone-no\" data-zone=\"\(esc(f.id))\"><circle cx=\"\(num(s.0, 1))\" cy=\"\(num(s.1, 1))\" r=\"\(radius)\" fill=\"#fff\" stroke=\"\(stroke)\" stroke-width=\"\(hit ? 2 : 1)\"/>"
            markers += "<text x=\"\(num(s.0, 1))\" y=\"\(num(s.1 + 3.8, 1))\" font-size=\"11\" text-anchor=\"middle\" fill=\"\(stroke)\" font-weight=\"\(hit ? "bold" : "normal")\">\(n)</text></g>"
        }
        out += leaders
        out += markers
        // Scale bar: a round length about a fifth of the width.
        let target = view.width / 5
        let step = [50.0, 100, 200, 500, 1000, 2000, 5000, 10000, 20000].last { $0 <= target } ?? 50
        out += "<g transform=\"translate(16,\(Int(H) - 14))\"><rect x=\"0\" y=\"-6\" width=\"\(num(step * sx, 1))\" height=\"6\" fill=\"#000\"/>"
        out += "<text x=\"0\" y=\"-10\" font-size=\"11\">\(step >= 1000 ? num(step / 1000) + " km" : num(step) + " m")</text></g>"
        out += "<text x=\"\(Int(W) - 10)\" y=\"18\" font-size=\"12\" text-anchor=\"end\">N ↑ · EPSG:4549</text>"
        out += try locator(site: site, plan: plan, worker: worker, W: W)
        out += "</svg>"

        var key = "<table id=\"map-key\" class=\"key\"><tr><th>图中编号 no.</th><th>名称 zone</th><th>类别 kind</th><th>与审查结论的关系 role in the verdict</th></tr>"
        for (f, _) in keyed {
            guard let n = number[f.id] else { continue }
            let kind = (kindNames[f.kind] ?? f.kind.rawValue) + (f.category.map { "·\($0.chinese)" } ?? "") + (f.tier.map { "·\($0.chinese)" } ?? "")
            var role = "", cls = ""
            if let v = involved[f.id] {
                if v.nearestOnly {
                    role = "最近的发展平台（参考）nearest platform, for reference: \(v.rules.joined(separator: ", "))"
                } else {
                    role = (v.outcome == .fail ? "不通过 fail: " : "附条件 warn: ") + v.rules.joined(separator: ", ")
                    cls = " class=\"o-\(v.outcome.rawValue)\""
                }
            }
            key += "<tr data-zone=\"\(esc(f.id))\"><td>\(n)</td><td\(cls)>\(esc(f.name))</td><td>\(esc(kind))</td><td\(cls)>\(esc(role))</td></tr>"
        }
        key += "</table>"
        return (out, key, number)
    }

    /// A small overview in the map's corner: the city's counties and where the site is.
    static func locator(site: Geometry, plan: PlanData, worker: Worker, W: Double) throws -> String {
        let m = try worker.query().measurer
        let counties = plan.features(kind: .county)
        guard !counties.isEmpty else { return "" }
        let projected = try counties.map { try m.project($0.geometry) }
        guard let all = projected.compactMap(\.envelope).reduce(nil, { (a: Envelope?, e) in a.map { $0.union(e) } ?? e }),
              let sc = try m.project(site).envelope else { return "" }
        let bw = 150.0, s = bw / all.width, bh = all.height * s
        let x0 = W - bw - 10, y0 = 28.0
        func pt(_ c: Coordinate) -> String { num(x0 + (c.x - all.minX) * s, 1) + "," + num(y0 + (all.maxY - c.y) * s, 1) }
        var out = "<g class=\"locator\"><rect x=\"\(num(x0 - 3, 1))\" y=\"\(num(y0 - 3, 1))\" width=\"\(num(bw + 6, 1))\" height=\"\(num(bh + 6, 1))\" fill=\"#fff\" stroke=\"#999\"/>"
        for g in projected {
            let d = g.polygons.map { p in p.rings.prefix(1).map { r in "M" + r.enumerated().filter { $0.offset % 4 == 0 || $0.offset == r.count - 1 }.map { pt($0.element) }.joined(separator: "L") + "Z" }.joined() }.joined()
            out += "<path d=\"\(d)\" fill=\"#eee\" stroke=\"#777\" stroke-width=\"0.6\"/>"
        }
        let cx = x0 + ((sc.minX + sc.maxX) / 2 - all.minX) * s, cy = y0 + (all.maxY - (sc.minY + sc.maxY) / 2) * s
        out += "<circle cx=\"\(num(cx, 1))\" cy=\"\(num(cy, 1))\" r=\"3.5\" fill=\"#d00000\" stroke=\"#fff\"/></g>"
        return out
    }

    /// The clause book of the GeoData folder the program finds (`$ZONEPLAN_GEODATA`, ./GeoData or
    /// the repository's), for a workspace initialised before its clause book was stored with the
    /// plan: the citations (seed FILE:LINE) mean the same words whichever plan cited them.
    static let geodataClauses: ClauseBook = {
        guard let root = GeoDataLocator.locate(explicit: nil)?.url else { return .empty }
        return (try? ClauseBook.loadIfPresent(in: root)) ?? .empty
    }()

    /// The clauses the findings cite, in citation order: as the result recorded them, else looked up.
    static func citedClauses(_ r: VettingResult, plan: PlanData) -> (ClauseBook, [Clause]) {
        let book = plan.clauses.all.isEmpty ? geodataClauses : plan.clauses
        if !r.clauses.isEmpty { return (book, r.clauses) }
        var seen = Set<String>(), out: [Clause] = []
        for f in r.findings {
            for ref in f.citation where seen.insert(ref).inserted {
                if let c = book.clause(for: ref), !out.contains(where: { $0.ref == c.ref }) { out.append(c) }
            }
        }
        return (book, out)
    }

    static func html(result r: VettingResult, site: Geometry, worker: Worker, decision: DecisionRecord?, number: String?,
                     signedCase: CaseRecord? = nil, now: Date = Date()) throws -> String {
        let plan = worker.plan
        let involved = involvement(r)
        let (map, key, numberOf) = try siteMap(site: site, involved: involved, plan: plan, worker: worker)
        let verdictClass = r.verdict.rawValue
        var h = """
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>审查意见 \(esc(number ?? r.name))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Noto Serif CJK SC",sans-serif;margin:24px;color:#111;font-size:13px}
        h1{font-size:20px;margin:0 0 4px;text-align:center} h2{font-size:15px;margin:18px 0 6px;border-bottom:1px solid #999}
        .docno{text-align:center;margin:2px 0 10px;font-size:14px} .draft{color:#b00000;text-align:center;font-weight:bold}
        table{border-collapse:collapse;width:100%} td,th{border:1px solid #bbb;padding:3px 5px;vertical-align:top;text-align:left}
        th{background:#eee} .verdict{font-size:18px;font-weight:bold;padding:6px 10px;display:inline-block;border:2px solid}
        .approve{color:#15702a}.conditional{color:#9a6500}.reject{color:#b00000}.incomplete{color:#555}
        .o-fail{color:#b00000;font-weight:bold}.o-warn{color:#9a6500;font-weight:bold}.o-pass{color:#15702a}.o-unverifiable{color:#555;font-weight:bold}
        .sitemap{border:1px solid #999;max-width:720px;display:block} .note{color:#555;font-size:11px}
        .key{font-size:11.5px;margin-top:4px} .key td:first-child{text-align:center;width:3em}
        .cite a{color:inherit} .quote{font-family:"Noto Serif CJK SC",serif}
        .signatures{margin-top:18px} .signatures td{border:none;padding:14px 6px 2px;width:33%}
        .line{display:inline-block;min-width:9em;border-bottom:1px solid #000;padding:0 4px}
        @media print{body{margin:0} h2{break-after:avoid} tr{break-inside:avoid} .sitemap{max-width:180mm} .signatures{break-inside:avoid}}
        @page{size:A4;margin:12mm}
        </style></head><body>
        <h1>建设项目选址审查意见书</h1>
        """
        if let number {
            h += "<div class=\"docno\" id=\"decision-number\">\(esc(number))</div>"
        } else {
            h += "<div class=\"draft\">草稿：未记录，无文号 DRAFT — not recorded in the ledger, no decision number</div>"
        }
        h += """
        <div>\(esc(r.name))</div>
        <p><span class="verdict \(verdictClass)" id="report-verdict">\(r.verdict.rawValue.uppercased()) · \(esc(r.verdict.chinese))</span></p>
        <table><tr><th>行业 industry</th><td>\(esc(r.industry)) \(esc(r.industryName ?? ""))</td><th>面积 area</th><td>\(num(r.areaMu)) 亩 (EPSG:4549)</td></tr>
        <tr><th>县（市、区） counties</th><td>\(esc(r.counties.map { "\($0.name) \(num($0.overlapMu ?? 0)) 亩" }.joined(separator: "、")))</td>
        <th>平台 platforms</th><td>\(esc(r.platforms.isEmpty ? "—" : r.platforms.map(\.name).joined(separator: "、")))</td></tr>
        """
        if let d = decision {
            h += "<tr><th>决定编号（文号） decision no.</th><td>\(esc(number ?? ""))<br><span class=\"note\">台账 ledger #\(d.id ?? 0)\(d.supersedes.map { "（修订 #\($0)）" } ?? "")</span></td>"
            h += "<th>记录 recorded</th><td id=\"recorded-at\">\(esc(ChinaTime.display(iso: d.recordedAt))) · \(esc(d.official))</td></tr>"
            if let n = d.note { h += "<tr><th>备注 note</th><td colspan=\"3\">\(esc(n))</td></tr>" }
        }
        h += "</table><h2>位置 Site and zones around it</h2>\(map)"
        h += "<p class=\"note\">黑色为申请地块；红框为审查中不通过或附条件的图层要素（见下表编号）；虚线为仅供参考的最近平台；右上角小图示地块在嘉兴市的位置。Black: the site; red outline: the zones behind a fail or warn; dotted: the nearest platforms, for reference; top right: where the site lies in Jiaxing.</p>"
        h += key

        // Citations: each one names its clause below by number, plan and section.
        let (book, clauses) = citedClauses(r, plan: plan)
        var clauseNo: [String: Int] = [:]
        for (i, c) in clauses.enumerated() { clauseNo[c.ref] = i + 1 }
        func cite(_ ref: String) -> String {
            let clause = book.clause(for: ref)
            guard let c = clause, let n = clauseNo[c.ref] else { return esc(ref) }
            return "<a href=\"#clause-\(n)\">[\(n)] \(esc(ref))</a> \(esc(c.title))"
        }
        h += "<h2>审查结果 Findings</h2><table id=\"findings\"><tr><th>规则 rule</th><th>结果</th><th>测算值 measured</th><th>限值 limit</th><th>涉及图层要素 zones</th><th>依据 citation</th><th>性质 basis</th><th>说明 explanation</th></tr>"
        for f in r.findings {
            let rule = f.rule + (f.check.map { "/\($0)" } ?? "")
            let zones = f.zones.map { z in
                (numberOf[z.id].map { "(\($0)) " } ?? "") + z.name + (z.overlapMu.map { " \(num($0)) 亩" } ?? "") + (z.distanceKm.map { " \(num($0)) km" } ?? "")
            }.joined(separator: "；")
            h += "<tr><td>\(esc(rule))</td><td class=\"o-\(f.outcome.rawValue)\">\(f.outcome.rawValue)</td>"
            h += "<td>\(f.measured.map { num($0, 4) + (f.unit.map { " \($0)" } ?? "") } ?? "")</td><td>\(f.limit.map { num($0, 4) } ?? "")</td>"
            h += "<td>\(esc(zones))</td><td class=\"cite\">\(f.citation.isEmpty ? "—" : f.citation.map(cite).joined(separator: "<br>"))</td><td>\(esc(f.basis.chinese)) \(f.basis.rawValue)</td><td>\(esc(f.explanationZh))<br><span class=\"note\">\(esc(f.explanationEn))</span></td></tr>"
        }
        h += "</table>"
        if !r.notApplied.isEmpty {
            h += "<h2>未执行的规则 Rules not applied</h2><table id=\"not-applied\"><tr><th>规则 rule</th><th>原因 reason</th></tr>"
            for n in r.notApplied {
                h += "<tr><td>\(esc(n.rule))</td><td>\(esc(n.explanationZh))<br><span class=\"note\">\(esc(n.explanationEn))</span></td></tr>"
            }
            h += "</table>"
        }
        h += "<h2>依据条文 Clauses cited</h2><table id=\"clauses\"><tr><th></th><th>条款 ref</th><th>规划 plan</th><th>章节 section</th><th>原文 quote</th></tr>"
        for (i, c) in clauses.enumerated() {
            h += "<tr id=\"clause-\(i + 1)\"><td>[\(i + 1)]</td><td>\(esc(c.ref))</td><td>\(esc(c.title))</td><td>\(esc(c.section))</td><td class=\"quote\">「\(esc(c.quote))」\(c.note.map { "<br><span class=\"note\">注：\(esc($0))</span>" } ?? "")</td></tr>"
        }
        h += "</table><p class=\"note\">\(book.version.isEmpty ? "" : "条文摘自 quoted from clauses.yaml \(esc(book.version)); ")条款 ref = FILE:LINE of the plans in shared/seeds/; 性质 basis: 条文 text = the clause says it, 解读 reading = our reading where the plan is silent or general, 数据核对 data-check = no clause.</p>"

        h += signatures(decision: decision, signedCase: signedCase)

        h += "<h2>版本 Versions</h2><table><tr><th>rule pack</th><td>\(esc(r.rulePackVersion))</td><th>GeoData</th><td>\(esc(r.geodataVersion))</td></tr>"
        if let catalogues = r.policyCatalogues, !catalogues.isEmpty {
            h += "<tr><th>产业政策目录 policy catalogue</th><td colspan=\"3\" id=\"policy-catalogues\">\(esc(catalogues.joined(separator: "；")))</td></tr>"
        }
        if !r.layerVersions.isEmpty {
            h += "<tr><th>layers</th><td colspan=\"3\">\(esc(r.layerVersions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))</td></tr>"
        }
        h += "<tr><th>生成 generated</th><td colspan=\"3\" id=\"generated-at\">\(ChinaTime.display(now)) · zoneplan</td></tr></table>"
        h += "<p class=\"note\">\(esc(SpatialQuery.schematicNote))</p></body></html>\n"
        return h
    }
}

extension DecisionReport {
    /// The signature lines. A decision signed through a case (经办 → 审核 → 签发) has them filled
    /// from its steps — who and when (China time, the date on the line) — followed by the whole
    /// chain, returns included. A one-step decision prefills the official who recorded it; review
    /// and issue are then signed by hand.
    static func signatures(decision: DecisionRecord?, signedCase c: CaseRecord?) -> String {
        guard let c else {
            let official = decision?.official ?? ""
            var h = "<table class=\"signatures\" id=\"signatures\"><tr>"
            h += "<td>经办人：<span class=\"line\" id=\"sign-official\">\(esc(official))</span></td>"
            h += "<td>审核人：<span class=\"line\">&nbsp;</span></td>"
            h += "<td>签发：<span class=\"line\">&nbsp;</span></td></tr>"
            h += "<tr><td>日期：<span class=\"line\">\(esc(decision.map { String(ChinaTime.display(iso: $0.recordedAt).prefix(10)) } ?? ""))</span></td>"
            h += "<td>日期：<span class=\"line\">&nbsp;</span></td><td>日期：<span class=\"line\">&nbsp;</span></td></tr></table>"
            return h
        }
        func date(_ iso: String?) -> String { iso.map { String(ChinaTime.display(iso: $0).prefix(10)) } ?? "" }
        let prepared = c.submission, reviewed = c.steps.last { $0.kind == .reviewPass }, signed = c.steps.last { $0.kind == .sign }
        func line(_ s: String?, id: String) -> String { "<span class=\"line\" id=\"\(id)\">\(s.map(esc) ?? "")</span>" }
        var h = "<table class=\"signatures\" id=\"signatures\"><tr>"
        h += "<td>经办人：\(line(prepared?.person, id: "sign-official"))</td>"
        h += "<td>审核人：\(line(reviewed?.person, id: "sign-reviewer"))</td>"
        h += "<td>签发：\(line(signed?.person, id: "sign-signer"))</td></tr>"
        h += "<tr><td>日期：\(line(date(prepared?.at), id: "date-official"))</td>"
        h += "<td>日期：\(line(date(reviewed?.at), id: "date-reviewer"))</td><td>日期：\(line(date(signed?.at), id: "date-signer"))</td></tr></table>"
        h += "<h2>办理过程 Case \(c.id): 经办 → 审核 → 签发</h2><table id=\"case-steps\"><tr><th></th><th>环节 step</th><th>人员 who</th>"
        h += "<th>时间 when</th><th>当时审查结论 verdict as vetted</th><th>意见 note</th></tr>"
        for s in c.steps {
            h += "<tr><td>\(s.seq)</td><td>\(esc(s.kind.chinese))</td><td>\(esc(s.person))</td><td>\(esc(ChinaTime.display(iso: s.at)))</td>"
            h += "<td class=\"\(s.verdict.rawValue)\">\(s.verdict.rawValue) \(esc(s.verdict.chinese))</td><td>\(esc(s.note ?? ""))</td></tr>"
        }
        return h + "</table>"
    }
}

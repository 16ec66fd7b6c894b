import Foundation
import Dispatch
import ZoneGeometry

/// Figures of the evaluation outputs: `DecimalText.format` (the one number formatter), "–" for none.
public enum EvaluationFormat {
    public static func number(_ x: Double, decimals: Int = 2) -> String {
        x.isFinite ? DecimalText.format(x, places: decimals) : "–"
    }
    public static func mu(_ x: Double) -> String { number(x, decimals: 2) }
    public static func percent(_ x: Double) -> String { number(x * 100, decimals: 1) + "%" }
    static func optional(_ x: Double?, decimals: Int = 2) -> String { x.map { number($0, decimals: decimals) } ?? "–" }

    /// Display width on a terminal: CJK and full-width characters take two columns.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { w, u in
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            return w + (wide ? 2 : 1)
        }
    }
    static func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, w - width(s)))
        return right ? fill + s : s + fill
    }
    static func table(_ header: [String], _ rows: [[String]], rightAligned: Set<Int>) -> String {
        var widths = header.map(width)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], width(c)) } }
        func line(_ r: [String]) -> String {
            var l = r.enumerated().map { pad($1, widths[$0], right: rightAligned.contains($0)) }.joined(separator: "  ")
            // Trailing spaces off; a regular expression per line was most of a 100,000-firm table's
            // time, so it is kept for the rare cell with a line break (where `$` also matches before it).
            if l.unicodeScalars.contains(where: { [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }) {
                return l.replacingOccurrences(of: " +$", with: "", options: .regularExpression)
            }
            while l.utf8.last == 0x20 { l.removeLast() }
            return l
        }
        return ([line(header)] + rows.map(line)).map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}

public enum ClassColour {
    /// Class colours for the map and QGIS: A green, B light green, C yellow, D red, not evaluated
    /// grey, unclaimed (no firm) purple.
    public static let all: [(value: String, label: String, rgb: String)] = [
        ("A", "A 优先发展类", "26,150,65"), ("B", "B 鼓励提升类", "166,217,106"), ("C", "C 监管调控类", "253,174,97"),
        ("D", "D 落后整治类", "215,25,28"), ("not_evaluated", "未评价 not evaluated", "160,160,160"),
        ("unclaimed", "无企业 no firm (idle)", "123,50,148"),
    ]
}

/// Text, JSON, CSV and GeoJSON of an evaluation.
public struct EvaluationOutput: Sendable {
    public var result: EvaluationResult
    public var summaries: EvaluationSummaries
    public var pack: EvaluationPack
    public var geography: EvaluationGeography

    public init(result: EvaluationResult, pack: EvaluationPack, geography: EvaluationGeography, industryName: @escaping (String) -> String?) {
        self.result = result
        self.pack = pack
        self.geography = geography
        summaries = EvaluationSummaries(result, geography: geography, industryName: industryName)
    }

    typealias F = EvaluationFormat

    func className(_ c: FirmClass?) -> String { c.map { "\($0.rawValue) \(pack.classes.names[$0] ?? "")" } ?? "–" }
    func countyName(_ c: String?) -> String { c.map { geography.countyName($0) } ?? "–" }
    func indicatorValue(_ f: FirmEvaluation, _ id: String) -> Double? { f.indicators.first { $0.id == id }?.value }
    func taxPerMu(_ f: FirmEvaluation) -> Double? {
        guard let l = f.landMu, l > 0, let t = f.taxWan else { return nil }
        return t / l
    }
    /// The rule applies: a ledger was given and the pack has `below_commitment`.
    var commitmentsApplied: Bool { result.commitmentsChecked != nil && pack.lowEfficiency.belowCommitment != nil }
    func commitmentNote(_ b: CommitmentShortfall) -> String {
        "#\(b.decisionId) \(b.figure) \(F.number(b.actual)) / \(F.number(b.committed)) = \(F.percent(b.ratio))"
    }
    func valueAddedPerMu(_ f: FirmEvaluation) -> Double? {
        guard let l = f.landMu, l > 0, let v = f.valueAddedWan else { return nil }
        return v / l
    }

    // MARK: text

    public func text(firmLimit: Int? = nil) -> String {
        let r = result, s = summaries
        var out = "亩均效益综合评价 per-mu efficiency evaluation \(r.year)"
        if let p = r.previousYear { out += " (vs \(p))" }
        out += "\n  pack 评价包 \(pack.version) (\(pack.file)): \(pack.method); weights, benchmarks, caps and class shares are typical values (readings), see the pack\n"
        let classed = FirmClass.allCases.map { "\($0.rawValue) \(s.classCounts[$0] ?? 0)" }.joined(separator: ", ")
        out += "  firms 企业 \(r.firms.count): classed 已分类 \(r.firms.count - s.notEvaluated) (\(classed)); not evaluated 未评价 \(s.notEvaluated)"
        if r.previousYear != nil { out += "; class changed 类别变化 \(s.changed)" }
        out += "\n  low-efficiency land 低效用地 \(F.mu(s.totalLowEfficiencyMu)) 亩 (D 类, idle 停产"
            + (commitmentsApplied ? ", below commitment 未达承诺" : "") + " and unclaimed 无企业 parcels; 腾笼换鸟, 000:360)\n"
        if let checked = r.commitmentsChecked {
            let below = r.firms.filter { $0.belowCommitment != nil }.count
            if let rule = pack.lowEfficiency.belowCommitment {
                out += "  approval commitments 审批承诺: \(checked) approved projects decided before \(r.year); firms at most \(F.percent(rule.atMost)) of a committed figure 未达承诺 \(below), their land low-efficiency (a reading, see the pack)\n"
            } else {
                out += "  approval commitments 审批承诺: \(checked) approved projects; the pack has no below_commitment rule, so none is counted as low-efficiency\n"
            }
        }
        out += "  classes drive differentiated allocation: A/B priority for land and energy quota (004:120); D pushed to upgrade or exit (004:114)\n\n"

        func groupTable(_ title: String, _ groups: [GroupSummary]) -> String {
            let header = ["", title, "企业 firms", "用地 land 亩", "亩均税收 tax/亩", "亩均增加值 VA/亩", "A", "B", "C", "D", "未分类 n/c", "低效 low-eff. 亩"]
            let rows = groups.map { g -> [String] in
                [g.key, g.name, "\(g.firms)", F.mu(g.landMu), F.optional(g.taxPerMu), F.optional(g.valueAddedPerMu)]
                    + FirmClass.allCases.map { F.percent(g.share($0)) }
                    + [F.percent(g.landMu > 0 ? g.notClassedLandMu / g.landMu : 0), F.mu(g.lowEfficiencyMu)]
            }
            return F.table(header, rows, rightAligned: Set(2...11))
        }
        out += "By county 分县（市、区） (shares are of land 用地占比):\n" + groupTable("县（市、区） county", s.counties) + "\n"
        out += "By platform 分平台 (platform layer schematic; platforms overlap):\n" + groupTable("平台 platform", s.platforms) + "\n"
        out += "By industry 分行业 (GB/T 4754 division):\n" + groupTable("行业 industry", s.industries) + "\n"

        // Low-efficiency land by county and reason: what 腾笼换鸟 (000:360) could free.
        var byReason: [String: [String: Double]] = [:]
        for l in r.lowEfficiency { byReason[l.county ?? "?", default: [:]][l.reason, default: 0] += l.areaMu }
        let reasons = pack.lowEfficiency.classes.map(\.rawValue) + ["idle"] + (commitmentsApplied ? ["below-commitment"] : []) + ["unclaimed"]
        let lowRows = byReason.keys.sorted().map { c -> [String] in
            let m = byReason[c]!
            return [c, c == "?" ? "未知 unknown" : geography.countyName(c)] + reasons.map { F.mu(m[$0] ?? 0) } + [F.mu(m.values.reduce(0, +))]
        }
        out += "Low-efficiency land 低效用地 (亩) by county — \(reasons.filter { $0.count == 1 }.joined(separator: "/")) 类, idle 停产, "
            + (commitmentsApplied ? "below-commitment 未达承诺, " : "") + "unclaimed 无企业:\n"
        let reasonHeading = ["idle": "idle 停产", "below-commitment": "below-commitment 未达承诺", "unclaimed": "unclaimed 无企业"]
        out += F.table(["", "县（市、区） county"] + reasons.map { $0.count == 1 ? "\($0) 类" : reasonHeading[$0] ?? $0 } + ["total 合计"],
                       lowRows, rightAligned: Set(2...(2 + reasons.count))) + "\n"

        if r.previousYear != nil {
            let changes = r.firms.filter(\.classChanged)
            out += "Class changes 类别变化 \(r.previousYear!)→\(r.year): \(changes.count)\n"
            if !changes.isEmpty {
                let shown = firmLimit.map { Array(changes.prefix($0)) } ?? changes
                if shown.count < changes.count { out += "  (first \(shown.count); all in --format json or csv)\n" }
                let rows = shown.map { f in [f.creditCode, f.name, countyName(f.county), f.previousClass?.rawValue ?? "–", f.firmClass?.rawValue ?? "–"] }
                out += F.table(["统一社会信用代码 code", "企业名称 firm", "县 county", "上年 then", "本年 now"], rows, rightAligned: [])
            }
            out += "\n"
        }

        let header = ["统一社会信用代码 code", "企业名称 firm", "县 county", "规模", "用地 亩", "亩均税收", "亩均增加值", "得分 score", "类别 class", "备注 note"]
        var firms = r.firms
        if let firmLimit { firms = Array(firms.prefix(firmLimit)) }
        let rows = firms.map { f -> [String] in
            var note = f.notEvaluated ?? ""
            if f.idle { note = (note.isEmpty ? "" : note + "; ") + "idle 停产" }
            if f.classChanged { note = (note.isEmpty ? "" : note + "; ") + "was \(f.previousClass?.rawValue ?? "not classed") 上年" }
            if let b = f.belowCommitment { note = (note.isEmpty ? "" : note + "; ") + "below commitment 未达承诺 " + commitmentNote(b) }
            return [f.creditCode, f.name, countyName(f.county), f.scale.rawValue, F.optional(f.landMu), F.optional(taxPerMu(f)),
                    F.optional(valueAddedPerMu(f)), F.optional(f.score, decimals: 1), f.firmClass?.rawValue ?? "–", note]
        }
        out += "Firms 企业 (亩均 in 万元/亩)" + (firmLimit.map { $0 < r.firms.count ? ", first \($0) of \(r.firms.count)" : "" } ?? "") + ":\n"
        out += F.table(header, rows, rightAligned: [4, 5, 6, 7])
        return out
    }

    // MARK: JSON

    public func json() -> String {
        let r = result, s = summaries
        let num = Self.num
        func group(_ g: GroupSummary) -> JSONValue {
            var share: [String: JSONValue] = [:]
            for c in FirmClass.allCases { share[c.rawValue] = num(g.share(c)) }
            return .object(["id": .string(g.key), "name": .string(g.name), "firms": .number(Double(g.firms)), "classed": .number(Double(g.classed)),
                            "land_mu": num(g.landMu), "tax_per_mu_wan": num(g.taxPerMu), "value_added_per_mu_wan": num(g.valueAddedPerMu),
                            "class_land_share": .object(share), "not_classed_land_mu": num(g.notClassedLandMu),
                            "low_efficiency_mu": num(g.lowEfficiencyMu)])
        }
        // The firms are most of the document (100,000 objects): written in chunks on every core and
        // spliced in as the "firms" member.
        let firmsText = Self.inChunks(r.firms.count) { range in
            var text = ""
            for i in range {
                if i > range.lowerBound { text += "," }
                text += firmJSON(r.firms[i])
            }
            return text
        }.filter { !$0.isEmpty }.joined(separator: ",")
        let low: [JSONValue] = r.lowEfficiency.map { l in
            .object(["parcel_id": l.parcelId.map(JSONValue.string) ?? .null, "credit_code": l.creditCode.map(JSONValue.string) ?? .null,
                     "firm": l.firmName.map(JSONValue.string) ?? .null, "county": l.county.map(JSONValue.string) ?? .null,
                     "platforms": .array(l.platforms.map(JSONValue.string)), "area_mu": num(l.areaMu), "reason": .string(l.reason)])
        }
        var counts: [String: JSONValue] = [:]
        for c in FirmClass.allCases { counts[c.rawValue] = .number(Double(s.classCounts[c] ?? 0)) }
        var members: [String: JSONValue] = [
            "year": .number(Double(r.year)), "previous_year": r.previousYear.map { .number(Double($0)) } ?? .null,
            "pack": .object(["version": .string(pack.version), "title": .string(pack.title), "method": .string(pack.method),
                             "citation": .array(pack.citations.map(JSONValue.string)), "file": .string(pack.file)]),
            "class_counts": .object(counts), "not_evaluated": .number(Double(s.notEvaluated)),
            "firms": .array([]),
            "summaries": .object(["counties": .array(s.counties.map(group)), "platforms": .array(s.platforms.map(group)),
                                  "industries": .array(s.industries.map(group))]),
            "low_efficiency": .object(["total_mu": num(s.totalLowEfficiencyMu), "parcels": .array(low),
                                       "citation": .string("000:360")]),
        ]
        if let checked = r.commitmentsChecked {
            members["commitments"] = .object([
                "approved_projects_checked": .number(Double(checked)),
                "firms_below": .number(Double(r.firms.filter { $0.belowCommitment != nil }.count)),
                "at_most": pack.lowEfficiency.belowCommitment.map { .number($0.atMost) } ?? .null,
                "figures": .array((pack.lowEfficiency.belowCommitment?.figures ?? []).map(JSONValue.string)),
                "basis": pack.lowEfficiency.belowCommitment.map { .string($0.source.basis.rawValue) } ?? .null,
                "citation": .string(Audit.citation)])
        }
        // Keys sorted, as `JSONValue.serialized` writes an object.
        var out = "{"
        for (k, key) in members.keys.sorted().enumerated() {
            if k > 0 { out += "," }
            out += JSONValue.string(key).serialized() + ":"
            out += key == "firms" ? "[" + firmsText + "]" : members[key]!.serialized()
        }
        return out + "}\n"
    }

    static func num(_ x: Double?) -> JSONValue { x.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .null }

    /// One firm's object as `JSONValue.serialized` writes it — keys sorted — written member by member:
    /// a dictionary per firm and indicator, hashed and sorted 700,000 times, was a quarter of a
    /// 100,000-firm JSON run. (A test checks the text reads back and writes out the same.)
    func firmJSON(_ f: FirmEvaluation) -> String {
        let num = Self.num, previous = result.previousYear != nil
        var out = "{", first = true
        func key(_ k: String) {
            if !first { out += "," }
            first = false
            out += "\"" + k + "\":"
        }
        func member(_ k: String, _ v: JSONValue) { key(k); out += v.serialized() }
        if result.commitmentsChecked != nil { member("below_commitment", f.belowCommitment.map(shortfallValue) ?? .null) }
        member("class", f.firmClass.map { .string($0.rawValue) } ?? .null)
        if previous { member("class_changed", .bool(f.classChanged)) }
        member("county", f.county.map(JSONValue.string) ?? .null)
        member("credit_code", .string(f.creditCode))
        member("idle", .bool(f.idle))
        if previous { member("in_previous_year", .bool(f.inPreviousYear)) }
        key("indicators")
        out += "["
        for (k, i) in f.indicators.enumerated() {
            if k > 0 { out += "," }
            out += "{\"benchmark\":" + num(i.benchmark).serialized() + ",\"id\":" + JSONValue.string(i.id).serialized()
                + ",\"name\":" + JSONValue.string(i.name).serialized() + ",\"term\":" + num(i.term).serialized()
                + ",\"unit\":" + JSONValue.string(i.unit).serialized() + ",\"value\":" + num(i.value).serialized() + "}"
        }
        out += "]"
        member("industry", .string(f.industry))
        member("land_mu", num(f.landMu))
        member("land_source", f.landSource.map(JSONValue.string) ?? .null)
        member("name", .string(f.name))
        member("not_evaluated", f.notEvaluated.map(JSONValue.string) ?? .null)
        member("parcels", .array(f.parcelIds.map(JSONValue.string)))
        member("platforms", .array(f.platforms.map(JSONValue.string)))
        if previous { member("previous_class", f.previousClass.map { .string($0.rawValue) } ?? .null) }
        member("scale", .string(f.scale.rawValue))
        member("scope", f.scope.map(JSONValue.string) ?? .null)
        member("score", num(f.score))
        member("tax_per_mu_wan", num(taxPerMu(f)))
        member("value_added_per_mu_wan", num(valueAddedPerMu(f)))
        return out + "}"
    }

    /// `make` over consecutive ranges covering 0..<count, run on all cores; the results in order.
    static func inChunks<T>(_ count: Int, _ make: @Sendable (Range<Int>) -> T) -> [T] {
        let chunks = max(1, min(count / 500, ProcessInfo.processInfo.activeProcessorCount * 4))
        var results = [T?](repeating: nil, count: chunks)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer   // each index written by one iteration only
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                slots[c] = make(count * c / chunks ..< count * (c + 1) / chunks)
            }
        }
        return results.map { $0! }
    }

    func shortfallValue(_ b: CommitmentShortfall) -> JSONValue {
        .object(["decision": .number(Double(b.decisionId)), "project": .string(b.project), "figure": .string(b.figure),
                 "committed": .number(b.committed), "actual": .number(b.actual), "ratio": .number((b.ratio * 10_000).rounded() / 10_000)])
    }

    // MARK: CSV (UTF-8 with BOM, so Excel opens the Chinese)

    public func csv() -> Data {
        var indicatorColumns: [(id: String, heading: String)] = []
        for scope in pack.scopes { for i in scope.indicators where !indicatorColumns.contains(where: { $0.id == i.id }) {
            indicatorColumns.append((i.id, "\(i.name)(\(i.unit))"))
        } }
        var header = ["统一社会信用代码", "企业名称", "行业代码", "规模", "县（市、区）", "平台", "用地面积(亩)", "用地来源", "税收(万元)", "亩均税收(万元/亩)", "亩均增加值(万元/亩)"]
        // 亩均税收 and 亩均增加值 are already columns (for every firm with land, evaluated or not).
        indicatorColumns.removeAll { header.contains($0.heading) }
        header += indicatorColumns.map(\.heading)
        header += ["得分", "类别", "停产", "未评价原因"]
        if result.previousYear != nil { header += ["上年类别", "类别变化"] }
        if result.commitmentsChecked != nil { header += ["未达承诺"] }
        var out = "\u{FEFF}" + header.map(Self.csvField).joined(separator: ",") + "\r\n"
        out.reserveCapacity(result.firms.count * 220)
        // One cell after another into one string (no per-row arrays: this runs for 100,000 firms).
        func cell(_ s: String, first: Bool = false) {
            if !first { out += "," }
            out += Self.csvField(s)
        }
        func cell(_ x: Double?, decimals: Int = 2) { out += ","; if let x { out += F.number(x, decimals: decimals) } }
        for f in result.firms {
            cell(f.creditCode, first: true)
            cell(f.name); cell(f.industry); cell(f.scale.rawValue); cell(countyName(f.county))
            cell(f.platforms.map { geography.platformName($0) }.joined(separator: ";"))
            cell(f.landMu); cell(f.landSource ?? ""); cell(f.taxWan); cell(taxPerMu(f)); cell(valueAddedPerMu(f))
            for c in indicatorColumns {
                if let i = f.indicators.first(where: { $0.id == c.id }) { cell(i.value, decimals: 4) } else { out += "," }
            }
            cell(f.score); cell(f.firmClass?.rawValue ?? ""); cell(f.idle ? "是" : ""); cell(f.notEvaluated ?? "")
            if result.previousYear != nil {
                cell(f.previousClass?.rawValue ?? ""); cell(f.classChanged ? "是" : "")
            }
            if result.commitmentsChecked != nil { cell(f.belowCommitment.map(commitmentNote) ?? "") }
            out += "\r\n"
        }
        return Data(out.utf8)
    }

    static func csvField(_ s: String) -> String {
        var needsQuotes = false, formula = false
        for (i, b) in s.utf8.enumerated() {
            if b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needsQuotes = true }
            // A leading =, +, - or @ would be a formula in Excel; figures here are never negative.
            if i == 0, b == 0x3D || b == 0x2B || b == 0x40 || b == 0x2D { formula = true }
        }
        guard needsQuotes || formula else { return s }
        var t = s
        if formula && !(t.utf8.first == 0x2D && Double(t) != nil) { t = "'" + t }
        guard needsQuotes else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: GeoJSON (parcels by class) and its QGIS style

    public func geojson() -> Data {
        var firmOf: [String: Int] = [:]
        for (i, f) in result.firms.enumerated() { firmOf[f.creditCode] = i }
        var low: [String: String] = [:]
        for l in result.lowEfficiency { if let p = l.parcelId { low[p] = l.reason } }
        let firmIndex = firmOf, lowReason = low
        let features: [Feature] = Self.inChunks(result.parcels.count) { range in range.map { parcelFeature(result.parcels[$0], firmOf: firmIndex, low: lowReason) } }
            .flatMap { $0 }
        // The one feature writer of exports and the OGC pages: a feature per line, `type` first.
        return GeoJSONBytes.featureCollection(features)
    }

    func parcelFeature(_ p: Parcel, firmOf: [String: Int], low: [String: String]) -> Feature {
        var props: [String: JSONValue] = [
            "parcel_id": .string(p.id), "credit_code": p.creditCode.map(JSONValue.string) ?? .null,
            "area_mu": .number((p.areaMu * 100).rounded() / 100), "county": p.county.map(JSONValue.string) ?? .null,
            "county_name": .string(countyName(p.county)), "platforms": .string(p.platforms.map { geography.platformName($0) }.joined(separator: ";")),
            "low_efficiency": low[p.id].map(JSONValue.string) ?? .null, "year": .number(Double(result.year)),
            "pack_version": .string(pack.version),
            "source": p.source.map(JSONValue.string) ?? .string("parcel file given to zoneplan evaluate"),
        ]
        if let c = p.creditCode, let i = firmOf[c] {
            let f = result.firms[i]
            props["firm"] = .string(f.name)
            props["class"] = .string(f.firmClass?.rawValue ?? "not_evaluated")
            props["class_zh"] = .string(f.firmClass.map { pack.classes.names[$0] ?? $0.rawValue } ?? "未评价")
            props["score"] = f.score.map { .number(($0 * 100).rounded() / 100) } ?? .null
            props["tax_per_mu_wan"] = taxPerMu(f).map { .number(($0 * 100).rounded() / 100) } ?? .null
            props["not_evaluated"] = f.notEvaluated.map(JSONValue.string) ?? .null
            props["idle"] = .bool(f.idle)
            if result.previousYear != nil {
                props["previous_class"] = f.previousClass.map { .string($0.rawValue) } ?? .null
                props["class_changed"] = .bool(f.classChanged)
            }
            if let b = f.belowCommitment { props["below_commitment"] = .string(commitmentNote(b)) }
        } else {
            props["firm"] = .null
            props["class"] = .string("unclaimed")
            props["class_zh"] = .string("无企业（闲置）")
            props["idle"] = .bool(true)
        }
        return Feature(id: .string(p.id), geometry: p.geometry, properties: props)
    }
}

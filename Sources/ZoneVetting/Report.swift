import Foundation
import ZoneGeometry
import ZonePlan

/// Renders vetting results for people (text), programs (JSON) and GIS tools (GeoJSON).
public enum Report {
    // MARK: JSON

    /// The result objects, pretty-printed with sorted keys: one object for one result, else an
    /// array. Written by `ResultJSONWriter`, byte for byte what `JSONEncoder` writes
    /// (`encoderJSON`, the reference the tests compare it with).
    public static func json(_ results: [VettingResult]) throws -> Data {
        var w = ResultJSONWriter(pretty: true, capacity: (32 << 10) * max(1, min(results.count, 64)))
        if results.count == 1 { try w.result(results[0]) } else { try w.results(results) }
        return Data(w.bytes)
    }

    /// `json(_:)` (`pretty`) or `jsonLine(_:)` without its LF, through Foundation's `JSONEncoder`:
    /// the reference for `ResultJSONWriter` in the tests.
    static func encoderJSON(_ results: [VettingResult], pretty: Bool) throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        let rounded = results.map(rounded)
        return results.count == 1 ? try enc.encode(rounded[0]) : try enc.encode(rounded)
    }

    /// Figures to a sensible precision so outputs are stable (golden files) and readable.
    static func rounded(_ r: VettingResult) -> VettingResult {
        var r = r
        r.areaMu = round(r.areaMu, 4)
        r.counties = r.counties.map(roundRef)
        r.platforms = r.platforms.map(roundRef)
        r.findings = r.findings.map { f in
            var f = f
            f.measured = f.measured.map { round($0, 4) }
            f.limit = f.limit.map { round($0, 4) }
            f.zones = f.zones.map(roundRef)
            return f
        }
        return r
    }
    static func roundRef(_ z: ZoneRef) -> ZoneRef {
        var z = z
        z.overlapMu = z.overlapMu.map { round($0, 4) }
        z.share = z.share.map { round($0, 6) }
        z.distanceKm = z.distanceKm.map { round($0, 3) }
        return z
    }
    static func round(_ d: Double, _ places: Int) -> Double {
        let p = pow(10.0, Double(places))
        return (d * p).rounded() / p
    }

    // MARK: GeoJSON

    /// The site features with the result flattened into properties a GIS tool can filter and colour by.
    public static func geojson(_ pairs: [(Application, VettingResult)]) throws -> Data {
        GeoJSON.encode(features: try pairs.map { try feature(app: $0.0, result: $0.1) })
    }

    /// One application's site feature with its result in the properties (as in `geojson(_:)`).
    public static func feature(app: Application, result: VettingResult) throws -> Feature {
        var p = app.properties
        let r = rounded(result)
        p["verdict"] = .string(r.verdict.rawValue)
        p["verdict_zh"] = .string(r.verdict.chinese)
        p["area_mu"] = .number(r.areaMu)
        p["fail_rules"] = .string(r.rules(with: .fail).joined(separator: ","))
        p["warn_rules"] = .string(r.rules(with: .warn).joined(separator: ","))
        p["unverifiable_rules"] = .string(r.rules(with: .unverifiable).joined(separator: ","))
        p["not_applied_rules"] = .string(r.notApplied.map { "\($0.rule) (\($0.reason.rawValue))" }.joined(separator: ","))
        p["reading_rules"] = .string(r.findings.filter { $0.basis == .reading && $0.outcome != .pass }.map(\.rule).uniqued().joined(separator: ","))
        p["counties"] = .string(r.counties.map(\.name).joined(separator: ","))
        p["platforms"] = .string(r.platforms.map(\.name).joined(separator: ","))
        p["rule_pack_version"] = .string(r.rulePackVersion)
        if let cs = r.policyCatalogues { p["policy_catalogues"] = .string(cs.joined(separator: "; ")) }
        p["geodata_version"] = .string(r.geodataVersion)
        for f in r.findings {
            let key = "rule_" + f.rule.replacingOccurrences(of: "-", with: "_") + (f.check.map { "_" + $0.replacingOccurrences(of: "-", with: "_") } ?? "")
            p[key] = .string(f.outcome.rawValue)
        }
        // The value the encoded findings would parse back to, built directly; a non-finite figure
        // is refused as the encoder refuses it.
        for f in r.findings {
            for (k, v) in [("measured", f.measured), ("limit", f.limit)] where v.map({ !$0.isFinite }) ?? false {
                throw ResultJSONWriter.NonFinite(key: k)
            }
        }
        p["findings"] = findingsValue(result.findings)
        return Feature(id: nil, geometry: app.site, properties: p, bbox: nil)
    }

    // MARK: Streams (one record per application)

    /// One result as a JSON Lines record: the object `json(_:)` writes for one application,
    /// compact with sorted keys, ended by LF.
    public static func jsonLine(_ result: VettingResult) throws -> Data {
        var w = ResultJSONWriter(pretty: false)
        try w.result(result)
        w.bytes.append(0x0A)
        return Data(w.bytes)
    }

    /// One result as an RFC 8142 GeoJSON text sequence record: RS, the feature `geojson(_:)`
    /// writes for the application, LF.
    public static func geojsonSeqRecord(app: Application, result: VettingResult) throws -> Data {
        var d = Data([0x1E])
        d.append(GeoJSON.encode(feature: try feature(app: app, result: result)))
        d.append(0x0A)
        return d
    }

    // MARK: Text

    public static func text(_ r: VettingResult, index: Int? = nil) -> String {
        var out = ""
        let head = index.map { "[\($0)] " } ?? ""
        out += "\(head)\(TerminalText.escape(r.name))\n"
        out += "  verdict 结论: \(r.verdict.rawValue.uppercased()) \(r.verdict.chinese)\n"
        // A code normalised on reading (" c3825 " → C3825) is shown as given, so nothing is repaired silently.
        let given = r.application["industry"]?.stringValue.flatMap { $0 == r.industry ? nil : " (given as \"\(TerminalText.escape($0))\")" } ?? ""
        out += "  industry 行业: \(TerminalText.escape(r.industry))\(given)\(r.industryName.map { " \(TerminalText.escape($0))" } ?? "")    area 面积: \(num(r.areaMu)) 亩 (EPSG:4549)\n"
        if !r.counties.isEmpty {
            out += "  counties 县（市、区）: " + TerminalText.escape(r.counties.map { "\($0.name) \(num($0.overlapMu ?? 0)) 亩" }.joined(separator: ", ")) + "\n"
        }
        out += "  platforms 平台: " + TerminalText.escape(r.platforms.isEmpty ? "—" : r.platforms.map { "\($0.name) (\($0.detail ?? ""))" }.joined(separator: ", ")) + "\n"
        for f in r.findings {
            let rule = f.rule + (f.check.map { "/\($0)" } ?? "")
            var figures = ""
            if let m = f.measured { figures = num(m) + (f.unit.map { " \($0)" } ?? "") }
            if let l = f.limit { figures += figures.isEmpty ? "limit \(num(l))" : " (limit \(num(l)))" }
            let mark: String
            switch f.outcome {
            case .pass: mark = "ok  "
            case .warn: mark = "WARN"
            case .fail: mark = "FAIL"
            case .unverifiable: mark = "N/A "
            }
            let cites = f.citation.isEmpty ? "no clause" : f.citation.joined(separator: ", ")
            out += "  \(mark) \(pad(rule, 34)) \(pad(figures, 30)) \(pad(f.basis.rawValue, 10)) [\(cites)]\n"
            out += "       \(TerminalText.escape(f.explanationZh))\n"
        }
        if !r.notApplied.isEmpty {
            out += "  not applied 未执行的规则:\n"
            for n in r.notApplied {
                out += "  --   \(pad(n.rule, 34)) \(n.reason.rawValue): \(n.explanationZh)\n"
            }
        }
        let cited = r.clauses
        if !cited.isEmpty {
            out += "  clauses 依据条文:\n"
            for c in cited {
                out += "  [\(c.ref)] \(TerminalText.escape(c.title)) \(TerminalText.escape(c.section))\n"
                out += "       「\(TerminalText.escape(c.quote))」\n"
            }
        }
        out += "  basis: text = the clause says it 条文; reading = our reading where the plan is silent or general 解读; data-check = no clause 数据核对\n"
        out += "  rule pack \(r.rulePackVersion) · GeoData \(r.geodataVersion)"
            + (r.policyCatalogues.map { " · policy catalogue " + TerminalText.escape($0.joined(separator: "; ")) } ?? "") + "\n"
        return out
    }

    static func pad(_ s: String, _ w: Int) -> String {
        s + String(repeating: " ", count: max(0, w - displayWidth(s)))
    }

    public static func summary(_ rows: [(label: String, verdict: String, area: String, fails: String)]) -> String {
        table(header: ["application", "verdict", "area 亩", "failed / unverifiable rules"],
              rows: rows.map { [TerminalText.escape($0.label), $0.verdict, $0.area, $0.fails] }, indent: "")
    }

    /// A plain table; widths count CJK characters as two columns so columns line up in a terminal.
    public static func table(header: [String], rows: [[String]], indent: String) -> String {
        let all = ([header] + rows).map { $0.map(TerminalText.escape) }
        let n = header.count
        var widths = [Int](repeating: 0, count: n)
        for row in all { for i in 0..<n where i < n - 1 { widths[i] = max(widths[i], displayWidth(row[i])) } }
        var out = ""
        for (k, row) in all.enumerated() {
            var line = indent
            for i in 0..<n {
                let cell = row[i]
                line += cell
                if i < n - 1 { line += String(repeating: " ", count: widths[i] - displayWidth(cell) + 2) }
            }
            out += line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
            if k == 0 { out += indent + String(repeating: "-", count: widths.reduce(0, +) + 2 * (n - 1) + 12) + "\n" }
        }
        return out
    }

    public static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { w, u in
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            return w + (wide ? 2 : 1)
        }
    }
}

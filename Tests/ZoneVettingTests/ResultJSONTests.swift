import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// `ResultJSONWriter` (what `check --format json/jsonl` and `POST /vet` write) against Foundation's
/// `JSONEncoder`, the reference it replaces: byte for byte, compact and pretty.
@Suite struct ResultJSONTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let plan: PlanData = try! VettingEngine.loadPlan(from: repo.appendingPathComponent("GeoData"))

    /// Every example application and every application of the CLI's sequence fixtures.
    static func applications() throws -> [Application] {
        let engine = GeometryEngine()
        var apps: [Application] = []
        let examples = repo.appendingPathComponent("GeoData/examples")
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted() where name.hasSuffix(".geojson") {
            let data = try Data(contentsOf: examples.appendingPathComponent(name))
            for entry in try ApplicationFile.read(data, fileLabel: name, catalog: plan.industries, engine: engine) {
                apps.append(try entry.get())
            }
        }
        let seq = try Data(contentsOf: repo.appendingPathComponent("Tests/CLITests/Fixtures/sequences/apps.geojsons"))
        for r in try TextSequenceReader(data: seq, label: "apps.geojsons").readAll() {
            apps.append(try ApplicationFile.read(record: r.get(), catalog: plan.industries, engine: engine).get())
        }
        return apps
    }

    static func expectSame(_ results: [VettingResult], _ what: String) throws {
        let compact = results.count == 1 ? try Report.jsonLine(results[0]) : nil
        if let compact {
            let reference = try Report.encoderJSON(results, pretty: false) + Data([0x0A])
            #expect(compact == reference, "\(what): compact differs\n\(String(decoding: compact, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
        }
        let pretty = try Report.json(results)
        let reference = try Report.encoderJSON(results, pretty: true)
        #expect(pretty == reference, "\(what): pretty differs\n\(String(decoding: pretty, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
    }

    @Test("every example and fixture application: the writer's bytes are JSONEncoder's, compact and pretty, one and many")
    func examplesMatchTheEncoder() throws {
        let apps = try Self.applications()
        #expect(apps.count >= 25)
        let engine = try VettingEngine(plan: Self.plan)
        // With quotas too: quota_checked and quota_draws filled in.
        let quotas = QuotaSnapshot(balances: [:])
        var results: [VettingResult] = []
        for app in apps {
            let r = try engine.vet(app)
            try Self.expectSame([r], app.name)
            try Self.expectSame([try engine.vet(app, quotas: quotas, year: 2026)], app.name + " (quotas)")
            results.append(r)
        }
        try Self.expectSame(results, "all results as one array")
        try Self.expectSame([], "no result")
        #expect(results.contains { !$0.notApplied.isEmpty } && results.contains { $0.findings.contains { $0.check != nil } })
    }

    @Test("awkward values: escapes, control characters, non-ASCII and empty keys, nested and empty containers, extreme numbers")
    func awkwardValuesMatchTheEncoder() throws {
        let numbers: [Double] = [0, -0.0, 1, -1.5, 0.1 + 0.2, 1e15 - 1, 1e15, 1e16, 1.2345e16, 123456789012345680, 1e-7,
                                 2.5e-5, 5e-324, 1.7976931348623157e308, -3.25, 1e21, 4.9999999999999996e-5]
        let text = "a/b\"c\\d\u{7}\u{1f}\u{7f}\u{2028}é中\n\t\r\u{8}\u{c}😀"
        let app: [String: JSONValue] = [
            "name": .string(text), "": .string(""), "中文键": .number(1), "Zeta": .null, "é": .bool(false), "a_b": .bool(true), "aB": .number(-0.0),
            "numbers": .array(numbers.map(JSONValue.number)), "empty_list": .array([]), "empty_object": .object([:]),
            "nested": .object(["x": .array([.array([]), .object(["k\u{0}": .string("\u{0}")])]), "~": .number(1e300)]),
        ]
        let zone = ZoneRef(id: "z/1", name: text, kind: "county", detail: nil, overlapMu: 12.345678, share: 0.1234567, distanceKm: 1.23456)
        var r = VettingResult(name: text, verdict: .incomplete, areaMu: 123.456789, counties: [zone], platforms: [],
                              findings: [
                                Finding(rule: "r", check: "c\"", outcome: .unverifiable, basis: .dataCheck, measured: 1e16, limit: -0.0,
                                        unit: "万元/亩", zones: [zone, ZoneRef(id: "p", name: "", kind: "platform")], citation: [], zh: text, en: "\t"),
                                Finding(rule: "s", outcome: .pass, citation: ["000:1", "001:2–3"], zh: "", en: ""),
                              ],
                              rulePackVersion: "1.0", geodataVersion: "2026.1", industry: "C38", industryName: nil, application: app)
        r.layerVersions = ["b": "2", "a": "1", "中": "3", "B": "0"]
        r.notApplied = [NotApplied(rule: "x", reason: .parameterNotSet, detail: "a, b"), NotApplied(rule: "y", reason: .disabled)]
        r.clauses = [Clause(ref: "000:1", document: "000", title: "《题》", section: "§", quote: text, note: "n"),
                     Clause(ref: "001:2–3", document: "001", title: "t", section: "s", quote: "q")]
        r.quotaChecked = true
        r.quotaDraws = [QuotaDraw(account: QuotaAccountKey(kind: .county, ref: "330402", year: -7), mu: 0.30000000000000004, name: "南湖区")]
        try Self.expectSame([r], "awkward values")
        r.planVersion = "geodata 1; layers a=1"
        r.industryName = "名称"
        try Self.expectSame([r, r], "awkward values, twice")
    }

    @Test("strings of many lengths with a character to escape at every place, as the encoder writes them")
    func escapesAtEveryOffset() throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}", "/", "\u{7f}", "é", "中"] {
            for length in 0..<24 {
                for at in 0...length {
                    var chars = Array(repeating: at % 2 == 0 ? "a" : "中", count: length)
                    chars.insert(special, at: at)
                    let text = chars.joined()
                    var w = ResultJSONWriter(pretty: false)
                    w.string(text)
                    #expect(Data(w.bytes) == (try enc.encode(text)), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test("a non-finite figure is refused, as JSONEncoder refuses it")
    func nonFiniteIsRefused() throws {
        var r = VettingResult(name: "n", verdict: .approve, areaMu: .nan, counties: [], platforms: [], findings: [],
                              rulePackVersion: "1", geodataVersion: "1", industry: "C38", industryName: nil, application: [:])
        #expect(throws: (any Error).self) { try Report.encoderJSON([r], pretty: false) }
        #expect(throws: (any Error).self) { try Report.jsonLine(r) }
        r.areaMu = 1
        r.application = ["x": .number(.infinity)]
        #expect(throws: (any Error).self) { try Report.json([r]) }
    }

    @Test("the GeoJSON output's findings are the value the encoded findings parse to")
    func findingsValueMatchesTheEncoder() throws {
        let engine = try VettingEngine(plan: Self.plan)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for app in try Self.applications().prefix(14) {
            let raw = try engine.vet(app)
            let reference = try JSONDecoder().decode(JSONValue.self, from: enc.encode(Report.rounded(raw).findings))
            #expect(Report.findingsValue(raw.findings) == reference, "\(app.name)")
            #expect(try Report.feature(app: app, result: raw).properties["findings"] == reference)
        }
    }
}

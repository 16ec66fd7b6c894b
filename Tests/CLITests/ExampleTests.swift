import Foundation
import Testing

/// What each example in GeoData/examples must come out as (see GeoData/examples/README.md).
struct Expected: CustomTestStringConvertible, Sendable {
    var name: String
    var verdict: String
    /// The rule (and check) that decides the verdict, with its outcome.
    var rule: String
    var check: String?
    var outcome: String
    var testDescription: String { name }
}

let expectedExamples: [Expected] = [
    // Real projects from seed 000:817– (附件4); sites and energy figures illustrative.
    .init(name: "jiaxipera-compressor", verdict: "approve", rule: "land-intensity", check: "investment", outcome: "pass"),
    .init(name: "xinhuaguang-pv-modules", verdict: "approve", rule: "layout-fit", check: nil, outcome: "pass"),
    .init(name: "jinko-solar-cells", verdict: "conditional", rule: "restricted-industry", check: "energy-review", outcome: "warn"),
    .init(name: "huayou-cathode", verdict: "conditional", rule: "restricted-industry", check: "energy-review", outcome: "warn"),
    .init(name: "jiahua-surfactants", verdict: "conditional", rule: "restricted-industry", check: "pollution", outcome: "warn"),
    // Edge cases.
    .init(name: "prohibited-zone", verdict: "reject", rule: "function-zone", check: "prohibited", outcome: "fail"),
    .init(name: "intensity-fail", verdict: "reject", rule: "land-intensity", check: "investment", outcome: "fail"),
    .init(name: "energy-fail", verdict: "reject", rule: "energy-intensity", check: nil, outcome: "fail"),
    .init(name: "outside-jiaxing", verdict: "reject", rule: "jurisdiction", check: nil, outcome: "fail"),
    .init(name: "two-counties", verdict: "conditional", rule: "jurisdiction", check: "counties", outcome: "warn"),
    .init(name: "outside-platforms", verdict: "conditional", rule: "platform", check: nil, outcome: "warn"),
    .init(name: "missing-energy", verdict: "incomplete", rule: "energy-intensity", check: nil, outcome: "unverifiable"),
    .init(name: "declared-area-mismatch", verdict: "conditional", rule: "declared-area", check: nil, outcome: "warn"),
    .init(name: "restricted-policy-item", verdict: "reject", rule: "national-policy", check: "restricted", outcome: "fail"),
]

func findings(_ result: JSON) -> [JSON] { result["findings"]?.array ?? [] }

func outcomes(_ result: JSON, _ outcome: String) -> [String] {
    findings(result).filter { $0["outcome"]?.string == outcome }.map {
        ($0["rule"]?.string ?? "?") + ($0["check"]?.string.map { "/" + $0 } ?? "")
    }
}

@Suite("examples in GeoData/examples")
struct ExampleTests {
    @Test("every example file has an expected verdict and a golden file")
    func coverage() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.examples.path)
            .filter { $0.hasSuffix(".geojson") }.map { String($0.dropLast(".geojson".count)) }
        #expect(Set(files) == Set(expectedExamples.map(\.name)))
        let golden = try FileManager.default.contentsOfDirectory(atPath: CLI.goldenDir.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(".json".count)) }
        #expect(Set(golden) == Set(files), "run scripts/update-golden.sh")
        #expect(expectedExamples.contains { $0.verdict == "approve" })
        for v in ["conditional", "reject", "incomplete"] { #expect(expectedExamples.contains { $0.verdict == v }) }
    }

    @Test("verdict, deciding rule, exit code and golden JSON", arguments: expectedExamples)
    func example(_ e: Expected) throws {
        let r = try CLI.check(["--format", "json", CLI.example(e.name)])
        #expect(r.status == (e.verdict == "approve" ? 0 : 1))
        #expect(r.stderr.isEmpty, "stderr: \(r.err)")
        let result = try JSON.parse(r.stdout)
        #expect(result["verdict"]?.string == e.verdict)
        let deciding = findings(result).filter { $0["rule"]?.string == e.rule && $0["check"]?.string == e.check }
        #expect(!deciding.isEmpty, "no finding \(e.rule)/\(e.check ?? "-")")
        #expect(deciding.allSatisfy { $0["outcome"]?.string == e.outcome }, "\(deciding)")
        // The verdict is decided by the intended rule, not by an accident elsewhere.
        switch e.verdict {
        case "reject":
            #expect(outcomes(result, "fail") == [e.rule + (e.check.map { "/" + $0 } ?? "")])
        case "conditional":
            #expect(outcomes(result, "fail").isEmpty)
            #expect(outcomes(result, "unverifiable").isEmpty)
        case "incomplete":
            #expect(outcomes(result, "fail").isEmpty)
        default:
            #expect(outcomes(result, "warn").isEmpty && outcomes(result, "fail").isEmpty && outcomes(result, "unverifiable").isEmpty)
        }
        // Area: sites are 20–300 亩.
        let area = try #require(result["area_mu"]?.number)
        #expect(area >= 20 && area <= 300)
        // Golden output (compare parsed, so key order and number spelling do not matter).
        let golden = try JSON.parse(Data(contentsOf: CLI.goldenDir.appendingPathComponent(e.name + ".json")))
        let same = result == golden
        #expect(same, "differs from golden (run scripts/update-golden.sh if intended): \(JSON.differences(result, golden))")
    }

    @Test("the real-project examples quote the plan: land intensity passes and the notes say what is illustrative",
          arguments: expectedExamples.prefix(5))
    func realProjects(_ e: Expected) throws {
        let app = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: CLI.example(e.name))))
        let p = try #require(app["properties"])
        #expect(p["source"]?.string?.hasPrefix("seed 000:") == true)
        let note = p["site_note"]?.string ?? ""
        #expect(note.contains("示意"))
        #expect(note.contains("value_added_wan") && note.contains("energy_tce"))
        let r = try CLI.check(["--format", "json", CLI.example(e.name)])
        let result = try JSON.parse(r.stdout)
        #expect(findings(result).filter { $0["rule"]?.string == "land-intensity" }.allSatisfy { $0["outcome"]?.string == "pass" })
        #expect(findings(result).contains { $0["rule"]?.string == "function-zone" && $0["check"]?.string == "key" && $0["outcome"]?.string == "pass" })
        #expect(result["platforms"]?.array?.isEmpty == false)
    }

    @Test("outside-platforms names the nearest platforms with distances")
    func nearestPlatforms() throws {
        let result = try JSON.parse(CLI.check(["--format", "json", CLI.example("outside-platforms")]).stdout)
        let f = try #require(findings(result).first { $0["rule"]?.string == "platform" })
        let near = (f["zones"]?.array ?? []).filter { $0["distance_km"]?.number != nil }
        #expect(near.count == 3)
        #expect(near.allSatisfy { $0["kind"]?.string == "platform" && ($0["distance_km"]?.number ?? 0) > 0 })
    }

    @Test("two-counties names both counties with their overlap")
    func twoCounties() throws {
        let result = try JSON.parse(CLI.check(["--format", "json", CLI.example("two-counties")]).stdout)
        let counties = result["counties"]?.array ?? []
        #expect(counties.count == 2)
        #expect(counties.allSatisfy { ($0["overlap_mu"]?.number ?? 0) > 1 })
    }

    @Test("layout-fit cites seed lines only (FILE:LINE), not fragments of sha256 digests")
    func layoutCitations() throws {
        let result = try JSON.parse(CLI.check(["--format", "json", CLI.example("jiaxipera-compressor")]).stdout)
        let cites = findings(result).flatMap { $0["citation"]?.array ?? [] }.compactMap(\.string)
        #expect(!cites.isEmpty)
        #expect(cites.allSatisfy { $0.hasPrefix("000:") || $0.hasPrefix("001:") || $0.hasPrefix("002:") || $0.hasPrefix("003:") || $0.hasPrefix("004:") },
                "\(cites)")
    }

    @Test("text output shows the verdict in English and Chinese")
    func textFormat() throws {
        let r = try CLI.check([CLI.example("jiaxipera-compressor")])
        #expect(r.status == 0)
        #expect(r.out.contains("APPROVE 同意"))
        #expect(r.out.contains("land-intensity/investment"))
    }
}

@Suite("several applications, stdin, GeoJSON output")
struct CollectionTests {
    static let names = ["jiaxipera-compressor", "intensity-fail", "two-counties", "missing-energy"]

    static func collection(_ names: [String]) throws -> Data {
        var parts: [String] = []
        for n in names { parts.append(try String(contentsOfFile: CLI.example(n), encoding: .utf8)) }
        return Data(("{\"type\": \"FeatureCollection\", \"features\": [" + parts.joined(separator: ",") + "]}").utf8)
    }

    func verdict(_ n: String) -> String { expectedExamples.first { $0.name == n }!.verdict }

    @Test("a FeatureCollection of several examples gives one result each, in order")
    func featureCollection() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-fc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("several.geojson")
        try Self.collection(Self.names).write(to: file)
        let r = try CLI.check(["--format", "json", file.path])
        #expect(r.status == 1)
        let results = try #require(JSON.parse(r.stdout).array)
        #expect(results.map { $0["verdict"]?.string ?? "?" } == Self.names.map(verdict))
        // Each equals its single-file golden output.
        for (n, result) in zip(Self.names, results) {
            let golden = try JSON.parse(Data(contentsOf: CLI.goldenDir.appendingPathComponent(n + ".json")))
            let same = result == golden
            #expect(same, "\(n): \(JSON.differences(result, golden))")
        }
        // Text output ends with a summary table naming each application.
        let t = try CLI.check([file.path])
        #expect(t.out.contains("Summary"))
        for i in 1...Self.names.count { #expect(t.out.contains("several.geojson#\(i)")) }
    }

    @Test("- reads the application from standard input")
    func stdin() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: CLI.example("energy-fail")))
        let r = try CLI.check(["--format", "json", "-"], stdin: bytes)
        #expect(r.status == 1)
        let result = try JSON.parse(r.stdout)
        #expect(result["verdict"]?.string == "reject")
        let golden = try JSON.parse(Data(contentsOf: CLI.goldenDir.appendingPathComponent("energy-fail.json")))
        let same = result == golden
        #expect(same, "\(JSON.differences(result, golden))")
        let fc = try CLI.check(["--format", "json", "-"], stdin: try Self.collection(Self.names))
        #expect(try JSON.parse(fc.stdout).array?.count == Self.names.count)
    }

    @Test("several files give one result each; exit 0 only when all are approved")
    func severalFiles() throws {
        let approved = expectedExamples.filter { $0.verdict == "approve" }.map { CLI.example($0.name) }
        let ok = try CLI.check(["--format", "json"] + approved)
        #expect(ok.status == 0)
        #expect(try JSON.parse(ok.stdout).array?.count == approved.count)
        let mixed = try CLI.check(["--format", "json", CLI.example("jiaxipera-compressor"), CLI.example("prohibited-zone")])
        #expect(mixed.status == 1)
    }

    @Test("--format geojson: a FeatureCollection with the result in properties, RFC 7946 geometry")
    func geojson() throws {
        let r = try CLI.check(["--format", "geojson"] + expectedExamples.map { CLI.example($0.name) })
        #expect(r.status == 1)
        let fc = try JSON.parse(r.stdout)
        #expect(fc["type"]?.string == "FeatureCollection")
        #expect(fc["crs"] == nil)
        let features = try #require(fc["features"]?.array)
        #expect(features.count == expectedExamples.count)
        for (e, f) in zip(expectedExamples, features) {
            #expect(f["type"]?.string == "Feature")
            #expect(f["crs"] == nil)
            let p = try #require(f["properties"])
            #expect(p["verdict"]?.string == e.verdict, "\(e.name)")
            #expect(p["area_mu"]?.number != nil)
            #expect(p["fail_rules"]?.string != nil)
            #expect(p["name"] != nil && p["source"] != nil, "application properties are echoed")
            if e.verdict == "reject" { #expect(p["fail_rules"]?.string?.contains(e.rule) == true, "\(e.name)") }
            // Outer rings counter-clockwise (positive shoelace area in lon/lat).
            let g = try #require(f["geometry"])
            let polys: [[JSON]]
            switch g["type"]?.string {
            case "Polygon": polys = [g["coordinates"]?.array ?? []]
            case "MultiPolygon": polys = (g["coordinates"]?.array ?? []).map { $0.array ?? [] }
            default: Issue.record("\(e.name): geometry \(String(describing: g["type"]))"); continue
            }
            for rings in polys {
                let outer = (rings.first?.array ?? []).map { ($0.array?[0].number ?? .nan, $0.array?[1].number ?? .nan) }
                #expect(outer.count >= 4 && outer.first! == outer.last!)
                var twice = 0.0
                for i in 0..<(outer.count - 1) { twice += outer[i].0 * outer[i + 1].1 - outer[i + 1].0 * outer[i].1 }
                #expect(twice > 0, "\(e.name): outer ring is not counter-clockwise")
            }
        }
        // No coordinate has more than 7 decimals (looked at in the text as written).
        let text = r.out
        let coordRe = try NSRegularExpression(pattern: #""coordinates"\s*:\s*(\[[-0-9.eE,\s\[\]]*\])"#)
        let ns = text as NSString
        let blocks = coordRe.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
        #expect(blocks.count == expectedExamples.count)
        let longRe = try NSRegularExpression(pattern: #"\.[0-9]{8,}|[eE]"#)
        for b in blocks {
            let n = longRe.numberOfMatches(in: b, range: NSRange(location: 0, length: (b as NSString).length))
            #expect(n == 0, "a coordinate has more than 7 decimals: \(b.prefix(200))")
        }
    }
}

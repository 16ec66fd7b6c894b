import Foundation
import Testing

struct BadCase: CustomTestStringConvertible, Sendable {
    var file: String
    /// Substrings the one error line must contain (the field or coordinate and what is wrong).
    var mentions: [String]
    /// A behaviour reported as wrong; the expectation stays, the failure is recorded as known.
    var knownIssue: String? = nil
    var testDescription: String { file }
}

let badCases: [BadCase] = [
    .init(file: "not-json", mentions: ["not-json.geojson", "not JSON", "line 1"]),
    .init(file: "point", mentions: ["geometry", "Polygon or MultiPolygon", "Point"]),
    .init(file: "unclosed-ring", mentions: ["coordinates[0]", "not closed"]),
    .init(file: "self-intersecting", mentions: ["geometry", "Self-intersection", "lon ", "lat "]),
    .init(file: "swapped-latlon", mentions: ["coordinates[0][", "swapped", "[lon, lat]"]),
    .init(file: "gauss-kruger-metres", mentions: ["coordinates[0][", "projected metres", "Gauss-Kr"]),
    .init(file: "far-away", mentions: ["coordinates[0][", "[10, 50]", "nowhere near eastern China"]),
    .init(file: "negative-investment", mentions: ["properties.investment_wan", "non-negative", "万元"]),
    .init(file: "non-numeric-output", mentions: ["properties.output_wan", "很多", "万元/年"]),
    .init(file: "unknown-industry", mentions: ["properties.industry", "C9999"]),
    .init(file: "not-a-feature", mentions: ["type", "Feature or FeatureCollection", "Polygon"]),
    .init(file: "unknown-policy-item", mentions: ["properties.policy_items[0]", "unknown catalogue item '限制类 九十九、1'"]),
]

@Suite("bad input: exit 2, one line naming the field")
struct BadInputTests {
    @Test("every bad-input file is listed here")
    func coverage() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.badExamples.path)
            .filter { $0.hasSuffix(".geojson") }.map { String($0.dropLast(".geojson".count)) }
        #expect(Set(files) == Set(badCases.map(\.file)))
    }

    @Test("exit 2, exactly one stderr line naming the field, no output", arguments: badCases)
    func bad(_ c: BadCase) throws {
        for format in ["json", "text"] {
            let r = try CLI.check(["--format", format, CLI.bad(c.file)])
            #expect(r.status == 2, "\(format): exit \(r.status)")
            #expect(r.stdout.isEmpty, "\(format): stdout: \(r.out.prefix(200))")
            #expect(r.errLines.count == 1, "\(format): \(r.errLines)")
            let line = r.errLines.first ?? ""
            #expect(line.hasPrefix("zoneplan: error: "))
            #expect(line.contains(c.file + ".geojson"), "the file is named: \(line)")
            if let issue = c.knownIssue {
                withKnownIssue(Comment(rawValue: issue)) {
                    for m in c.mentions { #expect(line.contains(m), "\(line)") }
                }
            } else {
                for m in c.mentions { #expect(line.contains(m), "\(line)") }
            }
        }
    }

    @Test("without --quiet the only other stderr line is the GeoData note")
    func notQuiet() throws {
        let r = try CLI.run(["check", "--geodata", CLI.geodata.path, CLI.bad("point")])
        #expect(r.status == 2)
        let errors = r.errLines.filter { !$0.hasPrefix("zoneplan: using GeoData") }
        #expect(errors.count == 1)
        #expect(r.stdout.isEmpty)
    }

    @Test("a bad application among good ones: exit 2, the good ones are still vetted")
    func mixed() throws {
        let r = try CLI.check(["--format", "json", CLI.example("jiaxipera-compressor"), CLI.bad("negative-investment")])
        #expect(r.status == 2)
        #expect(r.errLines.count == 1)
        #expect(r.err.contains("investment_wan"))
        let result = try JSON.parse(r.stdout)
        #expect(result["verdict"]?.string == "approve")
        #expect(!r.out.contains("坏输入"), "no output for the bad application")
    }

    @Test("a missing file is bad input (exit 2), named on one line")
    func missingFile() throws {
        let r = try CLI.check(["--format", "json", "/nonexistent/site.geojson"])
        #expect(r.status == 2)
        #expect(r.errLines.count == 1)
        #expect(r.err.contains("/nonexistent/site.geojson"))
        #expect(r.stdout.isEmpty)
    }
}

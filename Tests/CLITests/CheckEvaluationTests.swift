import Foundation
import Testing

/// `zoneplan check --evaluation`: the applicant firm's 亩均效益 class, from `zoneplan evaluate --format json`
/// on the synthetic example (GeoData/examples/evaluation).
@Suite("zoneplan check --evaluation")
struct CheckEvaluationTests {
    static let dir = CLI.examples.appendingPathComponent("evaluation")

    /// The 2025 evaluation as `evaluate --format json` writes it, in a temporary file.
    func evaluation(in tmp: URL) throws -> (path: String, doc: JSON) {
        let r = try CLI.run(["evaluate", "--quiet", "--geodata", CLI.geodata.path, Self.dir.appendingPathComponent("firms-2025.csv").path,
                             "--parcels", Self.dir.appendingPathComponent("parcels.geojson").path, "--year", "2025", "--format", "json"])
        #expect(r.status == 0, "\(r.err)")
        let path = tmp.appendingPathComponent("evaluation-2025.json")
        try r.stdout.write(to: path)
        return (path.path, try JSON.parse(r.stdout))
    }

    /// The 晶科 example application (approvable with a condition) as a firm's, with its credit code.
    func application(creditCode: String, in tmp: URL) throws -> String {
        let text = try String(contentsOfFile: CLI.example("jinko-solar-cells"), encoding: .utf8)
            .replacingOccurrences(of: #""properties": {"#, with: #""properties": {"credit_code": "\#(creditCode)","#)
        let path = tmp.appendingPathComponent("\(creditCode).geojson")
        try text.write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    @Test func theApplicantsClassIsShownAndDClassWarns() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-check-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let (evaluation, doc) = try evaluation(in: tmp)
        let firms = try #require(doc["firms"]?.array)
        func firm(_ cls: String) throws -> String { try #require(firms.first { $0["class"]?.string == cls }?["credit_code"]?.string) }

        for (cls, outcome, citation) in [("A", "pass", "004:120"), ("B", "pass", "004:120"), ("D", "warn", "004:114")] {
            let code = try firm(cls)
            let r = try CLI.check(["--evaluation", evaluation, "--format", "json", try application(creditCode: code, in: tmp)])
            let result = try JSON.parse(r.stdout)
            let f = try #require(result["findings"]?.array?.first { $0["rule"]?.string == "firm-standing" }, "\(cls): \(r.err)")
            #expect(f["outcome"]?.string == outcome, "class \(cls)")
            #expect(f["citation"] == .array([.string(citation)]))
            #expect(f["explanation_en"]?.string?.contains("class \(cls) in the 2025") == true)
            #expect(!(result["not_applied"]?.array ?? []).contains { $0["rule"]?.string == "firm-standing" })
            // The example is conditional on its own (an energy review); a D-class applicant stays conditional, not rejected.
            #expect(result["verdict"]?.string == "conditional")
        }

        // Not in the evaluation (a new firm): a pass that says so.
        let r = try CLI.check(["--evaluation", evaluation, try application(creditCode: "913300000000000004", in: tmp)])
        #expect(r.out.contains("firm-standing/not-evaluated") && r.out.contains("不在2025 年亩均效益评价"), "\(r.out)")

        // Without --evaluation the rule is listed as not applied.
        let plain = try CLI.check([try application(creditCode: try firm("D"), in: tmp)])
        #expect(plain.out.contains("firm-standing") && plain.out.contains("no-evaluation"))
    }

    @Test func theWorkspacesLatestStoredYearIsASource() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-check-evalws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let db = tmp.appendingPathComponent("ws.sqlite").path
        let app = try application(creditCode: "913300000000000004", in: tmp)
        #expect(try CLI.run(["init", "--quiet", "--geodata", CLI.geodata.path, "--db", db]).status == 0)
        // No year stored yet: said, not silently skipped.
        let none = try CLI.check(["--db", db, "--evaluation-from-workspace", app])
        #expect(none.status == 5 && none.err.contains("no evaluation year"), "\(none.err)")
        let imported = try CLI.run(["evaluate", "import", "--quiet", "--geodata", CLI.geodata.path, "--db", db,
                                    Self.dir.appendingPathComponent("firms-2025.csv").path, "--year", "2025",
                                    "--parcels", Self.dir.appendingPathComponent("parcels.geojson").path])
        #expect(imported.status == 0, "\(imported.err)")
        let r = try CLI.check(["--db", db, "--evaluation-from-workspace", app])
        #expect(r.out.contains("firm-standing/not-evaluated") && r.out.contains("2025 年亩均效益评价"), "\(r.out)\(r.err)")
    }

    @Test func aFileThatIsNotAnEvaluationIsBadInput() throws {
        let r = try CLI.check(["--evaluation", CLI.example("jinko-solar-cells"), CLI.example("jinko-solar-cells")])
        #expect(r.status == 2)
        #expect(r.err.contains("year") && r.err.contains("zoneplan evaluate --format json"), "\(r.err)")
        #expect(r.stdout.isEmpty)
    }
}

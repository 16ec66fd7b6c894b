import Foundation
import Testing

/// `zoneplan evaluate import` and `zoneplan evaluate --year --db`: years stored in a workspace,
/// on the committed synthetic example (GeoData/examples/evaluation).
@Suite("zoneplan evaluate: years in the workspace", .serialized)
struct EvaluateWorkspaceTests {
    static func file(_ name: String) -> String { EvaluateCommandTests.file(name) }

    func store(_ ws: CLIWorkspace, _ firms: String, year: Int) throws -> CLI.Result {
        try ws.run(["evaluate", "import", firms, "--year", "\(year)", "--parcels", Self.file("parcels.geojson"), "--geodata", CLI.geodata.path])
    }

    /// The JSON without `pack.file` (the file it was read from; a stored year's pack comes from the workspace).
    func withoutPackFile(_ data: Data) throws -> NSDictionary {
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var d = doc
        var pack = try #require(doc["pack"] as? [String: Any])
        pack["file"] = nil
        d["pack"] = pack
        return d as NSDictionary
    }

    @Test("a stored year evaluates as its CSV does, compared with the earlier stored year; a year is stored once")
    func storedYearMatchesTheFiles() throws {
        let ws = try CLIWorkspace()
        let first = try store(ws, Self.file("firms-2024.csv"), year: 2024)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("stored evaluation year 2024: 1996 firms (UTF-8), 1972 parcels"))
        #expect(try store(ws, Self.file("firms-2025.csv"), year: 2025).status == 0)

        let stored = try ws.run(["evaluate", "--year", "2025", "--format", "json"])
        #expect(stored.status == 0, "\(stored.err)")
        let direct = try CLI.run(["evaluate", "--quiet", "--geodata", CLI.geodata.path, Self.file("firms-2025.csv"), "--previous",
                                  Self.file("firms-2024.csv"), "--parcels", Self.file("parcels.geojson"), "--year", "2025", "--format", "json"])
        #expect(direct.status == 0, "\(direct.err)")
        let a = try withoutPackFile(stored.stdout), b = try withoutPackFile(direct.stdout)
        #expect(a["previous_year"] as? Int == 2024)
        #expect(a == b, "the stored year evaluates differently from its files")

        let again = try store(ws, Self.file("firms-2025.csv"), year: 2025)
        #expect(again.status == 6 && again.errLines == ["zoneplan: error: evaluation year 2025 is already stored (a stored year is never replaced)"])
        let missing = try ws.run(["evaluate", "--year", "2023"])
        #expect(missing.status == 5 && missing.err.contains("evaluation year 2023 is not stored in the workspace (stored: 2024, 2025)"))
    }

    @Test("a bad credit code in the last row: one line naming it, exit 2, and nothing of the year stored")
    func badRowStoresNothing() throws {
        let ws = try CLIWorkspace()
        var lines = try String(contentsOfFile: Self.file("firms-2025.csv"), encoding: .utf8).components(separatedBy: "\r\n")
        let last = try #require(lines.lastIndex { !$0.isEmpty })
        var code = Array(lines[last])
        code[17] = code[17] == "0" ? "1" : "0"   // the check digit no longer matches
        lines[last] = String(code)
        let bad = try ws.file("firms-bad.csv", Data(lines.joined(separator: "\r\n").utf8))
        let r = try store(ws, bad, year: 2025)
        #expect(r.status == 2)
        #expect(r.errLines.count == 1 && r.err.contains("\(bad):\(last + 1): column 统一社会信用代码"), "\(r.err)")
        let after = try ws.run(["evaluate", "--year", "2025"])
        #expect(after.status == 5 && after.err.contains("(stored: none)"), "\(after.err)")
    }
}

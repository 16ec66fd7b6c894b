import Foundation
import Testing

/// `zoneplan evaluate` with parcels from a 报部 TXT or a Shapefile, and land measured against its
/// own approval commitments. Fixtures: Tests/CLITests/Fixtures/evaluation-parcels (three test firms;
/// parcels J1 200 × 100 m for 测试甲, J2 100 × 100 m for 测试乙, J3 100 × 50 m with no firm, the same
/// in GeoJSON, 报部 TXT with the code in 地块名称, and a Shapefile with TYSHXYDM / DKBH).
@Suite("zoneplan evaluate: parcel files and approval commitments")
struct EvaluateLandTests {
    static let dir = CLI.repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/evaluation-parcels")
    static func file(_ name: String) -> String { dir.appendingPathComponent(name).path }
    static let codeA = "913304819458073058", codeB = "91330481215736816G"

    func evaluate(parcels: String, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["evaluate", "--quiet", "--geodata", CLI.geodata.path, Self.file("firms.csv"), "--parcels", parcels,
                     "--year", "2025", "--format", "json"] + extra)
    }

    /// Each firm's land and parcels, and the unclaimed parcels, from a JSON evaluation.
    func land(_ r: CLI.Result) throws -> (firms: [String: (mu: Double, parcels: [String])], unclaimed: [String]) {
        let doc = try JSON.parse(r.stdout)
        var firms: [String: (Double, [String])] = [:]
        for f in try #require(doc["firms"]?.array) {
            firms[f["credit_code"]?.string ?? "?"] = (f["land_mu"]?.number ?? -1, f["parcels"]?.array?.compactMap(\.string) ?? [])
        }
        let unclaimed = try #require(doc["low_efficiency"]?["parcels"]?.array).filter { $0["reason"]?.string == "unclaimed" }.compactMap { $0["parcel_id"]?.string }
        return (firms, unclaimed)
    }

    @Test func baobuTxtAndShapefileParcelsGiveTheSameLandAsGeoJSON() throws {
        let fromGeoJSON = try evaluate(parcels: Self.file("parcels.geojson"))
        #expect(fromGeoJSON.status == 0, "\(fromGeoJSON.err)")
        let expected = try land(fromGeoJSON)
        #expect(abs((expected.firms[Self.codeA]?.mu ?? 0) - 30) < 0.01 && abs((expected.firms[Self.codeB]?.mu ?? 0) - 15) < 0.01)
        #expect(expected.unclaimed == ["J3"])
        for name in ["parcels.txt", "parcels.shp"] {
            let r = try evaluate(parcels: Self.file(name))
            #expect(r.status == 0, "\(name): \(r.err)")
            let got = try land(r)
            for code in [Self.codeA, Self.codeB] {
                #expect(got.firms[code]?.parcels == expected.firms[code]?.parcels, "\(name) \(code)")
                #expect(abs((got.firms[code]?.mu ?? 0) - (expected.firms[code]?.mu ?? 1)) < 0.01, "\(name) \(code)")
            }
            #expect(got.unclaimed == ["J3"], "\(name)")
        }
    }

    @Test func aYearIsStoredWithItsParcelsFromABaobuTXT() throws {
        let ws = try CLIWorkspace()
        let stored = try ws.run(["evaluate", "import", Self.file("firms.csv"), "--year", "2025", "--parcels", Self.file("parcels.txt"),
                                 "--geodata", CLI.geodata.path])
        #expect(stored.status == 0 && stored.out.contains("3 parcels"), "\(stored.err)")
        let fromFiles = try land(try evaluate(parcels: Self.file("parcels.geojson")))
        let r = try ws.run(["evaluate", "--year", "2025", "--format", "json", "--geodata", CLI.geodata.path])
        #expect(r.status == 0, "\(r.err)")
        let got = try land(r)
        #expect(got.firms[Self.codeA]?.parcels == ["J1"] && abs((got.firms[Self.codeA]?.mu ?? 0) - (fromFiles.firms[Self.codeA]?.mu ?? 1)) < 0.01)
        #expect(got.unclaimed == ["J3"])
    }

    @Test func aParcelFileWhoseCodeFieldIsNotACreditCodeIsRefusedNamingTheParcelAndField() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-evalland-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        // A 地块名称 that is a project's name, not a 统一社会信用代码.
        let txt = try String(contentsOfFile: Self.file("parcels.txt"), encoding: .utf8)
            .replacingOccurrences(of: ",J1,\(Self.codeA),", with: ",J1,嘉兴某工业项目用地,")
        let bad = tmp.appendingPathComponent("named.txt")
        try txt.write(to: bad, atomically: true, encoding: .utf8)
        let r = try evaluate(parcels: bad.path)
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.errLines.count == 1 && r.err.contains("parcel J1") && r.err.contains("地块名称") && r.err.contains("嘉兴某工业项目用地"), "\(r.err)")
        // A Shapefile without the named attribute: the fields it has are listed.
        let s = try evaluate(parcels: Self.file("parcels.shp"), ["--code-field", "USCC"])
        #expect(s.status == 2 && s.errLines.count == 1 && s.err.contains("USCC") && s.err.contains("TYSHXYDM"), "\(s.err)")
    }

    /// 测试甲 was approved in 2024 as the 加西贝拉 example (committed 113 000 万元 output); in 2025 its
    /// 主营业务收入 is 40 000 (35 %): at most half (the pack's reading), so its land is low-efficiency.
    /// 测试乙, approved as the 新华光 example (150 000), has 120 000 (80 %): not counted. Without a
    /// workspace the output says nothing of commitments.
    @Test func landFarBelowItsOwnApprovalCommitmentsIsLowEfficiency() throws {
        let ws = try CLIWorkspace()
        for c in ["330402", "330411"] { #expect(try ws.run(["quota", "set", "county:\(c)", "2024", "1000"]).status == 0) }
        func application(_ example: String, code: String) throws -> String {
            var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.example(example)))) as! [String: Any]
            var props = doc["properties"] as! [String: Any]
            props["credit_code"] = code
            doc["properties"] = props
            return try ws.file("\(example).geojson", JSONSerialization.data(withJSONObject: doc))
        }
        #expect(try ws.run(["decide", try application("jiaxipera-compressor", code: Self.codeA), "--year", "2024"]).status == 0)
        #expect(try ws.run(["decide", try application("xinhuaguang-pv-modules", code: Self.codeB), "--year", "2024"]).status == 0)
        let csv = try String(contentsOfFile: Self.file("firms.csv"), encoding: .utf8)
            .replacingOccurrences(of: ",10,100,,800,,50,", with: ",10,100,,40000,,50,").replacingOccurrences(of: ",10,50,,400,,50,", with: ",10,50,,120000,,50,")
        let firmFile = try ws.file("firms-2025.csv", Data(csv.utf8))
        let r = try ws.run(["evaluate", "--geodata", CLI.geodata.path, firmFile, "--parcels", Self.file("parcels.geojson"),
                            "--year", "2025", "--format", "json"])
        #expect(r.status == 0, "\(r.err)")
        let doc = try JSON.parse(r.stdout)
        #expect(doc["commitments"]?["approved_projects_checked"]?.number == 2 && doc["commitments"]?["firms_below"]?.number == 1)
        let firms = try #require(doc["firms"]?.array)
        let a = try #require(firms.first { $0["credit_code"]?.string == Self.codeA })
        #expect(a["below_commitment"]?["figure"]?.string == "output_wan" && a["below_commitment"]?["ratio"]?.number == 0.354)
        #expect(firms.first { $0["credit_code"]?.string == Self.codeB }?["below_commitment"] == .null)
        let low = try #require(doc["low_efficiency"]?["parcels"]?.array)
        let reasonOfJ1 = low.first { $0["parcel_id"]?.string == "J1" }?["reason"]?.string
        // 测试甲 is classed A, so its land is low-efficiency for the commitment alone.
        #expect(a["class"]?.string == "A" && reasonOfJ1 == "below-commitment")
        #expect(!low.contains { $0["parcel_id"]?.string == "J2" })

        let text = try ws.run(["evaluate", "--geodata", CLI.geodata.path, firmFile, "--parcels", Self.file("parcels.geojson"),
                               "--year", "2025"])
        #expect(text.out.contains("approval commitments 审批承诺: 2 approved projects") && text.out.contains("below commitment 未达承诺 #1 output_wan 40000 / 113000 = 35.4%"), "\(text.out)")
        let without = try evaluate(parcels: Self.file("parcels.geojson"))
        #expect(try JSON.parse(without.stdout)["commitments"] == nil)
    }
}

import Foundation
import Testing

/// `zoneplan evaluate` on the committed synthetic example (GeoData/examples/evaluation).
@Suite("zoneplan evaluate")
struct EvaluateCommandTests {
    static let dir = CLI.examples.appendingPathComponent("evaluation")
    static func file(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func evaluate(_ extra: [String]) throws -> CLI.Result {
        try CLI.run(["evaluate", "--quiet", "--geodata", CLI.geodata.path, Self.file("firms-2025.csv"),
                     "--parcels", Self.file("parcels.geojson"), "--year", "2025"] + extra)
    }

    func tempDir() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-evaluate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    @Test func textNamesThePackTheSummariesAndTheLowEfficiencyLand() throws {
        let r = try evaluate(["--previous", Self.file("firms-2024.csv"), "--firm-limit", "5"])
        #expect(r.status == 0, "\(r.err)")
        for part in ["亩均效益综合评价 per-mu efficiency evaluation 2025 (vs 2024)", "浙政发〔2018〕5号", "By county 分县", "By platform 分平台",
                     "By industry 分行业", "low-efficiency land 低效用地", "Class changes 类别变化 2024→2025", "海宁市", "004:120", "first 5 of"] {
            #expect(r.out.contains(part), "missing: \(part)")
        }
    }

    @Test func jsonAgreesWithItself() throws {
        let r = try evaluate(["--format", "json"])
        #expect(r.status == 0, "\(r.err)")
        let doc = try JSON.parse(r.stdout)
        let firms = try #require(doc["firms"]?.array)
        let classed = firms.filter { $0["class"]?.string != nil }.count
        let counts = try #require(doc["class_counts"]?.object).values.compactMap(\.number).reduce(0, +)
        #expect(Double(classed) == counts)
        #expect(firms.allSatisfy { ($0["class"]?.string != nil) != ($0["not_evaluated"]?.string != nil) })
        let low = try #require(doc["low_efficiency"]?["parcels"]?.array).compactMap { $0["area_mu"]?.number }.reduce(0, +)
        #expect(abs(low - (doc["low_efficiency"]?["total_mu"]?.number ?? -1)) < 0.01)
    }

    @Test func csvHasABomForExcelAndOneRowPerFirm() throws {
        let r = try evaluate(["--format", "csv"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.stdout.starts(with: [0xEF, 0xBB, 0xBF]))
        let lines = r.out.split(separator: "\r\n")
        #expect(lines[0].contains("统一社会信用代码,企业名称") && lines[0].contains("亩均税收(万元/亩)"))
        let headings = lines[0].dropFirst().split(separator: ",")   // dropFirst: the BOM
        #expect(Set(headings).count == headings.count, "a heading appears twice")
        let input = try String(contentsOfFile: Self.file("firms-2025.csv"), encoding: .utf8).split(separator: "\r\n")
        #expect(lines.count == input.count)
    }

    @Test func geojsonParcelsByClassWithAQgisStyleThatGdalReads() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("muyun.geojson").path
        let r = try evaluate(["--format", "geojson", "-o", out])
        #expect(r.status == 0, "\(r.err)")
        let qml = try String(contentsOfFile: dir.appendingPathComponent("muyun.qml").path, encoding: .utf8)
        #expect(qml.contains("attr=\"class\"") && qml.contains("value=\"D\""))
        let doc = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(doc["crs"] == nil)
        let features = try #require(doc["features"]?.array)
        let input = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: Self.file("parcels.geojson"))))
        #expect(features.count == input["features"]?.array?.count)
        let classes = Set(features.compactMap { $0["properties"]?["class"]?.string })
        #expect(classes == ["A", "B", "C", "D", "not_evaluated", "unclaimed"])
        // GDAL opens it (the Debian package gdal-bin, installed by scripts/install-deps.sh).
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ogrinfo")
        p.arguments = ["-ro", "-al", "-so", out]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(text.contains("Feature Count: \(features.count)"))
    }

    @Test func badFirmFileIsOneLineAndExitTwo() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("firms.csv")
        var text = try String(contentsOfFile: Self.file("firms-2025.csv"), encoding: .utf8)
        text = text.replacingOccurrences(of: "综合能耗(吨标准煤)", with: "能耗")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["evaluate", "--quiet", "--geodata", CLI.geodata.path, bad.path, "--year", "2025"])
        #expect(r.status == 2)
        #expect(r.errLines == ["zoneplan: error: \(bad.path):1: missing required column: 综合能耗(吨标准煤)"])
        #expect(r.stdout.isEmpty)
    }

    @Test func anInvalidPackIsExitThree() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = dir.appendingPathComponent("evaluation.yaml")
        let text = try String(contentsOf: CLI.geodata.appendingPathComponent("evaluation.yaml"), encoding: .utf8)
        try text.replacingOccurrences(of: "weight: 30", with: "weight: 3").write(to: pack, atomically: true, encoding: .utf8)
        let r = try evaluate(["--pack", pack.path])
        #expect(r.status == 3)
        #expect(r.errLines.count == 1 && r.err.contains("weights add up to 73, not 100"))
    }
}

@Suite("zoneplan audit", .serialized)
struct AuditCommandTests {
    /// An example application with the applicant's credit code added, as a file in the workspace folder.
    func application(_ ws: CLIWorkspace, _ example: String, code: String) throws -> String {
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.example(example)))) as! [String: Any]
        var props = doc["properties"] as! [String: Any]
        props["credit_code"] = code
        doc["properties"] = props
        return try ws.file("\(example).geojson", JSONSerialization.data(withJSONObject: doc))
    }

    @Test func committedFiguresAgainstActualOnesListTheProjectsBelow() throws {
        let ws = try CLIWorkspace()
        for c in ["330402", "330411"] { #expect(try ws.run(["quota", "set", "county:\(c)", "2024", "1000"]).status == 0) }
        // 加西贝拉 committed 113 000 万元 output, 28 000 value added, 850 tce; 新华光 150 000 / 30 000 / 900.
        let a = "91330402MA2B00001X", b = "91330411MA2B000020"
        let codeA = String(a.prefix(17)) + String(try #require(checkCharacter(a))), codeB = String(b.prefix(17)) + String(try #require(checkCharacter(b)))
        #expect(try ws.run(["decide", try application(ws, "jiaxipera-compressor", code: codeA), "--year", "2024"]).status == 0)
        #expect(try ws.run(["decide", try application(ws, "xinhuaguang-pv-modules", code: codeB), "--year", "2024"]).status == 0)
        let csv = """
        统一社会信用代码,企业名称,行业代码,规模,税收(万元),工业增加值(万元),主营业务收入(万元),综合能耗(吨标准煤),用电量(万千瓦时),主要污染物排放当量(吨),研发经费支出(万元),年平均职工人数
        \(codeA),加西贝拉（测试）,C3442,规上,3000,30000,60000,900,2000,1,900,500
        \(codeB),新华光（测试）,C3825,规上,5000,31000,160000,850,3000,1,2000,600

        """
        let firms = try ws.file("firms-2025.csv", Data(csv.utf8))
        let r = try ws.run(["audit", firms, "--year", "2025", "--geodata", CLI.geodata.path, "--format", "json"])
        #expect(r.status == 1, "\(r.err)")
        let projects = try #require(try JSON.parse(r.stdout)["projects"]?.array)
        #expect(projects.map { $0["status"]?.string } == ["below", "met"])
        let checks = try #require(projects[0]["checks"]?.array)
        #expect(checks.compactMap { $0["shortfall"] } == [.bool(true), .bool(false), .bool(true)])   // output short, VA met, energy over
        #expect(checks.first?["ratio"]?.number == 0.531)   // 60 000 / 113 000
        #expect(projects[0]["citation"]?.string == "000:360")
        // The same year's decisions are not audited yet.
        let early = try ws.run(["audit", firms, "--year", "2024", "--geodata", CLI.geodata.path])
        #expect(early.status == 0 && early.out.contains("0 approved projects"))
    }

    func checkCharacter(_ code: String) -> Character? {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        var sum = 0
        for (c, w) in zip(code.prefix(17), weights) { guard let v = alphabet.firstIndex(of: c) else { return nil }; sum += v * w }
        let k = 31 - sum % 31
        return alphabet[k == 31 ? 0 : k]
    }
}

import Foundation
import Testing

/// `zoneplan report`: the filed PDF (headless Chromium's print-to-PDF), the bureau's number format,
/// and China time in the ledger listings.
@Suite("report and China time", .serialized)
struct ReportCommandTests {
    /// `recorded_at` (ISO 8601, UTC) as a person in Jiaxing reads it.
    static func chinaTime(_ iso: String) throws -> (text: String, year: Int) {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(f.date(from: iso))
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return (String(format: "%04d-%02d-%02d %02d:%02d (UTC+8)", c.year!, c.month!, c.day!, c.hour!, c.minute!), c.year!)
    }

    @Test func aDecisionIsPrintedToAPDFWithItsNumberAndSignatureLines() throws {
        let ws = try CLIWorkspace()
        for name in ["outside-platforms", "two-counties"] {
            let r = try ws.run(["decide", CLI.example(name), "--official", "张三"])
            #expect([0, 1].contains(r.status), "\(r.err)")
        }
        let show = try ws.run(["ledger", "show", "2", "--format", "json"])
        let recordedAt = try #require(try JSON.parse(show.stdout)["recorded_at"]?.string)
        let (local, year) = try Self.chinaTime(recordedAt)

        let pdf = ws.dir.appendingPathComponent("decision-2.pdf").path, html = ws.dir.appendingPathComponent("decision-2.html").path
        let r = try ws.run(["report", "2", "--pdf", pdf, "--html", html])
        #expect(r.status == 0, "\(r.err)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
        #expect(bytes.prefix(5) == Data("%PDF-".utf8))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("嘉自然资规审〔\(year)〕2号"))
        #expect(page.contains("\(local) · 张三"))
        #expect(page.contains("「本规划是嘉兴市“十二五”规划体系的重点专项规划"), "the clause 000:15 the jurisdiction warn cites is not quoted")

        let pdftotext = "/usr/bin/pdftotext"
        try #require(FileManager.default.isExecutableFile(atPath: pdftotext), "install poppler-utils (scripts/install-deps.sh)")
        let text = try CLI.runTool("pdftotext", [pdf, "-"])
        #expect(text.status == 0)
        for words in ["嘉自然资规审〔\(year)〕2号", "经办人", "审核人", "签发", "张三", local] {
            #expect(text.out.contains(words), "the PDF lacks \(words)")
        }

        // The bureau's own format; a format without a number is refused.
        let own = try ws.run(["report", "2", "--number-format", "嘉规审〔{year}〕第{n}号（台账{id}）"])
        #expect(own.status == 0)
        #expect(own.out.contains("嘉规审〔\(year)〕第2号（台账2）"))
        let bad = try ws.run(["report", "2", "--number-format", "嘉规审"])
        #expect(bad.status == 64 && bad.err.contains("{n}"), "\(bad.err)")
        let missing = try ws.run(["report", "9", "--pdf", pdf])
        #expect(missing.status == 5 && missing.err.contains("no decision 9"))
    }

    @Test func ledgerListingsShowChinaTime() throws {
        let ws = try CLIWorkspace()
        #expect(try ws.run(["quota", "set", "county:330481", "2026", "5000", "--official", "李四"]).status == 0)
        let r = try ws.run(["decide", CLI.example("jinko-solar-cells"), "--official", "李四", "--year", "2026"])
        #expect([0, 1].contains(r.status), "\(r.err)")
        let recordedAt = try #require(try JSON.parse(try ws.run(["ledger", "show", "1", "--format", "json"]).stdout)["recorded_at"]?.string)
        let (local, _) = try Self.chinaTime(recordedAt)
        #expect(try ws.run(["ledger", "list"]).out.contains(local))
        #expect(try ws.run(["ledger", "show", "1"]).out.contains("recorded \(local) by 李四"))
        // The allocation and the decision's draw, both in China time.
        let history = try ws.run(["quota", "history"]).out
        let rows = history.split(separator: "\n").filter { $0.contains("county:330481") }
        #expect(rows.count == 2, "\(history)")
        for row in rows { #expect(row.range(of: #"\d{4}-\d\d-\d\d \d\d:\d\d \(UTC\+8\)"#, options: .regularExpression) != nil, "\(row)") }
        #expect(rows.contains { $0.contains(local) })
    }

    /// A number format without {n} or {id} would be printed literally on every report the server
    /// gives: `serve` refuses it at start (usage error, nothing served).
    @Test func serveRefusesADecisionNumberFormatWithoutANumber() throws {
        let r = try CLI.run(["serve", "--quiet", "--geodata", CLI.geodata.path, "--port", "0"],
                            environment: ["ZONEPLAN_DECISION_NUMBER": "嘉自然资规审〔{year}〕号"])
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.contains("$ZONEPLAN_DECISION_NUMBER: a decision number format needs {n}"), "\(r.err)")
    }
}

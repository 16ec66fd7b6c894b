import ArgumentParser
import Foundation
import ZoneServer
import ZoneService
import ZoneStore
import ZoneVetting

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The printable report of a recorded decision: HTML, or a PDF for filing.",
        discussion: """
        The report carries the decision number (文号), the site map with its numbered zones, the findings \
        with the clauses they rest on, and 经办人 / 审核人 / 签发 lines; times are China time (UTC+8). \
        The number's format is the bureau's: --number-format or $\(DecisionNumber.environmentVariable), with \
        {year} (year recorded), {n} (number within that year) and {id} (ledger id); default \(DecisionNumber.defaultFormat). \
        --pdf prints with headless Chromium ($ZONEPLAN_CHROMIUM, else chromium on the PATH). Examples:
          zoneplan report 12 > report-12.html
          zoneplan report 12 --pdf report-12.pdf
        """)

    @OptionGroup var data: GeoDataOptions

    @Argument(help: "Decision id (as in `zoneplan ledger list`).")
    var decision: Int64

    @Option(name: .long, help: ArgumentHelp("Write a PDF (A4) to this file.", valueName: "file"))
    var pdf: String?

    @Option(name: .long, help: ArgumentHelp("Write the HTML to this file (default: standard output, when no --pdf).", valueName: "file"))
    var html: String?

    @Option(name: .customLong("number-format"), help: ArgumentHelp("Decision number format (default: $\(DecisionNumber.environmentVariable), else \(DecisionNumber.defaultFormat)).", valueName: "format"))
    var numberFormat: String?

    func validate() throws {
        if let numberFormat, let p = DecisionNumber.problem(numberFormat) { throw ValidationError("--number-format: \(p)") }
    }

    func run() throws {
        let format = numberFormat ?? DecisionNumber.configuredFormat
        if let p = DecisionNumber.problem(format) { fail("$\(DecisionNumber.environmentVariable): \(p)", code: Exit.badInput) }
        let ws = data.workspace()
        let page: String
        do {
            guard let d = try ws.store.decision(id: decision) else { throw WorkspaceError(.notFound, "no decision \(decision)") }
            let ledger = try ws.store.decisions(limit: nil).map { (id: $0.id ?? 0, recordedAt: $0.recordedAt) }
            let number = DecisionNumber.number(id: decision, recordedAt: d.recordedAt, ledger: ledger, format: format)
            page = try PrintableReport.html(decision: d, number: number, snapshot: try PlanSnapshot(plan: try ws.loadPlan()),
                                            signedCase: try ws.caseSigning(decisionId: decision))
        } catch { failWith(error) }
        if let html {
            guard FileManager.default.createFile(atPath: html, contents: Data(page.utf8)) else {
                fail("\(html): cannot write the file (\(String(cString: strerror(errno))))", code: Exit.badInput)
            }
        }
        if let pdf {
            do { try ChromiumPrinter.printPDF(html: page, to: pdf) } catch let e as ChromiumPrinter.Failure {
                fail(e.message, code: e.code)
            } catch { failWith(error) }
            note("decision \(decision): report written to \(pdf)")
        } else if html == nil {
            writeOut(page)
        }
    }
}

/// Print-to-PDF with headless Chromium (the browser the page tests use), A4 as the page's
/// `@page` rule says, without Chromium's own header and footer.
enum ChromiumPrinter {
    struct Failure: Error { var message: String; var code: Int32 }

    static func executable() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let c = env["ZONEPLAN_CHROMIUM"], !c.isEmpty { return c }
        let path = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in path where FileManager.default.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
        }
        return nil
    }

    static func printPDF(html: String, to output: String) throws {
        guard let chromium = executable() else {
            throw Failure(message: "--pdf needs Chromium: install it (scripts/install-deps.sh installs chromium) or set $ZONEPLAN_CHROMIUM", code: Exit.internalError)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        try Data(html.utf8).write(to: page)
        let target = URL(fileURLWithPath: output).standardizedFileURL
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        var args = ["--headless", "--disable-gpu", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                    "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000",
                    "--print-to-pdf=\(target.path)", page.absoluteString]
        // Chromium refuses to run as root with its sandbox; the page is our own escaped HTML.
        if getuid() == 0 { args.insert("--no-sandbox", at: 1) }
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try? FileManager.default.removeItem(at: target)
        try p.run()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let head = (try? FileHandle(forReadingFrom: target))?.readData(ofLength: 5)
        guard p.terminationStatus == 0, head == Data("%PDF-".utf8) else {
            let reason = errText.split(separator: "\n").last { $0.localizedCaseInsensitiveContains("error") }.map(String.init) ?? "exit \(p.terminationStatus)"
            throw Failure(message: "\(output): Chromium did not write a PDF (\(reason))", code: Exit.internalError)
        }
    }
}

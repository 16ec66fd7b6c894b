import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneService
import ZoneStore
import ZoneVetting

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Vet project applications (GeoJSON Feature, FeatureCollection or text sequence) against the plan.",
        discussion: """
        Each application gets a verdict — approve, conditional, reject or incomplete — and findings \
        that name the rule, the measured value, the limit, the zones and the plan clause (seed FILE:LINE). \
        Exit 0 when every application is approved, 1 when any is not, 2 when any application is bad input \
        (it is reported on stderr and gets no output; the others are still vetted).

        A GeoJSON text sequence (RFC 8142: RS-prefixed records, or one Feature per line; .geojsons, \
        .geojsonl, .geojsonseq, or told from its first bytes) is read incrementally and vetted on \
        --jobs threads in bounded batches, the output in input order. With --format jsonl or \
        geojsonseq results are written as they come and memory stays bounded whatever the input size; \
        text, json and geojson collect every result first. A progress bar is drawn on stderr when it \
        is a terminal.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, geojson, jsonl, geojsonseq

        /// Written one application at a time, as results come.
        var streams: Bool { self == .jsonl || self == .geojsonseq }
    }

    @OptionGroup var data: GeoDataOptions

    @Argument(help: ArgumentHelp("Application file (GeoJSON Feature, FeatureCollection or text sequence, RFC 7946 lon/lat); - reads standard input.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: "Output format: text (a table for people), json (the result objects), geojson (sites with the result in their properties), jsonl (one json result object per line, streamed), geojsonseq (RFC 8142 GeoJSON text sequence of the geojson features, streamed).")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Vetting threads, each with its own engine (default: the active processor count). --record vets one at a time.", valueName: "n"))
    var jobs: Int?

    @Option(name: .long, help: ArgumentHelp("A 亩均效益 evaluation (`zoneplan evaluate --format json` output): an applicant with a credit_code is looked up in it and its class shown (rule firm-standing).", valueName: "file"))
    var evaluation: String?

    @Flag(name: .customLong("evaluation-from-workspace"), help: "Look applicants up in the latest 亩均效益 year stored in the workspace (`zoneplan evaluate import`), as --evaluation does with a file.")
    var evaluationFromWorkspace = false

    @Option(name: .customLong("policy-catalogue"), help: ArgumentHelp("An industry-policy catalogue in the format of GeoData/policy-catalogue.yaml (e.g. Zhejiang's stricter lists), vetted against in addition to GeoData's; repeatable. Item numbers must be unique across catalogues.", valueName: "file"))
    var policyCatalogues: [String] = []

    @OptionGroup var recording: RecordOptions

    @OptionGroup(title: "报部 TXT sites") var site: BaobuSiteOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give an application file (or - for standard input)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        // The ledger does not yet keep the standing a decision saw, so a recorded decision could not be replayed.
        if evaluation != nil && evaluationFromWorkspace { throw ValidationError("give --evaluation FILE or --evaluation-from-workspace, not both") }
        // The workspace vets with its own plan, which does not keep an added catalogue yet.
        if !policyCatalogues.isEmpty, recording.record || recording.dryRun {
            throw ValidationError("--policy-catalogue cannot be used with --record or --dry-run yet (the workspace does not keep added catalogues)")
        }
        if evaluation != nil || evaluationFromWorkspace, recording.record || recording.dryRun {
            throw ValidationError("--evaluation cannot be used with --record or --dry-run yet (the ledger does not keep the firm's standing)")
        }
    }

    /// The evaluation given with --evaluation, or nil; a file that cannot be read or is not
    /// `evaluate --format json` output is bad input (exit 2).
    func loadStandings() -> FirmStandings? {
        if evaluationFromWorkspace {
            let ws = data.workspace()
            do {
                guard let s = try FirmStandingSource.latest(ws.store) else {
                    fail("--evaluation-from-workspace: the workspace stores no evaluation year; store one with `zoneplan evaluate import FIRMS.csv --year Y --parcels FILE`", code: Exit.notFound)
                }
                if !data.quiet { note("亩均效益 standing from the workspace's \(s.year) evaluation (pack \(s.packVersion))") }
                return s
            } catch {
                failWith(error)
            }
        }
        guard let evaluation else { return nil }
        guard let d = FileManager.default.contents(atPath: evaluation) else {
            fail("--evaluation \(evaluation): cannot read the file", code: Exit.badInput)
        }
        do { return try FirmStandings.fromEvaluationJSON(d, source: evaluation) } catch {
            fail("--evaluation \(error)", code: Exit.badInput)
        }
    }

    func run() throws {
        try runCheck(record: recording.record || recording.dryRun)
    }

    /// Adds a `--policy-catalogue` file; a file that cannot be read or is not valid is exit 3, as a bad GeoData file is.
    func withPolicyCatalogues(_ loaded: PlanData) -> PlanData {
        var plan = loaded
        for file in policyCatalogues {
            do {
                let c = try PolicyCatalogues.read(URL(fileURLWithPath: file), displayName: file, vocabulary: plan.industries)
                try plan.addPolicyCatalogue(c)
                if !data.quiet { note("policy catalogue \(c.label) (\(c.items.count) items) from \(file)") }
            } catch {
                fail("--policy-catalogue \(error)", code: Exit.badGeoData)
            }
        }
        return plan
    }

    func runCheck(record: Bool) throws {
        let workspace: Workspace? = record ? data.workspace() : nil
        let plan: PlanData
        if let workspace {
            do { plan = try workspace.loadPlan() } catch { failWith(error) }
        } else {
            plan = withPolicyCatalogues(try data.load())
        }
        let progress = CheckProgress(enabled: TerminalProgress.stderrIsTerminal)
        let inputs = CheckInputs(files: files, catalog: plan.industries, site: site, progress: progress)
        // text, json and geojson need every result before writing; jsonl and geojsonseq stream.
        var vetted: [(label: String, app: Application, result: VettingResult)] = []
        var badInput = false
        var notApproved = false

        func reportBad(_ e: ApplicationError) {
            progress.clear()
            FileHandle.standardError.write(Data(("zoneplan: error: " + TerminalText.escape("\(e)") + "\n").utf8))
            badInput = true
            progress.advance()
        }
        // Streamed output is written in blocks, not one write(2) per result.
        var pending = Data()
        func emit(_ bytes: Data) {
            pending.append(bytes)
            if pending.count >= 1 << 16 { FileHandle.standardOutput.write(pending); pending.removeAll(keepingCapacity: true) }
        }
        func take(_ label: String, _ app: Application, _ result: VettingResult) {
            if result.verdict != .approve { notApproved = true }
            do {
                switch format {
                case .jsonl: emit(try Report.jsonLine(result))
                case .geojsonseq: emit(try Report.geojsonSeqRecord(app: app, result: result))
                case .text, .json, .geojson: vetted.append((label, app, result))
                }
            } catch {
                fail("\(label): cannot encode the result: \(error)", code: Exit.internalError)
            }
            progress.advance()
        }

        if let workspace {
            // Recording writes the ledger: one application at a time, in order. Reading needs only
            // a geometry engine; the workspace vets with its own engine (compiled once per plan).
            let geometry = GeometryEngine()
            while let item = inputs.next() {
                let (appLabel, read) = item.read(catalog: plan.industries, engine: geometry)
                switch read {
                case .failure(let e): reportBad(e)
                case .success(let app):
                    let input = GeoJSON.encode(feature: Feature(id: nil, geometry: app.site, properties: app.properties, bbox: nil))
                    do {
                        let r = try workspace.record(application: app, input: input,
                                                     submitted: submittedInput(item, label: appLabel, app: app, site: site),
                                                     official: recording.officialName.name,
                                                     note: recording.note, supersedes: recording.supersedes,
                                                     year: recording.year, dryRun: recording.dryRun)
                        // Said at once, after the commit: a decision reported here is durable.
                        progress.clear()
                        FileHandle.standardError.write(Data(("zoneplan: " + TerminalText.escape(recordLine(appLabel, r, workspace)) + "\n").utf8))
                        take(appLabel, app, r.record.result)
                    } catch {
                        failWith(error)
                    }
                }
            }
        } else {
            let vetter = compiledSnapshot(plan).makeBatchVetter(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
            vetter.standings = loadStandings()
            // Streamed formats are encoded on the workers, in parallel.
            switch format {
            case .jsonl: vetter.encode = { _, result in try Report.jsonLine(result) }
            case .geojsonseq: vetter.encode = { app, result in try Report.geojsonSeqRecord(app: app, result: result) }
            case .text, .json, .geojson: break
            }
            do {
                try vetter.run(inputs.next) { outcome in
                    switch outcome {
                    case .vetted(let label, let app, let result): take(label, app, result)
                    case .encoded(_, let verdict, let bytes):
                        if verdict != .approve { notApproved = true }
                        emit(bytes)
                        progress.advance()
                    case .badInput(let e): reportBad(e)
                    case .failed(let label, let message):
                        progress.clear()
                        if !pending.isEmpty { FileHandle.standardOutput.write(pending) }
                        fail("\(label): vetting failed in a geometry library: \(message)", code: Exit.internalError)
                    }
                }
            } catch {
                progress.clear()
                fail("cannot prepare the plan layers: \(error)", code: Exit.internalError)
            }
        }
        progress.finish()

        switch format {
        case .jsonl, .geojsonseq:
            if !pending.isEmpty { FileHandle.standardOutput.write(pending) }
        case .json:
            if !vetted.isEmpty {
                let d = try Report.json(vetted.map(\.result))
                writeOut(String(decoding: d, as: UTF8.self) + "\n")
            }
        case .geojson:
            let d = try Report.geojson(vetted.map { ($0.app, $0.result) })
            writeOut(String(decoding: d, as: UTF8.self) + "\n")
        case .text:
            for (i, v) in vetted.enumerated() {
                if i > 0 { writeOut("\n") }
                writeOut(Report.text(v.result, index: vetted.count > 1 ? i + 1 : nil))
            }
            if vetted.count > 1 {
                writeOut("\nSummary 汇总\n")
                writeOut(Report.summary(vetted.map { v in
                    var bad = v.result.rules(with: .fail)
                    bad += v.result.rules(with: .unverifiable).filter { !bad.contains($0) }
                    return (v.label, "\(v.result.verdict.rawValue) \(v.result.verdict.chinese)", num2(v.result.areaMu), bad.joined(separator: ", "))
                }))
            }
        }
        if badInput { throw ExitCode(Exit.badInput) }
        if notApproved { throw ExitCode(Exit.notApproved) }
    }
}

/// The applications of `check`'s files, file by file, as batch items in input order. A text
/// sequence is read incrementally (its records are read on the vetting threads); a Feature,
/// FeatureCollection or 报部 TXT is read whole. A file that cannot be read becomes one bad item.
final class CheckInputs {
    let files: [String]
    let catalog: IndustryCatalog
    let site: BaobuSiteOptions
    let progress: CheckProgress
    /// For reading whole files (site validity); the vetting threads have their own.
    private lazy var geometry = GeometryEngine()
    private var fileIndex = 0
    private var whole: [BatchItem] = []
    private var wholeIndex = 0
    private var sequence: TextSequenceReader?
    private var sequenceHandle: FileHandle?

    init(files: [String], catalog: IndustryCatalog, site: BaobuSiteOptions, progress: CheckProgress) {
        self.files = files; self.catalog = catalog; self.site = site; self.progress = progress
    }

    func next() -> BatchItem? {
        while true {
            if wholeIndex < whole.count {
                defer { wholeIndex += 1 }
                return whole[wholeIndex]
            }
            if let reader = sequence {
                do {
                    if let r = try reader.next() {
                        switch r {
                        case .success(let record): return .record(record)
                        case .failure(let e): return .invalid(e)
                        }
                    }
                    endSequence()
                } catch {
                    endSequence()
                    return .invalid(ApplicationError(application: reader.label, field: "file", message: "cannot read: \(error)"))
                }
            }
            guard fileIndex < files.count else { return nil }
            let file = files[fileIndex]
            fileIndex += 1
            if let bad = open(file) { return .invalid(bad) }
        }
    }

    private func endSequence() {
        if let h = sequenceHandle, h !== FileHandle.standardInput { try? h.close() }
        sequence = nil
        sequenceHandle = nil
    }

    /// Opens `file`: sets up a sequence reader or reads the whole file into `whole`.
    private func open(_ file: String) -> ApplicationError? {
        let label = file == "-" ? "stdin" : file
        let cannotRead = ApplicationError(application: label, field: "file", message: "cannot read the file")
        let handle: FileHandle
        if file == "-" { handle = .standardInput } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir), !isDir.boolValue,
                  let h = FileHandle(forReadingAtPath: file) else { return cannotRead }
            handle = h
        }
        func close() { if file != "-" { try? handle.close() } }
        var head = Data()
        do {
            var kind: ApplicationInputKind? = ApplicationInputKind.isSequenceName(file) ? .textSequence : nil
            var chunk = 64 * 1024
            while kind == nil {
                let d = try handle.read(upToCount: chunk) ?? Data()
                head.append(d)
                kind = ApplicationInputKind.detect(head: head, complete: d.isEmpty)
                chunk = min(chunk * 2, 16 << 20)  // a long first line is not rescanned quadratically
            }
            if kind == .textSequence {
                sequence = TextSequenceReader(handle: handle, label: label, initial: head)
                sequenceHandle = handle
                if progress.enabled {
                    progress.add(total: file == "-" ? nil : Self.countRecords(file, label: label))
                }
                return nil
            }
            head.append(try handle.readToEnd() ?? Data())
        } catch {
            close()
            return cannotRead
        }
        close()
        let entries: [Result<Application, ApplicationError>]
        do {
            if file.lowercased().hasSuffix(".txt") || ApplicationFile.looksLikeBaobu(head) {
                let attributes = try site.attributes(for: file)
                entries = try ApplicationFile.readBaobu(head, fileLabel: label, attributes: attributes,
                                                        catalog: catalog, engine: geometry)
            } else {
                entries = try ApplicationFile.read(head, fileLabel: label, catalog: catalog, engine: geometry)
            }
        } catch let e as ApplicationError {
            return e
        } catch {
            return ApplicationError(application: label, field: "file", message: "\(error)")
        }
        whole = entries.enumerated().map { i, entry in
            switch entry {
            case .failure(let e): return .invalid(e)
            case .success(let app): return .application(label: entries.count > 1 ? "\(label)#\(i + 1)" : label, app)
            }
        }
        wholeIndex = 0
        progress.add(total: whole.count)
        return nil
    }

    /// The records of a sequence file, counted in a first streaming pass (for the progress bar).
    static func countRecords(_ path: String, label: String) -> Int? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        let reader = TextSequenceReader(handle: h, label: label, chunkSize: 1 << 20)
        var n = 0
        do { while try reader.next() != nil { n += 1 } } catch { return nil }
        return n
    }
}

/// `check`'s progress on stderr, only when stderr is a terminal: the bar of `TerminalProgress`
/// when the number of applications is known, else a running count (standard input).
final class CheckProgress {
    let enabled: Bool
    private var total = 0
    private var totalKnown = true
    private var done = 0
    private var drawn = false
    private var lastDraw = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func add(total n: Int?) {
        if let n { total += n } else { totalKnown = false }
    }

    func advance() {
        done += 1
        draw(force: false)
    }

    /// Clears the bar so a message can be written on stderr; it is redrawn on the next advance.
    func clear() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    func finish() {
        guard enabled, done > 0 else { return }
        draw(force: true)
        FileHandle.standardError.write(Data("\n".utf8))
        drawn = false
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        let now = Date()
        guard force || !drawn || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let text = totalKnown && total > 0
            ? TerminalProgress.bar(label: "check", done: min(done, total), total: max(total, done))
            : "check \(done) applications"
        FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
        drawn = true
    }
}

/// Recording a decision in the workspace ledger (`check --record`, `decide`).
struct RecordOptions: ParsableArguments {
    @Flag(name: .long, help: "Record the decision in the workspace ledger (drawing land quota for approve/conditional).")
    var record = false

    @Flag(name: .customLong("dry-run"), help: "With --record: show what would be recorded and drawn, without writing.")
    var dryRun = false

    @Option(name: .long, help: "The official's note for the record.")
    var note: String?

    @Option(name: .long, help: ArgumentHelp("Decision id this one revises (its quota draw is returned first).", valueName: "id"))
    var supersedes: Int64?

    @Option(name: .long, help: ArgumentHelp("Quota year (default: this year).", valueName: "year"))
    var year: Int?

    @OptionGroup var officialName: OfficialOption

    func validate() throws {
        if let year, !(2000...2100).contains(year) { throw ValidationError("--year \(year) is not a plausible year") }
    }
}

func recordLine(_ label: String, _ r: Workspace.Recorded, _ ws: Workspace) -> String {
    let draws = r.draws.map { e in
        let verb = e.kind == .draw ? "draws" : (e.kind == .return ? "returns" : "allocates")
        let after = (try? ws.store.quotaStatus(e.account)?.balanceMu).flatMap { $0 }
        let shown = r.dryRun ? after.map { $0 + e.amountMu } : after
        return "\(verb) \(num2(abs(e.amountMu))) 亩 \(e.account)" + (shown.map { " (balance \(r.dryRun ? "after" : "now") \(num2($0)) 亩)" } ?? "")
    }.joined(separator: "; ")
    let what = r.dryRun ? "dry run, nothing written: would record" : "recorded as decision \(r.record.id ?? 0):"
    return "\(label): \(what) \(r.record.verdict.rawValue)" + (draws.isEmpty ? ", no quota drawn" : "; " + draws)
}

struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Vet applications and record the decisions in the workspace ledger (same as `check --record`).")

    @OptionGroup var data: GeoDataOptions

    @Argument(help: ArgumentHelp("Application file (GeoJSON); - reads standard input.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: "Output format: text, json, geojson, jsonl or geojsonseq.")
    var format: CheckCommand.Format = .text

    @OptionGroup var recording: RecordOptions

    @OptionGroup(title: "报部 TXT sites") var site: BaobuSiteOptions

    @Option(name: .customLong("as"), help: ArgumentHelp("In a workspace with people: the case officer opening a case (经办) for each application; see `zoneplan case`.", valueName: "name"))
    var actor: String?

    func run() throws {
        if let actor {
            guard !recording.dryRun else { throw ValidationError("--dry-run and --as: a case is only opened, nothing drawn; vet with `zoneplan check`") }
            return try openCases(data: data, files: files, site: site, actor: actor, note: recording.note, year: recording.year,
                                 supersedes: recording.supersedes)
        }
        var check = CheckCommand()
        check.site = site
        check.data = data
        check.files = files
        check.format = format
        check.recording = recording
        try check.runCheck(record: true)
    }
}

/// The project's figures for a site given as a 报部 TXT (which holds only coordinates): a sidecar
/// JSON (`--attributes FILE`, or FILE.json beside the TXT) and/or options; options win.
struct BaobuSiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("JSON object of application properties for a 报部 TXT site (default: the .json beside the .txt).", valueName: "file"))
    var attributes: String?
    @Option(name: .long, help: "Project name (报部 TXT sites).") var name: String?
    @Option(name: .long, help: "GB/T 4754-2017 industry code (报部 TXT sites).") var industry: String?
    @Option(name: .customLong("investment-wan"), help: "Investment, 万元 (报部 TXT sites).") var investmentWan: String?
    @Option(name: .customLong("output-wan"), help: "Annual output, 万元/年 (报部 TXT sites).") var outputWan: String?
    @Option(name: .customLong("value-added-wan"), help: "Annual value added, 万元/年 (报部 TXT sites).") var valueAddedWan: String?
    @Option(name: .customLong("energy-tce"), help: "Annual energy use, 吨标准煤/年 (报部 TXT sites).") var energyTce: String?
    @Option(name: .customLong("declared-area-mu"), help: "Declared area, 亩 (default: the TXT's 地块面积 × 15).") var declaredAreaMu: String?

    func attributes(for file: String) throws -> [String: JSONValue] {
        var props: [String: JSONValue] = [:]
        let sidecar = attributes ?? (file == "-" ? nil : (file as NSString).deletingPathExtension + ".json")
        if let sidecar, FileManager.default.fileExists(atPath: sidecar) || attributes != nil {
            guard let d = FileManager.default.contents(atPath: sidecar) else {
                throw ApplicationError(application: sidecar, field: "file", message: "cannot read the attributes file")
            }
            let v: JSONValue
            do { v = try JSONValue.parse(d) } catch { throw ApplicationError(application: sidecar, field: "file", message: "\(error)") }
            guard let o = v["properties"]?.objectValue ?? v.objectValue else {
                throw ApplicationError(application: sidecar, field: "file", message: "expected a JSON object of application properties")
            }
            props = o
        }
        if let name { props["name"] = .string(name) }
        if let industry { props["industry"] = .string(industry) }
        for (key, value) in [("investment_wan", investmentWan), ("output_wan", outputWan), ("value_added_wan", valueAddedWan),
                             ("energy_tce", energyTce), ("declared_area_mu", declaredAreaMu)] {
            // Decimal only, as in a query: ArgumentParser's Double would read `0x10` as 16. What is
            // not a decimal number goes on as text and is refused, naming the field.
            if let value { props[key] = DecimalText.parse(value).map(JSONValue.number) ?? .string(value) }
        }
        return props
    }
}

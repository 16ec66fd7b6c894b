import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneStore
import ZoneVetting

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Vet project applications (GeoJSON Feature or FeatureCollection) against the plan.",
        discussion: """
        Each application gets a verdict — approve, conditional, reject or incomplete — and findings \
        that name the rule, the measured value, the limit, the zones and the plan clause (seed FILE:LINE). \
        Exit 0 when every application is approved, 1 when any is not, 2 when any application is bad input \
        (it is reported on stderr and gets no output; the others are still vetted).
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, geojson
    }

    @OptionGroup var data: GeoDataOptions

    @Argument(help: ArgumentHelp("Application file (GeoJSON, RFC 7946 lon/lat); - reads standard input.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: "Output format: text (a table for people), json (the result objects), geojson (sites with the result in their properties).")
    var format: Format = .text

    @OptionGroup var recording: RecordOptions

    @OptionGroup(title: "报部 TXT sites") var site: BaobuSiteOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give an application file (or - for standard input)") }
    }

    func run() throws {
        try runCheck(record: recording.record || recording.dryRun)
    }

    func runCheck(record: Bool) throws {
        let workspace: Workspace? = record ? data.workspace() : nil
        let plan: PlanData
        if let workspace {
            do { plan = try workspace.loadPlan() } catch { failWith(error) }
        } else {
            plan = try data.load()
        }
        let engine: VettingEngine
        do { engine = try VettingEngine(plan: plan) } catch {
            fail("cannot prepare the plan layers: \(error)", code: Exit.internalError)
        }
        var vetted: [(label: String, app: Application, result: VettingResult)] = []
        var badInput = false
        for file in files {
            let label = file == "-" ? "stdin" : file
            let bytes: Data?
            if file == "-" { bytes = FileHandle.standardInput.readDataToEndOfFile() } else { bytes = FileManager.default.contents(atPath: file) }
            guard let bytes else {
                FileHandle.standardError.write(Data("zoneplan: error: \(label): cannot read the file\n".utf8))
                badInput = true
                continue
            }
            let entries: [Result<Application, ApplicationError>]
            do {
                if file.lowercased().hasSuffix(".txt") || ApplicationFile.looksLikeBaobu(bytes) {
                    let attributes = try site.attributes(for: file)
                    entries = try ApplicationFile.readBaobu(bytes, fileLabel: label, attributes: attributes,
                                                            catalog: plan.industries, engine: engine.engine)
                } else {
                    entries = try ApplicationFile.read(bytes, fileLabel: label, catalog: plan.industries, engine: engine.engine)
                }
            } catch let e as ApplicationError {
                FileHandle.standardError.write(Data("zoneplan: error: \(e)\n".utf8))
                badInput = true
                continue
            }
            for (i, entry) in entries.enumerated() {
                switch entry {
                case .failure(let e):
                    FileHandle.standardError.write(Data("zoneplan: error: \(e)\n".utf8))
                    badInput = true
                case .success(let app):
                    let appLabel = entries.count > 1 ? "\(label)#\(i + 1)" : label
                    if let workspace {
                        let input = GeoJSON.encode(feature: Feature(id: nil, geometry: app.site, properties: app.properties, bbox: nil))
                        do {
                            let r = try workspace.record(application: app, input: input, official: recording.officialName.name,
                                                         note: recording.note, supersedes: recording.supersedes,
                                                         year: recording.year, dryRun: recording.dryRun)
                            vetted.append((appLabel, app, r.record.result))
                            // Said at once, after the commit: a decision reported here is durable.
                            FileHandle.standardError.write(Data(("zoneplan: " + recordLine(appLabel, r, workspace) + "\n").utf8))
                        } catch {
                            failWith(error)
                        }
                        continue
                    }
                    do {
                        let result = try engine.vet(app)
                        vetted.append((appLabel, app, result))
                    } catch {
                        fail("\(label): vetting failed in a geometry library: \(error)", code: Exit.internalError)
                    }
                }
            }
        }
        switch format {
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
        if vetted.contains(where: { $0.result.verdict != .approve }) { throw ExitCode(Exit.notApproved) }
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

    @Option(name: .long, help: "Output format: text, json or geojson.")
    var format: CheckCommand.Format = .text

    @OptionGroup var recording: RecordOptions

    @OptionGroup(title: "报部 TXT sites") var site: BaobuSiteOptions

    func run() throws {
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
    @Option(name: .customLong("investment-wan"), help: "Investment, 万元 (报部 TXT sites).") var investmentWan: Double?
    @Option(name: .customLong("output-wan"), help: "Annual output, 万元/年 (报部 TXT sites).") var outputWan: Double?
    @Option(name: .customLong("value-added-wan"), help: "Annual value added, 万元/年 (报部 TXT sites).") var valueAddedWan: Double?
    @Option(name: .customLong("energy-tce"), help: "Annual energy use, 吨标准煤/年 (报部 TXT sites).") var energyTce: Double?
    @Option(name: .customLong("declared-area-mu"), help: "Declared area, 亩 (default: the TXT's 地块面积 × 15).") var declaredAreaMu: Double?

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
            if let value { props[key] = .number(value) }
        }
        return props
    }
}

import ArgumentParser
import Foundation
import ZoneEvaluation
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneService
import ZoneVetting

/// `zoneplan evaluate [FIRMS.csv] …` scores a year (the default subcommand); `zoneplan evaluate
/// import …` stores one in the workspace. A group, because ArgumentParser would read `import` as
/// the firm file of a command that has a positional argument of its own.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "亩均效益: score and class the firms on industrial land (A/B/C/D); store years in the workspace.",
        subcommands: [EvaluateYearCommand.self, EvaluateImportCommand.self],
        defaultSubcommand: EvaluateYearCommand.self)
}

struct EvaluateYearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "亩均效益: score and class the firms on industrial land (A/B/C/D), low-efficiency land, class changes.",
        discussion: """
        Reads a year's firm figures (CSV, UTF-8 or GBK, keyed by 统一社会信用代码) and the firms' parcels \
        (GeoJSON, Shapefile or 报部 TXT, linked by 统一社会信用代码, see --code-field; areas on EPSG:4549 in 亩), and scores and classes every firm by \
        the evaluation pack (GeoData/evaluation.yaml: the 浙政发〔2018〕5号 method; weights, benchmarks, caps \
        and class shares are typical values, marked as readings). A firm that cannot be judged is listed as \
        not evaluated, with the reason. A bad file is refused whole with one line naming the row and column \
        (exit 2); an invalid pack exits 3. Cites 004:114, 004:120, 000:360.
        Without firms.csv, evaluates a year stored in the workspace (--db; see `zoneplan evaluate import`) \
        with the pack it was imported with (or --pack), compared with the nearest earlier stored year \
        (exit 5 when the year is not stored).
        With a workspace (--db), each firm's land is also measured against its own approval commitments: \
        an approved project of the ledger whose application carried the firm's credit_code, producing at \
        most the pack's low_efficiency.below_commitment share, makes its land low-efficiency (a reading).
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv, geojson }

    @Argument(help: ArgumentHelp("The year's firm figures (CSV); omit to evaluate a year stored in the workspace.", valueName: "firms.csv"))
    var firms: String?

    @Option(name: .long, help: ArgumentHelp("The firms' parcels: GeoJSON (lon/lat), an ESRI Shapefile (.shp with .dbf, .shx, .prj) or a 报部 TXT.", valueName: "file"))
    var parcels: String?

    @Option(name: .long, help: ArgumentHelp("The parcel attribute with the 统一社会信用代码 (default: 统一社会信用代码 or credit_code in GeoJSON, TYSHXYDM in a Shapefile, 地块名称 in a 报部 TXT).", valueName: "name"))
    var codeField: String?

    @Option(name: .long, help: "The year the figures are for.")
    var year: Int

    @Option(name: .long, help: ArgumentHelp("The previous year's firm figures (CSV): flags firms whose class changed.", valueName: "file"))
    var previous: String?

    @Option(name: .long, help: ArgumentHelp("Evaluation pack (default: evaluation.yaml in the GeoData folder).", valueName: "file"))
    var pack: String?

    @Option(name: .long, help: "Output format: text, json, csv (UTF-8 with BOM) or geojson (parcels by class).")
    var format: Format = .text

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file (for geojson, a QGIS .qml style is written beside it).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: "Text only: list at most this many firms (the summaries always cover all).")
    var firmLimit: Int?

    @OptionGroup var data: GeoDataOptions

    func run() throws {
        guard (1990...2100).contains(year) else { fail("--year \(year) is not a plausible year", code: Exit.badInput) }
        let plan = try data.load()
        guard let firms else { return try evaluateStored(plan: plan) }
        let (evaluationPack, _) = loadEvaluationPack(pack, data: data)
        let geography = EvaluationGeography(plan: plan)
        do {
            let codeField = codeField
            var readParcels: (@Sendable () throws -> [Parcel])?
            if let parcels { readParcels = { try EvaluationParcelFile.read(path: parcels, geography: geography, codeField: codeField) } }
            let inputs = try EvaluationInputs.read(
                firms: URL(fileURLWithPath: firms), firmsName: firms,
                previous: previous.map { URL(fileURLWithPath: $0) }, previousName: previous,
                parcels: readParcels, pack: evaluationPack)
            // With a workspace named (--db), land is also measured against its own approval commitments.
            let commitments = try data.db.map { _ in try WorkspaceEvaluation.committedProjects(data.workspace().store) }
            let result = Evaluator(pack: evaluationPack).evaluate(inputs.firms, parcels: inputs.parcels, year: year,
                                                                  previous: inputs.previous, previousYear: inputs.previous == nil ? nil : year - 1,
                                                                  commitments: commitments)
            try write(EvaluationOutput(result: result, pack: evaluationPack, geography: geography,
                                       industryName: { plan.industries.name(of: $0) }))
        } catch let e as EvaluationInputError {
            fail("\(e)", code: Exit.badInput)
        } catch {
            failWith(error)
        }
    }

    /// A year stored in the workspace, with its own pack unless --pack is given.
    func evaluateStored(plan: PlanData) throws {
        if previous != nil { fail("--previous reads a CSV; a stored year is compared with the earlier stored year", code: Exit.badInput) }
        let ws = data.workspace()
        var override: EvaluationPack?
        if let pack {
            do { override = try EvaluationPack.load(contentsOf: URL(fileURLWithPath: pack), displayName: pack) } catch {
                fail("evaluation pack invalid: \(error)", code: Exit.badGeoData)
            }
        }
        do {
            guard let stored = try WorkspaceEvaluation.evaluate(ws.store, year: year, pack: override) else {
                let years = try WorkspaceEvaluation.years(ws.store)
                fail("evaluation year \(year) is not stored in the workspace (stored: \(years.isEmpty ? "none" : years.map(String.init).joined(separator: ", "))); "
                     + "store it with `zoneplan evaluate import FIRMS.csv --year \(year) --parcels FILE`", code: Exit.notFound)
            }
            if !data.quiet {
                note("evaluation year \(year) from the workspace (\(stored.record.firmsFile), pack \(stored.pack.version))"
                     + (stored.result.previousYear.map { "; compared with \($0)" } ?? ""))
            }
            try write(stored.output(plan: plan))
        } catch {
            failWith(error)
        }
    }

    func write(_ out: EvaluationOutput) throws {
        let bytes: Data
        switch format {
        case .text: bytes = Data(out.text(firmLimit: firmLimit).utf8)
        case .json: bytes = Data(out.json().utf8)
        case .csv: bytes = out.csv()
        case .geojson: bytes = out.geojson()
        }
        if let output, output != "-" {
            try bytes.write(to: URL(fileURLWithPath: output))
            if format == .geojson {
                let style = ((output as NSString).deletingPathExtension) + ".qml"
                // The same QGIS style writer as the plan layers and results (`LayerStyle`), on `class`.
                let classes = ClassColour.all.map { LayerStyle.Class(value: $0.value, label: $0.label, rgb: $0.rgb) }
                try LayerStyle(name: "class", attribute: "class", classes: classes, fillAlpha: 217, outlineWidthMM: 0.2).qml
                    .write(toFile: style, atomically: true, encoding: .utf8)
                if !data.quiet { note("wrote \(output) and its QGIS style \(style)") }
            }
        } else {
            FileHandle.standardOutput.write(bytes)
        }
    }
}

/// A year's firm figures and parcels stored in the workspace. A subcommand of `evaluate` rather
/// than an `import` layer: the two files are one unit keyed by year and read by the evaluation
/// pack's columns, not a plan layer with versions.
struct EvaluateImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store a year's firm figures (CSV) and parcels (GeoJSON, Shapefile or 报部 TXT) in the workspace, all or nothing.",
        discussion: """
        Both files are read and checked whole with the evaluation pack first (a bad row: one line naming \
        the row and column, exit 2, nothing stored), then stored with the pack in one transaction. A year \
        is stored once (exit 6 when it already is). Then `zoneplan evaluate --year Y --db …` evaluates it.
        """)

    @Argument(help: ArgumentHelp("The year's firm figures (CSV, UTF-8 or GBK).", valueName: "firms.csv"))
    var firms: String

    @Option(name: .long, help: ArgumentHelp("The firms' parcels: GeoJSON (lon/lat), an ESRI Shapefile (.shp with .dbf, .shx, .prj) or a 报部 TXT.", valueName: "file"))
    var parcels: String?

    @Option(name: .long, help: ArgumentHelp("The parcel attribute with the 统一社会信用代码 (default: 统一社会信用代码 or credit_code in GeoJSON, TYSHXYDM in a Shapefile, 地块名称 in a 报部 TXT).", valueName: "name"))
    var codeField: String?

    @Option(name: .long, help: "The year the figures are for.")
    var year: Int

    @Option(name: .long, help: ArgumentHelp("Evaluation pack (default: evaluation.yaml in the GeoData folder); stored with the year.", valueName: "file"))
    var pack: String?

    @OptionGroup var data: GeoDataOptions
    @OptionGroup var official: OfficialOption

    func run() throws {
        guard (1990...2100).contains(year) else { fail("--year \(year) is not a plausible year", code: Exit.badInput) }
        let ws = data.workspace()
        let plan = try data.load()
        let (_, packText) = loadEvaluationPack(pack, data: data)
        guard let firmBytes = FileManager.default.contents(atPath: firms) else { fail("\(firms): cannot read the file", code: Exit.badInput) }
        var parcelBytes: Data?
        if let parcels {
            guard let d = FileManager.default.contents(atPath: parcels) else { fail("\(parcels): cannot read the file", code: Exit.badInput) }
            parcelBytes = d
        }
        do {
            let geography = EvaluationGeography(plan: plan)
            // GeoJSON is read from its bytes; a 报部 TXT or a Shapefile by its reader (the .shp's bytes fingerprint it).
            let parcelsRead = try parcels.flatMap { path in
                try EvaluationParcelFile.format(of: path) == .geojson && codeField == nil
                    ? nil : EvaluationParcelFile.read(path: path, geography: geography, codeField: codeField)
            }
            let r = try WorkspaceEvaluation.importYear(ws.store, year: year, firms: firmBytes, firmsName: firms, parcels: parcelBytes,
                                                       parcelsName: parcels, parcelsRead: parcelsRead, packText: packText, packName: pack ?? "GeoData/evaluation.yaml",
                                                       geography: geography, official: official.name)
            writeOut("stored evaluation year \(r.year): \(r.firms) firms (\(r.encoding)), \(r.parcels) parcels, pack \(r.packVersion)\n")
        } catch let e as EvaluationInputError {
            fail("\(e)", code: Exit.badInput)
        } catch {
            failWith(error)
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "批后管理: approved projects' committed figures against the firms' actual figures for a year (000:360).",
        discussion: """
        Reads the workspace's decision ledger (--db) and a year's firm figures (the CSV of `zoneplan evaluate`). \
        Every approved or conditionally approved decision recorded before that year, not superseded, whose \
        application carried the firm's 统一社会信用代码 (property credit_code or 统一社会信用代码), is joined with \
        the firm's figures: committed output_wan against 主营业务收入 (a reading: revenue stands in for output \
        value), value_added_wan against 工业增加值, energy_tce against 综合能耗 (above the commitment is a shortfall). \
        Exit 0 when every linked project meets its commitments, 1 when one is below, 2 bad input.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: ArgumentHelp("The year's firm figures (CSV).", valueName: "firms.csv"))
    var firms: String

    @Option(name: .long, help: "The year the figures are for.")
    var year: Int

    @Option(name: .long, help: ArgumentHelp("Evaluation pack for the CSV's columns (default: evaluation.yaml in the GeoData folder).", valueName: "file"))
    var pack: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    @OptionGroup var data: GeoDataOptions

    func run() throws {
        let ws = data.workspace()
        let (evaluationPack, _) = loadEvaluationPack(pack, data: data)
        do {
            let table = try FirmTable.read(contentsOf: URL(fileURLWithPath: firms), displayName: firms, pack: evaluationPack)
            let projects = try WorkspaceEvaluation.committedProjects(ws.store)
            let findings = Audit.run(projects, table: table, year: year)
            writeOut(format == .json ? Audit.json(findings, year: year) : Audit.text(findings, year: year))
            if findings.contains(where: { $0.status == .below }) { throw ExitCode(Exit.notApproved) }
        } catch let e as EvaluationInputError {
            fail("\(e)", code: Exit.badInput)
        } catch let e as ExitCode {
            throw e
        } catch {
            failWith(error)
        }
    }
}

/// The evaluation pack (`--pack FILE`, else evaluation.yaml in the GeoData folder) and its text;
/// exit 3 when there is none or it is invalid.
func loadEvaluationPack(_ pack: String?, data: GeoDataOptions) -> (EvaluationPack, String) {
    let packURL: URL
    if let pack { packURL = URL(fileURLWithPath: pack) } else {
        guard let (root, _) = GeoDataLocator.locate(explicit: data.geodata) else {
            fail("no evaluation pack: pass --pack FILE or --geodata DIR", code: Exit.badGeoData)
        }
        packURL = root.appendingPathComponent("evaluation.yaml")
    }
    guard let text = try? String(contentsOf: packURL, encoding: .utf8) else { fail("cannot read the evaluation pack \(packURL.path)", code: Exit.badGeoData) }
    do { return (try EvaluationPack.load(ConfigDocument(file: pack ?? "GeoData/evaluation.yaml", text: text)), text) } catch {
        fail("evaluation pack invalid: \(error)", code: Exit.badGeoData)
    }
}

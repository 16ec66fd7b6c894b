import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneQuery
import ZoneStore
import ZoneVetting

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export layers or vetting results as GeoJSON (RFC 7946), GeoJSON Text Sequences (RFC 8142) or a GeoPackage.",
        discussion: """
        zoneplan export LAYER FILE, zoneplan export --all FILE (every layer, each feature with a `layer` \
        property), or zoneplan export results FILE --from APPLICATION... (the applications vetted, each \
        site with verdict, fail_rules, warn_rules, area_mu, rule_<id> … in its properties, and a QGIS style \
        FILE.qml written next to it: approve green, conditional yellow, reject red, incomplete grey). \
        FILE - writes standard output. --format geojson writes a FeatureCollection (lon/lat WGS 84, outer \
        rings counter-clockwise, at most 7 decimals, bbox, no crs); geojsonseq writes one Feature per \
        record, each prefixed by RS (0x1E) and ended by LF (application/geo+json-seq); without --format, \
        a .geojsons/.geojsonseq file name means geojsonseq. gpkg (or a .gpkg file name) writes a GeoPackage: one table per \
        layer, an R-tree index, QGIS styles embedded (verdict colours for results), lists and findings as JSON text. \
        Every property has one type across a layer (county always a list, targets always an object) and a layer that \
        mixes Polygon and MultiPolygon is all MultiPolygon; --flat writes lists and objects as JSON text in GeoJSON too, \
        for Shapefile conversion. baobu writes a 报部 TXT (parcels; CGCS2000 GK zone 40). \
        A progress bar is drawn on stderr only when it is a terminal. \
        Exit 0 on success, 2 for bad input (some applications; the others are still exported), 5 for an unknown layer.
        """)

    @OptionGroup var data: GeoDataOptions

    @Argument(help: ArgumentHelp("LAYER FILE, results FILE, or with --all just FILE.", valueName: "target"))
    var targets: [String] = []

    @Flag(name: .long, help: "Export every layer.")
    var all = false

    @Option(name: .long, help: "Output format: geojson, geojsonseq, gpkg (GeoPackage), or baobu (报部 TXT, for parcels).")
    var format: ExportFormat?

    @Flag(name: .long, help: "GeoJSON: write lists and objects (county, industries, findings, …) as JSON text, so a Shapefile keeps them.")
    var flat = false

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Application files to vet for `export results` (- reads standard input).", valueName: "application"))
    var from: [String] = []

    @Flag(name: .long, help: "For results: do not write the QGIS style file.")
    var noStyle = false

    var isResults: Bool { !all && targets.first == "results" }

    func validate() throws {
        if all {
            if targets.count != 1 { throw ValidationError("with --all give just the output FILE") }
        } else if targets.count != 2 {
            throw ValidationError("give LAYER FILE (or results FILE --from APPLICATION..., or --all FILE)")
        }
        if isResults && from.isEmpty { throw ValidationError("export results needs --from APPLICATION... (the applications to vet)") }
        if !isResults && !from.isEmpty { throw ValidationError("--from is only for export results") }
    }

    func run() throws {
        let output = targets.last!
        let fmt = format ?? ExportFormat.guess(fromPath: output)
        try queryInput { try fmt.requireAvailable() }
        let plan = try data.load()
        let progress = TerminalProgress()
        var badInput = false
        let features: [Feature]
        if isResults {
            let engine: VettingEngine
            do { engine = try compiledSnapshot(plan).makeEngine() } catch { fail("cannot prepare the plan layers: \(error)", code: Exit.internalError) }
            let files = from.map { (label: $0 == "-" ? "stdin" : $0, data: readInputFile($0)) }
            let batch = try queryInput { try ResultsExport.vet(files: files, engine: engine, progress: progress) }
            for e in batch.errors { FileHandle.standardError.write(Data(("zoneplan: error: " + TerminalText.escape("\(e)") + "\n").utf8)) }
            badInput = !batch.errors.isEmpty
            features = try ResultsExport.features(batch.pairs)
        } else {
            let layers = all ? nil : [targets[0]]
            features = try queryInput { try LayerExport.features(plan: plan, layers: layers, progress: progress) }
        }
        if fmt == .gpkg {
            try writeGeoPackage(features, plan: plan, to: output)
            if badInput { throw ExitCode(Exit.badInput) }
            return
        }
        try write(fmt == .baobu ? features : GISTable(features, flat: flat).features, fmt, to: output, progress: progress)
        if isResults && output != "-" && !noStyle && fmt != .baobu {
            let style = ResultsExport.stylePath(for: output)
            do { try ResultsExport.qml().write(toFile: style, atomically: true, encoding: .utf8) } catch {
                fail("\(style): cannot write the style: \(error.localizedDescription)", code: Exit.badInput)
            }
            if !data.quiet { note("wrote \(features.count) feature(s) to \(output) (\(fmt.mediaType)) and the QGIS style \(style)") }
        } else if output != "-" && !data.quiet {
            note("wrote \(features.count) feature(s) to \(output) (\(fmt.mediaType))")
        }
        if badInput { throw ExitCode(Exit.badInput) }
    }

    /// One table per layer (`results` for vetting results), each with its style in `layer_styles`.
    func writeGeoPackage(_ features: [Feature], plan: PlanData, to output: String) throws {
        guard output != "-" else { fail("a GeoPackage is a database file: give a file name, not -", code: Exit.badInput) }
        var layers: [GeoPackageWriter.Layer] = []
        if isResults {
            let t = GISTable(features, flat: true)
            let style = ResultsExport.style
            layers.append(.init(table: "results", title: "vetting results", description: "sites coloured by verdict (ZonePlanner)",
                                fields: t.fields, geometryType: t.geometryType, features: t.features,
                                style: noStyle ? nil : .init(name: "verdict", qml: style.qml, sld: style.sld(layer: "results"))))
        } else {
            let names = plan.layers.map(\.name).filter { n in features.contains { $0.properties["layer"]?.stringValue == n } }
            for name in names {
                let t = GISTable(features.filter { $0.properties["layer"]?.stringValue == name }, flat: true)
                let style = LayerStyle.planLayer(name)
                layers.append(.init(table: name, title: plan.layer(named: name)?.title ?? name,
                                    description: "\(name) layer of the plan (\(plan.geodataVersion))", fields: t.fields,
                                    geometryType: t.geometryType, features: t.features,
                                    style: .init(name: style.name, qml: style.qml, sld: style.sld(layer: name))))
            }
        }
        do { try GeoPackageWriter.write(layers, to: output) } catch {
            fail("\(output): cannot write the GeoPackage: \(error)", code: Exit.badInput)
        }
        if !data.quiet {
            note("wrote \(features.count) feature(s) in \(layers.count) table(s) to \(output) (\(ExportFormat.gpkg.mediaType)), QGIS styles embedded")
        }
    }

    func write(_ features: [Feature], _ fmt: ExportFormat, to output: String, progress: ProgressReporter) throws {
        if fmt == .baobu {
            let d: Data
            do { d = try BaobuExport.data(features) } catch let e as BaobuError { fail("\(e)", code: Exit.badInput) }
            if output == "-" { FileHandle.standardOutput.write(d) } else if !FileManager.default.createFile(atPath: output, contents: d) {
                fail("\(output): cannot create the file", code: Exit.badInput)
            }
            return
        }
        if output == "-" {
            try GeoJSONWriter.write(features, format: fmt, progress: progress) { FileHandle.standardOutput.write($0) }
            return
        }
        guard FileManager.default.createFile(atPath: output, contents: nil), let h = FileHandle(forWritingAtPath: output) else {
            fail("\(output): cannot create the file", code: Exit.badInput)
        }
        defer { try? h.close() }
        try GeoJSONWriter.write(features, format: fmt, progress: progress) { h.write($0) }
    }
}

extension ExportFormat: ExpressibleByArgument {}

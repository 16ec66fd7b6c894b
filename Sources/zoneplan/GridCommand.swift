import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneVetting

struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "What the rule pack does to the city: vet a grid of sites for one industry; shares of land per verdict and rule.",
        discussion: """
        Square sites of --cell-mu 亩 are centred every --spacing-m metres on EPSG:4549 over the city; \
        each site whose centre lies in the city is vetted with the rule pack for --industry, with figures \
        per 亩 that pass the non-spatial rules unless given, so the result shows the spatial rules. Each \
        site counts by its land area (the `land` layer; sites without land are sea and are not vetted; \
        without a land layer, by its area in the city) and belongs to the county it overlaps most. The \
        report gives, per county and for the city, the land vetted (km²), the share of land with each \
        verdict — approve, conditional, reject, incomplete — and the share where each rule (rule/check) \
        fails or warns. --out writes the vetted sites as RFC 7946 GeoJSON (properties verdict, \
        fail_rules, warn_rules, county, land_mu, industry) for QGIS. Exit 0, or 2 for bad input.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @OptionGroup var data: GeoDataOptions

    @Option(name: .long, help: ArgumentHelp("GB/T 4754-2017 industry code of the project, e.g. C3971 (required).", valueName: "code"))
    var industry: String

    @Option(name: .customLong("cell-mu"), help: ArgumentHelp("Area of each square site in 亩.", valueName: "亩"))
    var cellMu: Double = 50

    @Option(name: .customLong("spacing-m"), help: ArgumentHelp("Distance between site centres on EPSG:4549, metres.", valueName: "m"))
    var spacingM: Double = 500

    @Option(name: .customLong("investment-per-mu"), help: ArgumentHelp("Investment per 亩, 万元/亩.", valueName: "万元"))
    var investmentPerMu: Double = 300

    @Option(name: .customLong("output-per-mu"), help: ArgumentHelp("Yearly output per 亩, 万元/亩.", valueName: "万元"))
    var outputPerMu: Double = 500

    @Option(name: .customLong("value-added-per-mu"), help: ArgumentHelp("Yearly industrial value added per 亩, 万元/亩.", valueName: "万元"))
    var valueAddedPerMu: Double = 120

    @Option(name: .customLong("energy-per-value-added"), help: ArgumentHelp("Energy use per 万元 of value added, tce/万元.", valueName: "tce"))
    var energyPerValueAdded: Double = 0.1

    @Option(name: .long, help: "Output format: text, json or markdown (tables for a README).")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Write the vetted sites as GeoJSON (RFC 7946) to this file.", valueName: "file"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Worker threads, each with its own vetting engine (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        guard cellMu.isFinite, cellMu > 0, cellMu <= 15_000 else { throw ValidationError("--cell-mu must be a positive area in 亩 (at most 15000), got \(cellMu)") }
        guard spacingM.isFinite, spacingM >= 50, spacingM <= 100_000 else { throw ValidationError("--spacing-m must be between 50 and 100000 metres, got \(spacingM)") }
        for (name, v) in [("--investment-per-mu", investmentPerMu), ("--output-per-mu", outputPerMu),
                          ("--value-added-per-mu", valueAddedPerMu), ("--energy-per-value-added", energyPerValueAdded)] {
            guard v.isFinite, v >= 0 else { throw ValidationError("\(name) must be a non-negative number, got \(v)") }
        }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
        if let out, out.isEmpty { throw ValidationError("--out needs a file name") }
    }

    func run() throws {
        let plan = try data.load()
        let code = industry.trimmingCharacters(in: .whitespaces).uppercased()
        guard IndustryCatalog.isWellFormed(code), code.count >= 3 else {
            fail("--industry '\(industry)' is not a GB/T 4754-2017 code at division level or finer (e.g. C39, C3971)", code: Exit.badInput)
        }
        guard plan.industries.isKnown(code) else {
            fail("--industry: unknown industry code '\(code)' (not in GeoData/industries.yaml, \(plan.industries.standard))", code: Exit.badInput)
        }
        let settings = GridSettings(industry: code, cellMu: cellMu, spacingM: spacingM, investmentPerMu: investmentPerMu,
                                    outputPerMu: outputPerMu, valueAddedPerMu: valueAddedPerMu, energyPerValueAdded: energyPerValueAdded)
        let started = Date()
        let result: (report: GridReport, cells: [GridCellResult])
        do {
            result = try RuleGrid.run(plan: plan, settings: settings, workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                      progress: TerminalProgress())
        } catch {
            fail("grid vetting failed in a geometry library: \(error)", code: Exit.internalError)
        }
        if !data.quiet {
            note("vetted \(result.report.vettedCells) of \(result.report.cells) sites in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
        if let out {
            let names = Dictionary(plan.features(kind: .county).compactMap { f in f.counties.first.map { ($0, f.name) } }, uniquingKeysWith: { a, _ in a })
            let bytes = RuleGrid.geojson(result.cells, settings: settings, countyNames: names)
            do { try bytes.write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                fail("--out \(out): cannot write: \(error.localizedDescription)", code: Exit.badInput)
            }
            if !data.quiet { note("wrote \(result.report.vettedCells) sites to \(out)") }
        }
        switch format {
        case .text: writeOut(RuleGrid.text(result.report))
        case .json: writeOut(try QueryText.json(result.report))
        case .markdown: writeOut(RuleGrid.markdown(result.report))
        }
    }
}

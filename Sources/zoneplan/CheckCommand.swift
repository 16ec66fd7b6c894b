import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
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

    func validate() throws {
        if files.isEmpty { throw ValidationError("give an application file (or - for standard input)") }
    }

    func run() throws {
        let plan = try data.load()
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
                entries = try ApplicationFile.read(bytes, fileLabel: label, catalog: plan.industries, engine: engine.engine)
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
                    do {
                        let result = try engine.vet(app)
                        vetted.append((entries.count > 1 ? "\(label)#\(i + 1)" : label, app, result))
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

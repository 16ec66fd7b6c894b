import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneQuery
import ZoneStore
import ZoneVetting

struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "List the plan layers with feature counts and provenance.")

    @OptionGroup var data: GeoDataOptions

    @Flag(name: .long, help: "List every feature (id, kind, name, geometry method, accuracy).")
    var features = false

    func run() throws {
        let plan = try data.load()
        var rows: [[String]] = []
        for layer in plan.layers {
            let n = layer.features.count
            let schematic = layer.features.filter(\.schematic).count
            var kinds: [String: Int] = [:]
            for f in layer.features { kinds[f.kind.rawValue, default: 0] += 1 }
            let kindList = kinds.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            let sources = Set(layer.features.map { $0.source.hasPrefix("seed") ? "plan text (seeds)" : String($0.source.prefix(while: { $0 != "(" && $0 != "," })).trimmingCharacters(in: .whitespaces) })
            rows.append([layer.name, layer.title, "\(n)", schematic == 0 ? "real" : (schematic == n ? "schematic" : "\(schematic) schematic"),
                         kindList, sources.sorted().joined(separator: "; ")])
        }
        writeOut(plan.origin.isEmpty ? "GeoData \(plan.geodataVersion) — \(plan.root.path)\n"
                 : plan.origin.hasPrefix("GeoData") ? plan.origin + "\n" : "\(WorkspaceLocator.redacted(plan.origin)) — \(plan.geodataVersion)\n")
        writeOut(Report.table(header: ["layer", "title", "features", "geometry", "kinds", "source"], rows: rows, indent: ""))
        writeOut(QueryText.countyLand(try queryInput { try compiledSnapshot(plan).makeQuery().countyLand() }))
        writeOut("industries: \(plan.industries.standard), \(plan.industries.codes.count) codes, \(plan.industries.terms.count) plan terms; rule pack \(plan.rulePack.version) (effective \(plan.rulePack.effective)), \(plan.rulePack.rules.count) rules\n")
        writeOut("Schematic layers are drawn from the plans' text, not surveyed: an official layer imported by the bureau replaces them.\n")
        if features {
            for layer in plan.layers {
                writeOut("\n[\(layer.name)]\n")
                writeOut(Report.table(header: ["id", "kind", "name", "accuracy m", "geometry", "source"], rows: layer.features.map {
                    [$0.id, $0.kind.rawValue, $0.name, wholeOrOneDecimal($0.accuracyM), String($0.geometryMethod.prefix(60)), $0.source]
                }, indent: "  "))
            }
        }
    }
}

func wholeOrOneDecimal(_ d: Double) -> String {
    d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(format: "%.1f", d)
}

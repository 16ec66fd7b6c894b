import ArgumentParser
import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one feature's attributes, provenance and area.")

    @OptionGroup var data: GeoDataOptions

    @Argument(help: "Feature id, e.g. county-330402 (see `zoneplan layers --features`).")
    var id: String

    @Flag(name: .long, help: "Print the feature as GeoJSON (RFC 7946) instead.")
    var geojson = false

    func run() throws {
        let plan = try data.load()
        guard let f = plan.feature(id: id) else {
            let close = plan.allFeatures.map(\.id).filter { $0.contains(id) || id.contains($0) }.prefix(5)
            fail("no feature with id '\(id)'" + (close.isEmpty ? "" : " (did you mean: \(close.joined(separator: ", "))?)"), code: Exit.notFound)
        }
        if geojson {
            writeOut(String(decoding: GeoJSON.encode(feature: Feature(id: .string(f.id), geometry: f.geometry, properties: f.properties, bbox: nil)), as: UTF8.self) + "\n")
            return
        }
        let measurer = try PlanarMeasurer()
        let areaMu = try measurer.areaMu(lonLat: f.geometry)
        var lines: [(String, String)] = [
            ("id", f.id), ("name", f.displayName), ("kind", f.kind.rawValue), ("layer", f.layer),
            ("area", "\(num2(areaMu)) 亩 = \(num2(Mu.toSquareMetres(areaMu) / 1e6)) km² (EPSG:4549)"),
        ]
        if let s = f.statedAreaKm2 { lines.append(("stated area", "\(num2(s)) km²\(f.properties["stated_area_text"]?.stringValue.map { " (\($0))" } ?? "")")) }
        if let t = f.tier { lines.append(("tier", "\(t.rawValue) \(t.chinese)")) }
        if let c = f.category { lines.append(("category", "\(c.rawValue) \(c.chinese)")) }
        if !f.counties.isEmpty { lines.append(("county", f.counties.joined(separator: ", "))) }
        if let g = f.guidance {
            if !g.lead.isEmpty { lines.append(("重点布局 lead", g.lead.joined(separator: "、"))) }
            if !g.upgrade.isEmpty { lines.append(("改造提升 upgrade", g.upgrade.joined(separator: "、"))) }
            if !g.foster.isEmpty { lines.append(("培育发展 foster", g.foster.joined(separator: "、"))) }
        }
        if !f.industries.isEmpty { lines.append(("industries", f.industries.joined(separator: "、"))) }
        lines.append(("source", f.source))
        lines.append(("geometry", f.geometryMethod))
        lines.append(("schematic", f.schematic ? "yes — drawn from the plan text, not surveyed" : "no"))
        lines.append(("accuracy", "± \(wholeOrOneDecimal(f.accuracyM)) m"))
        let shown = Set(["id", "name", "name_en", "kind", "layer", "source", "geometry_method", "schematic", "accuracy_m", "stated_area_km2", "stated_area_text", "tier", "category", "county", "guidance", "industries"])
        for key in f.properties.keys.sorted() where !shown.contains(key) {
            lines.append((key, render(f.properties[key]!)))
        }
        let w = lines.map { Report.displayWidth($0.0) }.max() ?? 0
        for (k, v) in lines {
            writeOut(k + String(repeating: " ", count: w - Report.displayWidth(k) + 2) + v + "\n")
        }
    }

    func render(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .number(let d): return num2(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "—"
        case .array(let xs): return xs.map(render).joined(separator: "、")
        case .object(let o): return o.keys.sorted().map { "\($0): \(render(o[$0]!))" }.joined(separator: "; ")
        }
    }
}

func num2(_ d: Double) -> String { DecimalText.format(d, places: 2) }

import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

/// Output formats of `zoneplan export`.
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    /// RFC 7946 FeatureCollection.
    case geojson
    /// RFC 8142 GeoJSON Text Sequence: each Feature prefixed by RS (0x1E), ended by LF.
    case geojsonseq
    /// 报部 TXT (勘测定界界址点坐标, the coordinate file for the Ministry), for parcels: CGCS2000
    /// 3° Gauss-Krüger zone 40, X northing, Y easting with the zone prefix, areas in 公顷.
    case baobu

    public var mediaType: String {
        switch self {
        case .geojson: return "application/geo+json"
        case .geojsonseq: return "application/geo+json-seq"
        case .baobu: return "text/plain"
        }
    }

    /// Every format is available; kept so callers need not change.
    public func requireAvailable() throws {}

    /// `.geojsons`, `.geojsonseq`, `.jsonseq`, `.geojsonl` → geojsonseq; else geojson.
    public static func guess(fromPath path: String) -> ExportFormat {
        let ext = (path as NSString).pathExtension.lowercased()
        return ["geojsons", "geojsonseq", "jsonseq", "geojsonl"].contains(ext) ? .geojsonseq : .geojson
    }
}

/// Writes GeoJSON (RFC 7946) and GeoJSON Text Sequences (RFC 8142).
public enum GeoJSONWriter {
    /// The record separator that starts each RFC 8142 record.
    public static let recordSeparator: UInt8 = 0x1E

    /// Writes `features` in `format` through `sink` (called with successive chunks). A sequence is
    /// written one record at a time, so large outputs need not be held in memory twice.
    public static func write(_ features: [Feature], format: ExportFormat, progress: ProgressReporter? = nil,
                             label: String = "export", to sink: (Data) throws -> Void) throws {
        try format.requireAvailable()
        progress?.start(total: features.count, label: label)
        defer { progress?.finish() }
        switch format {
        case .baobu:
            try sink(try BaobuExport.data(features))
        case .geojsonseq:
            for f in features {
                var d = Data([recordSeparator])
                d.append(encode(f))
                d.append(0x0A)
                try sink(d)
                progress?.advance()
            }
        default:
            // A FeatureCollection with a bbox; features are encoded one by one for the progress bar.
            var body = Data("{\"type\":\"FeatureCollection\"".utf8)
            let env = features.compactMap { $0.geometry.flatMap { GeoJSON.rounded($0, 7).envelope } }
                .reduce(nil) { (acc: Envelope?, e) in acc.map { $0.union(e) } ?? e }
            if let env {
                body.append(Data(",\"bbox\":\(JSONValue.array([.number(env.minX), .number(env.minY), .number(env.maxX), .number(env.maxY)]).serialized())".utf8))
            }
            body.append(Data(",\"features\":[".utf8))
            try sink(body)
            for (i, f) in features.enumerated() {
                var d = Data(i == 0 ? "\n".utf8 : ",\n".utf8)
                d.append(encode(f))
                try sink(d)
                progress?.advance()
            }
            try sink(Data("\n]}\n".utf8))
        }
    }

    /// One Feature as compact JSON with `"type":"Feature"` first (GDAL recognises a GeoJSON text
    /// sequence by finding it near the start of the file), then `id`, `bbox`, `properties`, and the
    /// geometry last — RFC 7946 winding, at most 7 decimals, as `GeoJSON.jsonValue` writes it.
    public static func encode(_ f: Feature) -> Data {
        var s = "{\"type\":\"Feature\""
        if let id = f.id { s += ",\"id\":" + id.serialized() }
        if let env = f.geometry.flatMap({ GeoJSON.rounded($0, 7).envelope }) {
            s += ",\"bbox\":" + JSONValue.array([.number(env.minX), .number(env.minY), .number(env.maxX), .number(env.maxY)]).serialized()
        }
        s += ",\"properties\":" + JSONValue.object(f.properties).serialized()
        s += ",\"geometry\":" + (f.geometry.map { GeoJSON.jsonValue($0, decimals: 7) } ?? .null).serialized() + "}"
        return Data(s.utf8)
    }

    /// The whole output in memory.
    public static func data(_ features: [Feature], format: ExportFormat) throws -> Data {
        var out = Data()
        try write(features, format: format) { out.append($0) }
        return out
    }
}

/// Plan layers as GIS features: every property of the GeoData file (Chinese names, `source`,
/// `geometry_method`, `schematic`, `accuracy_m`, …) plus `layer` and `area_mu` (EPSG:4549).
public enum LayerExport {
    /// Features of the named layers (all layers when `layers` is nil), in file order.
    public static func features(plan: PlanData, layers: [String]? = nil, measurer: PlanarMeasurer? = nil,
                                progress: ProgressReporter? = nil) throws -> [Feature] {
        let names = layers ?? plan.layers.map(\.name)
        for n in names where plan.layer(named: n) == nil {
            throw QueryError.notFound("unknown layer '\(n)' (layers: \(plan.layers.map(\.name).joined(separator: ", ")))")
        }
        let m = try measurer ?? PlanarMeasurer()
        let chosen = names.compactMap { plan.layer(named: $0) }
        progress?.start(total: chosen.reduce(0) { $0 + $1.features.count }, label: "measure")
        defer { progress?.finish() }
        var out: [Feature] = []
        for layer in chosen {
            for f in layer.features {
                var p = f.properties
                p["layer"] = .string(layer.name)
                p["area_mu"] = .number(round4(try m.areaMu(lonLat: f.geometry)))
                out.append(Feature(id: .string(f.id), geometry: f.geometry, properties: p))
                progress?.advance()
            }
        }
        return out
    }
}

/// Vetting results as GIS features (one per application, via `Report.geojson`) and the QGIS style.
public enum ResultsExport {
    public struct Batch {
        public var pairs: [(Application, VettingResult)]
        /// One line per application that could not be read (bad input).
        public var errors: [String]
    }

    /// Reads and vets every application of every file. Bad applications are listed in `errors`
    /// and skipped; the others are still vetted.
    public static func vet(files: [(label: String, data: Data)], engine: VettingEngine,
                           progress: ProgressReporter? = nil) throws -> Batch {
        var apps: [Application] = []
        var errors: [String] = []
        for (label, data) in files {
            do {
                for entry in try ApplicationFile.read(data, fileLabel: label, catalog: engine.plan.industries, engine: engine.engine) {
                    switch entry {
                    case .success(let a): apps.append(a)
                    case .failure(let e): errors.append("\(e)")
                    }
                }
            } catch {
                errors.append("\(error)")
            }
        }
        progress?.start(total: apps.count, label: "vetting")
        defer { progress?.finish() }
        var pairs: [(Application, VettingResult)] = []
        for a in apps {
            pairs.append((a, try engine.vet(a)))
            progress?.advance()
        }
        return Batch(pairs: pairs, errors: errors)
    }

    /// The result features (`verdict`, `verdict_zh`, `area_mu`, `fail_rules`, `warn_rules`,
    /// `unverifiable_rules`, `counties`, `platforms`, `rule_<id>[_<check>]`, `findings`, versions).
    public static func features(_ pairs: [(Application, VettingResult)]) throws -> [Feature] {
        let data = try Report.geojson(pairs)
        return try GeoJSON.parseFeatures(data)
    }

    /// Where the style goes: next to `path`, same base name, `.qml` (QGIS loads it as the layer's
    /// default style when the GeoJSON is opened).
    public static func stylePath(for path: String) -> String {
        ((path as NSString).deletingPathExtension) + ".qml"
    }

    /// Verdict colours: approve green, conditional yellow, reject red, incomplete grey.
    public static let verdictColours: [(verdict: Verdict, rgb: String)] = [
        (.approve, "51,160,44"), (.conditional, "255,210,0"), (.reject, "227,26,28"), (.incomplete, "153,153,153"),
    ]

    /// A QGIS 3 layer style: categorized renderer on `verdict`.
    public static func qml() -> String {
        var cats = "", syms = ""
        for (i, c) in verdictColours.enumerated() {
            cats += "      <category render=\"true\" symbol=\"\(i)\" value=\"\(c.verdict.rawValue)\" label=\"\(c.verdict.rawValue) \(c.verdict.chinese)\"/>\n"
            syms += """
                  <symbol type="fill" name="\(i)" alpha="0.8" clip_to_extent="1" force_rhr="0">
                    <layer class="SimpleFill" enabled="1" locked="0" pass="0">
                      <Option type="Map">
                        <Option type="QString" name="color" value="\(c.rgb),255"/>
                        <Option type="QString" name="outline_color" value="35,35,35,255"/>
                        <Option type="QString" name="outline_style" value="solid"/>
                        <Option type="QString" name="outline_width" value="0.4"/>
                        <Option type="QString" name="outline_width_unit" value="MM"/>
                        <Option type="QString" name="style" value="solid"/>
                      </Option>
                      <prop k="color" v="\(c.rgb),255"/>
                      <prop k="outline_color" v="35,35,35,255"/>
                      <prop k="outline_style" v="solid"/>
                      <prop k="outline_width" v="0.4"/>
                      <prop k="outline_width_unit" v="MM"/>
                      <prop k="style" v="solid"/>
                    </layer>
                  </symbol>

            """
        }
        return """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis version="3.28.0" styleCategories="Symbology|Labeling">
          <renderer-v2 type="categorizedSymbol" attr="verdict" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">
            <categories>
        \(cats)    </categories>
            <symbols>
        \(syms)    </symbols>
            <rotation/>
            <sizescale/>
          </renderer-v2>
          <labeling type="simple">
            <settings calloutType="simple">
              <text-style fieldName="name" fontSize="9" textColor="0,0,0,255"/>
              <placement placement="1"/>
            </settings>
          </labeling>
          <layerGeometryType>2</layerGeometryType>
        </qgis>

        """
    }
}

/// Writes polygon features as a 报部 TXT: one parcel per feature, numbered by `parcel_number`
/// (or the feature id), named by `name`, with `land_use` / `land_class` when present.
public enum BaobuExport {
    public static func data(_ features: [Feature], producer: String = "ZonePlanner") throws -> Data {
        let t = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        let parcels: [(attributes: BaobuParcelAttributes, geometry: Geometry)] = features.enumerated().compactMap { i, f in
            guard let g = f.geometry, g.isPolygonal else { return nil }
            let p = f.properties
            let number = p["parcel_number"]?.stringValue ?? p["id"]?.stringValue ?? f.id?.stringValue ?? "\(i + 1)"
            return (BaobuParcelAttributes(number: number, name: p["name"]?.stringValue ?? "",
                                          use: p["land_use"]?.stringValue ?? "", landClass: p["land_class"]?.stringValue ?? ""), g)
        }
        guard !parcels.isEmpty else { throw QueryError.badInput("nothing to write as 报部 TXT: no polygon features") }
        let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let file = try BaobuTXT.file(fromLonLat: parcels, using: t, fileAttributes: BaobuTXT.standardAttributes(producer: producer, date: day))
        return BaobuTXT.write(file)
    }
}

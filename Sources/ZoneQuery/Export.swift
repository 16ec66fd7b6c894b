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
    /// OGC GeoPackage (SQLite): one table per layer, R-tree indexes, QGIS styles embedded.
    case gpkg

    public var mediaType: String {
        switch self {
        case .geojson: return "application/geo+json"
        case .geojsonseq: return "application/geo+json-seq"
        case .baobu: return "text/plain"
        case .gpkg: return "application/geopackage+sqlite3"
        }
    }

    /// Every format is available; kept so callers need not change.
    public func requireAvailable() throws {}

    /// `.geojsons`, `.geojsonseq`, `.jsonseq`, `.geojsonl` → geojsonseq; `.gpkg` → gpkg; else geojson.
    public static func guess(fromPath path: String) -> ExportFormat {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "gpkg" { return .gpkg }
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
        case .gpkg:
            throw QueryError.badInput("a GeoPackage is a database file, not a stream: write it with GeoPackageWriter")
        case .geojsonseq:
            for f in features {
                var d = Data([recordSeparator])
                d.append(encode(f))
                d.append(0x0A)
                try sink(d)
                progress?.advance()
            }
        case .geojson:
            // A FeatureCollection with a bbox; features are encoded one by one for the progress bar.
            try sink(Data(GeoJSONBytes.collectionOpening(features)))
            for (i, f) in features.enumerated() {
                var d = Data(i == 0 ? "\n".utf8 : ",\n".utf8)
                d.append(encode(f))
                try sink(d)
                progress?.advance()
            }
            try sink(Data(GeoJSONBytes.collectionClosing))
        }
    }

    /// One Feature as compact JSON (`GeoJSONBytes.feature`).
    public static func encode(_ f: Feature) -> Data { Data(GeoJSONBytes.feature(f)) }

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
    public static func qml() -> String { style.qml }

    /// The verdict style in QGIS (QML) and OGC SLD form, as a GeoPackage embeds it.
    public static var style: LayerStyle {
        LayerStyle(name: "verdict", attribute: "verdict",
                   classes: verdictColours.map { .init(value: $0.verdict.rawValue, label: "\($0.verdict.rawValue) \($0.verdict.chinese)", rgb: $0.rgb) },
                   fillAlpha: 255)
    }
}

/// A polygon layer style: one fill per value of `attribute` (categorized), or one fill for all
/// (`attribute` nil), written as a QGIS 3 style (QML) and as an OGC SLD 1.1 document.
public struct LayerStyle: Sendable {
    public struct Class: Sendable {
        public var value: String
        public var label: String
        /// "r,g,b".
        public var rgb: String
        public init(value: String, label: String, rgb: String) { self.value = value; self.label = label; self.rgb = rgb }
    }
    public var name: String
    public var attribute: String?
    public var classes: [Class]
    /// Fill opacity 0…255 (outlines are opaque).
    public var fillAlpha: Int
    public var outline = "35,35,35"
    public var outlineWidthMM = 0.4

    public init(name: String, attribute: String?, classes: [Class], fillAlpha: Int, outline: String = "35,35,35", outlineWidthMM: Double = 0.4) {
        self.name = name; self.attribute = attribute; self.classes = classes; self.fillAlpha = fillAlpha
        self.outline = outline; self.outlineWidthMM = outlineWidthMM
    }

    /// The style of a plan layer: functional zones by category, platforms by tier, counties as
    /// outlines, the others as light fills; labelled by `name`.
    public static func planLayer(_ layer: String) -> LayerStyle {
        switch layer {
        case "function_zones":
            let rgb: [FunctionZoneCategory: String] = [.optimized: "166,206,227", .key: "253,191,111", .ecological: "178,223,138", .prohibited: "227,26,28"]
            return LayerStyle(name: "category", attribute: "category",
                              classes: FunctionZoneCategory.allCases.map { .init(value: $0.rawValue, label: "\($0.rawValue) \($0.chinese)", rgb: rgb[$0]!) },
                              fillAlpha: 140)
        case "platforms":
            let rgb: [PlatformTier: String] = [.national: "227,26,28", .provincial: "255,127,0", .regional: "106,61,154",
                                               .seiArea: "31,120,180", .town: "177,89,40", .official: "51,160,44"]
            return LayerStyle(name: "tier", attribute: "tier",
                              classes: PlatformTier.allCases.map { .init(value: $0.rawValue, label: "\($0.rawValue) \($0.chinese)", rgb: rgb[$0]!) },
                              fillAlpha: 120)
        case "admin":
            return LayerStyle(name: "outline", attribute: nil, classes: [.init(value: "", label: "county", rgb: "255,255,255")],
                              fillAlpha: 0, outline: "60,60,60", outlineWidthMM: 0.8)
        case "land":
            return LayerStyle(name: "land", attribute: nil, classes: [.init(value: "", label: "land", rgb: "237,228,200")], fillAlpha: 90)
        case "layout":
            return LayerStyle(name: "layout", attribute: nil, classes: [.init(value: "", label: "layout", rgb: "190,174,212")], fillAlpha: 70)
        case "clusters":
            return LayerStyle(name: "clusters", attribute: nil, classes: [.init(value: "", label: "cluster", rgb: "255,255,153")], fillAlpha: 90)
        default:
            return LayerStyle(name: "default", attribute: nil, classes: [.init(value: "", label: layer, rgb: "150,150,150")], fillAlpha: 100)
        }
    }

    static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// QGIS 3 style: a categorized renderer on `attribute` (single symbol without one), labels on `name`.
    public var qml: String {
        var syms = ""
        for (i, c) in classes.enumerated() {
            syms += """
                  <symbol type="fill" name="\(i)" alpha="1" clip_to_extent="1" force_rhr="0">
                    <layer class="SimpleFill" enabled="1" locked="0" pass="0">
                      <Option type="Map">
                        <Option type="QString" name="color" value="\(c.rgb),\(fillAlpha)"/>
                        <Option type="QString" name="outline_color" value="\(outline),255"/>
                        <Option type="QString" name="outline_style" value="solid"/>
                        <Option type="QString" name="outline_width" value="\(outlineWidthMM)"/>
                        <Option type="QString" name="outline_width_unit" value="MM"/>
                        <Option type="QString" name="style" value="\(fillAlpha == 0 ? "no" : "solid")"/>
                      </Option>
                      <prop k="color" v="\(c.rgb),\(fillAlpha)"/>
                      <prop k="outline_color" v="\(outline),255"/>
                      <prop k="outline_style" v="solid"/>
                      <prop k="outline_width" v="\(outlineWidthMM)"/>
                      <prop k="outline_width_unit" v="MM"/>
                      <prop k="style" v="\(fillAlpha == 0 ? "no" : "solid")"/>
                    </layer>
                  </symbol>

            """
        }
        let renderer: String
        if let attribute {
            let cats = classes.enumerated().map { i, c in
                "      <category render=\"true\" symbol=\"\(i)\" value=\"\(Self.xml(c.value))\" label=\"\(Self.xml(c.label))\"/>\n"
            }.joined()
            renderer = """
              <renderer-v2 type="categorizedSymbol" attr="\(Self.xml(attribute))" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">
                <categories>
            \(cats)    </categories>
                <symbols>
            \(syms)    </symbols>
                <rotation/>
                <sizescale/>
              </renderer-v2>
            """
        } else {
            renderer = """
              <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">
                <symbols>
            \(syms)    </symbols>
                <rotation/>
                <sizescale/>
              </renderer-v2>
            """
        }
        return """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis version="3.28.0" styleCategories="Symbology|Labeling">
        \(renderer)
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

    /// The same style as OGC SLD 1.1 (one rule per class, a property filter on `attribute`).
    public func sld(layer: String) -> String {
        func hex(_ rgb: String) -> String {
            rgb.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { String(format: "%02x", $0) }.joined()
        }
        let rules = classes.map { c -> String in
            let filter = attribute.map {
                "<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>\(Self.xml($0))</ogc:PropertyName><ogc:Literal>\(Self.xml(c.value))</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>"
            } ?? ""
            return """
                <se:Rule><se:Name>\(Self.xml(c.label))</se:Name>\(filter)<se:PolygonSymbolizer>\
            <se:Fill><se:SvgParameter name="fill">#\(hex(c.rgb))</se:SvgParameter><se:SvgParameter name="fill-opacity">\(String(format: "%.2f", Double(fillAlpha) / 255))</se:SvgParameter></se:Fill>\
            <se:Stroke><se:SvgParameter name="stroke">#\(hex(outline))</se:SvgParameter><se:SvgParameter name="stroke-width">\(String(format: "%.2f", outlineWidthMM * 3.78))</se:SvgParameter></se:Stroke>\
            </se:PolygonSymbolizer></se:Rule>
            """
        }.joined(separator: "\n")
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" \
        xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" \
        xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
          <NamedLayer><se:Name>\(Self.xml(layer))</se:Name><UserStyle><se:Name>\(Self.xml(name))</se:Name><se:FeatureTypeStyle>
        \(rules)
          </se:FeatureTypeStyle></UserStyle></NamedLayer>
        </StyledLayerDescriptor>

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

/// A layer as a GIS declares it: one geometry type and one type per attribute across all its
/// features, so GDAL and QGIS see one field type and lose nothing on conversion.
///
/// - `county` is always a **list** of adcodes (`["330402"]` for one county, as for several).
/// - `targets` is always an **object** of named targets, each itself an object (`text`, or the
///   figures with their `unit`); a platform's one-sentence target becomes `{"stated": {"text": …}}`.
/// - Any other attribute that mixes kinds across the layer takes the widest: a scalar beside
///   lists becomes a one-element list, a value beside objects becomes `{"value": …}`, numbers
///   beside text become text. Numbers are `real` unless every value is whole and the name is not
///   a measure (`_mu`, `_m`, `_km2`, …).
/// - Where a layer mixes Polygon and MultiPolygon, every Polygon becomes a one-part MultiPolygon.
/// - `flat`: lists and objects become their JSON text (the field stays `json`: text holding
///   JSON), so a Shapefile or any tool without list fields keeps them.
public struct GISTable: Sendable {
    public var features: [Feature]
    public var fields: [FeatureField]
    /// `POLYGON` or `MULTIPOLYGON` (GeoPackage's geometry type names).
    public var geometryType: String

    public init(_ input: [Feature], flat: Bool = false) {
        var features = input.map { f -> Feature in
            var f = f
            for (k, v) in f.properties { f.properties[k] = Self.canonical(k, v) }
            return f
        }
        // Reconcile the rest, field by field.
        var kinds: [String: Set<Kind>] = [:]
        for f in features { for (k, v) in f.properties { if let kind = Kind(v) { kinds[k, default: []].insert(kind) } } }
        var fields: [FeatureField] = []
        for (name, ks) in kinds {
            let target: Kind
            if ks.contains(.object) { target = .object }
            else if ks.contains(.array) { target = .array }
            else if ks.count == 1 { target = ks.first! }
            else { target = .string }
            let type: FieldType
            switch target {
            case .object, .array: type = .json  // with `flat`, the values are the JSON text
            case .string: type = .text
            case .bool: type = .boolean
            case .number:
                let whole = features.allSatisfy { $0.properties[name]?.doubleValue.map { $0 == $0.rounded() && abs($0) < 9e15 } ?? true }
                type = whole && !Self.isMeasure(name) ? .integer : .real
            }
            fields.append(FeatureField(name: name, type: type))
            for i in features.indices {
                guard let v = features[i].properties[name], Kind(v) != nil else { continue }
                features[i].properties[name] = Self.coerce(v, to: target, flat: flat)
            }
        }
        let leading = ["id", "name", "layer", "kind"]
        fields.sort { a, b in
            let (i, j) = (leading.firstIndex(of: a.name) ?? leading.count, leading.firstIndex(of: b.name) ?? leading.count)
            return i != j ? i < j : a.name < b.name
        }
        let mixed = features.contains { if case .multiPolygon = $0.geometry { return true }; return false }
        if mixed {
            for i in features.indices { if case .polygon(let p)? = features[i].geometry { features[i].geometry = .multiPolygon([p]) } }
        }
        self.features = features
        self.fields = fields
        geometryType = mixed ? "MULTIPOLYGON" : "POLYGON"
    }

    enum Kind: Hashable {
        case string, number, bool, array, object
        init?(_ v: JSONValue) {
            switch v {
            case .string: self = .string
            case .number: self = .number
            case .bool: self = .bool
            case .array: self = .array
            case .object: self = .object
            case .null: return nil
            }
        }
    }

    /// The fixed shapes of the plan's own attributes (whatever else the layer holds).
    static func canonical(_ key: String, _ v: JSONValue) -> JSONValue {
        switch (key, v) {
        case ("county", .string): return .array([v])
        case ("targets", .string): return .object(["stated": .object(["text": v])])
        default: return v
        }
    }

    static func isMeasure(_ name: String) -> Bool {
        ["_mu", "_m", "_m2", "_km", "_km2", "_ha", "_wan", "_tce", "_t", "_share"].contains { name.hasSuffix($0) } || name == "share"
    }

    static func coerce(_ v: JSONValue, to target: Kind, flat: Bool) -> JSONValue {
        var out = v
        switch target {
        case .object: if v.objectValue == nil { out = .object(["value": v]) }
        case .array: if v.arrayValue == nil { out = .array([v]) }
        case .string: if v.stringValue == nil { out = .string(v.serialized()) }
        case .number, .bool: break
        }
        if flat, out.objectValue != nil || out.arrayValue != nil { return .string(out.serialized()) }
        return out
    }
}

import Foundation
import ZoneGeometry

/// A layer feature as both backends store it: the columns a GIS user sees (id, name, kind,
/// schematic, source), every property as sorted JSON, and the geometry as MULTIPOLYGON WKB.
/// One encoding and one decoding, so SpatiaLite and PostGIS hold the same thing.
public struct StoredFeature {
    public var featureId: String
    public var name: String?
    public var kind: String?
    public var schematic: Bool?
    public var source: String?
    public var propertiesJSON: String
    public var wkb: [UInt8]
    // Columns of a layer's current table (schema 5), so QGIS styles and filters without SQL.
    public var tier: String?
    public var category: String?
    /// The county adcodes, comma-separated (`330402` or `330402,330482`).
    public var county: String?
    public var accuracyM: Double?
    /// Area on EPSG:4549 in 亩.
    public var areaMu: Double?

    public init(_ f: Feature, engine: GeometryEngine, measurer: PlanarMeasurer? = nil) throws {
        guard let g = f.geometry else { throw WorkspaceError(.badInput, "feature without geometry") }
        let p = f.properties
        featureId = p["id"]?.stringValue ?? f.id?.stringValue ?? ""
        name = p["name"]?.stringValue
        kind = p["kind"]?.stringValue
        if case .bool(let b)? = p["schematic"] { schematic = b }
        source = p["source"]?.stringValue
        propertiesJSON = String(decoding: try JSONEncoder.sorted.encode(JSONValue.object(p)), as: UTF8.self)
        wkb = try engine.wkb(.multiPolygon(g.polygons))
        tier = p["tier"]?.stringValue
        category = p["category"]?.stringValue
        switch p["county"] {
        case .string(let c)?: county = c
        case .array(let cs)?: county = cs.compactMap(\.stringValue).joined(separator: ",")
        default: county = nil
        }
        accuracyM = p["accuracy_m"]?.doubleValue
        if let measurer { areaMu = (try measurer.areaMu(lonLat: g) * 10000).rounded() / 10000 }
    }

    /// The feature back from its stored id, properties and WKB (a one-part multipolygon comes
    /// back as the polygon it was).
    public static func feature(id: String, propertiesJSON: String, wkb: [UInt8], engine: GeometryEngine) throws -> Feature {
        let props = try JSONDecoder().decode(JSONValue.self, from: Data(propertiesJSON.utf8))
        var g = try engine.geometry(wkb: wkb)
        if case .multiPolygon(let ps) = g, ps.count == 1 { g = .polygon(ps[0]) }
        return Feature(id: .string(id), geometry: g, properties: props.objectValue ?? [:], bbox: nil)
    }

    /// The JSON record a decision is stored as (sorted keys, so equal records are equal text).
    public static func json(_ d: DecisionRecord) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(d), as: UTF8.self)
    }

    /// A decision stored as its JSON record.
    public static func decision(id: Int64?, json: String) throws -> DecisionRecord {
        var d = try JSONDecoder().decode(DecisionRecord.self, from: Data(json.utf8))
        d.id = id
        return d
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

import Foundation
import ZoneGeometry
import ZoneVetting

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
    /// Written directly, member by member in sorted order: the bytes `JSONEncoder.sorted` writes
    /// for the record (`StoredDecisionJSONTests` compare the two), at a fraction of the cost —
    /// the encoder was the largest part of the time a decision holds the writers' lock.
    public static func json(_ d: DecisionRecord) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20 << 10)
        var first = true
        func key(_ k: String) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: k.utf8)
            out.append(contentsOf: "\":".utf8)
        }
        func value(_ v: JSONValue) throws { out.append(contentsOf: try Report.storedJSON(v)) }
        // Keys in UTF-8 byte order, optional members left out when nil (as the encoder does).
        key("application"); try value(d.application)
        key("area_mu"); try value(.number(d.areaMu))
        if let id = d.id { key("id"); try value(.number(Double(id))) }
        key("industries_doc"); try value(.number(Double(d.industriesDoc)))
        key("industry"); try value(.string(d.industry))
        key("input_sha256"); try value(.string(d.inputSha256))
        key("layer_versions"); try value(.object(d.layerVersions.mapValues { .number(Double($0)) }))
        key("name"); try value(.string(d.name))
        if let n = d.note { key("note"); try value(.string(n)) }
        key("official"); try value(.string(d.official))
        key("quota_snapshot"); try value(.object(["balances": .object(d.quotaSnapshot.balances.mapValues { .number($0) })]))
        key("quota_year"); try value(.number(Double(d.quotaYear)))
        key("recorded_at"); try value(.string(d.recordedAt))
        key("result"); out.append(contentsOf: try Report.storedJSON(d.result))
        key("rule_pack_doc"); try value(.number(Double(d.rulePackDoc)))
        key("rule_pack_version"); try value(.string(d.rulePackVersion))
        key("site"); try value(GeoJSON.jsonValue(d.site))
        if let s = d.supersedes { key("supersedes"); try value(.number(Double(s))) }
        key("verdict"); try value(.string(d.verdict.rawValue))
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The record through Foundation's encoder: the reference `json(_:)` is checked against.
    static func encoderJSON(_ d: DecisionRecord) throws -> String {
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

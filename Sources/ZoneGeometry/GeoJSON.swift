import Foundation

/// A GeoJSON Feature. `geometry == nil` is a feature with `"geometry": null`.
public struct Feature: Hashable, Sendable {
    public var id: JSONValue?
    public var geometry: Geometry?
    public var properties: [String: JSONValue]
    public var bbox: [Double]?

    public init(id: JSONValue? = nil, geometry: Geometry?, properties: [String: JSONValue] = [:], bbox: [Double]? = nil) {
        self.id = id
        self.geometry = geometry
        self.properties = properties
        self.bbox = bbox
    }
}

/// RFC 7946 GeoJSON reading and writing. Pure Swift; all functions are thread-safe.
///
/// Coordinates are taken as lon/lat (WGS 84) as RFC 7946 requires; a third ordinate
/// (altitude) is accepted and dropped. A legacy `crs` member is ignored on input and never written.
public enum GeoJSON {

    // MARK: Reading

    /// Parses a FeatureCollection, a Feature or a bare geometry (which becomes one feature
    /// with no properties). Errors are `GeoJSONError` whose path names the offending member,
    /// e.g. `features[3].geometry.coordinates[0][5]`.
    public static func parseFeatures(_ data: Data) throws -> [Feature] {
        try parseFeatures(value: try JSONValue.parse(data))
    }

    /// `parseFeatures(_:)` on a document already parsed.
    public static func parseFeatures(value root: JSONValue) throws -> [Feature] {
        let type = try typeName(root, path: "")
        switch type {
        case "FeatureCollection":
            guard let featuresValue = root["features"] else {
                throw GeoJSONError(path: "", reason: "FeatureCollection has no \"features\" member")
            }
            guard let features = featuresValue.arrayValue else {
                throw GeoJSONError(path: "features", reason: "expected an array, found \(kind(featuresValue))")
            }
            return try features.enumerated().map { i, f in try parseFeature(f, path: "features[\(i)]") }
        case "Feature":
            return [try parseFeature(root, path: "")]
        default:
            return [Feature(geometry: try parseGeometry(root, path: ""))]
        }
    }

    /// Parses a document that must be a single geometry (or a Feature, whose geometry is returned).
    public static func parseGeometry(_ data: Data) throws -> Geometry {
        let root = try JSONValue.parse(data)
        if try typeName(root, path: "") == "Feature" {
            guard let g = try parseFeature(root, path: "").geometry else {
                throw GeoJSONError(path: "geometry", reason: "geometry is null")
            }
            return g
        }
        return try parseGeometry(root, path: "")
    }

    /// Parses one Feature object at `path`.
    public static func parseFeature(_ value: JSONValue, path: String) throws -> Feature {
        let type = try typeName(value, path: path)
        guard type == "Feature" else {
            throw GeoJSONError(path: join(path, "type"), reason: "expected \"Feature\", found \"\(type)\"")
        }
        guard let geometryValue = value["geometry"] else {
            throw GeoJSONError(path: path, reason: "Feature has no \"geometry\" member (use null for none)")
        }
        let geometry: Geometry? = geometryValue.isNull ? nil : try parseGeometry(geometryValue, path: join(path, "geometry"))
        var properties: [String: JSONValue] = [:]
        if let p = value["properties"], !p.isNull {
            guard let o = p.objectValue else {
                throw GeoJSONError(path: join(path, "properties"), reason: "expected an object or null, found \(kind(p))")
            }
            properties = o
        }
        var id: JSONValue?
        if let i = value["id"] {
            switch i {
            case .string, .number: id = i
            default: throw GeoJSONError(path: join(path, "id"), reason: "id must be a string or a number, found \(kind(i))")
            }
        }
        return Feature(id: id, geometry: geometry, properties: properties, bbox: try bbox(value, path: path))
    }

    /// Parses a geometry object at `path` (used to build error paths).
    public static func parseGeometry(_ value: JSONValue, path: String) throws -> Geometry {
        let type = try typeName(value, path: path)
        if type == "GeometryCollection" {
            let p = join(path, "geometries")
            guard let gv = value["geometries"] else {
                throw GeoJSONError(path: path, reason: "GeometryCollection has no \"geometries\" member")
            }
            guard let gs = gv.arrayValue else { throw GeoJSONError(path: p, reason: "expected an array, found \(kind(gv))") }
            _ = try bbox(value, path: path)
            return .geometryCollection(try gs.enumerated().map { i, g in try parseGeometry(g, path: "\(p)[\(i)]") })
        }
        guard ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"].contains(type) else {
            throw GeoJSONError(path: join(path, "type"), reason: "unknown geometry type \"\(type)\"")
        }
        let p = join(path, "coordinates")
        guard let c = value["coordinates"] else {
            throw GeoJSONError(path: path, reason: "\(type) has no \"coordinates\" member")
        }
        _ = try bbox(value, path: path)
        switch type {
        case "Point": return .point(try position(c, path: p))
        case "MultiPoint": return .multiPoint(try array(c, path: p).enumerated().map { try position($1, path: "\(p)[\($0)]") })
        case "LineString": return .lineString(try line(c, path: p))
        case "MultiLineString": return .multiLineString(try array(c, path: p).enumerated().map { try line($1, path: "\(p)[\($0)]") })
        case "Polygon": return .polygon(try polygon(c, path: p))
        default: return .multiPolygon(try array(c, path: p).enumerated().map { try polygon($1, path: "\(p)[\($0)]") })
        }
    }

    // MARK: Writing

    /// RFC 7946 FeatureCollection: exterior rings counter-clockwise, holes clockwise, coordinates
    /// rounded to `decimals` (trailing zeros stripped), no `crs`, keys sorted, optional `bbox`
    /// (computed from the geometry; a feature's own `bbox` field is ignored).
    public static func encode(features: [Feature], decimals: Int = 7, includeBBox: Bool = true) -> Data {
        var members: [String: JSONValue] = [
            "type": .string("FeatureCollection"),
            "features": .array(features.map { featureValue($0, decimals: decimals, includeBBox: includeBBox) }),
        ]
        if includeBBox {
            let env = features.compactMap { $0.geometry.flatMap { rounded($0, decimals).envelope } }.reduce(nil) { (acc: Envelope?, e) in
                acc.map { $0.union(e) } ?? e
            }
            if let env { members["bbox"] = bboxValue(env) }
        }
        return Data(JSONValue.object(members).serialized().utf8)
    }

    /// One Feature object; same rules as `encode(features:)`.
    public static func encode(feature: Feature, decimals: Int = 7, includeBBox: Bool = true) -> Data {
        Data(featureValue(feature, decimals: decimals, includeBBox: includeBBox).serialized().utf8)
    }

    /// One geometry as a compact GeoJSON string.
    public static func encode(geometry: Geometry, decimals: Int = 7) -> Data {
        Data(jsonValue(geometry, decimals: decimals).serialized().utf8)
    }

    /// The GeoJSON geometry object for `g` (RFC 7946 winding, rounded coordinates). An empty
    /// polygon is written with `"coordinates": []`.
    public static func jsonValue(_ g: Geometry, decimals: Int = 7) -> JSONValue {
        let r = Winding.rfc7946(rounded(g, decimals))
        func pos(_ c: Coordinate) -> JSONValue { .array([.number(c.x), .number(c.y)]) }
        func line(_ cs: [Coordinate]) -> JSONValue { .array(cs.map(pos)) }
        func poly(_ p: Polygon) -> JSONValue { p.isEmpty ? .array([]) : .array(p.rings.map(line)) }
        let coordinates: JSONValue
        switch r {
        case .point(let c): coordinates = pos(c)
        case .multiPoint(let cs), .lineString(let cs): coordinates = line(cs)
        case .multiLineString(let ls): coordinates = .array(ls.map(line))
        case .polygon(let p): coordinates = poly(p)
        case .multiPolygon(let ps): coordinates = .array(ps.map(poly))
        case .geometryCollection(let gs):
            return .object(["type": .string("GeometryCollection"), "geometries": .array(gs.map { jsonValue($0, decimals: decimals) })])
        }
        return .object(["type": .string(r.typeName), "coordinates": coordinates])
    }

    /// Rounds every coordinate to `decimals` places (half away from zero), exactly as written.
    public static func rounded(_ g: Geometry, _ decimals: Int) -> Geometry {
        g.mapCoordinates { Coordinate(round($0.x, decimals), round($0.y, decimals)) }
    }

    static func round(_ d: Double, _ decimals: Int) -> Double {
        // 7 (every output's precision) without formatting text: the same value, integer arithmetic.
        if decimals == 7 { return GeoJSONBytes.round7(d) }
        return Double(JSONWriter.format(d, decimals: decimals)) ?? d
    }

    static func featureValue(_ f: Feature, decimals: Int, includeBBox: Bool) -> JSONValue {
        var o: [String: JSONValue] = [
            "type": .string("Feature"),
            "geometry": f.geometry.map { jsonValue($0, decimals: decimals) } ?? .null,
            "properties": .object(f.properties),
        ]
        if let id = f.id { o["id"] = id }
        if includeBBox, let env = f.geometry.flatMap({ rounded($0, decimals).envelope }) { o["bbox"] = bboxValue(env) }
        return .object(o)
    }

    static func bboxValue(_ e: Envelope) -> JSONValue {
        .array([.number(e.minX), .number(e.minY), .number(e.maxX), .number(e.maxY)])
    }

    // MARK: Helpers

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static func typeName(_ v: JSONValue, path: String) throws -> String {
        guard v.objectValue != nil else { throw GeoJSONError(path: path, reason: "expected a GeoJSON object, found \(kind(v))") }
        guard let t = v["type"] else { throw GeoJSONError(path: path, reason: "object has no \"type\" member") }
        guard let s = t.stringValue else { throw GeoJSONError(path: join(path, "type"), reason: "type must be a string, found \(kind(t))") }
        return s
    }

    static func array(_ v: JSONValue, path: String) throws -> [JSONValue] {
        guard let a = v.arrayValue else { throw GeoJSONError(path: path, reason: "expected an array, found \(kind(v))") }
        return a
    }

    static func number(_ v: JSONValue, path: String) throws -> Double {
        guard let d = v.doubleValue else { throw GeoJSONError(path: path, reason: "expected a number, found \(kind(v))") }
        guard d.isFinite else { throw GeoJSONError(path: path, reason: "non-finite number") }
        return d
    }

    // Paths are built only for an error (`@autoclosure`): building one per coordinate was most
    // of the time spent reading a site or a layer.

    static func position(_ v: JSONValue, path: @autoclosure () -> String) throws -> Coordinate {
        guard case .array(let a) = v else { throw GeoJSONError(path: path(), reason: "expected an array, found \(kind(v))") }
        guard (2...3).contains(a.count) else {
            throw GeoJSONError(path: path(), reason: "position must have 2 or 3 numbers, found \(a.count)")
        }
        var xy = (0.0, 0.0)
        for (k, e) in a.enumerated() {
            guard case .number(let d) = e else { throw GeoJSONError(path: "\(path())[\(k)]", reason: "expected a number, found \(kind(e))") }
            guard d.isFinite else { throw GeoJSONError(path: "\(path())[\(k)]", reason: "non-finite number") }
            if k == 0 { xy.0 = d } else if k == 1 { xy.1 = d }
        }
        return Coordinate(xy.0, xy.1)
    }

    /// The positions of an array at `path`.
    static func positions(_ v: JSONValue, path: @autoclosure () -> String) throws -> [Coordinate] {
        guard case .array(let a) = v else { throw GeoJSONError(path: path(), reason: "expected an array, found \(kind(v))") }
        var cs: [Coordinate] = []
        cs.reserveCapacity(a.count)
        for (j, p) in a.enumerated() { cs.append(try position(p, path: "\(path())[\(j)]")) }
        return cs
    }

    static func line(_ v: JSONValue, path: String) throws -> [Coordinate] {
        let cs = try positions(v, path: path)
        if cs.count < 2 { throw GeoJSONError(path: path, reason: "line string needs at least 2 positions, found \(cs.count)") }
        return cs
    }

    static func polygon(_ v: JSONValue, path: String) throws -> Polygon {
        let rings = try array(v, path: path).enumerated().map { i, r -> [Coordinate] in
            let cs = try positions(r, path: "\(path)[\(i)]")
            if cs.count < 4 { throw GeoJSONError(path: "\(path)[\(i)]", reason: "linear ring needs at least 4 positions, found \(cs.count)") }
            if cs.first != cs.last { throw GeoJSONError(path: "\(path)[\(i)]", reason: "linear ring is not closed (first position ≠ last)") }
            return cs
        }
        guard let exterior = rings.first else { return Polygon(exterior: []) }
        return Polygon(exterior: exterior, holes: Array(rings.dropFirst()))
    }

    static func bbox(_ v: JSONValue, path: String) throws -> [Double]? {
        guard let b = v["bbox"] else { return nil }
        let p = join(path, "bbox")
        let ns = try array(b, path: p).enumerated().map { try number($1, path: "\(p)[\($0)]") }
        guard ns.count == 4 || ns.count == 6 else { throw GeoJSONError(path: p, reason: "bbox must have 4 or 6 numbers, found \(ns.count)") }
        return ns
    }
}

import Foundation
import Hummingbird
import ZoneGeometry
import ZonePlan

/// OGC API – Features, Part 1 (Core, GeoJSON, OpenAPI 3.0) over the plan layers and the decisions.
struct OGCFeatures: Sendable {
    let plan: PlanData
    let hasDecisions: Bool
    let extents: [String: Envelope]

    static let conformanceClasses = [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    static let defaultLimit = 10
    static let maxLimit = 1000

    init(plan: PlanData, hasDecisions: Bool) {
        self.plan = plan
        self.hasDecisions = hasDecisions
        var e: [String: Envelope] = [:]
        for l in plan.layers {
            e[l.name] = l.features.compactMap(\.geometry.envelope).reduce(nil) { (a: Envelope?, x) in a.map { $0.union(x) } ?? x }
        }
        extents = e
    }

    var collectionIds: [String] { plan.layers.map(\.name) + (hasDecisions ? ["decisions"] : []) }

    static func link(_ href: String, _ rel: String, _ type: String, _ title: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["href": .string(href), "rel": .string(rel), "type": .string(type)]
        if let title { o["title"] = .string(title) }
        return .object(o)
    }

    static func respond(_ v: JSONValue, type: String = "application/json") -> Response {
        jsonResponse(Data((v.serialized() + "\n").utf8), type: type)
    }

    func landing(base: String) -> Response {
        Self.respond(.object([
            "title": .string("ZonePlanner 嘉兴工业项目选址审查"),
            "description": .string("Plan layers of Jiaxing (schematic apart from the county boundaries), site vetting and the decision ledger. GeoData \(plan.geodataVersion), rule pack \(plan.rulePack.version)."),
            "links": .array([
                Self.link("\(base)/", "self", "application/json", "this document"),
                Self.link("\(base)/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
                Self.link("\(base)/conformance", "conformance", "application/json", "conformance classes"),
                Self.link("\(base)/collections", "data", "application/json", "the collections"),
                Self.link("\(base)/map", "alternate", "text/html", "the map page 地图"),
            ]),
        ]))
    }

    func conformance() -> Response {
        Self.respond(.object(["conformsTo": .array(Self.conformanceClasses.map(JSONValue.string))]))
    }

    func collectionValue(_ id: String, base: String, decisionsExtent: Envelope?) -> JSONValue? {
        let title: String, description: String, extent: Envelope?
        if id == "decisions", hasDecisions {
            title = "审查决定 recorded decisions"
            description = "The sites of the decisions recorded in the workspace ledger, with verdict and versions."
            extent = decisionsExtent
        } else if let l = plan.layer(named: id) {
            title = l.title
            description = "\(l.title): \(l.features.count) features from \(l.file)" + (l.features.contains { $0.schematic } ? " (schematic)" : "")
            extent = extents[id]
        } else {
            return nil
        }
        var o: [String: JSONValue] = [
            "id": .string(id), "title": .string(title), "description": .string(description), "itemType": .string("feature"),
            "crs": .array([.string(Self.crs84)]),
            "links": .array([
                Self.link("\(base)/collections/\(id)", "self", "application/json"),
                Self.link("\(base)/collections/\(id)/items", "items", "application/geo+json", "the features"),
            ]),
        ]
        if let e = extent {
            o["extent"] = .object(["spatial": .object([
                "bbox": .array([.array([e.minX, e.minY, e.maxX, e.maxY].map(JSONValue.number))]), "crs": .string(Self.crs84)])])
        }
        return .object(o)
    }

    func collections(base: String, decisionsExtent: Envelope?) throws -> Response {
        Self.respond(.object([
            "links": .array([Self.link("\(base)/collections", "self", "application/json")]),
            "collections": .array(collectionIds.compactMap { collectionValue($0, base: base, decisionsExtent: decisionsExtent) }),
        ]))
    }

    func collection(id: String, base: String, decisionsExtent: Envelope?) throws -> Response {
        guard let v = collectionValue(id, base: base, decisionsExtent: decisionsExtent) else {
            throw APIError(.notFound, "no collection '\(id)' (collections: \(collectionIds.joined(separator: ", ")))")
        }
        return Self.respond(v)
    }

    /// `bbox=minLon,minLat,maxLon,maxLat` (CRS84; 6 numbers take the horizontal part).
    static func parseBBox(_ s: String) throws -> Envelope {
        let ns = s.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard ns.count == 4 || ns.count == 6, ns.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw APIError(.badRequest, "bbox: expected 4 numbers minLon,minLat,maxLon,maxLat, got '\(s)'")
        }
        let v = ns.map { $0! }
        let e = ns.count == 4 ? Envelope(minX: v[0], minY: v[1], maxX: v[2], maxY: v[3]) : Envelope(minX: v[0], minY: v[1], maxX: v[3], maxY: v[4])
        guard e.minX <= e.maxX, e.minY <= e.maxY else { throw APIError(.badRequest, "bbox: the minimum must not exceed the maximum") }
        return e
    }

    func items(collection: String, features: [Feature], request: Request, base: String) throws -> Response {
        let q = request.uri.queryParameters
        for key in q.map({ String($0.key) }) where !["bbox", "limit", "offset", "f", "bbox-crs"].contains(key) {
            throw APIError(.badRequest, "unknown query parameter '\(key)' (known: bbox, limit, offset)")
        }
        if let f = q.get("f"), !["json", "geojson"].contains(f) { throw APIError(.badRequest, "f: only json/geojson is offered") }
        if let c = q.get("bbox-crs"), c != Self.crs84 { throw APIError(.badRequest, "bbox-crs: only \(Self.crs84) is supported") }
        var limit = Self.defaultLimit
        if let s = q.get("limit") {
            guard let v = Int(s), v >= 1 else { throw APIError(.badRequest, "limit: expected a whole number ≥ 1, got '\(s)'") }
            limit = min(v, Self.maxLimit)
        }
        var offset = 0
        if let s = q.get("offset") {
            guard let v = Int(s), v >= 0 else { throw APIError(.badRequest, "offset: expected a whole number ≥ 0, got '\(s)'") }
            offset = v
        }
        var matched = features
        var bboxText: String?
        if let s = q.get("bbox") {
            let box = try Self.parseBBox(s)
            bboxText = s
            let engine = GeometryEngine()
            let boxGeom = Geometry.polygon(Polygon(exterior: [
                Coordinate(box.minX, box.minY), Coordinate(box.maxX, box.minY), Coordinate(box.maxX, box.maxY),
                Coordinate(box.minX, box.maxY), Coordinate(box.minX, box.minY)]))
            matched = try features.filter { f in
                guard let g = f.geometry, let e = g.envelope, e.intersects(box) else { return false }
                if box.contains(e) { return true }
                return try engine.intersects(g, boxGeom)
            }
        }
        let page = offset < matched.count ? Array(matched[offset..<min(matched.count, offset + limit)]) : []
        func href(_ off: Int) -> String {
            var parts = ["limit=\(limit)", "offset=\(off)"]
            if let b = bboxText { parts.append("bbox=\(b.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? b)") }
            return "\(base)/collections/\(collection)/items?" + parts.joined(separator: "&")
        }
        var links: [JSONValue] = [
            Self.link(href(offset), "self", "application/geo+json"),
            Self.link("\(base)/collections/\(collection)", "collection", "application/json"),
        ]
        if offset + page.count < matched.count { links.append(Self.link(href(offset + page.count), "next", "application/geo+json", "next page")) }
        if offset > 0 { links.append(Self.link(href(max(0, offset - limit)), "prev", "application/geo+json", "previous page")) }
        let stamp = ISO8601DateFormatter().string(from: Date())
        var out = "{\"type\":\"FeatureCollection\",\"features\":["
        out += page.map { String(decoding: GeoJSON.encode(feature: $0), as: UTF8.self) }.joined(separator: ",")
        out += "],\"numberMatched\":\(matched.count),\"numberReturned\":\(page.count),\"timeStamp\":\"\(stamp)\",\"links\":"
        out += JSONValue.array(links).serialized() + "}\n"
        return jsonResponse(Data(out.utf8), type: "application/geo+json")
    }

    func item(collection: String, featureId: String, features: [Feature], base: String) throws -> Response {
        guard let f = features.first(where: { f in
            switch f.id {
            case .string(let s)?: return s == featureId
            case .number(let d)?: return Double(featureId) == d
            default: return false
            }
        }) else { throw APIError(.notFound, "no feature '\(featureId)' in collection '\(collection)'") }
        var v = try JSONValue.parse(GeoJSON.encode(feature: f))
        if case .object(var o) = v {
            o["links"] = .array([
                Self.link("\(base)/collections/\(collection)/items/\(featureId)", "self", "application/geo+json"),
                Self.link("\(base)/collections/\(collection)", "collection", "application/json"),
            ])
            v = .object(o)
        }
        return Self.respond(v, type: "application/geo+json")
    }

    // MARK: OpenAPI 3.0

    func openAPI(base: String) -> Response {
        func param(_ name: String, _ where_: String, _ type: String, _ desc: String, required: Bool = false) -> JSONValue {
            .object(["name": .string(name), "in": .string(where_), "required": .bool(required || where_ == "path"),
                     "description": .string(desc), "schema": .object(["type": .string(type)])])
        }
        func resp(_ desc: String, _ types: [String]) -> JSONValue {
            .object(["description": .string(desc), "content": .object(Dictionary(uniqueKeysWithValues: types.map { ($0, JSONValue.object([:])) }))])
        }
        let errors: [String: JSONValue] = ["400": resp("bad input: {\"error\": one line}", ["application/json"]),
                                           "404": resp("not found", ["application/json"])]
        func op(_ summary: String, _ id: String, params: [JSONValue] = [], ok: JSONValue, body: [String]? = nil,
                secured: Bool = false, extra: [String: JSONValue] = [:]) -> JSONValue {
            var o: [String: JSONValue] = ["summary": .string(summary), "operationId": .string(id), "parameters": .array(params)]
            var rs = errors.merging(extra) { $1 }
            rs["200"] = ok
            o["responses"] = .object(rs)
            if let body {
                o["requestBody"] = .object(["required": .bool(true), "content": .object(Dictionary(uniqueKeysWithValues: body.map { ($0, JSONValue.object([:])) }))])
            }
            if secured { o["security"] = .array([.object(["bearer": .array([])])]) }
            return .object(o)
        }
        let collectionId = param("collectionId", "path", "string", "a layer name (\(plan.layers.map(\.name).joined(separator: ", "))) or decisions")
        let appParams = ["name", "industry", "investment_wan", "output_wan", "value_added_wan", "energy_tce", "declared_area_mu"].map {
            param($0, "query", "string", "with a 报部 TXT body: the application's \($0)")
        }
        let tooLarge = ["413": resp("body larger than the limit", ["application/json"])]
        let authErr = ["401": resp("missing or wrong bearer token", ["application/json"]), "403": resp("writes disabled (no token configured)", ["application/json"])]
        let paths: [String: JSONValue] = [
            "/": .object(["get": op("Landing page", "getLandingPage", ok: resp("landing page", ["application/json"]))]),
            "/conformance": .object(["get": op("Conformance classes", "getConformanceDeclaration", ok: resp("conformance", ["application/json"]))]),
            "/api": .object(["get": op("This document", "getAPI", ok: resp("OpenAPI 3.0", ["application/vnd.oai.openapi+json;version=3.0"]))]),
            "/collections": .object(["get": op("The collections", "getCollections", ok: resp("collections", ["application/json"]))]),
            "/collections/{collectionId}": .object(["get": op("One collection", "describeCollection", params: [collectionId], ok: resp("collection", ["application/json"]))]),
            "/collections/{collectionId}/items": .object(["get": op("Features of a collection", "getFeatures", params: [
                collectionId,
                param("bbox", "query", "string", "minLon,minLat,maxLon,maxLat (CRS84)"),
                .object(["name": .string("limit"), "in": .string("query"), "required": .bool(false),
                         "schema": .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(Double(Self.maxLimit)), "default": .number(Double(Self.defaultLimit))])]),
                param("offset", "query", "integer", "start of the page (follow the next link)"),
            ], ok: resp("features", ["application/geo+json"]))]),
            "/collections/{collectionId}/items/{featureId}": .object(["get": op("One feature", "getFeature", params: [
                collectionId, param("featureId", "path", "string", "feature id")], ok: resp("feature", ["application/geo+json"]))]),
            "/vet": .object(["post": op("Vet applications (same JSON as zoneplan check --format json)", "vet",
                                        params: [param("format", "query", "string", "json (default) or geojson")] + appParams,
                                        ok: resp("the vetting result", ["application/json", "application/geo+json"]),
                                        body: ["application/geo+json", "application/json", "text/plain"], extra: tooLarge)]),
            "/report": .object(["post": op("Printable decision report (HTML)", "report", params: appParams, ok: resp("report", ["text/html"]),
                                           body: ["application/geo+json", "text/plain"], extra: tooLarge)]),
            "/where": .object(["get": op("What applies at a point", "where", params: [
                param("lon", "query", "number", "longitude (WGS 84)", required: true), param("lat", "query", "number", "latitude (WGS 84)", required: true),
                param("crs", "query", "string", "EPSG:4326 (default), EPSG:4490, EPSG:4549, EPSG:4528 or gcj02")], ok: resp("place report", ["application/json"]))]),
            "/decisions": .object([
                "get": op("Recorded decisions", "listDecisions", ok: resp("decisions", ["application/json"])),
                "post": op("Vet and record a decision (zoneplan check --record)", "recordDecision", params: [
                    param("official", "query", "string", "who records it"), param("note", "query", "string", "the official's note"),
                    param("supersedes", "query", "integer", "decision id this one revises"), param("year", "query", "integer", "quota year"),
                    param("dry_run", "query", "boolean", "show what would be recorded")] + appParams,
                           ok: resp("dry run", ["application/json"]), body: ["application/geo+json", "text/plain"], secured: true,
                           extra: authErr.merging(tooLarge) { $1 }.merging(["201": resp("recorded", ["application/json"])]) { $1 }),
            ]),
            "/decisions/{id}": .object(["get": op("One decision", "getDecision", params: [param("id", "path", "integer", "decision id")], ok: resp("decision", ["application/json"]))]),
            "/decisions/{id}/report": .object(["get": op("Printable report of a decision", "getDecisionReport", params: [param("id", "path", "integer", "decision id")], ok: resp("report", ["text/html"]))]),
            "/quotas": .object([
                "get": op("Land-quota accounts", "getQuotas", params: [param("year", "query", "integer", "only this year")], ok: resp("accounts", ["application/json"])),
                "post": op("Set a year's allocation {kind, ref, year, mu, name?, note?, official?}", "setQuota", ok: resp("entry", ["application/json"]),
                           body: ["application/json"], secured: true, extra: authErr.merging(["201": resp("allocation entry", ["application/json"])]) { $1 }),
            ]),
            "/map": .object(["get": op("The map page", "map", ok: resp("HTML", ["text/html"]))]),
        ]
        let doc: JSONValue = .object([
            "openapi": .string("3.0.3"),
            "info": .object(["title": .string("ZonePlanner API"), "version": .string(plan.rulePack.version),
                             "description": .string("OGC API – Features over the Jiaxing plan layers, site vetting and the decision ledger.")]),
            "servers": .array([.object(["url": .string(base)])]),
            "paths": .object(paths),
            "components": .object(["securitySchemes": .object(["bearer": .object(["type": .string("http"), "scheme": .string("bearer")])])]),
        ])
        return Self.respond(doc, type: "application/vnd.oai.openapi+json;version=3.0")
    }
}

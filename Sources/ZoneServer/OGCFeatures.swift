import Foundation
import Hummingbird
import ZoneGeometry
import ZonePlan

/// OGC API – Features, Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) over the plan layers and the
/// decisions. One value per plan snapshot: the encoded layers and bodies it keeps are dropped
/// with it when an import swaps the snapshot.
struct OGCFeatures: Sendable {
    let plan: PlanData
    let hasDecisions: Bool
    let extents: [String: Envelope]
    /// When this snapshot was loaded: `Last-Modified` and the pages' `timeStamp`.
    let loadedAt: Date
    let layers: LayerStore
    let cache = BodyCache()

    static let conformanceClasses = [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    static let queryablesRel = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
    static let defaultLimit = 10
    static let maxLimit = 1000
    static let geojsonType = "application/geo+json"
    static let htmlType = "text/html; charset=utf-8"
    static let layerTimeNote = "The plan layers carry no validity dates: they are the plan in force. `datetime` is accepted (and checked) but does not filter them."
    static let decisionTimeNote = "`datetime` filters on recorded_at, the time the decision was recorded."

    init(plan: PlanData, hasDecisions: Bool) {
        self.plan = plan
        self.hasDecisions = hasDecisions
        var e: [String: Envelope] = [:]
        for l in plan.layers {
            e[l.name] = l.features.compactMap(\.geometry.envelope).reduce(nil) { (a: Envelope?, x) in a.map { $0.union(x) } ?? x }
        }
        extents = e
        loadedAt = Date()
        layers = LayerStore(plan: plan)
    }

    var collectionIds: [String] { plan.layers.map(\.name) + (hasDecisions ? ["decisions"] : []) }
    var lastModified: Date { loadedAt }

    static func link(_ href: String, _ rel: String, _ type: String, _ title: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["href": .string(href), "rel": .string(rel), "type": .string(type)]
        if let title { o["title"] = .string(title) }
        return .object(o)
    }

    // MARK: representations

    /// HTML or JSON: `f=html|json` first, else the `Accept` header (a browser's `text/html` ranks
    /// above its `*/*`; GDAL, QGIS and curl get JSON).
    static func wantsHTML(_ request: Request) throws -> Bool {
        if let f = request.uri.queryParameters.get("f") {
            switch f.lowercased() {
            case "html": return true
            case "json", "geojson": return false
            default: throw APIError(.badRequest, "f: expected json or html, got '\(f.prefix(40))'")
            }
        }
        var qHTML = 0.0, qJSON = 0.0
        for part in (request.headers[.accept] ?? "").lowercased().split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = fields.first else { continue }
            let q = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if type == "text/html" || type == "application/xhtml+xml" { qHTML = max(qHTML, q) }
            if type.contains("json") || type == "*/*" || type == "application/*" { qJSON = max(qJSON, q) }
        }
        return qHTML > 0 && qHTML > qJSON
    }

    /// A small document kept per snapshot, keyed by what it depends on, validated by its content.
    func document(_ request: Request, key: [String], html: Bool, cacheable: Bool = true,
                  json: () throws -> (JSONValue, String), page: () throws -> String) rethrows -> Response {
        func make() throws -> CachedBody {
            if html { return CachedBody(bytes: Array(try page().utf8), type: Self.htmlType) }
            let (v, type) = try json()
            return CachedBody(bytes: Array((v.serialized() + "\n").utf8), type: type)
        }
        let body = cacheable ? try cache.body((key + [html ? "html" : "json"]).joined(separator: "\u{1F}"), make: make) : try make()
        return HTTPCaching.respond(request, body, policy: .revalidate, lastModified: cacheable ? loadedAt : nil, varyAccept: true)
    }

    // MARK: landing, conformance, API

    func landingValue(base: String) -> JSONValue {
        .object([
            "title": .string("ZonePlanner 嘉兴工业项目选址审查"),
            "description": .string("Plan layers of Jiaxing (schematic apart from the county boundaries), site vetting and the decision ledger. GeoData \(plan.geodataVersion), rule pack \(plan.rulePack.version)."),
            "links": .array([
                Self.link("\(base)/", "self", "application/json", "this document"),
                Self.link("\(base)/?f=html", "alternate", "text/html", "this document as HTML"),
                Self.link("\(base)/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
                Self.link("\(base)/api?f=html", "service-doc", "text/html", "the API documentation"),
                Self.link("\(base)/conformance", "conformance", "application/json", "conformance classes"),
                Self.link("\(base)/collections", "data", "application/json", "the collections"),
                Self.link("\(base)/map", "alternate", "text/html", "the map page 地图"),
            ]),
        ])
    }

    func landing(_ request: Request, base: String) throws -> Response {
        let html = try Self.wantsHTML(request)
        return document(request, key: ["landing", base], html: html,
                        json: { (landingValue(base: base), "application/json") },
                        page: { OGCHTML.landing(landingValue(base: base)) })
    }

    func conformance(_ request: Request) throws -> Response {
        let v: JSONValue = .object(["conformsTo": .array(Self.conformanceClasses.map(JSONValue.string))])
        return document(request, key: ["conformance"], html: try Self.wantsHTML(request),
                        json: { (v, "application/json") }, page: { OGCHTML.conformance(Self.conformanceClasses) })
    }

    func api(_ request: Request, base: String) throws -> Response {
        document(request, key: ["api", base], html: try Self.wantsHTML(request),
                 json: { (openAPIValue(base: base), "application/vnd.oai.openapi+json;version=3.0") },
                 page: { OGCHTML.apiDoc(openAPIValue(base: base)) })
    }

    // MARK: collections

    func collectionValue(_ id: String, base: String, decisionsExtent: Envelope?) -> JSONValue? {
        let title: String, description: String, extent: Envelope?, timeNote: String
        if id == "decisions", hasDecisions {
            title = "审查决定 recorded decisions"
            description = "The sites of the decisions recorded in the workspace ledger, with verdict and versions."
            extent = decisionsExtent
            timeNote = Self.decisionTimeNote
        } else if let l = plan.layer(named: id) {
            title = l.title
            description = "\(l.title): \(l.features.count) features from \(l.file)" + (l.features.contains { $0.schematic } ? " (schematic)" : "")
            extent = extents[id]
            timeNote = Self.layerTimeNote
        } else {
            return nil
        }
        let c = "\(base)/collections/\(id)"
        var o: [String: JSONValue] = [
            "id": .string(id), "title": .string(title), "description": .string(description + ". " + timeNote), "itemType": .string("feature"),
            "crs": .array([.string(Self.crs84)]),
            "temporal_property": id == "decisions" ? .string("recorded_at") : .null,
            "links": .array([
                Self.link(c, "self", "application/json"),
                Self.link("\(c)?f=html", "alternate", "text/html"),
                Self.link("\(c)/items", "items", Self.geojsonType, "the features"),
                Self.link("\(c)/items?f=html", "items", "text/html", "the features as HTML"),
                Self.link("\(c)/queryables", Self.queryablesRel, "application/schema+json", "the properties to filter on"),
            ]),
        ]
        var ext: [String: JSONValue] = [
            // Open at both ends: the layers have no validity dates; the ledger grows.
            "temporal": .object(["interval": .array([.array([.null, .null])]),
                                 "trs": .string("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian")]),
        ]
        if let e = extent {
            ext["spatial"] = .object(["bbox": .array([.array([e.minX, e.minY, e.maxX, e.maxY].map(JSONValue.number))]), "crs": .string(Self.crs84)])
        }
        o["extent"] = .object(ext)
        return .object(o)
    }

    func collections(_ request: Request, base: String, decisionsExtent: Envelope?) throws -> Response {
        let v: JSONValue = .object([
            "links": .array([Self.link("\(base)/collections", "self", "application/json"),
                             Self.link("\(base)/collections?f=html", "alternate", "text/html")]),
            "collections": .array(collectionIds.compactMap { collectionValue($0, base: base, decisionsExtent: decisionsExtent) }),
        ])
        return document(request, key: ["collections", base], html: try Self.wantsHTML(request), cacheable: !hasDecisions,
                        json: { (v, "application/json") }, page: { OGCHTML.collections(v) })
    }

    func collection(_ request: Request, id: String, base: String, decisionsExtent: Envelope?) throws -> Response {
        guard let v = collectionValue(id, base: base, decisionsExtent: decisionsExtent) else { throw unknownCollection(id) }
        return document(request, key: ["collection", id, base], html: try Self.wantsHTML(request), cacheable: id != "decisions",
                        json: { (v, "application/json") }, page: { OGCHTML.collection(v) })
    }

    func unknownCollection(_ id: String) -> APIError {
        APIError(.notFound, "no collection '\(id)' (collections: \(collectionIds.joined(separator: ", ")))")
    }

    /// A layer's served features, or the decisions (encoded for this request only).
    func data(_ id: String, decisions: () async throws -> [Feature]) async throws -> CollectionData {
        if id == "decisions", hasDecisions {
            return CollectionData(name: id, version: nil, features: try await decisions(), queryables: CollectionData.decisionQueryables,
                                  temporalProperty: "recorded_at")
        }
        guard let d = try layers.layer(id) else { throw unknownCollection(id) }
        return d
    }

    func queryables(_ request: Request, data: CollectionData, base: String) throws -> Response {
        var props: [String: JSONValue] = [:]
        for q in data.queryables {
            var p: [String: JSONValue] = ["title": .string(q.name)]
            let enumerated = q.values.count <= 40 ? JSONValue.array(q.values.map { q.type == "number" ? .number(Double($0) ?? 0) : q.type == "boolean" ? .bool($0 == "true") : .string($0) }) : nil
            if q.type == "list" {
                p["description"] = .string("a text or a list of texts; ?\(q.name)=X matches features whose value is X or whose list holds X")
                p["oneOf"] = .array([.object(["type": .string("string")]), .object(["type": .string("array"), "items": .object(["type": .string("string")])])])
                if let enumerated { p["examples"] = enumerated }
            } else {
                p["type"] = .string(q.type)
                if let enumerated { p["enum"] = enumerated }
            }
            props[q.name] = .object(p)
        }
        let v: JSONValue = .object([
            "$schema": .string("https://json-schema.org/draft/2019-09/schema"),
            "$id": .string("\(base)/collections/\(data.name)/queryables"),
            "type": .string("object"), "title": .string(data.name),
            "description": .string("Properties of \(data.name) that items can be filtered on as ?name=value (several are combined with AND)."),
            "properties": .object(props), "additionalProperties": .bool(false),
        ])
        return document(request, key: ["queryables", data.name, data.version ?? "", base], html: try Self.wantsHTML(request),
                        cacheable: data.version != nil, json: { (v, "application/schema+json") }, page: { OGCHTML.queryables(v) })
    }

    // MARK: items

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

    /// An items request, checked and normalised: two requests that select the same page have the
    /// same `key`.
    struct ItemsQuery {
        var limit = OGCFeatures.defaultLimit
        var offset = 0
        var bbox: Envelope?
        var bboxText: String?
        var datetime: DatetimeFilter?
        var datetimeText: String?
        var filters: [(String, String)] = []
        var html = false

        init(_ request: Request, data: CollectionData) throws {
            let q = request.uri.queryParameters
            let fixed = ["bbox", "limit", "offset", "f", "bbox-crs", "datetime"]
            let names = data.queryables.map(\.name)
            for key in Set(q.map { String($0.key) }) where !fixed.contains(key) {
                guard names.contains(key) else {
                    throw APIError(.badRequest, "unknown query parameter '\(key.prefix(60))' (known: \((fixed.filter { $0 != "bbox-crs" } + names).joined(separator: ", ")))")
                }
                let values = q.getAll(key)
                guard values.count == 1, let v = values.first else { throw APIError(.badRequest, "\(key): give one value") }
                filters.append((key, v))
            }
            filters.sort { $0.0 < $1.0 }
            html = try OGCFeatures.wantsHTML(request)
            if let c = q.get("bbox-crs"), c != OGCFeatures.crs84 { throw APIError(.badRequest, "bbox-crs: only \(OGCFeatures.crs84) is supported") }
            if let s = q.get("limit") {
                guard let v = Int(s), v >= 1 else { throw APIError(.badRequest, "limit: expected a whole number ≥ 1, got '\(s)'") }
                limit = min(v, OGCFeatures.maxLimit)
            }
            if let s = q.get("offset") {
                guard let v = Int(s), v >= 0 else { throw APIError(.badRequest, "offset: expected a whole number ≥ 0, got '\(s)'") }
                offset = v
            }
            if let s = q.get("bbox") { bbox = try OGCFeatures.parseBBox(s); bboxText = s }
            if let s = q.get("datetime") { datetime = try DatetimeFilter.parse(s); datetimeText = s }
        }

        var key: [String] {
            var k = ["limit=\(limit)", "offset=\(offset)", html ? "html" : "geojson"]
            if let b = bbox { k.append("bbox=\(b.minX),\(b.minY),\(b.maxX),\(b.maxY)") }
            if let d = datetime { k.append("datetime=\(d.normalized)") }
            k += filters.map { "\($0.0)=\($0.1)" }
            return k
        }

        /// The query of a link to another page of the same selection.
        func linkQuery(offset off: Int, html asHTML: Bool) -> String {
            func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~,:"))) ?? s }
            var parts = ["limit=\(limit)", "offset=\(off)"]
            if let b = bboxText { parts.append("bbox=\(enc(b))") }
            if let d = datetimeText { parts.append("datetime=\(enc(d))") }
            parts += filters.map { "\(enc($0.0))=\(enc($0.1))" }
            if asHTML { parts.append("f=html") }
            return parts.joined(separator: "&")
        }
    }

    /// The indices of the features the query selects, in collection order.
    func select(_ data: CollectionData, _ q: ItemsQuery) throws -> [Int] {
        var out: [Int] = []
        let engine = q.bbox.map { _ in GeometryEngine() }
        let boxGeom = q.bbox.map { box in
            Geometry.polygon(Polygon(exterior: [
                Coordinate(box.minX, box.minY), Coordinate(box.maxX, box.minY), Coordinate(box.maxX, box.maxY),
                Coordinate(box.minX, box.maxY), Coordinate(box.minX, box.minY)]))
        }
        for i in data.features.indices {
            if !q.filters.allSatisfy({ data.matches(i, $0.0, $0.1) }) { continue }
            if let dt = q.datetime, data.temporalProperty != nil {
                guard let t = data.times[i], dt.contains(t) else { continue }
            }
            if let box = q.bbox, let engine, let boxGeom {
                guard let g = data.features[i].geometry, let e = data.envelopes[i], e.intersects(box) else { continue }
                if !box.contains(e) { guard try engine.intersects(g, boxGeom) else { continue } }
            }
            out.append(i)
        }
        return out
    }

    func items(_ request: Request, data: CollectionData, base: String) throws -> Response {
        let q = try ItemsQuery(request, data: data)
        let make = { () throws -> CachedBody in
            let matched = try select(data, q)
            let page = q.offset < matched.count ? Array(matched[q.offset..<min(matched.count, q.offset + q.limit)]) : []
            let c = "\(base)/collections/\(data.name)"
            var links: [JSONValue] = [
                Self.link("\(c)/items?\(q.linkQuery(offset: q.offset, html: false))", "self", Self.geojsonType),
                Self.link("\(c)/items?\(q.linkQuery(offset: q.offset, html: true))", "alternate", "text/html"),
                Self.link(c, "collection", "application/json"),
            ]
            let next = q.offset + page.count < matched.count ? q.offset + page.count : nil
            let prev = q.offset > 0 ? max(0, q.offset - q.limit) : nil
            if let next { links.append(Self.link("\(c)/items?\(q.linkQuery(offset: next, html: false))", "next", Self.geojsonType, "next page")) }
            if let prev { links.append(Self.link("\(c)/items?\(q.linkQuery(offset: prev, html: false))", "prev", Self.geojsonType, "previous page")) }
            if q.html {
                let html = OGCHTML.items(collection: data, title: plan.layer(named: data.name)?.title ?? data.name, page: page,
                                         matched: matched.count, offset: q.offset,
                                         next: next.map { "\(c)/items?\(q.linkQuery(offset: $0, html: true))" },
                                         prev: prev.map { "\(c)/items?\(q.linkQuery(offset: $0, html: true))" }, base: base)
                return CachedBody(bytes: Array(html.utf8), type: Self.htmlType, etag: etag(data, q.key + [base]))
            }
            var out: [UInt8] = []
            out.reserveCapacity(page.reduce(512) { $0 + data.encoded[$1].count + 1 })
            out += Array("{\"type\":\"FeatureCollection\",\"features\":[".utf8)
            for (k, i) in page.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                out += data.encoded[i]
            }
            let stamp = ISO8601DateFormatter().string(from: data.version == nil ? Date() : loadedAt)
            out += Array("],\"numberMatched\":\(matched.count),\"numberReturned\":\(page.count),\"timeStamp\":\"\(stamp)\",\"links\":".utf8)
            out += Array(JSONValue.array(links).serialized().utf8)
            out += Array("}\n".utf8)
            return CachedBody(bytes: out, type: Self.geojsonType, etag: etag(data, q.key + [base]))
        }
        return try respond(request, data: data, key: ["items"] + q.key + [base], make: make)
    }

    func item(_ request: Request, data: CollectionData, featureId: String, base: String) throws -> Response {
        let html = try Self.wantsHTML(request)
        let key = ["item", featureId, html ? "html" : "geojson", base]
        let make = { () throws -> CachedBody in
            guard let i = data.index[featureId] ?? Double(featureId).flatMap({ d in data.features.firstIndex { $0.id?.doubleValue == d } }) else {
                throw APIError(.notFound, "no feature '\(featureId.prefix(80))' in collection '\(data.name)'")
            }
            let c = "\(base)/collections/\(data.name)"
            let fid = featureId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? featureId
            if html {
                let page = OGCHTML.item(collection: data, index: i, title: plan.layer(named: data.name)?.title ?? data.name, base: base)
                return CachedBody(bytes: Array(page.utf8), type: Self.htmlType, etag: etag(data, key))
            }
            var out = data.encoded[i]
            out.removeLast()  // the closing brace: the links go inside the feature
            out += Array(",\"links\":".utf8)
            out += Array(JSONValue.array([
                Self.link("\(c)/items/\(fid)", "self", Self.geojsonType),
                Self.link("\(c)/items/\(fid)?f=html", "alternate", "text/html"),
                Self.link(c, "collection", "application/json"),
            ]).serialized().utf8)
            out += Array("}\n".utf8)
            return CachedBody(bytes: out, type: Self.geojsonType, etag: etag(data, key))
        }
        return try respond(request, data: data, key: key, make: make)
    }

    /// A layer's ETag: its version, the normalised query and the representation (the encoding is
    /// marked by `HTTPCaching`); nil (hash of the body) for the decisions.
    func etag(_ data: CollectionData, _ key: [String]) -> String? {
        data.version.map { CachedBody.etag(for: [$0, data.name] + key) }
    }

    private func respond(_ request: Request, data: CollectionData, key: [String], make: () throws -> CachedBody) throws -> Response {
        guard let version = data.version else {
            return HTTPCaching.respond(request, try make(), policy: .none, varyAccept: true)
        }
        let body = try cache.body(([version, data.name] + key).joined(separator: "\u{1F}"), make: make)
        return HTTPCaching.respond(request, body, policy: .revalidate, lastModified: loadedAt, varyAccept: true)
    }

    // MARK: OpenAPI 3.0

    func openAPIValue(base: String) -> JSONValue {
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
            "/": .object(["get": op("Landing page", "getLandingPage", ok: resp("landing page", ["application/json", "text/html"]))]),
            "/conformance": .object(["get": op("Conformance classes", "getConformanceDeclaration", ok: resp("conformance", ["application/json", "text/html"]))]),
            "/api": .object(["get": op("This document", "getAPI", ok: resp("OpenAPI 3.0 (as HTML: the service documentation)", ["application/vnd.oai.openapi+json;version=3.0", "text/html"]))]),
            "/collections": .object(["get": op("The collections", "getCollections", ok: resp("collections", ["application/json", "text/html"]))]),
            "/collections/{collectionId}": .object(["get": op("One collection", "describeCollection", params: [collectionId], ok: resp("collection", ["application/json", "text/html"]))]),
            "/collections/{collectionId}/items": .object(["get": op("Features of a collection", "getFeatures", params: [
                collectionId,
                param("bbox", "query", "string", "minLon,minLat,maxLon,maxLat (CRS84)"),
                .object(["name": .string("limit"), "in": .string("query"), "required": .bool(false),
                         "schema": .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(Double(Self.maxLimit)), "default": .number(Double(Self.defaultLimit))])]),
                param("offset", "query", "integer", "start of the page (follow the next link)"),
                param("datetime", "query", "string", "RFC 3339 date-time, date or interval a/b ('..' open); filters decisions on recorded_at; the plan layers have no validity dates and are not filtered"),
                param("f", "query", "string", "json (default) or html; browsers asking for text/html get HTML"),
                .object(["name": .string("properties"), "in": .string("query"), "required": .bool(false), "style": .string("form"), "explode": .bool(true),
                         "description": .string("property filters name=value on the collection's queryables (e.g. tier=national, county=海宁市); an unknown name is a 400"),
                         "schema": .object(["type": .string("object"), "additionalProperties": .object(["type": .string("string")])])]),
            ], ok: resp("features", ["application/geo+json", "text/html"]))]),
            "/collections/{collectionId}/queryables": .object(["get": op("The properties items can be filtered on", "getQueryables", params: [collectionId],
                                                                         ok: resp("JSON Schema", ["application/schema+json", "text/html"]))]),
            "/collections/{collectionId}/items/{featureId}": .object(["get": op("One feature", "getFeature", params: [
                collectionId, param("featureId", "path", "string", "feature id")], ok: resp("feature", ["application/geo+json", "text/html"]))]),
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
            // The bureau's review workflow: each step with the person's own token (zoneplan people token NAME).
            "/cases": .object([
                "get": op("Cases and where each stands (经办 → 审核 → 签发)", "listCases", ok: resp("cases", ["application/json"])),
                "post": op("经办: open a case for one application (a case officer's token; nothing drawn)", "openCase", params: [
                    param("note", "query", "string", "the case officer's note"), param("year", "query", "integer", "quota year"),
                    param("supersedes", "query", "integer", "decision id the signed decision will revise")] + appParams,
                           ok: resp("case", ["application/json"]), body: ["application/geo+json", "text/plain"], secured: true,
                           extra: authErr.merging(tooLarge) { $1 }.merging(["201": resp("case opened", ["application/json"])]) { $1 }),
            ]),
            "/cases/{id}": .object(["get": op("One case with its steps; with a person's token, the steps they may take now (actions)", "getCase",
                                              params: [param("id", "path", "integer", "case id")], ok: resp("case", ["application/json"]))]),
            "/cases/{id}/report": .object(["get": op("Printable draft report of a case (a signed case redirects to its decision's report)", "getCaseReport",
                                                     params: [param("id", "path", "integer", "case id")], ok: resp("report", ["text/html"]))]),
            "/cases/{id}/review": .object(["post": op("审核: pass the case on to 签发 or return it (a reviewer's token)", "reviewCase", params: [
                param("id", "path", "integer", "case id"), param("verdict", "query", "string", "pass or return", required: true),
                param("note", "query", "string", "the reviewer's note (required to return)")], ok: resp("case", ["application/json"]), secured: true,
                                                      extra: authErr.merging(["409": resp("out of order or already signed", ["application/json"])]) { $1 })]),
            "/cases/{id}/resubmit": .object(["post": op("Resubmit a returned case with the revised application (a case officer's token)", "resubmitCase",
                                                        params: [param("id", "path", "integer", "case id"), param("note", "query", "string", "what was revised")] + appParams,
                                                        ok: resp("case", ["application/json"]), body: ["application/geo+json", "text/plain"], secured: true,
                                                        extra: authErr.merging(["409": resp("the case is not returned", ["application/json"])]) { $1 })]),
            "/cases/{id}/sign": .object(["post": op("签发: vet again, record the decision and draw its land (a signer's token)", "signCase", params: [
                param("id", "path", "integer", "case id"), param("note", "query", "string", "the signer's note")],
                                                    ok: resp("the case and the decision", ["application/json"]), secured: true,
                                                    extra: authErr.merging(["409": resp("out of order, already signed, or the verdict changed", ["application/json"])]) { $1 })]),
            "/whoami": .object(["get": op("The person a token belongs to, with their roles", "whoami", ok: resp("person", ["application/json"]), secured: true,
                                          extra: authErr)]),
            "/evaluation": .object(["get": op("亩均效益 of a year stored in the workspace (zoneplan evaluate --format json)", "getEvaluation", params: [
                param("year", "query", "integer", "the stored year", required: true), param("f", "query", "string", "json (default) or geojson: the parcels by class")],
                                             ok: resp("evaluation", ["application/json", "application/geo+json"]))]),
            "/evaluation/years": .object(["get": op("The stored evaluation years", "getEvaluationYears", ok: resp("years", ["application/json"]))]),
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
        return doc
    }
}

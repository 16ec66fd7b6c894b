import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneService
import ZoneStore
@testable import ZoneServer

/// Layers served from the snapshot's cache: validators, revalidation, compression, and the
/// same features and properties as `zoneplan export`.
@Suite struct LayerServingTests {
    @Test func aRepeatedRequestWithItsETagGets304() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            for uri in ["/collections/platforms/items?limit=100", "/collections/admin/items", "/collections/platforms/items/platform-nat-jxetdz",
                        "/collections", "/map", "/leaflet/leaflet.js"] {
                let first = try await client.execute(uri: uri, method: .get)
                #expect(first.status == .ok, "\(uri)")
                let etag = try #require(first.headers[.eTag], "\(uri) has no ETag")
                #expect(first.headers[.lastModified] != nil, "\(uri) has no Last-Modified")
                #expect(first.headers[.cacheControl] != nil, "\(uri) has no Cache-Control")
                let again = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag])
                #expect(again.status == .notModified, "\(uri)")
                #expect(again.body.readableBytes == 0)
                #expect(again.headers[.eTag] == etag)
                // Another page of the same layer is another body: no 304 for it.
                let other = try await client.execute(uri: uri.contains("?") ? uri + "&offset=1" : uri + "?offset=1", method: .get,
                                                     headers: [.ifNoneMatch: etag])
                if uri.contains("/items") && !uri.contains("/items/") { #expect(other.status == .ok, "\(uri)&offset=1") }
            }
            let page = try await client.execute(uri: "/collections/platforms/items", method: .get)
            #expect(page.headers[.cacheControl] == "no-cache")
            // Without an ETag, the date: unchanged since Last-Modified is a 304 too; an older date is not.
            let modified = try #require(page.headers[.lastModified])
            let since = try await client.execute(uri: "/collections/platforms/items", method: .get, headers: [.ifModifiedSince: modified])
            #expect(since.status == .notModified, "If-Modified-Since: \(modified)")
            let older = try await client.execute(uri: "/collections/platforms/items", method: .get,
                                                 headers: [.ifModifiedSince: "Mon, 01 Jan 2001 00:00:00 GMT"])
            #expect(older.status == .ok)
        }
    }

    @Test func gzipDecodesToTheSameJSONAndVaryIsSet() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            for uri in ["/collections/admin/items", "/collections/platforms/items/platform-nat-jxetdz", "/map", "/leaflet/leaflet.js"] {
                let plain = try await client.execute(uri: uri, method: .get)
                let zipped = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip, deflate"])
                #expect(plain.headers[.contentEncoding] == nil)
                #expect(zipped.headers[.contentEncoding] == "gzip", "\(uri)")
                #expect(zipped.headers[.vary]?.contains("Accept-Encoding") == true, "\(uri)")
                #expect(plain.headers[.vary]?.contains("Accept-Encoding") == true, "\(uri)")
                #expect(zipped.headers[.eTag] != plain.headers[.eTag], "the gzip body is another representation")
                #expect(zipped.body.readableBytes * 2 < plain.body.readableBytes, "\(uri): \(zipped.body.readableBytes) of \(plain.body.readableBytes)")
                // Decoded by the gzip program, not by the library that encoded it.
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("zp-gz-\(UUID().uuidString).gz")
                defer { try? FileManager.default.removeItem(at: file) }
                try Data(buffer: zipped.body).write(to: file)
                let unzipped = try await run("/bin/gzip", ["-dc", file.path])
                #expect(unzipped.status == 0, "\(unzipped.err)")
                #expect(unzipped.out == plain.text, "\(uri): the gzip body decodes to other bytes")
                // A client that refuses gzip gets none.
                let refused = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip;q=0, identity"])
                #expect(refused.headers[.contentEncoding] == nil)
            }
        }
    }

    @Test func aLayerImportChangesTheLayersETagAndARulePackImportDoesNot() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location))
        try await app.test(.router) { client in
            let uri = "/collections/platforms/items?limit=100"
            let before = try await client.execute(uri: uri, method: .get)
            let etag1 = try #require(before.headers[.eTag])
            let admin1 = try await client.execute(uri: "/collections/admin/items", method: .get).headers[.eTag]
            let other = Workspace(store: try WorkspaceLocator.open(ws.location, create: false))

            // A new rule pack swaps the snapshot (and drops its cache) but the layer is the same.
            let text = try String(contentsOf: geoData.appendingPathComponent("rulepack.yaml"), encoding: .utf8)
                .replacingOccurrences(of: #"version: "2026.11.4""#, with: #"version: "2026.11.4-etag""#)
            _ = try other.importRulePack(text: text, source: "test", official: "测试员")
            let afterRules = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag1])
            #expect(afterRules.status == .notModified, "the platforms did not change")

            // A new version of the platforms layer, as `zoneplan import` stores it: one name changed.
            var features = try GeoJSON.parseFeatures(Data(contentsOf: geoData.appendingPathComponent("layers/platforms.geojson")))
            features[0].properties["name_en"] = .string("Renamed for the ETag test")
            try other.importLayer(name: "platforms", title: nil, features: features, sourceFile: "platforms.geojson", sha256: "test",
                                  format: "geojson", official: "测试员", note: nil)
            let after = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag1])
            #expect(after.status == .ok, "the old ETag still matched after the import")
            let etag2 = try #require(after.headers[.eTag])
            #expect(etag2 != etag1)
            #expect(after.text.contains("Renamed for the ETag test"))
            // The other layers keep theirs.
            let admin2 = try await client.execute(uri: "/collections/admin/items", method: .get).headers[.eTag]
            #expect(admin1 != nil && admin1 == admin2)
        }
    }

    /// The direct writer gives byte for byte what `zoneplan export` writes, for every feature.
    @Test func pagesCarryTheExportsFeaturesByteForByte() throws {
        let exported = try LayerExport.features(plan: plan)
        #expect(exported.count > 90)
        var differing: [String] = []
        // The reference: the same feature built as a `JSONValue` tree and serialised.
        func tree(_ f: Feature) -> [UInt8] {
            var s = "{\"type\":\"Feature\""
            if let id = f.id { s += ",\"id\":" + id.serialized() }
            if let env = f.geometry.flatMap({ GeoJSON.rounded($0, 7).envelope }) {
                s += ",\"bbox\":" + JSONValue.array([.number(env.minX), .number(env.minY), .number(env.maxX), .number(env.maxY)]).serialized()
            }
            s += ",\"properties\":" + JSONValue.object(f.properties).serialized()
            s += ",\"geometry\":" + (f.geometry.map { GeoJSON.jsonValue($0, decimals: 7) } ?? .null).serialized() + "}"
            return Array(s.utf8)
        }
        for f in exported where GeoJSONBytes.feature(f) != tree(f) { differing.append("\(f.id?.stringValue ?? "?")") }
        #expect(differing.isEmpty, "\(differing.count) features differ from the JSONValue tree: \(differing.prefix(5))")
        #expect(exported.allSatisfy { GeoJSONWriter.encode($0) == Data(GeoJSONBytes.feature($0)) })
        // Coordinates the fast path must round like printf's %.7f, ties and negatives included.
        var rng = SystemRandomNumberGenerator()
        let random = (0..<20_000).map { _ in Double.random(in: -180...180, using: &rng) }
        for d in [120.12345675, -0.00000005, 0.00390625, 1.0 / 256, -120.99999995, 30.000000049999, 0.0001, 1e-5, 899_999_999.9999999] + random {
            var out: [UInt8] = []
            GeoJSONBytes.number(GeoJSONBytes.round7(d), into: &out)
            var printf = String(format: "%.7f", d)
            while printf.hasSuffix("0") { printf.removeLast() }
            if printf.hasSuffix(".") { printf.removeLast() }
            if printf == "-0" { printf = "0" }
            // The value written is printf's 7-decimal value (the text may be shorter, never other).
            #expect(Double(String(decoding: out, as: UTF8.self)) == Double(printf), "\(d): \(String(decoding: out, as: UTF8.self)) vs \(printf)")
        }
    }

    @Test func itemsCarryTheExportProperties() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            for layer in plan.layers {
                let exported = try LayerExport.features(plan: plan, layers: [layer.name])
                let page = try await client.execute(uri: "/collections/\(layer.name)/items?limit=1000", method: .get)
                let features = try #require(page.json["features"]?.arrayValue)
                #expect(features.count == exported.count)
                for (served, f) in zip(features, exported) {
                    #expect(served["id"] == f.id)
                    #expect(served["properties"]?.objectValue == f.properties, "\(layer.name) \(f.id?.stringValue ?? "")")
                    #expect(served["properties"]?["area_mu"]?.doubleValue != nil)
                }
            }
        }
    }
}

/// OGC API – Features Part 1 Core: property filters, queryables, datetime, HEAD, HTML.
@Suite struct OGCCoreTests {
    @Test func propertyFiltersSelectTheMatchingFeaturesAndUnknownOnesAre400() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let national = try await client.execute(uri: "/collections/platforms/items?tier=national&limit=1000", method: .get)
            let expected = plan.layer(named: "platforms")!.features.filter { $0.tier == .national }.map(\.id)
            #expect(!expected.isEmpty)
            #expect(national.json["features"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == expected)
            #expect(national.json["numberMatched"]?.intValue == expected.count)
            // The filter survives paging: the next link keeps it.
            let first = try await client.execute(uri: "/collections/platforms/items?tier=national&limit=1", method: .get)
            let next = try #require(first.json["links"]?.arrayValue?.first { $0["rel"]?.stringValue == "next" }?["href"]?.stringValue)
            #expect(next.contains("tier=national"))

            // county is a text in some features and a list in others: both match.
            let haining = "330481"
            let expectedCounty = plan.layer(named: "function_zones")!.features.filter { f in
                switch f.properties["county"] {
                case .string(let s)?: return s == haining
                case .array(let a)?: return a.contains(.string(haining))
                default: return false
                }
            }.map(\.id)
            let byCounty = try await client.execute(uri: "/collections/function_zones/items?county=\(haining)&limit=1000", method: .get)
            #expect(byCounty.json["features"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == expectedCounty)
            let chinese = try await client.execute(uri: "/collections/admin/items?name=%E6%B5%B7%E5%AE%81%E5%B8%82", method: .get)
            #expect(chinese.json["numberMatched"]?.intValue == 1, "?name=海宁市")

            let unknown = try await client.execute(uri: "/collections/platforms/items?colour=red", method: .get)
            #expect(unknown.status == .badRequest)
            #expect(unknown.json["error"]?.stringValue?.contains("colour") == true)
            let noSuch = try await client.execute(uri: "/collections/platforms/items?tier=galactic", method: .get)
            #expect(noSuch.json["numberMatched"]?.intValue == 0)
        }
    }

    @Test func queryablesListTheFilterableProperties() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/collections/platforms/queryables", method: .get)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/schema+json")
            let props = try #require(r.json["properties"]?.objectValue)
            #expect(props["tier"]?["enum"]?.arrayValue?.contains(.string("national")) == true)
            #expect(props["county"] != nil)
            #expect(r.json["additionalProperties"] == .bool(false))
            let collection = try await client.execute(uri: "/collections/platforms", method: .get)
            #expect(collection.json["links"]?.arrayValue?.contains { $0["rel"]?.stringValue == OGCFeatures.queryablesRel } == true)
            let missing = try await client.execute(uri: "/collections/nothing/queryables", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func datetimeIsCheckedDoesNotFilterLayersAndFiltersDecisions() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location, token: testToken))
        try await app.test(.router) { client in
            let all = try await client.execute(uri: "/collections/platforms/items?limit=1000", method: .get).json["numberMatched"]?.intValue
            let dated = try await client.execute(uri: "/collections/platforms/items?limit=1000&datetime=2020-01-01T00:00:00Z/..", method: .get)
            #expect(dated.status == .ok)
            #expect(dated.json["numberMatched"]?.intValue == all)
            let bad = try await client.execute(uri: "/collections/platforms/items?datetime=yesterday", method: .get)
            #expect(bad.status == .badRequest)
            #expect(bad.json["error"]?.stringValue?.hasPrefix("datetime:") == true)
            let reversed = try await client.execute(uri: "/collections/platforms/items?datetime=2026-01-02/2026-01-01", method: .get)
            #expect(reversed.status == .badRequest)
            let meta = try await client.execute(uri: "/collections/platforms", method: .get)
            #expect(meta.json["description"]?.stringValue?.contains("no validity dates") == true)

            let body = ByteBuffer(data: try example("jinko-solar-cells.geojson"))
            let rec = try await client.execute(uri: "/decisions?official=测试员", method: .post,
                                               headers: [.authorization: "Bearer \(testToken)"], body: body)
            #expect(rec.status == .created)
            let now = try await client.execute(uri: "/collections/decisions/items?datetime=2000-01-01/..", method: .get)
            #expect(now.json["numberMatched"]?.intValue == 1)
            let past = try await client.execute(uri: "/collections/decisions/items?datetime=2000-01-01/2000-12-31", method: .get)
            #expect(past.json["numberMatched"]?.intValue == 0)
            let verdict = try #require(rec.json["verdict"]?.stringValue)
            let byVerdict = try await client.execute(uri: "/collections/decisions/items?verdict=\(verdict)", method: .get)
            #expect(byVerdict.json["numberMatched"]?.intValue == 1)
        }
    }

    @Test func headIsAnsweredWhereGetIs() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            for uri in ["/", "/conformance", "/api", "/collections", "/collections/admin", "/collections/admin/queryables",
                        "/collections/admin/items", "/collections/admin/items/city-330400", "/map"] {
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                #expect(head.status == .ok, "HEAD \(uri)")
                #expect(head.body.readableBytes == 0)
                #expect(head.headers[.eTag] == get.headers[.eTag], "HEAD \(uri)")
                #expect(head.headers[.contentLength] == String(get.body.readableBytes), "HEAD \(uri)")
            }
        }
    }

    @Test func browsersGetHTMLWithTablesMapsAndAServiceDoc() async throws {
        let app = try buildApplication(config())
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        try await app.test(.router) { client in
            for uri in ["/", "/collections", "/collections/platforms", "/collections/platforms/items", "/collections/platforms/items/platform-nat-jxetdz",
                        "/collections/platforms/queryables", "/api", "/conformance"] {
                let r = try await client.execute(uri: uri, method: .get, headers: [.accept: browser])
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri)")
                #expect(r.text.hasPrefix("<!doctype html>"), "\(uri)")
                let f = try await client.execute(uri: uri + "?f=html", method: .get)
                #expect(f.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri)?f=html")
                let json = try await client.execute(uri: uri, method: .get, headers: [.accept: "application/geo+json, application/json"])
                #expect(json.headers[.contentType]?.contains("json") == true, "\(uri) as JSON")
                #expect(r.headers[.eTag] != json.headers[.eTag])
            }
            let items = try await client.execute(uri: "/collections/platforms/items?f=html&limit=5", method: .get)
            #expect(items.text.components(separatedBy: "<tr class=\"feature\">").count - 1 == 5)
            #expect(items.text.contains("L.geoJSON("))
            #expect(items.text.contains("rel=\"next\""))
            let item = try await client.execute(uri: "/collections/platforms/items/platform-nat-jxetdz?f=html", method: .get)
            #expect(item.text.contains("area_mu"))
            #expect(item.text.contains("id=\"item-map\""))
            let landing = try await client.execute(uri: "/", method: .get)
            let doc = try #require(landing.json["links"]?.arrayValue?.first { $0["rel"]?.stringValue == "service-doc" })
            #expect(doc["type"]?.stringValue == "text/html")
            let bad = try await client.execute(uri: "/collections?f=xml", method: .get)
            #expect(bad.status == .badRequest)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
import ZoneVetting
@testable import ZoneServer

@Suite("ZoneServerTests router")
struct RouterTests {
    @Test func landingConformanceAndOpenAPI() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let landing = try await client.execute(uri: "/", method: .get)
            #expect(landing.status == .ok)
            let rels = landing.json["links"]?.arrayValue?.compactMap { $0["rel"]?.stringValue } ?? []
            #expect(Set(["self", "service-desc", "conformance", "data"]).isSubset(of: Set(rels)))
            #expect(landing.headers[.init("X-Request-Id")!] != nil)

            let conf = try await client.execute(uri: "/conformance", method: .get)
            let classes = conf.json["conformsTo"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"))
            #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"))

            let api = try await client.execute(uri: "/api", method: .get)
            #expect(api.status == .ok)
            #expect(api.headers[.contentType]?.hasPrefix("application/vnd.oai.openapi+json") == true)
            #expect(api.json["openapi"]?.stringValue == "3.0.3")
            for p in ["/collections/{collectionId}/items", "/vet", "/where", "/decisions", "/quotas"] {
                #expect(api.json["paths"]?[p] != nil, "OpenAPI lacks \(p)")
            }
        }
    }

    @Test func collectionsAndItemsWithPaging() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let cs = try await client.execute(uri: "/collections", method: .get)
            let ids = cs.json["collections"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids == plan.layers.map(\.name))
            #expect(!ids.contains("decisions"))  // no workspace

            let one = try await client.execute(uri: "/collections/platforms", method: .get)
            #expect(one.json["extent"]?["spatial"]?["bbox"]?[0]?.arrayValue?.count == 4)
            let missing = try await client.execute(uri: "/collections/nope", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.json["error"]?.stringValue?.contains("no collection 'nope'") == true)

            let total = plan.layer(named: "platforms")!.features.count
            var seen: [String] = []
            var uri: String? = "/collections/platforms/items?limit=7"
            while let u = uri {
                let page = try await client.execute(uri: u, method: .get)
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == "application/geo+json")
                #expect(page.json["numberMatched"]?.intValue == total)
                let fs = page.json["features"]?.arrayValue ?? []
                #expect(page.json["numberReturned"]?.intValue == fs.count)
                seen += fs.compactMap { $0["id"]?.stringValue }
                let next = page.json["links"]?.arrayValue?.first { $0["rel"]?.stringValue == "next" }?["href"]?.stringValue
                uri = next.map { String($0[$0.range(of: "/collections")!.lowerBound...]) }
            }
            #expect(seen.count == total)
            #expect(Set(seen).count == total)

            // bbox: a small box in 海宁 returns fewer features, all of them touching the box.
            let box = try await client.execute(uri: "/collections/platforms/items?bbox=120.64,30.43,120.66,30.45&limit=100", method: .get)
            let n = box.json["numberMatched"]?.intValue ?? -1
            #expect(n >= 1 && n < total)

            for bad in ["bbox=1,2,3", "limit=0", "limit=x", "offset=-1", "bbox=3,3,1,1", "foo=1"] {
                let r = try await client.execute(uri: "/collections/platforms/items?\(bad)", method: .get)
                #expect(r.status == .badRequest, "\(bad)")
                #expect(r.json["error"]?.stringValue?.isEmpty == false)
            }
            let f = try await client.execute(uri: "/collections/platforms/items/platform-nat-jxetdz", method: .get)
            #expect(f.status == .ok)
            #expect(f.json["id"]?.stringValue == "platform-nat-jxetdz")
            #expect(f.json["geometry"]?["type"]?.stringValue != nil)
            let nf = try await client.execute(uri: "/collections/platforms/items/nope", method: .get)
            #expect(nf.status == .notFound)
        }
    }

    @Test func vetGivesTheCLIJSON() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            for name in ["jinko-solar-cells.geojson", "prohibited-zone.geojson", "missing-energy.geojson", "two-counties.geojson"] {
                let body = try example(name)
                let r = try await client.execute(uri: "/vet", method: .post, headers: [.contentType: "application/geo+json"],
                                                 body: ByteBuffer(data: body))
                #expect(r.status == .ok, "\(name)")
                #expect(r.text == (try expectedJSON(body)), "\(name)")
            }
            let g = try await client.execute(uri: "/vet?format=geojson", method: .post, body: ByteBuffer(data: try example("jinko-solar-cells.geojson")))
            #expect(g.headers[.contentType] == "application/geo+json")
            #expect(g.json["features"]?[0]?["properties"]?["verdict"]?.stringValue != nil)
        }
    }

    @Test func badInputGetsTheCLIMessage() async throws {
        let app = try buildApplication(config())
        let bad = try FileManager.default.contentsOfDirectory(atPath: examples.appendingPathComponent("bad").path).filter { $0.hasSuffix(".geojson") }
        #expect(bad.count >= 5)
        // Used only inside this one test task.
        nonisolated(unsafe) let engine = try VettingEngine(plan: plan)
        try await app.test(.router) { client in
            for name in bad.sorted() {
                let body = try Data(contentsOf: examples.appendingPathComponent("bad/\(name)"))
                // The CLI's one line for the same bytes (label "request" instead of the file name).
                var expected: String?
                do {
                    let entries = try ApplicationFile.read(body, fileLabel: "request", catalog: plan.industries, engine: engine.engine)
                    for e in entries { if case .failure(let x) = e { expected = x.description; break } }
                } catch let e as ApplicationError { expected = e.description }
                let r = try await client.execute(uri: "/vet", method: .post, body: ByteBuffer(data: body))
                #expect(r.status == .badRequest, "\(name)")
                #expect(r.json["error"]?.stringValue == expected, "\(name)")
                #expect(r.json["request_id"]?.stringValue?.isEmpty == false)
            }
            let empty = try await client.execute(uri: "/vet", method: .post)
            #expect(empty.status == .badRequest)
            let fmt = try await client.execute(uri: "/vet?format=xml", method: .post, body: ByteBuffer(data: try example("jinko-solar-cells.geojson")))
            #expect(fmt.status == .badRequest)
            // The server keeps serving after bad requests.
            let ok = try await client.execute(uri: "/vet", method: .post, body: ByteBuffer(data: try example("jinko-solar-cells.geojson")))
            #expect(ok.status == .ok)
        }
    }

    @Test func bodyLimitGives413() async throws {
        let app = try buildApplication(config(maxBody: 4096))
        try await app.test(.router) { client in
            let big = ByteBuffer(string: "{\"type\":\"Feature\",\"properties\":{\"pad\":\"" + String(repeating: "x", count: 10_000) + "\"},\"geometry\":null}")
            let r = try await client.execute(uri: "/vet", method: .post, body: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.json["error"]?.stringValue == "request body larger than 4096 bytes")
            let ok = try await client.execute(uri: "/vet", method: .post, body: ByteBuffer(data: try example("jinko-solar-cells.geojson")))
            #expect(ok.status == .ok)
        }
    }

    @Test func vetBaobuTXT() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let q = "name=%E6%B5%8B%E8%AF%95%E9%A1%B9%E7%9B%AE&industry=C3825&investment_wan=200000&output_wan=300000&value_added_wan=50000&energy_tce=10000"
            let r = try await client.execute(uri: "/vet?\(q)", method: .post, headers: [.contentType: "text/plain; charset=utf-8"],
                                             body: ByteBuffer(data: try fixture("parcel.txt")))
            #expect(r.status == .ok)
            #expect(r.json["name"]?.stringValue == "测试项目")
            #expect(r.json["verdict"]?.stringValue != nil)
            #expect((r.json["area_mu"]?.doubleValue ?? 0) > 60)
            let noIndustry = try await client.execute(uri: "/vet", method: .post, headers: [.contentType: "text/plain"],
                                                      body: ByteBuffer(data: try fixture("parcel.txt")))
            #expect(noIndustry.status == .badRequest)
            #expect(noIndustry.json["error"]?.stringValue?.contains("properties.industry: missing") == true)
            let bad = try await client.execute(uri: "/vet?industry=C3825", method: .post, headers: [.contentType: "text/plain"],
                                               body: ByteBuffer(data: try fixture("bad_parcel.txt")))
            #expect(bad.status == .badRequest)
            #expect(bad.json["error"]?.stringValue?.hasPrefix("request.txt") == true)
        }
    }

    @Test func whereReportMapAndLeaflet() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let w = try await client.execute(uri: "/where?lon=120.6500&lat=30.4400", method: .get)
            #expect(w.status == .ok)
            #expect(w.json["in_jiaxing"]?.boolValue == true)
            #expect((w.json["features"]?.arrayValue?.count ?? 0) > 0)
            for bad in ["/where", "/where?lon=120.65", "/where?lon=abc&lat=30", "/where?lon=30.44&lat=120.65"] {
                let r = try await client.execute(uri: bad, method: .get)
                #expect(r.status == .badRequest, "\(bad)")
            }
            let rep = try await client.execute(uri: "/report", method: .post, body: ByteBuffer(data: try example("prohibited-zone.geojson")))
            #expect(rep.status == .ok)
            #expect(rep.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(rep.text.contains("<svg"))
            #expect(rep.text.contains("id=\"report-verdict\""))
            #expect(rep.text.contains("stroke=\"#d00000\""))  // the prohibited zone is outlined
            // Citations a person can follow: the plan's title, section and the quoted clause.
            #expect(rep.text.contains("id=\"clauses\""))
            #expect(rep.text.contains("《嘉兴市工业“十二五”发展规划》"))
            #expect(rep.text.contains("在禁止开发区：严禁工业布点"))
            // Rules not applied are listed, so silence is not taken for a pass.
            #expect(rep.text.contains("id=\"not-applied\"") && rep.text.contains("land-quota"))

            let map = try await client.execute(uri: "/map", method: .get)
            #expect(map.status == .ok)
            #expect(map.text.contains("src=\"/leaflet/leaflet.js\""))
            #expect(!map.text.contains("unpkg") && !map.text.contains("cdn"))
            let js = try await client.execute(uri: "/leaflet/leaflet.js", method: .get)
            if FileManager.default.fileExists(atPath: "/usr/share/javascript/leaflet/leaflet.js") {
                #expect(js.status == .ok)
                #expect(js.headers[.contentType]?.hasPrefix("text/javascript") == true)
            }
            let escape = try await client.execute(uri: "/leaflet/..%2F..%2Fetc/passwd", method: .get)
            #expect(escape.status == .notFound)
            let ex = try await client.execute(uri: "/examples", method: .get)
            #expect(ex.json.arrayValue?.contains(.string("jinko-solar-cells")) == true)
        }
    }

    @Test func workspaceDecisionsQuotasAndTokens() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location, token: testToken))
        try await app.test(.router) { client in
            let cs = try await client.execute(uri: "/collections", method: .get)
            #expect(cs.json["collections"]?.arrayValue?.contains { $0["id"]?.stringValue == "decisions" } == true)
            let body = ByteBuffer(data: try example("jinko-solar-cells.geojson"))
            // Writes need the token.
            let none = try await client.execute(uri: "/decisions", method: .post, body: body)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] != nil)
            let wrong = try await client.execute(uri: "/decisions", method: .post, headers: [.authorization: "Bearer nope-nope-nope-nope"], body: body)
            #expect(wrong.status == .unauthorized)
            let quotaBody = ByteBuffer(string: #"{"kind":"county","ref":"330481","year":2026,"mu":1000,"name":"海宁市","official":"测试员"}"#)
            let q0 = try await client.execute(uri: "/quotas", method: .post, body: quotaBody)
            #expect(q0.status == .unauthorized)
            let q1 = try await client.execute(uri: "/quotas", method: .post, headers: [.authorization: "Bearer \(testToken)"], body: quotaBody)
            #expect(q1.status == .created)
            let qbad = try await client.execute(uri: "/quotas", method: .post, headers: [.authorization: "Bearer \(testToken)"],
                                                body: ByteBuffer(string: #"{"kind":"moon","ref":"x","year":2026,"mu":1}"#))
            #expect(qbad.status == .badRequest)
            let quotas = try await client.execute(uri: "/quotas", method: .get)
            #expect(quotas.json[0]?["balance_mu"]?.doubleValue == 1000)

            let rec = try await client.execute(uri: "/decisions?official=%E6%B5%8B%E8%AF%95%E5%91%98&year=2026", method: .post,
                                               headers: [.authorization: "Bearer \(testToken)"], body: body)
            #expect(rec.status == .created)
            let id = try #require(rec.json["id"]?.intValue)
            #expect(rec.json["result"]?["verdict"]?.stringValue == rec.json["verdict"]?.stringValue)
            #expect(rec.json["official"]?.stringValue == "测试员")

            let items = try await client.execute(uri: "/collections/decisions/items", method: .get)
            #expect(items.json["numberMatched"]?.intValue == 1)
            let item = try await client.execute(uri: "/collections/decisions/items/\(id)", method: .get)
            #expect(item.status == .ok)
            #expect(item.json["properties"]?["name"]?.stringValue?.contains("晶科") == true)
            let list = try await client.execute(uri: "/decisions", method: .get)
            #expect(list.json.arrayValue?.count == 1)
            let one = try await client.execute(uri: "/decisions/\(id)", method: .get)
            #expect(one.status == .ok)
            let report = try await client.execute(uri: "/decisions/\(id)/report", method: .get)
            #expect(report.status == .ok)
            #expect(report.text.contains("决定编号"))
            let missing = try await client.execute(uri: "/decisions/999/report", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func writesRefusedWithoutTokenOrWorkspace() async throws {
        let ws = try TempWorkspace()
        let noToken = try buildApplication(config(workspace: ws.location, token: nil))
        try await noToken.test(.router) { client in
            let r = try await client.execute(uri: "/decisions", method: .post, headers: [.authorization: "Bearer anything-at-all-x"],
                                             body: ByteBuffer(data: try example("jinko-solar-cells.geojson")))
            #expect(r.status == .forbidden)
        }
        let noWorkspace = try buildApplication(config())
        try await noWorkspace.test(.router) { client in
            let q = try await client.execute(uri: "/quotas", method: .get)
            #expect(q.status == .notFound)
            let d = try await client.execute(uri: "/collections/decisions/items", method: .get)
            #expect(d.status == .notFound)
        }
    }

    @Test func constantTimeCompare() {
        #expect(TokenCheck.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!TokenCheck.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!TokenCheck.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!TokenCheck.constantTimeEquals([], Array("a".utf8)))
    }
}

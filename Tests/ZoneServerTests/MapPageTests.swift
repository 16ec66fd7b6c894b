import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
import ZoneVetting
@testable import ZoneServer

/// The map page in headless Chromium against a live server: uploads keep every part and hole,
/// several sites are vetted one by one, a bad file is refused with the server's reason, the
/// coordinate read-out agrees with PROJ, outlines, labels, zoom and the Record panel.
@Suite("map page in Chromium", .serialized)
struct MapPageTests {
    static let chromium = "/usr/bin/chromium"

    /// A server whose `/examples/` folder holds this suite's fixtures (the page's `?upload=` hook
    /// feeds such a file through the same code as a file chosen by hand).
    static func withServer(workspace: String? = nil, token: String? = nil, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: chromium), "install the Debian chromium package")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["multipolygon-with-hole.geojson", "two-sites.geojson", "line-site.geojson"] {
            try fixture(name).write(to: dir.appendingPathComponent(name))
        }
        try example("prohibited-zone.geojson").write(to: dir.appendingPathComponent("prohibited-zone.geojson"))
        var c = config(workspace: workspace, token: token)
        c.examplesDirectory = dir
        let app = try buildApplication(c)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)")
        }
    }

    /// The page's DOM after its scripts ran.
    /// The page's DOM once `ready` holds: a loaded machine (CI beside other builds) sometimes dumps
    /// the page before its scripts finished, so a page that is not ready yet is loaded again, up to
    /// three times in all — a page that never gets ready still fails the test.
    static func dom(_ url: String, ready: (String) -> Bool) async throws -> String {
        var last = ""
        for _ in 0..<3 {
            last = try await dom(url)
            if ready(last) { return last }
        }
        return last
    }

    static func dom(_ url: String) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("zp-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let r = try await run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                                         "--window-size=1280,900", "--virtual-time-budget=15000", "--dump-dom", url])
        #expect(r.status == 0, "\(r.err.suffix(2000))")
        return r.out
    }

    static func attribute(_ name: String, in dom: String, of tag: String = "<body") -> String? {
        guard let start = dom.range(of: tag) else { return nil }
        let head = dom[start.lowerBound...].prefix { $0 != ">" }
        guard let a = head.range(of: " \(name)=\"") else { return nil }
        return String(head[a.upperBound...].prefix { $0 != "\"" })
    }

    /// What `zoneplan check --format json` says of each application of a file.
    static func checked(_ data: Data) throws -> [JSONValue] {
        let v = try JSONValue.parse(Data(try expectedJSON(data).utf8))
        return v.arrayValue ?? [v]
    }

    @Test func anUploadedMultiPolygonWithAHoleIsVettedWhole() async throws {
        let file = try fixture("multipolygon-with-hole.geojson")
        let expected = try #require(Self.checked(file).first)
        let area = try #require(expected["area_mu"]?.doubleValue)
        // What the page used to send: the first part's outer ring only.
        let g = try #require(try JSONValue.parse(file)["geometry"]?["coordinates"]?.arrayValue?.first?.arrayValue?.first)
        let outer = Geometry.polygon(Polygon(exterior: try #require(g.arrayValue).map { Coordinate($0[0]!.doubleValue!, $0[1]!.doubleValue!) }))
        let outerMu = try PlanarMeasurer().areaMu(lonLat: outer)
        #expect(abs(outerMu - area) > 10, "the fixture must tell a whole site from its first ring")

        let probe = [(120.0, 30.5), (120.8, 30.75), (121.3, 30.9), (120.35, 30.45)]
        let probeText = probe.map { "\($0.0),\($0.1)" }.joined(separator: ";")
        try await Self.withServer { base in
            let dom = try await Self.dom("\(base)/map?upload=multipolygon-with-hole&probe=\(probeText)&time=2026-12-31T17:00:00.250Z") { Self.attribute("data-state", in: $0) != nil }
            #expect(Self.attribute("data-state", in: dom) == "vetted", "\(dom.suffix(3000))")
            let shown = try #require(Self.attribute("data-area-mu", in: dom, of: "id=\"summary\"").flatMap(Double.init))
            #expect(shown == area, "the page shows \(shown) 亩, zoneplan check \(area) 亩")
            #expect(dom.contains("<span id=\"area\">\(DecisionReport.num(area, 4))</span>"))

            // Red outlines: the zones the site lies across behind a warn (the two counties); the
            // nearest platforms a finding lists are drawn as advice, not as offending.
            var behind = Set<String>(), nearest = Set<String>()
            for f in expected["findings"]?.arrayValue ?? [] where ["fail", "warn"].contains(f["outcome"]?.stringValue ?? "") {
                for z in f["zones"]?.arrayValue ?? [] {
                    let id = z["id"]?.stringValue ?? ""
                    if z["overlap_mu"] != nil || z["share"] != nil { behind.insert(id) } else { nearest.insert(id) }
                }
            }
            nearest.subtract(behind)
            #expect(!behind.isEmpty && !nearest.isEmpty)
            let offending = Set((Self.attribute("data-offending", in: dom) ?? "").split(separator: " ").map(String.init))
            #expect(offending == behind)
            #expect(offending.isDisjoint(with: nearest))
            #expect(Set((Self.attribute("data-nearest", in: dom) ?? "").split(separator: " ").map(String.init)) == nearest)

            // Zoomed to the site: it is a shape, the zones around it are named, there is a scale.
            #expect((Double(Self.attribute("data-site-px", in: dom) ?? "") ?? 0) >= 150)
            #expect(dom.contains("class=\"zlabel zlabel-admin\" data-zone=\"county-330402\""), "no county label at the site's zoom")
            #expect(dom.contains("leaflet-control-scale-line"))
            // A recorded time as the page shows it: China time, the zone written out.
            #expect(dom.contains("<pre id=\"probe-time\" hidden=\"\">2027-01-01 01:00 (UTC+8)</pre>"))
            // The server has no token: no Record panel.
            #expect(dom.contains("id=\"record-panel\" hidden"))

            // The read-out's CGCS2000 Gauss-Krüger figures agree with PROJ to the millimetre.
            let probeJSON = try #require(dom.range(of: "<pre id=\"probe\" hidden=\"\">").map { String(dom[$0.upperBound...].prefix { $0 != "<" }) })
            let points = try #require(try JSONValue.parse(Data(probeJSON.replacingOccurrences(of: "&quot;", with: "\"").utf8)).arrayValue)
            #expect(points.count == probe.count)
            let proj = try CoordinateTransformer(from: .cgcs2000, to: .gaussKruger120)
            for p in points {
                let lon = try #require(p["lon"]?.doubleValue), lat = try #require(p["lat"]?.doubleValue)
                let want = try proj.transform(Coordinate(lon, lat))
                let e = try #require(p["easting"]?.doubleValue), n = try #require(p["northing"]?.doubleValue)
                #expect(abs(e - want.x) < 0.001 && abs(n - want.y) < 0.001, "(\(lon), \(lat)): page E \(e) N \(n), PROJ E \(want.x) N \(want.y)")
                #expect(p["text"]?.stringValue?.contains(String(format: "X %.2f Y %.2f", want.y, want.x)) == true)
            }
        }
    }

    @Test func aFileWithSeveralSitesIsVettedOneByOne() async throws {
        let expected = try Self.checked(try fixture("two-sites.geojson"))
        #expect(expected.count == 2)
        try await Self.withServer { base in
            let dom = try await Self.dom("\(base)/map?upload=two-sites") { Self.attribute("data-state", in: $0) != nil }
            #expect(Self.attribute("data-state", in: dom) == "vetted", "\(dom.suffix(3000))")
            for (i, r) in expected.enumerated() {
                let row = try #require(dom.range(of: "<tr class=\"result\(i == 0 ? " selected" : "")\" data-index=\"\(i)\"").map { String(dom[$0.lowerBound...].prefix { $0 != ">" }) },
                                       "no result row \(i)")
                #expect(row.contains("data-verdict=\"\(r["verdict"]?.stringValue ?? "?")\""))
                #expect(row.contains("data-area-mu=\"\(DecisionReport.num(r["area_mu"]?.doubleValue ?? 0, 4))\""))
            }
        }
    }

    @Test func aSiteThatIsNotAnAreaIsRefusedWithTheReason() async throws {
        try await Self.withServer { base in
            let dom = try await Self.dom("\(base)/map?upload=line-site") { Self.attribute("data-state", in: $0) != nil }
            #expect(Self.attribute("data-state", in: dom) == "error")
            #expect(dom.contains("line-site.geojson 未审查 not vetted: request (示例：一条线): geometry: the site must be a Polygon or MultiPolygon, got LineString"))
            #expect(dom.contains("<div id=\"verdict\" data-verdict=\"\"></div>"), "a verdict is shown for a refused file")
        }
    }

    @Test func aFortyMuSiteFillsTheViewAndTheRecordPanelShowsWithAToken() async throws {
        let ws = try TempWorkspace()
        try await Self.withServer(workspace: ws.location, token: testToken) { base in
            let dom = try await Self.dom("\(base)/map?demo=prohibited-zone") { Self.attribute("data-state", in: $0) != nil }
            #expect(Self.attribute("data-state", in: dom) == "vetted")
            // 40 亩 is a square of 163 m: at least 150 px on screen, not a dot.
            #expect((Double(Self.attribute("data-site-px", in: dom) ?? "") ?? 0) >= 150, "\(Self.attribute("data-site-px", in: dom) ?? "-")")
            #expect(dom.contains("id=\"record-panel\">"))
            #expect(dom.contains("id=\"readonly\" hidden"))
            // The prohibited zone is behind the fail; the platforms the platform warn lists are not.
            let offending = (Self.attribute("data-offending", in: dom) ?? "").split(separator: " ").map(String.init)
            #expect(offending == ["fz-prohibited-nanbeihu"])
        }
    }
}

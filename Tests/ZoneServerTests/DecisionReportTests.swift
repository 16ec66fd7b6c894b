import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
import ZoneVetting
@testable import ZoneServer

/// The printable report as a bureau files it: numbered zones that do not pile up, the site large
/// enough to see, the zones behind a fail or warn named in the key, clauses quoted, the decision
/// number, signature lines and China time.
@Suite struct DecisionReportTests {
    /// The centres of the numbered zone markers on the site map.
    static func markers(_ html: String) -> [(x: Double, y: Double)] {
        html.components(separatedBy: "<g class=\"zone-no\"").dropFirst().compactMap { part in
            func value(_ name: String) -> Double? {
                guard let r = part.range(of: " \(name)=\"") else { return nil }
                return Double(part[r.upperBound...].prefix { $0 != "\"" })
            }
            guard let x = value("cx"), let y = value("cy") else { return nil }
            return (x, y)
        }
    }

    /// The site's size on the 720 px wide map.
    static func sitePixels(_ html: String) throws -> Double {
        let tag = try #require(html.components(separatedBy: "<path d=\"").first { $0.contains("class=\"site\"") })
        let d = String(tag.prefix { $0 != "\"" })
        let xs = d.split(whereSeparator: { "MLZ".contains($0) }).compactMap { $0.split(separator: ",").first.flatMap { Double($0) } }
        return (xs.max() ?? 0) - (xs.min() ?? 0)
    }

    static func keyRow(_ html: String, zone: String) -> String? {
        guard let r = html.range(of: "<tr data-zone=\"\(zone)\">") else { return nil }
        return String(html[r.lowerBound...].prefix(while: { $0 != "\n" }).components(separatedBy: "</tr>")[0])
    }

    @Test func theSiteMapNumbersZonesWithAKeyAndQuotesTheClauses() async throws {
        let body = try fixture("multipolygon-with-hole.geojson")
        let result = try JSONValue.parse(Data(try expectedJSON(body).utf8))
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/report", method: .post, body: ByteBuffer(data: body))
            #expect(r.status == .ok)
            let html = r.text
            #expect(html.contains("草稿：未记录，无文号"), "a report of an unrecorded application says it has no number")
            // The versions it was vetted under, the industry-policy catalogue among them.
            let catalogues = try #require(result["policy_catalogues"]?.arrayValue.map { $0.compactMap(\.stringValue) })
            #expect(!catalogues.isEmpty)
            #expect(html.contains("id=\"policy-catalogues\">\(catalogues.joined(separator: "；"))</td>"))

            // Numbers, not names, on the map: no two markers overlap (radius 9.5 px).
            let m = Self.markers(html)
            #expect(m.count >= 5)
            for i in m.indices { for j in m.indices where j > i {
                #expect(hypot(m[i].x - m[j].x, m[i].y - m[j].y) >= 19, "markers \(i + 1) and \(j + 1) overlap")
            } }
            #expect(try Self.sitePixels(html) > 250, "the site is too small to see")

            // The key names the zones behind the warn, and the nearest platforms only as reference.
            for f in result["findings"]?.arrayValue ?? [] where f["outcome"]?.stringValue == "warn" {
                for z in f["zones"]?.arrayValue ?? [] {
                    let id = z["id"]?.stringValue ?? ""
                    guard let row = Self.keyRow(html, zone: id) else { continue }  // a nearest platform out of view
                    if z["overlap_mu"] != nil {
                        #expect(row.contains("class=\"o-warn\"") && row.contains("附条件 warn: \(f["rule"]?.stringValue ?? "")"), "\(row)")
                    } else {
                        #expect(!row.contains("o-warn") && row.contains("最近的发展平台（参考）"), "\(row)")
                    }
                }
            }
            #expect(Self.keyRow(html, zone: "county-330402") != nil && Self.keyRow(html, zone: "county-330411") != nil)

            // Every clause the findings cite: its plan's title, section and words.
            let clauses = try #require(result["clauses"]?.arrayValue)
            #expect(!clauses.isEmpty)
            for (i, c) in clauses.enumerated() {
                let row = try #require(html.range(of: "<tr id=\"clause-\(i + 1)\">").map { String(html[$0.lowerBound...].prefix(3000)) })
                for field in ["ref", "title", "section"] { #expect(row.contains(DecisionReport.esc(c[field]?.stringValue ?? "?"))) }
                #expect(row.contains("「\(DecisionReport.esc(c["quote"]?.stringValue ?? "?"))」"))
            }
            #expect(html.contains("<a href=\"#clause-1\">[1] \(clauses[0]["ref"]?.stringValue ?? "?")</a> \(clauses[0]["title"]?.stringValue ?? "?")"))
            #expect(html.contains("经办人") && html.contains("审核人") && html.contains("签发"))
            #expect(html.range(of: #"id="generated-at">\d{4}-\d\d-\d\d \d\d:\d\d \(UTC\+8\)"#, options: .regularExpression) != nil)
        }
    }

    @Test func aFortyMuSiteIsAShapeOnTheMap() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/report", method: .post, body: ByteBuffer(data: try example("prohibited-zone.geojson")))
            #expect(r.status == .ok)
            // 163 m of a view at most 4 × (163 + 2 × 350) m wide would be 27 px at the old 1.5 km margin.
            #expect(try Self.sitePixels(r.text) > 100)
            #expect(Self.keyRow(r.text, zone: "fz-prohibited-nanbeihu")?.contains("不通过 fail: function-zone/prohibited") == true)
        }
    }

    @Test func aRecordedDecisionCarriesItsNumberSignatureLinesAndChinaTime() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location, token: testToken))
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(testToken)"]
            for name in ["outside-platforms.geojson", "two-counties.geojson"] {
                let r = try await client.execute(uri: "/decisions?official=%E5%BC%A0%E4%B8%89", method: .post, headers: auth,
                                                 body: ByteBuffer(data: try example(name)))
                #expect(r.status == .created)
            }
            let d = try await client.execute(uri: "/decisions/2", method: .get).json
            let recorded = try #require(d["recorded_at"]?.stringValue.flatMap(ChinaTime.parse))
            let r = try await client.execute(uri: "/decisions/2/report", method: .get)
            #expect(r.status == .ok)
            let html = r.text
            // Both decisions fall in the same China-time year unless recorded across its midnight.
            let year = ChinaTime.year(recorded)
            #expect(html.contains("id=\"decision-number\">嘉自然资规审〔\(year)〕2号</div>"))
            #expect(html.contains("经办人：<span class=\"line\" id=\"sign-official\">张三</span>"))
            #expect(html.contains("签发：<span class=\"line\">&nbsp;</span>"))
            // The time as a person in Jiaxing reads it: UTC + 8 h, the zone written out.
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: recorded)
            let local = String(format: "%04d-%02d-%02d %02d:%02d (UTC+8)", c.year!, c.month!, c.day!, c.hour!, c.minute!)
            #expect(html.contains("id=\"recorded-at\">\(local) · 张三"), "expected \(local)")
            // A workspace's plan carries no clause book: the report still quotes what is cited.
            #expect(html.contains("<tr id=\"clause-1\">"))
            #expect(html.contains("「本规划是嘉兴市“十二五”规划体系的重点专项规划"), "the jurisdiction rule's clause 000:15 is not quoted")
            // The machine output keeps ISO 8601 with its offset.
            #expect(d["recorded_at"]?.stringValue?.hasSuffix("Z") == true)
        }
    }
}

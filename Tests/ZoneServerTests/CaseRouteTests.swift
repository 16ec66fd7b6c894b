import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
import ZonePostGIS
import ZoneService
import ZoneStore
import ZoneVetting
@testable import ZoneServer

/// The case routes on both workspace backends: each person acts with their own token, the step
/// their role allows, in order; refusals are 401/403/409 and store nothing; the land is drawn
/// only when 签发 records the decision; the report carries the chain.
@Suite("cases over HTTP: 经办 → 审核 → 签发")
struct CaseRouteTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case spatialite = "SpatiaLite", postgis = "PostGIS"
        var testDescription: String { rawValue }
    }

    /// A workspace with a quota and a bureau, and each person's token.
    final class Bureau: @unchecked Sendable {
        let dir: URL
        let location: String
        let backend: Backend
        var tokens: [String: String] = [:]
        init(_ backend: Backend) throws {
            self.backend = backend
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-cases-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            switch backend {
            case .spatialite: location = dir.appendingPathComponent("ws.sqlite").path
            case .postgis:
                ZonePostGIS.register()
                location = try PostGISTestServer.freshDatabase(repoRoot: repoRoot)
            }
            let store = try WorkspaceLocator.open(location, create: true)
            let ws = Workspace(store: store)
            try ws.initialize(from: plan, official: "测试员")
            try ws.setQuota(QuotaAccountKey(kind: .county, ref: "330402", year: 2026), mu: 1200, name: "南湖区", official: "测试员", note: nil)
            try ws.addPerson("王局", roles: [.signer, .admin], actor: nil, fallback: "测试员")
            try ws.addPerson("张三", roles: [.caseOfficer], actor: "王局", fallback: "测试员")
            try ws.addPerson("李四", roles: [.reviewer], actor: "王局", fallback: "测试员")
            for name in ["王局", "张三", "李四"] { tokens[name] = try ws.issueToken(for: name, actor: "王局", fallback: "测试员") }
            (store as? PostGISStore)?.close()
        }
        func auth(_ name: String) -> HTTPFields { [.authorization: "Bearer \(tokens[name]!)"] }
        deinit {
            if backend == .postgis { PostGISTestServer.dropDatabase(url: location, repoRoot: repoRoot) }
            try? FileManager.default.removeItem(at: dir)
        }
    }

    @Test("each step by its role's token; wrong role 403, out of order and signed twice 409; land drawn at 签发; the report has the chain",
          arguments: Backend.allCases)
    func aCaseOverHTTP(_ backend: Backend) async throws {
        let b = try Bureau(backend)
        // No service token: the people's tokens are what enables writes.
        let app = try buildApplication(config(workspace: b.location, token: nil))
        try await app.test(.router) { client in
            func drawn() async throws -> Double {
                let q = try await client.execute(uri: "/quotas?year=2026", method: .get)
                return q.json.arrayValue?.first?["drawn_mu"]?.doubleValue ?? -1
            }
            let body = ByteBuffer(data: try example("jiaxipera-compressor.geojson"))
            let anonymous = try await client.execute(uri: "/cases?year=2026", method: .post, body: body)
            #expect(anonymous.status == .unauthorized)
            let reviewerOpens = try await client.execute(uri: "/cases?year=2026", method: .post, headers: b.auth("李四"), body: body)
            #expect(reviewerOpens.status == .forbidden)
            #expect(reviewerOpens.json["error"]?.stringValue == "李四 is not a case-officer (roles: reviewer): 经办 needs the case-officer role")

            let opened = try await client.execute(uri: "/cases?year=2026&note=%E6%9D%90%E6%96%99%E9%BD%90%E5%85%A8", method: .post,
                                                  headers: b.auth("张三"), body: body)
            #expect(opened.status == .created)
            #expect(opened.json["state"]?.stringValue == "awaiting-review")
            #expect(opened.json["steps"]?[0]?["note"]?.stringValue == "材料齐全")
            let id = Int(opened.json["id"]?.doubleValue ?? 0)
            #expect(try await drawn() == 0)

            let early = try await client.execute(uri: "/cases/\(id)/sign", method: .post, headers: b.auth("王局"))
            #expect(early.status == .conflict)
            let wrongRole = try await client.execute(uri: "/cases/\(id)/review?verdict=pass", method: .post, headers: b.auth("张三"))
            #expect(wrongRole.status == .forbidden)
            let asReviewer = try await client.execute(uri: "/cases/\(id)", method: .get, headers: b.auth("李四"))
            #expect(asReviewer.json["actions"]?.arrayValue?.compactMap(\.stringValue) == ["review-pass", "review-return"])
            let passed = try await client.execute(uri: "/cases/\(id)/review?verdict=pass", method: .post, headers: b.auth("李四"))
            #expect(passed.status == .ok && passed.json["state"]?.stringValue == "awaiting-signature")
            let asSigner = try await client.execute(uri: "/cases/\(id)", method: .get, headers: b.auth("王局"))
            #expect(asSigner.json["actions"]?.arrayValue?.compactMap(\.stringValue) == ["sign"])
            #expect(try await drawn() == 0, "nothing drawn before 签发")

            let draft = try await client.execute(uri: "/cases/\(id)/report", method: .get)
            #expect(draft.status == .ok && draft.text.contains("草稿") && draft.text.contains("id=\"sign-reviewer\">李四<")
                    && draft.text.contains("id=\"sign-signer\"></span>"))
            let signed = try await client.execute(uri: "/cases/\(id)/sign", method: .post, headers: b.auth("王局"))
            #expect(signed.status == .ok)
            #expect(signed.json["case"]?["state"]?.stringValue == "signed")
            let decision = Int(signed.json["decision"]?["id"]?.doubleValue ?? 0)
            #expect(decision > 0 && signed.json["decision"]?["verdict"]?.stringValue == "approve")
            #expect(abs(try await drawn() - 150) < 0.5)
            let twice = try await client.execute(uri: "/cases/\(id)/sign", method: .post, headers: b.auth("王局"))
            #expect(twice.status == .conflict)
            #expect(abs(try await drawn() - 150) < 0.5)

            #expect(try await client.execute(uri: "/cases/\(id)/report", method: .get).headers[.location] == "/decisions/\(decision)/report")
            let report = try await client.execute(uri: "/decisions/\(decision)/report", method: .get)
            #expect(report.text.contains("id=\"sign-official\">张三<") && report.text.contains("id=\"sign-reviewer\">李四<")
                    && report.text.contains("id=\"sign-signer\">王局<"))
            #expect(report.text.contains("id=\"case-steps\""))

            // Quotas over the service: an admin's token, not a reviewer's.
            let quota = ByteBuffer(string: #"{"kind":"county","ref":"330402","year":2026,"mu":1300}"#)
            #expect(try await client.execute(uri: "/quotas", method: .post, headers: b.auth("李四"), body: quota).status == .forbidden)
            #expect(try await client.execute(uri: "/quotas", method: .post, headers: b.auth("王局"), body: quota).status == .created)
            let cases = try await client.execute(uri: "/cases", method: .get)
            #expect(cases.json.arrayValue?.map { $0["state"]?.stringValue } == ["signed"])
        }
    }

    @Test("with the service token too: it still writes quotas, but takes no case step and records no one-step decision")
    func theServiceTokenActsForNoOne() async throws {
        let b = try Bureau(.spatialite)
        let app = try buildApplication(config(workspace: b.location, token: testToken))
        try await app.test(.router) { client in
            let service: HTTPFields = [.authorization: "Bearer \(testToken)"]
            let body = ByteBuffer(data: try example("jiaxipera-compressor.geojson"))
            let open = try await client.execute(uri: "/cases?year=2026", method: .post, headers: service, body: body)
            #expect(open.status == .forbidden)
            let legacy = try await client.execute(uri: "/decisions?year=2026", method: .post, headers: service, body: body)
            #expect(legacy.status == .conflict)
            #expect(legacy.json["error"]?.stringValue?.contains("files cases (it has people)") == true)
            let quota = ByteBuffer(string: #"{"kind":"county","ref":"330402","year":2026,"mu":1300}"#)
            #expect(try await client.execute(uri: "/quotas", method: .post, headers: service, body: quota).status == .created)
            // A retried 经办 with the same Idempotency-Key opens one case; the key with another request is refused.
            var keyed = b.auth("张三")
            keyed[HTTPFields.Element.Name("Idempotency-Key")!] = "case-0001"
            let first = try await client.execute(uri: "/cases?year=2026", method: .post, headers: keyed, body: body)
            let retry = try await client.execute(uri: "/cases?year=2026", method: .post, headers: keyed, body: body)
            #expect(first.status == .created && retry.status == .created && retry.body == first.body)
            #expect(retry.headers[HTTPFields.Element.Name("Idempotent-Replayed")!] == "true")
            let other = try await client.execute(uri: "/cases?year=2025", method: .post, headers: keyed, body: body)
            #expect(other.status == .unprocessableContent)
            #expect(try await client.execute(uri: "/cases", method: .get).json.arrayValue?.count == 1)
            let bad = try await client.execute(uri: "/cases?year=2026", method: .post, headers: [.authorization: "Bearer not-a-token-0123456789"], body: body)
            #expect(bad.status == .unauthorized)
            #expect(try await client.execute(uri: "/decisions", method: .get).json.arrayValue?.isEmpty == true)
            let api = try await client.execute(uri: "/api", method: .get).json
            for p in ["/cases", "/cases/{id}", "/cases/{id}/review", "/cases/{id}/resubmit", "/cases/{id}/sign", "/cases/{id}/report", "/whoami"] {
                #expect(api["paths"]?[p] != nil, "OpenAPI lacks \(p)")
            }
        }
    }

    @Test("the map page shows a case's state and offers the step the token's person may take")
    func theMapPageOffersTheStepOfTheTokensRole() async throws {
        let b = try Bureau(.spatialite)
        let ws = Workspace(store: try WorkspaceLocator.open(b.location, create: false))
        let (app, data) = try Self.application("jiaxipera-compressor.geojson")
        let c = try ws.openCase(Workspace.Submission(application: app, input: data), as: "张三", note: nil, year: 2026)
        _ = try ws.review(case: c.id, as: "李四", pass: true, note: nil)
        try await MapPageTests.withServer(workspace: b.location, token: nil) { base in
            let asSigner = try await MapPageTests.dom("\(base)/map?case=\(c.id)#token=\(b.tokens["王局"]!)")
            #expect(MapPageTests.attribute("data-state", in: asSigner, of: "<div id=\"case-state\"") == "awaiting-signature")
            #expect(MapPageTests.attribute("data-actions", in: asSigner, of: "<div class=\"row\" id=\"case-actions\"") == "sign")
            #expect(asSigner.contains("data-step=\"sign\""))
            let asReviewer = try await MapPageTests.dom("\(base)/map?case=\(c.id)#token=\(b.tokens["李四"]!)")
            #expect(MapPageTests.attribute("data-actions", in: asReviewer, of: "<div class=\"row\" id=\"case-actions\"") == "review-return")
            let anonymous = try await MapPageTests.dom("\(base)/map?case=\(c.id)")
            #expect(MapPageTests.attribute("data-state", in: anonymous, of: "<div id=\"case-state\"") == "awaiting-signature")
            #expect(MapPageTests.attribute("data-actions", in: anonymous, of: "<div class=\"row\" id=\"case-actions\"") == "")
        }
    }

    static func application(_ name: String) throws -> (ZoneVetting.Application, Data) {
        let data = try example(name)
        let entries = try ApplicationFile.read(data, fileLabel: name, catalog: plan.industries, engine: GeometryEngine())
        return (try entries[0].get(), data)
    }
}

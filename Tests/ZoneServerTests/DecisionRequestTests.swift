import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
@testable import ZoneServer

/// `POST /decisions` is all or nothing, and a retried write with the same `Idempotency-Key` is
/// recorded once.
@Suite struct DecisionRequestTests {
    @Test func aRetryWithTheSameKeyIsRecordedOnceAndABadBatchRecordsNothing() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location, token: testToken))
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(testToken)", HTTPFields.Element.Name("Idempotency-Key")!: "req-0001"]
            let body = ByteBuffer(data: try example("jinko-solar-cells.geojson"))
            let first = try await client.execute(uri: "/decisions?year=2026", method: .post, headers: auth, body: body)
            #expect(first.status == .created)
            let again = try await client.execute(uri: "/decisions?year=2026", method: .post, headers: auth, body: body)
            #expect(again.status == first.status)
            #expect(again.body == first.body)
            let list = try await client.execute(uri: "/decisions", method: .get)
            #expect(list.json.arrayValue?.count == 1)
            // The same key for another request is refused.
            let other = try await client.execute(uri: "/decisions?year=2026", method: .post, headers: auth,
                                                 body: ByteBuffer(data: try example("outside-platforms.geojson")))
            #expect(other.status == .unprocessableContent)

            // Two applications, the second bad: nothing of the request is recorded.
            let good = try JSONValue.parse(try example("outside-platforms.geojson"))
            var bad = good
            if case .object(var f) = bad, case .object(var p)? = f["properties"] {
                p["industry"] = .string("C9999"); f["properties"] = .object(p); bad = .object(f)
            }
            let fc = JSONValue.object(["type": .string("FeatureCollection"), "features": .array([good, bad])])
            let batch = try await client.execute(uri: "/decisions?year=2026", method: .post,
                                                 headers: [.authorization: "Bearer \(testToken)"], body: ByteBuffer(string: fc.serialized()))
            #expect(batch.status == .badRequest)
            let after = try await client.execute(uri: "/decisions", method: .get)
            #expect(after.json.arrayValue?.count == 1, "nothing of the bad batch was recorded")
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
@testable import ZoneServer

/// `POST /decisions?dry_run=1` promises exactly the quota entries `POST /decisions` then writes
/// (a platform without an account is not drawn by either). Both backends are covered at the
/// workspace level (ZoneStoreTests' LayerIdentityTests); this is the HTTP answer.
@Suite struct DryRunDrawTests {
    /// The entries of an answer without what only a written entry has (id, time, decision).
    static func draws(_ answer: JSONValue) -> [String] {
        (answer["quota_entries"]?.arrayValue ?? []).map { e in
            var o = e.objectValue ?? [:]
            for k in ["id", "at", "decision_id", "decisionId"] { o.removeValue(forKey: k) }
            return JSONValue.object(o).serialized()
        }.sorted()
    }

    @Test func theDryRunAnswersTheDrawsTheRecordMakes() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location, token: testToken))
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(testToken)"]
            for (kind, ref) in [("county", "330402"), ("platform", "platform-prov-jxip")] {
                let q = try await client.execute(uri: "/quotas", method: .post, headers: auth,
                                                 body: ByteBuffer(string: #"{"kind":"\#(kind)","ref":"\#(ref)","year":2026,"mu":800}"#))
                #expect(q.status == .created)
            }
            // In 南湖区, in 嘉兴工业园区 (an account) and in a platform without one.
            let body = ByteBuffer(data: try example("jiaxipera-compressor.geojson"))
            let dry = try await client.execute(uri: "/decisions?year=2026&dry_run=1", method: .post, headers: auth, body: body)
            #expect(dry.status == .ok)
            let real = try await client.execute(uri: "/decisions?year=2026", method: .post, headers: auth, body: body)
            #expect(real.status == .created)
            let promised = Self.draws(dry.json), written = Self.draws(real.json)
            #expect(promised == written)
            #expect(written.count == 2, "\(written)")
            #expect(written.contains { $0.contains("platform-prov-jxip") })
        }
    }
}

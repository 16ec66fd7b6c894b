import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZonePlan
import ZoneService
import ZoneStore
@testable import ZoneServer

/// The server follows the workspace's plan: after an import (by another process, as `zoneplan
/// import` would), the next request is served with the new snapshot, and `/vet` and
/// `/decisions` name the same version.
@Suite struct SnapshotSwapTests {
    @Test func anImportIsServedWithoutARestart() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location, token: testToken))
        try await app.test(.router) { client in
            let body = ByteBuffer(data: try example("outside-platforms.geojson"))
            let h1 = try await client.execute(uri: "/health", method: .get)
            let v1 = try #require(h1.json["plan_version"]?.stringValue)
            let vet1 = try await client.execute(uri: "/vet", method: .post, body: body)
            #expect(vet1.json["verdict"]?.stringValue == "conditional")

            // A new rule pack version in which a site outside every platform fails.
            let text = try String(contentsOf: geoData.appendingPathComponent("rulepack.yaml"), encoding: .utf8)
                .replacingOccurrences(of: #"version: "2026.11.4""#, with: #"version: "2026.11.4-test""#)
                .replacingOccurrences(of: "      outside_outcome: warn", with: "      outside_outcome: fail")
            let other = Workspace(store: try WorkspaceLocator.open(ws.location, create: false))
            _ = try other.importRulePack(text: text, source: "test", official: "测试员")

            let h2 = try await client.execute(uri: "/health", method: .get)
            let v2 = try #require(h2.json["plan_version"]?.stringValue)
            #expect(v2 != v1)
            #expect(h2.json["rule_pack_version"]?.stringValue == "2026.11.4-test")
            let vet2 = try await client.execute(uri: "/vet", method: .post, body: body)
            #expect(vet2.json["verdict"]?.stringValue == "reject")
            #expect(vet2.json["rule_pack_version"]?.stringValue == "2026.11.4-test")
            #expect(vet2.json["plan_version"]?.stringValue == v2)
            let rec = try await client.execute(uri: "/decisions?dry_run=1", method: .post,
                                               headers: [.authorization: "Bearer \(testToken)"], body: body)
            #expect(rec.json["result"]?["plan_version"]?.stringValue == v2)
            #expect(rec.json["verdict"]?.stringValue == "reject")
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
@testable import ZoneServer

/// What a hostile or careless client meets: methods a path lacks, HEAD, percent-encoded ids,
/// slow and idle connections, internal errors.
@Suite("ZoneServerTests hardening", .serialized)
struct HardeningTests {
    @Test func aMethodAPathLacksGets405WithAllowAndHeadIsAnswered() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let del = try await client.execute(uri: "/health", method: .delete)
            #expect(del.status == .methodNotAllowed)
            #expect(del.headers[.allow] == "GET, HEAD")
            #expect(del.json["error"]?.stringValue?.contains("DELETE") == true)
            let put = try await client.execute(uri: "/decisions", method: .put)
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, HEAD, POST")
            let getVet = try await client.execute(uri: "/vet", method: .get)
            #expect(getVet.status == .methodNotAllowed && getVet.headers[.allow] == "POST")
            // An unknown path is still 404.
            #expect(try await client.execute(uri: "/nope", method: .delete).status == .notFound)
            let head = try await client.execute(uri: "/collections/platforms", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(Int(head.headers[.contentLength] ?? "") ?? 0 > 0)
        }
    }

    @Test func aHexFigureInTheQueryIsRefusedNotReadAs16() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/vet?industry=C3825&investment_wan=0x10", method: .post,
                                             headers: [.contentType: "text/plain"], body: ByteBuffer(data: try fixture("parcel.txt")))
            #expect(r.status == .badRequest)
            #expect(r.json["error"]?.stringValue?.contains("investment_wan") == true)
        }
    }

    @Test func pathParametersArePercentDecoded() async throws {
        let app = try buildApplication(config())
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/collections/platforms/items/platform%2Dnat%2Djxetdz", method: .get)
            #expect(r.status == .ok)
            #expect(r.json["id"]?.stringValue == "platform-nat-jxetdz")
        }
    }

    @Test func slowTricklingAndIdleClientsAreCutOff() async throws {
        var c = config()
        c.limits = ConnectionLimits(headSeconds: 2, bodySeconds: 2, idleSeconds: 3, maxConnections: 4)
        let app = try buildApplication(c)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let script = repoRoot.appendingPathComponent("Tests/ZoneServerTests/Fixtures/slow_clients.py").path
            let r = try await run("/usr/bin/python3", [script, String(port), "4"], timeout: 60)
            #expect(r.status == 0, "\(r.err)")
            let o = try JSONValue.parse(Data(r.out.utf8))
            // HTTP/1.0 without keep-alive: closed right after the answer, not at the 3 s idle
            // deadline (1.68 s was seen on a loaded machine, so the margin is below the deadline).
            #expect((o["http10_closed_after"]?.doubleValue ?? 99) < 2.5, "\(r.out)")
            #expect((o["trickled_head_closed_after"]?.doubleValue ?? 99) < 4, "\(r.out)")
            #expect((o["slow_body_closed_after"]?.doubleValue ?? 99) < 4, "\(r.out)")
            #expect((o["answered_past_cap_after"]?.doubleValue ?? 99) < 6, "\(r.out)")
            #expect(o["final_health_ok"]?.boolValue == true, "\(r.out)")
        }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
import ZoneVetting
@testable import ZoneServer

/// Against a real server on a free loopback port: GDAL's OAPIF client, headless Chromium, load.
@Suite("ZoneServerTests live", .serialized)
struct LiveTests {
    @Test func gdalListsCollectionsAndPagesThroughOne() async throws {
        let app = try buildApplication(config())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            let info = try await run("/usr/bin/ogrinfo", ["-ro", "-q", "OAPIF:\(base)"])
            #expect(info.status == 0, "\(info.err)")
            for l in plan.layers { #expect(info.out.contains(l.name), "ogrinfo lacks \(l.name): \(info.out)") }

            let items = try await client.execute(uri: "/collections/platforms/items?limit=1", method: .get)
            let matched = try #require(items.json["numberMatched"]?.intValue)
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("zp-oapif-\(UUID().uuidString).geojson")
            defer { try? FileManager.default.removeItem(at: out) }
            // PAGE_SIZE 7 makes GDAL follow several next links.
            let copy = try await run("/usr/bin/ogr2ogr", ["-f", "GeoJSON", out.path, "OAPIF:\(base)", "platforms", "-oo", "PAGE_SIZE=7"])
            #expect(copy.status == 0, "\(copy.err)")
            let fc = try JSONValue.parse(try Data(contentsOf: out))
            #expect(fc["features"]?.arrayValue?.count == matched)
        }
    }

    @Test func chromiumVetsTheDemoAndTakesAScreenshot() async throws {
        let chromium = "/usr/bin/chromium"
        try #require(FileManager.default.isExecutableFile(atPath: chromium), "install the Debian chromium package")
        let app = try buildApplication(config())
        let name = "prohibited-zone"
        let expected = try JSONValue.parse(Data(try expectedJSON(try example("\(name).geojson")).utf8))["verdict"]?.stringValue
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)/map?demo=\(name)"
            let profile = FileManager.default.temporaryDirectory.appendingPathComponent("zp-chromium-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: profile) }
            let common = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)", "--window-size=1280,900",
                          "--virtual-time-budget=15000", "--run-all-compositor-stages-before-draw"]
            let dom = try await run(chromium, common + ["--dump-dom", url])
            #expect(dom.status == 0, "\(dom.err.suffix(2000))")
            #expect(dom.out.contains("data-verdict=\"\(expected ?? "?")\""), "the page shows no verdict \(expected ?? "")")
            #expect(dom.out.contains("data-state=\"vetted\""))
            #expect(dom.out.contains("class=\"finding\""))
            let shot = repoRoot.appendingPathComponent("docs/screenshots/map.png")
            try FileManager.default.createDirectory(at: shot.deletingLastPathComponent(), withIntermediateDirectories: true)
            let s = try await run(chromium, common + ["--screenshot=\(shot.path)", url])
            #expect(s.status == 0, "\(s.err.suffix(2000))")
            let size = (try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
            #expect(size > 20_000)
        }
    }

    @Test func loadTwoHundredConcurrentVets() async throws {
        let app = try buildApplication(config())
        let body = try example("jinko-solar-cells.geojson")
        let expected = try expectedJSON(body)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)/vet"
            func batch(_ n: Int) async throws -> Int {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    var sent = 0, ok = 0
                    func add() { sent += 1; group.addTask { let (s, d) = try await http(url, method: "POST", body: body, type: "application/geo+json")
                        return s == 200 && String(decoding: d, as: UTF8.self) == expected } }
                    while sent < min(16, n) { add() }
                    while let r = try await group.next() {
                        if r { ok += 1 }
                        if sent < n { add() }
                    }
                    return ok
                }
            }
            #expect(try await batch(32) == 32)  // warm up: the engine pool fills
            let before = rssKB()
            let start = Date()
            #expect(try await batch(200) == 200)
            let seconds = Date().timeIntervalSince(start)
            let after = rssKB()
            print("load: 200 POST /vet, 16 at a time, in \(String(format: "%.1f", seconds)) s; RSS \(before) kB → \(after) kB")
            #expect(seconds < 120)
            #expect(after - before < 40_000, "RSS grew from \(before) kB to \(after) kB")
        }
    }
}

/// `zoneplan serve` itself: the built binary starts, answers, and stops on SIGTERM.
@Suite("ServeCommand")
struct ServeCommandTests {
    @Test func serveAnswersAndStops() async throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("zoneplan")
        let candidates = [bin.path, repoRoot.appendingPathComponent(".build-srv/debug/zoneplan").path]
        let path = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "build zoneplan first")
        let port = freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["serve", "--port", "\(port)", "--geodata", geoData.path, "--quiet"]
        var env = ProcessInfo.processInfo.environment
        env["ZONEPLAN_TOKEN"] = testToken
        env.removeValue(forKey: "ZONEPLAN_DB")
        p.environment = env
        let err = Pipe()
        p.standardError = err
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        var status = 0
        var body = Data()
        for _ in 0..<100 {
            try await Task.sleep(nanoseconds: 200_000_000)
            if let (s, d) = try? await http("http://127.0.0.1:\(port)/collections") { status = s; body = d; break }
        }
        #expect(status == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"platforms\""))
        let (vs, vd) = try await http("http://127.0.0.1:\(port)/vet", method: "POST", body: try example("jinko-solar-cells.geojson"))
        #expect(vs == 200)
        #expect(String(decoding: vd, as: UTF8.self) == (try expectedJSON(try example("jinko-solar-cells.geojson"))))
        p.terminate()
        for _ in 0..<50 where p.isRunning { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(!p.isRunning)
        let log = String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
        #expect(!log.contains(testToken), "the token must never be logged")
    }
}

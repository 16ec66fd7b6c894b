import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneGeometry
@testable import ZoneServer

/// The OGC API as GIS users meet it, against a real server on a loopback port: GDAL's OAPIF
/// driver paging every collection and filtering by extent, and Chromium drawing an HTML page.
@Suite("OGC API live", .serialized)
struct OGCLiveTests {
    static let ogrinfo = "/usr/bin/ogrinfo"

    /// The ids GDAL reads from one layer (`-geom=NO` keeps the listing short).
    static func gdalIds(_ base: String, _ layer: String, extra: [String]) async throws -> [String] {
        let r = try await run(ogrinfo, ["-ro", "-q", "-al", "-geom=NO", "OAPIF:\(base)", layer] + extra)
        #expect(r.status == 0, "\(layer): \(r.err)")
        // The OAPIF driver puts a string `id` into a field named id.
        return r.out.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("id (String) = ") else { return nil }
            return String(t.dropFirst("id (String) = ".count))
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: OGCLiveTests.ogrinfo),
                   "skipped: ogrinfo is not installed (Debian gdal-bin, which scripts/install-deps.sh installs)"))
    func gdalPagesEveryCollectionAndFiltersByExtent() async throws {
        let app = try buildApplication(config())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            let summary = try await run(Self.ogrinfo, ["-ro", "-so", "-al", "OAPIF:\(base)"])
            #expect(summary.status == 0, "\(summary.err)")
            for layer in plan.layers {
                let ids = layer.features.map(\.id)
                #expect(summary.out.contains("Layer name: \(layer.name)\n"), "\(layer.name) not listed")
                // PAGE_SIZE 3: GDAL follows next links through every layer.
                let paged = try await Self.gdalIds(base, layer.name, extra: ["-oo", "PAGE_SIZE=3"])
                #expect(paged == ids, "\(layer.name): GDAL read \(paged.count) of \(ids.count) features")
            }
            #expect(summary.out.contains("area_mu: Real"), "the items lack the export's area_mu")

            // -spat: what GDAL keeps is what the server's bbox selects (and some, not all).
            let box = (120.6, 30.6, 120.9, 30.8)
            let served = try await client.execute(uri: "/collections/platforms/items?limit=1000&bbox=\(box.0),\(box.1),\(box.2),\(box.3)", method: .get)
            let expected = try #require(served.json["features"]?.arrayValue).compactMap { $0["id"]?.stringValue }
            #expect(!expected.isEmpty && expected.count < plan.layer(named: "platforms")!.features.count)
            let spat = try await Self.gdalIds(base, "platforms", extra: ["-oo", "PAGE_SIZE=3", "-spat", "\(box.0)", "\(box.1)", "\(box.2)", "\(box.3)"])
            #expect(spat == expected)
        }
    }

    @Test func chromiumDrawsAnItemsPage() async throws {
        let chromium = "/usr/bin/chromium"
        try #require(FileManager.default.isExecutableFile(atPath: chromium), "install the Debian chromium package")
        let app = try buildApplication(config())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)/collections/platforms/items?f=html&limit=5&tier=national"
            let profile = FileManager.default.temporaryDirectory.appendingPathComponent("zp-chromium-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: profile) }
            let dom = try await run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                                               "--virtual-time-budget=8000", "--dump-dom", url])
            #expect(dom.status == 0, "\(dom.err.suffix(2000))")
            let national = plan.layer(named: "platforms")!.features.filter { $0.tier == .national }
            let shown = min(5, national.count)
            #expect(dom.out.components(separatedBy: "<tr class=\"feature\">").count - 1 == shown)
            // Leaflet ran (from /leaflet/) and drew one shape per feature of the page.
            #expect(dom.out.contains("data-shapes=\"\(shown)\""), "the map drew no shapes")
            #expect(dom.out.contains("leaflet-interactive"))
            for f in national.prefix(shown) { #expect(dom.out.contains(f.name), "\(f.name) is not in the table") }
        }
    }
}

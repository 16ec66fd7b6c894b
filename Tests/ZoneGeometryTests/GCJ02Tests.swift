import Foundation
import Testing
@testable import ZoneGeometry

@Suite struct GCJ02Tests {
    struct Row { var wgs: Coordinate; var gcj: Coordinate }

    static func rows(csv: String) throws -> [Row] {
        let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        let header = try #require(lines.first).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let idx = try ["wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"].map { try #require(header.firstIndex(of: $0)) }
        return try lines.dropFirst().filter { !$0.isEmpty }.map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let v = try idx.map { try #require(Double(f[$0])) }
            return Row(wgs: Coordinate(v[0], v[1]), gcj: Coordinate(v[2], v[3]))
        }
    }

    static func check(_ rows: [Row]) {
        for r in rows {
            let g = GCJ02.fromWGS84(r.wgs)
            #expect(abs(g.x - r.gcj.x) < 1e-9 && abs(g.y - r.gcj.y) < 1e-9, "forward \(r.wgs) → \(g), expected \(r.gcj)")
            let w = GCJ02.toWGS84(r.gcj)
            // 1e-9° ≈ 0.1 mm, well under 1 cm.
            #expect(abs(w.x - r.wgs.x) < 1e-9 && abs(w.y - r.wgs.y) < 1e-9, "inverse \(r.gcj) → \(w), expected \(r.wgs)")
        }
    }

    @Test func matchesOwnReferenceFixture() throws {
        let rows = try Self.rows(csv: Fixture.text("gcj02_reference.csv"))
        #expect(rows.count == 8)
        Self.check(rows)
    }

    @Test func matchesSharedReferenceFileIfPresent() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("GeoData/reference/gcj02_points.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }  // colleague's file not there
        let rows = try Self.rows(csv: text)
        #expect(!rows.isEmpty)
        Self.check(rows)
    }

    @Test func roundTripIsBelow1e9Degrees() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let c = Coordinate(Double.random(in: 73...135, using: &rng), Double.random(in: 18...53, using: &rng))
            let back = GCJ02.toWGS84(GCJ02.fromWGS84(c))
            #expect(abs(back.x - c.x) < 1e-9 && abs(back.y - c.y) < 1e-9)
        }
    }

    @Test func outsideChinaIsIdentity() {
        let paris = Coordinate(2.35, 48.85)
        #expect(GCJ02.isOutOfChina(paris))
        #expect(GCJ02.fromWGS84(paris) == paris && GCJ02.toWGS84(paris) == paris)
        #expect(!GCJ02.isOutOfChina(Coordinate(120.755, 30.746)))
        // The offset in Jiaxing is a few hundred metres.
        let d = GCJ02.fromWGS84(Coordinate(120.755, 30.746))
        #expect(abs(d.x - 120.755) > 0.003 && abs(d.x - 120.755) < 0.006)
    }
}

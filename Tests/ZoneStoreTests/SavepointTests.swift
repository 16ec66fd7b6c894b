import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// Group commit's foundation: inside one write transaction, a request that fails is undone alone
/// (a savepoint), on both backends — PostgreSQL refuses every statement after an error until the
/// savepoint is rolled back, so this is where the two differ.
@Suite struct SavepointTests {
    let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)
    struct Refused: Error {}

    @Test(arguments: Backend.allCases) func aFailedRequestIsUndoneAloneAndTheRestCommits(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        try t.workspace.setQuota(key, mu: 1000, name: "南湖区", official: "甲", note: nil)
        let (app, data) = try example("jiaxipera-compressor")  // 150 亩, approved
        try t.workspace.store.writeTransaction {
            _ = try t.workspace.store.savepoint { try t.workspace.record(application: app, input: data, official: "甲", note: "one", year: 2026) }
            // Recorded and drawn, then the request fails: its decision and draw go.
            #expect(throws: Refused.self) {
                try t.workspace.store.savepoint {
                    _ = try t.workspace.record(application: app, input: data, official: "乙", note: "two", year: 2026)
                    throw Refused()
                }
            }
            // A statement that fails in the database (superseding a decision that does not exist
            // is caught in code; a duplicate unique key is the database's own refusal).
            let first = try t.workspace.store.decisions(limit: nil)[0].id!
            _ = try t.workspace.store.savepoint {
                try t.workspace.record(application: app, input: data, official: "丙", note: "three", supersedes: first, year: 2026)
            }
            #expect(throws: (any Error).self) {
                try t.workspace.store.savepoint {
                    try (t.workspace.store as! SQLWorkspaceStore).executor.query("INSERT INTO zp_decisions_never_there VALUES (1)", [])
                }
            }
            _ = try t.workspace.store.savepoint { try t.workspace.record(application: app, input: data, official: "丁", note: "four", year: 2026) }
        }
        let notes = try t.workspace.store.decisions(limit: nil).map { $0.note ?? "" }
        #expect(notes.sorted() == ["four", "one", "three"])
        // one (150, then returned when three superseded it) + three 150 + four 150 = 300 live.
        let status = try #require(try t.workspace.store.quotaStatus(key))
        #expect(abs(status.allocatedMu - status.balanceMu - 300) < 0.01, "\(status)")
        #expect(try t.workspace.verify().isEmpty)
    }
}

/// The ledger's stored form is written directly; it must be the encoder's bytes, so records
/// written before and after read back the same way.
@Suite struct StoredDecisionJSONTests {
    @Test func theDirectWriterWritesTheEncodersBytesForEveryExample() throws {
        let t = try TempWorkspace(.spatialite)
        try t.workspace.setQuota(QuotaAccountKey(kind: .county, ref: "330402", year: 2026), mu: 100_000, name: "南湖区", official: "甲", note: nil)
        let names = try FileManager.default.contentsOfDirectory(atPath: geoData.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".geojson") }.map { String($0.dropLast(8)) }.sorted()
        #expect(names.count >= 10)
        var checked = 0
        for (i, name) in names.enumerated() {
            guard let (app, data) = try? example(name) else { continue }
            var r = try t.workspace.record(application: app, input: data, official: "甲\n\"乙\"", note: i % 2 == 0 ? "note/\u{1}" : nil,
                                           supersedes: nil, year: 2026, dryRun: true).record
            r.id = i % 3 == 0 ? Int64(i + 1) : nil
            r.supersedes = i % 4 == 0 ? 7 : nil
            #expect(try StoredFeature.json(r) == StoredFeature.encoderJSON(r), "\(name)")
            let back = try StoredFeature.decision(id: r.id, json: try StoredFeature.json(r))
            #expect(try StoredFeature.encoderJSON(back) == StoredFeature.encoderJSON(r))
            checked += 1
        }
        #expect(checked >= 10)
    }

    @Test func isoTimesAreWhatTheFormatterWrites() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for t in [0.0, 1_796_000_000.123, 951_782_400.5, 4_102_444_799.999] {
            let d = Date(timeIntervalSince1970: t)
            #expect(isoUTC(d).prefix(20) == f.string(from: d).prefix(20), "\(t)")
            #expect(isoUTC(d).count == 24)
            #expect(abs(ChinaTime.parse(isoUTC(d))!.timeIntervalSince1970 - t) < 0.002)
        }
    }
}

import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// The ledger's hardening: a decision superseded at most once, all-or-nothing batches with
/// idempotency keys, the application kept as submitted, imports checked under the writers' lock.
@Suite struct SupersedeOnceTests {
    let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)

    @Test(arguments: Backend.allCases) func aDecisionIsSupersededAtMostOnce(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")  // 150 亩
        try t.workspace.setQuota(key, mu: 200, name: "南湖区", official: "甲", note: nil)
        let first = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        let second = try t.workspace.record(application: app, input: data, official: "乙", note: nil, supersedes: first.record.id, year: 2026)
        #expect(second.record.verdict == .approve)
        for _ in 0..<2 {
            let error = #expect(throws: WorkspaceError.self) {
                try t.workspace.record(application: app, input: data, official: "丙", note: nil, supersedes: first.record.id, year: 2026)
            }
            #expect(error?.kind == .conflict)
            #expect(error?.message == "decision \(first.record.id!) was already superseded by decision \(second.record.id!)")
        }
        // A revision of the revision is fine: the chain goes on.
        let third = try t.workspace.record(application: app, input: data, official: "丙", note: nil, supersedes: second.record.id, year: 2026)
        #expect(third.record.verdict == .approve)
        #expect(try t.workspace.store.decisions(limit: nil).count == 3)
        #expect(abs(try t.workspace.store.quotaStatus(key)!.drawnMu - 3 * app.site.areaMuForTest) < 1e-6)
        #expect(abs(try t.workspace.store.quotaStatus(key)!.balanceMu - (200 - app.site.areaMuForTest)) < 1e-6)
        #expect(try t.workspace.verify().isEmpty)
    }

    /// Past `Workspace.record` (another program, an old zoneplan): the schema itself refuses a
    /// second revision, and the refusal is the same conflict.
    @Test(arguments: Backend.allCases) func theSchemaRefusesASecondRevision(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")
        try t.workspace.setQuota(key, mu: 1000, name: "南湖区", official: "甲", note: nil)
        let first = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        var copy = first.record
        copy.supersedes = first.record.id
        let by = try t.workspace.store.insertDecision(copy)
        let error = #expect(throws: WorkspaceError.self) { _ = try t.workspace.store.insertDecision(copy) }
        #expect(error?.kind == .conflict)
        #expect(error?.message.hasPrefix("decision \(first.record.id!) was already superseded") == true)
        if backend == .spatialite { #expect(error?.message == "decision \(first.record.id!) was already superseded by decision \(by)") }
        // Several decisions that supersede nothing never collide (NULLs).
        _ = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
    }

    /// The reported bug, written the way the old code wrote it (the index dropped): three
    /// revisions of one 150 亩 decision, each returning its land again. `verify` now says so.
    @Test(arguments: Backend.allCases) func verifyFindsADecisionSupersededTwiceAndTheOverspend(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")
        let area = app.site.areaMuForTest
        try t.workspace.setQuota(key, mu: area * 1.2, name: "南湖区", official: "甲", note: nil)
        let first = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        #expect(try t.workspace.verify().isEmpty)
        try t.execute("DROP INDEX zp_decisions_supersedes_once")
        let store = t.workspace.store
        for _ in 0..<3 {
            var copy = first.record
            copy.supersedes = first.record.id
            let id = try store.insertDecision(copy)
            try store.insertDecisionInput(decisionId: id, SubmittedInput(format: "geojson", bytes: data))
            _ = try store.insertQuotaEntry(QuotaEntry(account: key, at: nowISO(), kind: .return, amountMu: area, decisionId: first.record.id, official: "x"))
            _ = try store.insertQuotaEntry(QuotaEntry(account: key, at: nowISO(), kind: .draw, amountMu: -area, decisionId: id, official: "x"))
        }
        #expect(try store.quotaStatus(key)!.balanceMu >= 0)  // the old check saw nothing wrong
        let problems = try t.workspace.verify()
        #expect(problems.contains { $0.contains("decision \(first.record.id!) is superseded twice") }, "\(problems)")
        #expect(problems.contains { $0.contains("live decisions draw") }, "\(problems)")
        #expect(problems.contains { $0.contains("returned to") && $0.contains("only") }, "\(problems)")
    }

    @Test func verifyFindsACycle() throws {
        let t = try TempWorkspace(.spatialite)
        let (app, data) = try example("outside-jiaxing")
        let a = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        let b = try t.workspace.record(application: app, input: data, official: "甲", note: nil, supersedes: a.record.id, year: 2026)
        // Only an intruder can make one: with triggers off, point the first back at the second.
        try t.execute("DROP TRIGGER zp_decisions_no_update")
        try t.execute("UPDATE zp_decisions SET supersedes = \(b.record.id!) WHERE id = \(a.record.id!)")
        #expect(try t.workspace.verify().contains { $0.contains("is a cycle") })
    }
}

@Suite struct AllOrNothingTests {
    let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)

    func submissions(_ names: [String]) throws -> [Workspace.Submission] {
        try names.map { let (app, data) = try example($0); return Workspace.Submission(application: app, input: data) }
    }

    @Test(arguments: Backend.allCases) func aBatchIsRecordedWholeOrNotAtAll(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        try t.workspace.setQuota(key, mu: 1000, name: "南湖区", official: "甲", note: nil)
        let before = try t.workspace.store.quotaStatus(key)
        // The second part fails after the first was vetted and written: nothing stays.
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try t.workspace.record(applications: try submissions(["jiaxipera-compressor", "jiaxipera-compressor"]), official: "甲",
                                   note: nil, year: 2026,
                                   idempotency: .init(key: "k", requestSha256: "h", respond: { _ in throw Boom() }))
        }
        // Two applications cannot both supersede one decision.
        let one = try t.workspace.record(application: try example("outside-jiaxing").0, input: try example("outside-jiaxing").1,
                                         official: "甲", note: nil, year: 2026)
        #expect(throws: WorkspaceError.self) {
            try t.workspace.record(applications: try submissions(["jiaxipera-compressor", "outside-jiaxing"]), official: "甲",
                                   note: nil, supersedes: one.record.id, year: 2026)
        }
        #expect(try t.workspace.store.decisions(limit: nil).map(\.id) == [one.record.id])
        #expect(try t.workspace.store.quotaStatus(key) == before)
        // And when all goes well, each is vetted on what the ones before it left.
        try t.workspace.setQuota(key, mu: 200, name: "南湖区", official: "甲", note: nil)
        let batch = try t.workspace.record(applications: try submissions(["jiaxipera-compressor", "jiaxipera-compressor"]),
                                           official: "甲", note: nil, year: 2026)
        #expect(batch.recorded.map(\.record.verdict) == [.approve, .reject])
        #expect(try t.workspace.verify().isEmpty)
    }

    @Test(arguments: Backend.allCases) func anIdempotencyKeyGivesTheSameAnswerAndRecordsOnce(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        try t.workspace.setQuota(key, mu: 1000, name: "南湖区", official: "甲", note: nil)
        let respond: @Sendable ([Workspace.Recorded]) throws -> StoredResponse = { r in
            StoredResponse(status: 201, body: Data("ids \(r.map { $0.record.id! })".utf8))
        }
        let first = try t.workspace.record(applications: try submissions(["jiaxipera-compressor", "outside-jiaxing"]), official: "甲",
                                           note: nil, year: 2026, idempotency: .init(key: "req-1", requestSha256: "aaa", respond: respond))
        #expect(!first.replayed && first.recorded.count == 2)
        #expect(first.response == StoredResponse(status: 201, body: Data("ids [1, 2]".utf8)))
        let drawn = try t.workspace.store.quotaStatus(key)!.drawnMu
        let again = try t.workspace.record(applications: try submissions(["jiaxipera-compressor", "outside-jiaxing"]), official: "甲",
                                           note: nil, year: 2026, idempotency: .init(key: "req-1", requestSha256: "aaa", respond: respond))
        #expect(again.replayed && again.recorded.isEmpty && again.response == first.response)
        #expect(try t.workspace.store.decisions(limit: nil).count == 2)
        #expect(try t.workspace.store.quotaStatus(key)!.drawnMu == drawn)
        let error = #expect(throws: IdempotencyKeyReused.self) {
            try t.workspace.record(applications: try submissions(["outside-jiaxing"]), official: "甲", note: nil, year: 2026,
                                   idempotency: .init(key: "req-1", requestSha256: "bbb", respond: respond))
        }
        #expect(error?.description.contains("req-1") == true && error?.description.contains("\n") == false)
        #expect(try t.workspace.store.decisions(limit: nil).count == 2)
        // Concurrent retries of one request: one records, the others get its answer.
        let stores = try (0..<4).map { _ in try t.openStore() }
        nonisolated(unsafe) let workspaces = stores.map(Workspace.init(store:))
        let subs = try submissions(["jiaxipera-compressor"])
        nonisolated(unsafe) let shared = subs
        nonisolated(unsafe) let answer = respond
        let answers = try onThreads(4) { i in
            try workspaces[i].record(applications: shared, official: "甲", note: nil, year: 2026,
                                     idempotency: .init(key: "req-2", requestSha256: "ccc", respond: answer)).response!
        }
        #expect(Set(answers).count == 1)
        #expect(try t.workspace.store.decisions(limit: nil).count == 3)
        #expect(try t.workspace.verify().isEmpty)
    }
}

@Suite struct SubmittedInputTests {
    @Test(arguments: Backend.allCases) func theLedgerKeepsTheBytesAsSubmitted(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let (app, data) = try example("jiaxipera-compressor")
        let txt = try Data(contentsOf: repoRoot.appendingPathComponent("Tests/ZoneGeometryTests/Fixtures/baobu/two_parcels_gbk_crlf.txt"))
        let sidecar = Data(#"{"name": "报部地块项目", "industry": "C3976"}"#.utf8)
        let asTXT = SubmittedInput(format: "baobu-txt", bytes: txt, sidecar: sidecar)
        let input = GeoJSON.encode(feature: Feature(id: nil, geometry: app.site, properties: app.properties, bbox: nil))
        let a = try t.workspace.record(application: app, input: input, submitted: asTXT, official: "甲", note: nil, year: 2026)
        let b = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        let keptA = try #require(try t.workspace.store.decisionInput(id: a.record.id!))
        #expect(keptA == asTXT)
        #expect(keptA.bytes.contains(0x0D))  // CRLF and GBK kept as they were
        #expect(try t.workspace.store.decision(id: a.record.id!)?.inputSha256 == SHA256.hash(Array(txt)))
        #expect(try t.workspace.store.decisionInput(id: b.record.id!) == SubmittedInput(format: "geojson", bytes: data))
        #expect(try t.workspace.store.decision(id: b.record.id!)?.inputSha256 == SHA256.hash(Array(data)))
        #expect(try t.workspace.replay(id: a.record.id!).reproduced)  // replay uses the GeoJSON Feature
        // Kept in the same transaction: a dry run keeps nothing; the inputs are append-only.
        _ = try t.workspace.record(application: app, input: data, official: "甲", note: nil, year: 2026, dryRun: true)
        #expect(try t.workspace.store.decisionsWithoutInput().isEmpty)
        #expect(throws: (any Error).self) { try t.execute("DELETE FROM zp_decision_inputs") }
        #expect(try t.workspace.verify().isEmpty)
    }
}

@Suite struct ConcurrentImportTests {
    /// Two layers imported at once, each valid alone but sharing a feature id: one is refused,
    /// and the plan still loads (before, both passed the check outside the writers' lock).
    @Test(arguments: Backend.allCases) func conflictingImportsAtOnceLeaveALoadablePlan(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let source = try #require(plan.layers.min { $0.features.count < $1.features.count })
        for round in 0..<3 {
            let features = source.features.enumerated().map { i, f in
                var p = f.properties
                p["id"] = .string("race-\(round)-\(i)")
                return Feature(id: .string("race-\(round)-\(i)"), geometry: f.geometry, properties: p, bbox: nil)
            }
            let stores = try (0..<2).map { _ in try t.openStore() }
            nonisolated(unsafe) let workspaces = stores.map(Workspace.init(store:))
            nonisolated(unsafe) let shared = features
            for w in workspaces { _ = try w.loadPlan() }  // both have read the plan before either writes
            // nil: imported; else why it was refused.
            let results = try onThreads(2) { i -> String? in
                do {
                    _ = try workspaces[i].importLayer(name: "race_\(round)_\(i)", title: nil, features: shared, sourceFile: "race.geojson",
                                                      sha256: "x", format: "geojson", official: "甲", note: nil)
                    return nil
                } catch { return "\(error)" }
            }
            let ok = results.filter { $0 == nil }.count
            #expect(ok == 1, "round \(round): \(results)")
            let reloaded = Workspace(store: try t.openStore())
            let p = try reloaded.loadPlan()
            #expect(Set(p.allFeatures.map(\.id)).count == p.allFeatures.count)
        }
    }
}

@Suite struct BusyWorkspaceTests {
    /// BEGIN IMMEDIATE waits for another writer with backoff until `writeLockTimeout`, then says
    /// the workspace is busy (instead of "database is locked" at the first BUSY).
    @Test func aWriterWaitsForTheLockUntilItsDeadline() throws {
        let t = try TempWorkspace(.spatialite, initialise: false)
        _ = try t.workspace.store.migrate()
        let holder = try SQLiteConnection(path: t.location, create: false)
        let waiter = try SQLiteConnection(path: t.location, create: false)
        waiter.writeLockTimeout = 0.6
        try holder.execute("BEGIN IMMEDIATE")
        let started = Date()
        let error = #expect(throws: SQLiteError.self) { try waiter.writeTransaction { () throws -> Void in } }
        #expect(Date().timeIntervalSince(started) >= 0.55)
        #expect(error?.isBusy == true && error?.message.contains("the workspace is busy") == true, "\(String(describing: error))")
        // Released while it waits: the waiter gets the lock.
        waiter.writeLockTimeout = 10
        nonisolated(unsafe) let h = holder
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.4) { try? h.execute("COMMIT") }
        let value = try waiter.writeTransaction { 42 }
        #expect(value == 42)
    }
}

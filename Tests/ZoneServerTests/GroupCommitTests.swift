import Foundation
import Testing
import ZoneGeometry
import ZoneService
import ZoneStore
import ZoneVetting
@testable import ZoneServer

/// Decisions recorded at the same time share one commit, and each request stays all or nothing.
@Suite struct GroupCommitTests {
    struct Refused: Error {}

    @Test func requestsThatArriveTogetherShareOneCommitAndAFailureStaysAlone() async throws {
        let t = try TempWorkspace()
        let session = WorkspaceSession(location: t.location)
        let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)
        try await session.run { ws in _ = try ws.setQuota(key, mu: 5000, name: "南湖区", official: "甲", note: nil) }
        let data = try example("jiaxipera-compressor.geojson")  // 150 亩 in 南湖区, approved
        let app = try ApplicationFile.read(data, fileLabel: "a", catalog: plan.industries, engine: GeometryEngine())[0].get()
        let recorder = GroupCommit(session: session)
        let gate = Gate()
        // The first request holds the workspace until eleven more wait; they then commit together.
        let first = Task {
            try await recorder.run { ws in
                gate.wait()
                return try ws.record(application: app, input: data, official: "甲", note: "0", year: 2026).record.id!
            }
        }
        while await recorder.commits == 0 && !gate.entered { try await Task.sleep(nanoseconds: 1_000_000) }
        var later: [Task<Int64, Error>] = []
        for i in 1...11 {
            later.append(Task {
                try await recorder.run { ws in
                    let id = try ws.record(application: app, input: data, official: "乙", note: "\(i)", year: 2026).record.id!
                    if i % 4 == 0 { throw Refused() }  // recorded, then the request fails: undone alone
                    return id
                }
            })
        }
        while await recorder.waiting < 11 { try await Task.sleep(nanoseconds: 1_000_000) }
        gate.open()
        _ = try await first.value
        var ok = 0, refused = 0
        for task in later {
            do { _ = try await task.value; ok += 1 } catch is Refused { refused += 1 }
        }
        #expect(ok == 9 && refused == 2)
        #expect(await recorder.commits == 2)
        let (notes, area, drawn, problems) = try await session.run { ws in
            (try ws.store.decisions(limit: nil).compactMap(\.note), try ws.store.decisions(limit: nil)[0].areaMu,
             try ws.store.quotaStatus(key)!.drawnMu, try ws.verify())
        }
        #expect(Set(notes) == Set(["0", "1", "2", "3", "5", "6", "7", "9", "10", "11"]))
        #expect(abs(drawn - 10 * area) < 0.001, "ten approvals of \(area) 亩 drew \(drawn)")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func theAnswerWrittenDirectlyReadsAsTheSummaryTree() throws {
        let t = try TempWorkspace()
        let ws = Workspace(store: try WorkspaceLocator.open(t.location, create: false))
        var recorded: [Workspace.Recorded] = []
        for name in ["jiaxipera-compressor", "prohibited-zone", "two-counties"] {
            let data = try example("\(name).geojson")
            let app = try ApplicationFile.read(data, fileLabel: name, catalog: plan.industries, engine: GeometryEngine())[0].get()
            recorded.append(try ws.record(application: app, input: data, official: "甲 \"乙\"", note: nil, year: 2026))
        }
        for r in recorded {
            let one = try decisionsAnswer([r], dryRun: false)
            #expect(one.status == 201)
            #expect(try JSONValue.parse(one.body) == decisionSummary(r))
        }
        let all = try decisionsAnswer(recorded, dryRun: false)
        #expect(try JSONValue.parse(all.body) == .array(try recorded.map(decisionSummary)))
    }

    /// Blocks the first request on its thread until the test opens it.
    final class Gate: @unchecked Sendable {
        private let cond = NSCondition()
        private var isOpen = false, hasEntered = false
        var entered: Bool { cond.lock(); defer { cond.unlock() }; return hasEntered }
        func wait() { cond.lock(); hasEntered = true; while !isOpen { cond.wait() }; cond.unlock() }
        func open() { cond.lock(); isOpen = true; cond.broadcast(); cond.unlock() }
    }
}

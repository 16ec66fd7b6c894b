import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneService
@testable import ZoneStore

/// The bureau's review workflow (issue 16) on both backends: 经办 → 审核 → 签发, each step an
/// append-only row, the land drawn only at 签发, and every refusal storing nothing.
@Suite("cases: 经办 → 审核 → 签发")
struct CaseWorkflowTests {
    let key = QuotaAccountKey(kind: .county, ref: "330402", year: 2026)

    /// A workspace with a quota and a bureau: 张三 prepares, 李四 reviews, 王局 signs (and
    /// administers), 赵六 both prepares and signs (for the two-person rule).
    func bureau(_ backend: Backend, quota: Double = 1200) throws -> TempWorkspace {
        let t = try TempWorkspace(backend)
        try t.workspace.setQuota(key, mu: quota, name: "南湖区", official: "测试员", note: nil)
        let ws = t.workspace
        try ws.addPerson("王局", roles: [.signer, .admin], actor: nil, fallback: "测试员")
        try ws.addPerson("张三", roles: [.caseOfficer], actor: "王局", fallback: "测试员")
        try ws.addPerson("李四", roles: [.reviewer], actor: "王局", fallback: "测试员")
        try ws.addPerson("赵六", roles: [.caseOfficer, .signer], actor: "王局", fallback: "测试员")
        return t
    }

    func submission(_ name: String = "jiaxipera-compressor") throws -> Workspace.Submission {
        let (app, data) = try example(name)
        return Workspace.Submission(application: app, input: data)
    }

    func drawn(_ t: TempWorkspace) throws -> Double { try t.workspace.store.quotaStatus(key)!.drawnMu }

    /// What the workspace holds, to show a refusal stored nothing.
    func footprint(_ t: TempWorkspace) throws -> String {
        let cases = try t.workspace.cases().map { "\($0.id):\($0.steps.map(\.kind.rawValue))" }
        return "\(cases) decisions \(try t.workspace.store.decisions(limit: nil).count) entries \(try t.workspace.store.quotaEntries(nil).count)"
    }

    @Test("each transition is a step with who, role, time, note and verdict; the land is drawn only at 签发", arguments: Backend.allCases)
    func aCaseGoesFromPreparationToSignature(_ backend: Backend) throws {
        let t = try bureau(backend)
        let ws = t.workspace
        let area = try submission().application.site.areaMuForTest

        var c = try ws.openCase(try submission(), as: "张三", note: "材料齐全", year: 2026)
        #expect(c.state == .awaitingReview && c.steps.map(\.kind) == [.prepare] && c.steps[0].verdict == .approve)
        #expect(c.steps[0].person == "张三" && c.steps[0].role == .caseOfficer && c.steps[0].note == "材料齐全")
        #expect(ChinaTime.parse(c.steps[0].at) != nil && c.steps[0].at.hasSuffix("Z"))
        #expect(try drawn(t) == 0 && ws.store.decisions(limit: nil).isEmpty)

        c = try ws.review(case: c.id, as: "李四", pass: false, note: "请核对用地面积")
        #expect(c.state == .returned && c.steps.last?.role == .reviewer && c.steps.last?.note == "请核对用地面积")
        c = try ws.resubmit(case: c.id, try submission(), as: "张三", note: "已核对")
        #expect(c.state == .awaitingReview)
        c = try ws.review(case: c.id, as: "李四", pass: true, note: "同意")
        #expect(c.state == .awaitingSignature && c.steps.map(\.seq) == [1, 2, 3, 4])
        #expect(try drawn(t) == 0, "nothing is drawn before 签发")

        let (signed, decision) = try ws.sign(case: c.id, as: "王局", note: "同意供地")
        #expect(signed.state == .signed && signed.decisionId == decision.record.id)
        #expect(signed.steps.map(\.kind) == [.prepare, .reviewReturn, .resubmit, .reviewPass, .sign])
        #expect(decision.record.official == "张三" && decision.record.note == "材料齐全")
        #expect(abs(try drawn(t) - area) < 1e-6)
        #expect(try ws.store.quotaEntries(nil).filter { $0.kind == .draw }.allSatisfy { $0.decisionId == decision.record.id })
        #expect(try ws.caseSigning(decisionId: decision.record.id!)?.id == c.id)
        #expect(try ws.verify().isEmpty)

        // Each step is kept as written: the ledger refuses edits.
        #expect(throws: (any Error).self) { try t.execute("UPDATE zp_case_steps SET person = 'x' WHERE seq = 1") }
        #expect(throws: (any Error).self) { try t.execute("DELETE FROM zp_case_steps") }
        #expect(try ws.caseRecord(id: c.id).steps.count == 5)
    }

    @Test("refusals: wrong role, own case, out of order, already signed, a return without a note; nothing stored", arguments: Backend.allCases)
    func refusalsStoreNothing(_ backend: Backend) throws {
        let t = try bureau(backend)
        let ws = t.workspace
        let c = try ws.openCase(try submission(), as: "赵六", note: nil, year: 2026)

        func refused<E: Error>(_ type: E.Type, _ expected: String, _ body: () throws -> Void) throws {
            let before = try footprint(t)
            let e = #expect(throws: type) { try body() }
            #expect(e.map { "\($0)" } == expected)
            #expect(try footprint(t) == before)
        }
        try refused(NotPermitted.self, "李四 is not a case-officer (roles: reviewer): 经办 needs the case-officer role") {
            _ = try ws.openCase(try submission(), as: "李四", note: nil, year: 2026)
        }
        try refused(NotPermitted.self, "张三 is not a reviewer (roles: case-officer): 审核·通过 needs the reviewer role") {
            _ = try ws.review(case: c.id, as: "张三", pass: true, note: nil)
        }
        try refused(WorkspaceError.self, "case \(c.id) is 待审核 (awaiting-review): only a case that passed 审核 is signed") {
            _ = try ws.sign(case: c.id, as: "王局", note: nil)
        }
        try refused(WorkspaceError.self, "returning case \(c.id) needs a note saying what to revise (--note)") {
            _ = try ws.review(case: c.id, as: "李四", pass: false, note: " ")
        }
        try refused(WorkspaceError.self, "case \(c.id) is 待审核 (awaiting-review): only a returned case is resubmitted") {
            _ = try ws.resubmit(case: c.id, try submission(), as: "张三", note: nil)
        }
        _ = try ws.review(case: c.id, as: "李四", pass: true, note: nil)
        try refused(NotPermitted.self,
                    "赵六 prepared case \(c.id): under the two-person rule nobody signs their own case (zoneplan people policy --allow-self-sign turns it off)") {
            _ = try ws.sign(case: c.id, as: "赵六", note: nil)
        }
        try refused(NotPermitted.self, "no person '某人' in the workspace (zoneplan people list): 签发 needs a signer") {
            _ = try ws.sign(case: c.id, as: "某人", note: nil)
        }
        try refused(WorkspaceError.self, "no case 99") { _ = try ws.sign(case: 99, as: "王局", note: nil) }
        _ = try ws.sign(case: c.id, as: "王局", note: nil)
        try refused(WorkspaceError.self, "case \(c.id) is already signed (decision 1); revise it with a new case that supersedes the decision") {
            _ = try ws.sign(case: c.id, as: "王局", note: nil)
        }
        try refused(WorkspaceError.self, "case \(c.id) is already signed (decision 1); revise it with a new case that supersedes the decision") {
            _ = try ws.review(case: c.id, as: "李四", pass: false, note: "再看看")
        }
        // The one-step record is closed once the workspace has people; a dry run still answers.
        let (app, data) = try example("jiaxipera-compressor")
        let legacy = #expect(throws: WorkspaceError.self) { _ = try ws.record(application: app, input: data, official: "甲", note: nil, year: 2026) }
        #expect(legacy?.kind == .conflict && legacy?.message.contains("files cases") == true)
        #expect(try ws.record(application: app, input: data, official: "甲", note: nil, year: 2026, dryRun: true).dryRun)
        #expect(try ws.verify().isEmpty)
    }

    @Test("the two-person rule can be turned off; only an admin manages people; tokens are stored hashed, the newest one counts",
          arguments: Backend.allCases)
    func peopleTokensAndPolicy(_ backend: Backend) throws {
        let t = try bureau(backend)
        let ws = t.workspace
        #expect(throws: NotPermitted.self) { try ws.setTwoPersonRule(false, actor: "李四", fallback: "x") }
        #expect(throws: NotPermitted.self) { try ws.addPerson("钱七", roles: [.reviewer], actor: nil, fallback: "x") }
        try ws.setTwoPersonRule(false, actor: "王局", fallback: "x")
        let c = try ws.openCase(try submission(), as: "赵六", note: nil, year: 2026)
        _ = try ws.review(case: c.id, as: "李四", pass: true, note: nil)
        #expect(try ws.sign(case: c.id, as: "赵六", note: "一人办公").case.state == .signed)
        #expect(try ws.people().first { $0.name == "赵六" }?.roles == [.caseOfficer, .signer])

        let first = try ws.issueToken(for: "李四", actor: "王局", fallback: "x")
        #expect(try ws.person(token: first)?.name == "李四")
        #expect(try t.text("SELECT token_sha256 FROM zp_person_tokens") == sha256Hex(Data(first.utf8)))
        let second = try ws.issueToken(for: "李四", actor: "王局", fallback: "x")
        #expect(try ws.person(token: first) == nil, "a replaced token finds nobody")
        #expect(try ws.person(token: second)?.name == "李四")
        #expect(try ws.person(token: "zp-not-a-token-of-anyone") == nil)
    }

    @Test("签发 vets again on the balances of that moment: a case whose land another signed case took is refused, nothing drawn",
          arguments: Backend.allCases)
    func signingRevetsUnderTheLock(_ backend: Backend) throws {
        let area = try submission().application.site.areaMuForTest
        let t = try bureau(backend, quota: area * 1.5)
        let ws = t.workspace
        let a = try ws.openCase(try submission(), as: "张三", note: nil, year: 2026)
        let b = try ws.openCase(try submission(), as: "张三", note: nil, year: 2026)
        for c in [a, b] { _ = try ws.review(case: c.id, as: "李四", pass: true, note: nil) }
        _ = try ws.sign(case: a.id, as: "王局", note: nil)
        let before = try footprint(t)
        let e = #expect(throws: WorkspaceError.self) { _ = try ws.sign(case: b.id, as: "王局", note: nil) }
        #expect(e?.kind == .conflict)
        #expect(e?.message.hasPrefix("case \(b.id): vetted again at 签发 the verdict is reject, not the approve 审核 passed (land-quota)") == true)
        #expect(try footprint(t) == before)
        #expect(abs(try drawn(t) - area) < 1e-6)
        // The reviewer pulls it back; it can then be revised.
        #expect(try ws.review(case: b.id, as: "李四", pass: false, note: "指标不足").state == .returned)
        #expect(try ws.verify().isEmpty)
    }

    @Test("verify finds a decision recorded past the workflow, and a step out of order", arguments: [Backend.spatialite])
    func verifyFindsADecisionWithoutSignatureAndAStepOutOfOrder(_ backend: Backend) throws {
        let t = try bureau(backend)
        let ws = t.workspace
        let (app, data) = try example("jiaxipera-compressor")
        // As an older zoneplan (or another program) would write them: straight into the tables.
        ws.signingCase = true
        let r = try ws.record(application: app, input: data, official: "甲", note: nil, year: 2026)
        ws.signingCase = false
        let c = try ws.openCase(try submission(), as: "张三", note: nil, year: 2026)
        var step = c.steps[0]
        step.seq = 2; step.kind = .reviewPass; step.person = "张三"; step.role = .reviewer
        _ = try ws.store.cases!.insertCaseStep(step)
        step.seq = 4; step.kind = .reviewReturn
        _ = try ws.store.cases!.insertCaseStep(step)
        #expect(try ws.verify() == ["case \(c.id): step 2 (review-pass) by 张三, who does not hold the reviewer role",
                                    "case \(c.id): step 4 is out of sequence (expected 3)",
                                    "case \(c.id): step 4 (review-return) by 张三, who does not hold the reviewer role",
                                    "decision \(r.record.id!) was recorded after the workspace began filing cases, without a 签发"])
    }

    @Test("a signed decision is revised by a new case that supersedes it: its land goes back at the revision's 签发, not before",
          arguments: Backend.allCases)
    func aRevisionCaseReturnsTheLandAtItsSignature(_ backend: Backend) throws {
        let area = try submission().application.site.areaMuForTest
        let t = try bureau(backend, quota: area * 1.5)
        let ws = t.workspace
        func through(_ supersedes: Int64?) throws -> Workspace.Recorded {
            let c = try ws.openCase(try submission(), as: "张三", note: nil, year: 2026, supersedes: supersedes)
            #expect(c.steps[0].verdict == .approve, "vetted with the superseded decision's land given back")
            _ = try ws.review(case: c.id, as: "李四", pass: true, note: nil)
            #expect(abs(try drawn(t) - area) < 1e-6 || supersedes == nil)
            return try ws.sign(case: c.id, as: "王局", note: nil).decision
        }
        let first = try through(nil)
        let revision = try through(first.record.id)
        #expect(revision.record.supersedes == first.record.id)
        #expect(abs(try t.workspace.store.quotaStatus(key)!.balanceMu - area * 0.5) < 1e-6)
        let again = #expect(throws: WorkspaceError.self) { _ = try ws.openCase(try submission(), as: "张三", note: nil, year: 2026, supersedes: first.record.id) }
        #expect(again?.message == "decision \(first.record.id!) was already superseded by decision \(revision.record.id!)")
        #expect(try ws.verify().isEmpty)
    }

    @Test("two signers at once for the last of a quota: one case is signed, the other refused; the account is not overspent",
          arguments: Backend.allCases)
    func concurrentSignaturesCannotOverspend(_ backend: Backend) throws {
        let area = try submission().application.site.areaMuForTest
        let t = try bureau(backend, quota: area * 1.5)
        try t.workspace.addPerson("孙八", roles: [.signer], actor: "王局", fallback: "x")
        let ids = try (0..<2).map { _ -> Int64 in
            let c = try t.workspace.openCase(try submission(), as: "张三", note: nil, year: 2026)
            _ = try t.workspace.review(case: c.id, as: "李四", pass: true, note: nil)
            return c.id
        }
        let location = t.location
        let outcomes = try onThreads(2) { i -> String in
            let ws = Workspace(store: try WorkspaceLocator.open(location, create: false))
            do { return "signed \(try ws.sign(case: ids[i], as: i == 0 ? "王局" : "孙八", note: nil).decision.record.verdict.rawValue)" }
            catch let e as WorkspaceError { return e.kind == .conflict ? "refused" : "\(e)" }
        }
        #expect(outcomes.sorted() == ["refused", "signed approve"], "\(outcomes)")
        #expect(abs(try drawn(t) - area) < 1e-6)
        #expect(try t.workspace.verify().isEmpty)
    }
}

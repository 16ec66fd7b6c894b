import Foundation
import ZoneGeometry
import ZoneStore
import ZoneVetting

/// A step refused because of who asks: the wrong role, or (two-person rule) their own case.
/// CLI exit 2, HTTP 403; nothing is stored.
public struct NotPermitted: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The bureau's review workflow (issue 16): 经办 → 审核 → 签发.
///
/// A workspace without people keeps the one-step `record` (one official). Once a person is added,
/// a decision is reached through a case: a case officer opens it (经办: vetted, nothing drawn), a
/// reviewer passes it on or returns it with a note (审核), a returned case is revised and
/// resubmitted, and a signer signs it (签发): the application is vetted again on the balances of
/// that moment, under the writers' lock, and recorded as a decision that draws its land — the only
/// step that draws. Every step is a row appended in the same write transaction that checked it.
extension Workspace {
    // MARK: people

    /// The workflow's rows, or why there are none (a workspace before schema 7).
    func caseStore() throws -> CaseStore {
        let version = try store.schemaVersion()
        guard version >= 7, let cs = store.cases else {
            throw WorkspaceError(.notInitialized, "\(description) has schema version \(version); people and cases need 7: run `zoneplan ledger migrate`")
        }
        return cs
    }

    /// True once the workspace has people: its decisions then go through cases.
    public func filesCases() throws -> Bool {
        guard try store.schemaVersion() >= 7, let cs = store.cases else { return false }
        return try cs.peopleCount() > 0
    }

    public func people() throws -> [Person] { try caseStore().people() }

    /// Adds a person, or grants an existing person more roles. Once an admin exists, only an admin
    /// (`actor`) manages people; before that (setting up) anyone may, and is recorded as `actor`
    /// or `fallback`. Returns the person and the roles granted now.
    @discardableResult
    public func addPerson(_ name: String, roles: [Role], actor: String?, fallback: String) throws -> (person: Person, granted: [Role]) {
        let cs = try caseStore()
        let name = try Self.personName(name)
        guard !roles.isEmpty else { throw WorkspaceError(.badInput, "give at least one --role (case-officer, reviewer, signer, admin)") }
        return try store.writeTransaction {
            let by = try administrator(actor, fallback: fallback, cs)
            let now = nowISO()
            if try cs.peopleCount() == 0 { try cs.markCasesRequired() }
            let id: Int64
            if let existing = try cs.person(named: name) { id = existing.id } else { id = try cs.insertPerson(name: name, by: by, at: now) }
            let held = try cs.person(named: name)?.roles ?? []
            var granted: [Role] = []
            for r in roles where !held.contains(r) && !granted.contains(r) {
                try cs.insertRole(personId: id, role: r, by: by, at: now)
                granted.append(r)
            }
            if granted.isEmpty {
                throw WorkspaceError(.conflict, "\(name) already holds \(roles.map(\.rawValue).joined(separator: ", ")): nothing added")
            }
            return (try cs.person(named: name)!, granted)
        }
    }

    /// A fresh token for a person, replacing the previous one. Only its SHA-256 is stored: the
    /// token itself is returned once, to be handed over.
    public func issueToken(for name: String, actor: String?, fallback: String) throws -> String {
        let cs = try caseStore()
        return try store.writeTransaction {
            let by = try administrator(actor, fallback: fallback, cs)
            guard let p = try cs.person(named: name) else { throw WorkspaceError(.notFound, "no person '\(name)' in the workspace (zoneplan people list)") }
            var rng = SystemRandomNumberGenerator()
            let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let token = "zp-" + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            try cs.insertToken(personId: p.id, sha256: sha256Hex(Data(token.utf8)), by: by, at: nowISO())
            return token
        }
    }

    /// Turns the two-person rule on (the default) or off: off lets a person review or sign a case
    /// they prepared (a one-person office).
    public func setTwoPersonRule(_ on: Bool, actor: String?, fallback: String) throws {
        let cs = try caseStore()
        try store.writeTransaction {
            let by = try administrator(actor, fallback: fallback, cs)
            try cs.insertWorkflowSetting(twoPersonRule: on, by: by, at: nowISO())
        }
    }

    public func twoPersonRule() throws -> Bool { try caseStore().twoPersonRule() }

    /// The person a bearer token belongs to (only their newest token counts), or nil.
    public func person(token: String) throws -> Person? {
        guard try store.schemaVersion() >= 7, let cs = store.cases else { return nil }
        return try cs.person(tokenSha256: sha256Hex(Data(token.utf8)))
    }

    static func personName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 40, !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw WorkspaceError(.badInput, "person name '\(raw.prefix(60))': 1 to 40 characters, no control characters")
        }
        return name
    }

    /// Who is recorded as managing people: an admin once one exists.
    private func administrator(_ actor: String?, fallback: String, _ cs: CaseStore) throws -> String {
        let admins = try cs.people().filter { $0.holds(.admin) }
        guard !admins.isEmpty else { return actor ?? fallback }
        guard let actor else {
            throw NotPermitted("managing people needs an admin: say who you are with --as (admins: \(admins.map(\.name).joined(separator: ", ")))")
        }
        guard let p = try cs.person(named: actor) else { throw NotPermitted("no person '\(actor)' in the workspace: managing people needs an admin") }
        guard p.holds(.admin) else { throw NotPermitted("\(actor) is not an admin (roles: \(Self.roleList(p))): managing people needs the admin role") }
        return p.name
    }

    static func roleList(_ p: Person) -> String { p.roles.isEmpty ? "none" : p.roles.map(\.rawValue).joined(separator: ", ") }

    // MARK: cases

    public func cases() throws -> [CaseRecord] { try caseStore().caseRecords() }

    public func caseRecord(id: Int64) throws -> CaseRecord {
        guard let c = try caseStore().caseRecord(id: id) else { throw WorkspaceError(.notFound, "no case \(id)") }
        return c
    }

    /// The case that signed a decision, when it came through one.
    public func caseSigning(decisionId: Int64) throws -> CaseRecord? {
        guard try store.schemaVersion() >= 7, let cs = store.cases else { return nil }
        return try cs.caseSigning(decisionId: decisionId)
    }

    /// 经办: a case officer opens a case. The application is vetted on today's balances and kept
    /// with its bytes as submitted; no land is drawn and none is reserved (签发 checks the balance
    /// again, so two cases cannot both spend the last of a quota).
    public func openCase(_ s: Submission, as name: String, note: String?, year: Int? = nil, supersedes: Int64? = nil) throws -> CaseRecord {
        let cs = try caseStore()
        let year = year ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        _ = try currentEngine()
        return try store.writeTransaction {
            let p = try actor(name, taking: .prepare, cs)
            if let supersedes {
                guard try store.decision(id: supersedes) != nil else { throw WorkspaceError(.notFound, "decision \(supersedes) does not exist") }
                if let by = try store.supersedingDecision(of: supersedes) {
                    throw WorkspaceError(.conflict, "decision \(supersedes) was already superseded by decision \(by)")
                }
            }
            let result = try vetNow(s.application, year: year, supersedes: supersedes)
            let now = nowISO()
            let id = try cs.insertCase(openedAt: now, openedBy: p.name, name: s.application.name, quotaYear: year, supersedes: supersedes)
            _ = try cs.insertCaseStep(CaseStep(caseId: id, seq: 1, kind: .prepare, person: p.name, role: .caseOfficer, at: now, note: note,
                                               verdict: result.verdict, result: result, application: Self.featureJSON(s),
                                               input: s.submitted ?? SubmittedInput(format: "geojson", bytes: s.input)))
            return try cs.caseRecord(id: id)!
        }
    }

    /// `openCase` with an Idempotency-Key (`POST /cases`): the key is looked up under the writers'
    /// lock; the same request again gets the answer kept with the case (nothing opened), another
    /// request with the same key is refused (`IdempotencyKeyReused`); a new key is kept with the
    /// answer in the transaction that opens the case.
    public func openCase(_ s: Submission, as name: String, note: String?, year: Int? = nil, supersedes: Int64? = nil,
                         idempotencyKey key: String, requestSha256: String,
                         respond: (CaseRecord) throws -> StoredResponse) throws -> (response: StoredResponse, replayed: Bool) {
        _ = try caseStore()
        _ = try currentEngine()
        return try store.writeTransaction {
            if let kept = try store.idempotentResponse(key: key) {
                guard kept.requestSha256 == requestSha256 else { throw IdempotencyKeyReused(key: key) }
                return (kept.response, true)
            }
            let response = try respond(try openCase(s, as: name, note: note, year: year, supersedes: supersedes))
            try store.insertIdempotentResponse(key: key, requestSha256: requestSha256, response: response)
            return (response, false)
        }
    }

    /// 审核: a reviewer passes the case on to 签发 or returns it to 经办 (a return needs a note
    /// saying why). A case awaiting 签发 may still be returned.
    public func review(case id: Int64, as name: String, pass: Bool, note: String?) throws -> CaseRecord {
        let cs = try caseStore()
        _ = try currentEngine()
        return try store.writeTransaction {
            let c = try existingCase(id, cs)
            let kind: CaseStep.Kind = pass ? .reviewPass : .reviewReturn
            let p = try actor(name, taking: kind, cs)
            try Self.checkOrder(c, kind)
            try twoPersonCheck(c, p, kind, cs)
            if !pass && (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw WorkspaceError(.badInput, "returning case \(id) needs a note saying what to revise (--note)")
            }
            let result = try vetNow(try application(of: c), year: c.quotaYear, supersedes: c.supersedes)
            _ = try cs.insertCaseStep(CaseStep(caseId: id, seq: c.steps.count + 1, kind: kind, person: p.name, role: .reviewer,
                                               at: nowISO(), note: note, verdict: result.verdict, result: result))
            return try cs.caseRecord(id: id)!
        }
    }

    /// 经办 again: a case officer resubmits a returned case with the revised application.
    public func resubmit(case id: Int64, _ s: Submission, as name: String, note: String?) throws -> CaseRecord {
        let cs = try caseStore()
        _ = try currentEngine()
        return try store.writeTransaction {
            let c = try existingCase(id, cs)
            let p = try actor(name, taking: .resubmit, cs)
            try Self.checkOrder(c, .resubmit)
            let result = try vetNow(s.application, year: c.quotaYear, supersedes: c.supersedes)
            _ = try cs.insertCaseStep(CaseStep(caseId: id, seq: c.steps.count + 1, kind: .resubmit, person: p.name, role: .caseOfficer,
                                               at: nowISO(), note: note, verdict: result.verdict, result: result,
                                               application: Self.featureJSON(s),
                                               input: s.submitted ?? SubmittedInput(format: "geojson", bytes: s.input)))
            return try cs.caseRecord(id: id)!
        }
    }

    /// 签发: a signer signs a case that passed 审核. Under the writers' lock the application is
    /// vetted again on the balances of this moment and recorded as a decision (the case officer as
    /// its official, the 经办 note as its note), which draws the land for approve/conditional. A
    /// verdict that is no longer the one 审核 passed is refused (nothing recorded): a reviewer
    /// returns the case instead.
    public func sign(case id: Int64, as name: String, note: String?) throws -> (case: CaseRecord, decision: Recorded) {
        let cs = try caseStore()
        _ = try currentEngine()
        return try store.writeTransaction {
            let c = try existingCase(id, cs)
            let p = try actor(name, taking: .sign, cs)
            try Self.checkOrder(c, .sign)
            try twoPersonCheck(c, p, .sign, cs)
            guard let sub = c.submission, let passed = c.steps.last else { throw WorkspaceError(.conflict, "case \(id) has no application") }
            let app = try application(of: c)
            let input = try JSONEncoder().encode(sub.application ?? .null)
            signingCase = true
            defer { signingCase = false }
            let recorded = try record(applications: [Submission(application: app, input: input, submitted: sub.input)],
                                      official: sub.person, note: c.steps.first?.note, supersedes: c.supersedes,
                                      year: c.quotaYear).recorded[0]
            let verdict = recorded.record.verdict
            guard verdict == passed.verdict else {
                let why = recorded.record.result.rules(with: .fail) + recorded.record.result.rules(with: .unverifiable)
                throw WorkspaceError(.conflict, "case \(id): vetted again at 签发 the verdict is \(verdict.rawValue), not the "
                                     + "\(passed.verdict.rawValue) 审核 passed" + (why.isEmpty ? "" : " (\(why.joined(separator: ", ")))")
                                     + ": nothing signed; a reviewer returns it (zoneplan case review \(id) --return)")
            }
            _ = try cs.insertCaseStep(CaseStep(caseId: id, seq: c.steps.count + 1, kind: .sign, person: p.name, role: .signer,
                                               at: recorded.record.recordedAt, note: note, verdict: verdict, result: recorded.record.result,
                                               decisionId: recorded.record.id))
            return (try cs.caseRecord(id: id)!, recorded)
        }
    }

    /// The steps `name` may take on the case now (what the map page offers).
    public func allowedSteps(_ c: CaseRecord, for p: Person) throws -> [CaseStep.Kind] {
        let cs = try caseStore()
        return CaseStep.Kind.allCases.filter { kind in
            kind != .prepare && p.holds(kind.role) && (try? Self.checkOrder(c, kind)) != nil
                && (try? twoPersonCheck(c, p, kind, cs)) != nil
        }
    }

    /// Refuses a one-step record in a workspace that files cases (unless 签发 is recording). One
    /// small read: `record` has already required the latest schema, so the people table exists.
    func refuseDirectRecordWhenFilingCases() throws {
        guard !signingCase, let cs = store.cases, try cs.peopleCount() > 0 else { return }
        throw WorkspaceError(.conflict, "\(description) files cases (it has people): a decision goes 经办 → 审核 → 签发; "
                             + "open a case with `zoneplan decide FILE --as NAME` (POST /cases)")
    }

    // MARK: checks

    private func existingCase(_ id: Int64, _ cs: CaseStore) throws -> CaseRecord {
        guard let c = try cs.caseRecord(id: id) else { throw WorkspaceError(.notFound, "no case \(id)") }
        return c
    }

    /// The person, holding the role the step needs.
    private func actor(_ name: String, taking kind: CaseStep.Kind, _ cs: CaseStore) throws -> Person {
        guard let p = try cs.person(named: name) else {
            throw NotPermitted("no person '\(name)' in the workspace (zoneplan people list): \(kind.chinese) needs a \(kind.role.rawValue)")
        }
        guard p.holds(kind.role) else {
            throw NotPermitted("\(p.name) is not a \(kind.role.rawValue) (roles: \(Self.roleList(p))): \(kind.chinese) needs the \(kind.role.rawValue) role")
        }
        return p
    }

    /// A step taken in its turn: 审核 after 经办, 签发 after 审核 passed, resubmission after a return.
    static func checkOrder(_ c: CaseRecord, _ kind: CaseStep.Kind) throws {
        let state = c.state
        if state == .signed {
            throw WorkspaceError(.conflict, "case \(c.id) is already signed (decision \(c.decisionId ?? 0)); revise it with a new case that supersedes the decision")
        }
        let allowed: Set<CaseState>
        let need: String
        switch kind {
        case .prepare: allowed = []; need = "a case is opened once"
        case .reviewPass: allowed = [.awaitingReview]; need = "only a case awaiting 审核 is passed"
        case .reviewReturn: allowed = [.awaitingReview, .awaitingSignature]; need = "only a case awaiting 审核 or 签发 is returned"
        case .resubmit: allowed = [.returned]; need = "only a returned case is resubmitted"
        case .sign: allowed = [.awaitingSignature]; need = "only a case that passed 审核 is signed"
        }
        guard allowed.contains(state) else {
            throw WorkspaceError(.conflict, "case \(c.id) is \(state.chinese) (\(state.rawValue)): \(need)")
        }
    }

    private func twoPersonCheck(_ c: CaseRecord, _ p: Person, _ kind: CaseStep.Kind, _ cs: CaseStore) throws {
        guard kind != .resubmit, kind != .prepare, c.preparers.contains(p.name), try cs.twoPersonRule() else { return }
        throw NotPermitted("\(p.name) prepared case \(c.id): under the two-person rule nobody \(kind == .sign ? "signs" : "reviews") "
                           + "their own case (zoneplan people policy --allow-self-sign turns it off)")
    }

    // MARK: vetting a case

    /// The application as it stands (the last 经办 or resubmission), parsed again.
    private func application(of c: CaseRecord) throws -> Application {
        guard let value = c.submission?.application else { throw WorkspaceError(.notFound, "case \(c.id) has no application") }
        let features = try GeoJSON.parseFeatures(try JSONEncoder().encode(value))
        guard let f = features.first else { throw WorkspaceError(.notFound, "case \(c.id) has no application feature") }
        return try Application.parse(f, label: "case \(c.id)", catalog: try currentEngine().plan.industries, engine: GeometryEngine())
    }

    /// Vetted on the balances of this moment (with the land of a decision it supersedes given back).
    private func vetNow(_ app: Application, year: Int, supersedes: Int64?) throws -> VettingResult {
        var returns: [QuotaEntry] = []
        if let supersedes {
            for e in try store.quotaEntries(nil) where e.decisionId == supersedes && e.kind == .draw {
                returns.append(QuotaEntry(account: e.account, at: "", kind: .return, amountMu: -e.amountMu, official: ""))
            }
        }
        return try currentEngine().engine.vet(app, quotas: ReturnsApplied(base: store.quotaLedger, returns: returns), year: year)
    }

    static func featureJSON(_ s: Submission) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: s.input)) ?? .null
    }

    // MARK: verify

    /// The workflow's invariants, for `ledger verify`: each case's steps numbered from 1 and taken
    /// in order (经办 first; 审核 after 经办; 签发 only after 审核 passed; nothing after 签发), each by
    /// a person holding the step's role, a sign
    /// step names a recorded decision that no other case signed, a signed rejection drew nothing,
    /// and (once the workspace has people) every decision recorded since came from a 签发.
    func caseProblems() throws -> [String] {
        guard try store.schemaVersion() >= 7, let cs = store.cases else { return [] }
        var problems: [String] = []
        let decisions = Dictionary(try store.decisions(limit: nil).map { ($0.id ?? 0, $0) }, uniquingKeysWith: { a, _ in a })
        var drawsOf: [Int64: Int] = [:]
        for e in try store.quotaEntries(nil) where e.kind == .draw { if let d = e.decisionId { drawsOf[d, default: 0] += 1 } }
        var signedBy: [Int64: Int64] = [:]
        // Roles are granted, never taken away: whoever took a step must hold its role now.
        let roles = Dictionary(try cs.people().map { ($0.name, Set($0.roles)) }, uniquingKeysWith: { a, _ in a })
        for c in try cs.caseRecords() {
            var replay = CaseRecord(id: c.id, openedAt: c.openedAt, openedBy: c.openedBy, name: c.name, quotaYear: c.quotaYear,
                                    supersedes: c.supersedes, steps: [])
            for (i, s) in c.steps.enumerated() {
                if s.seq != i + 1 { problems.append("case \(c.id): step \(s.seq) is out of sequence (expected \(i + 1))") }
                if i == 0 {
                    if s.kind != .prepare { problems.append("case \(c.id) begins with \(s.kind.rawValue), not 经办 (prepare)") }
                } else if s.kind == .prepare {
                    problems.append("case \(c.id): a second 经办 at step \(s.seq)")
                } else if (try? Self.checkOrder(replay, s.kind)) == nil {
                    problems.append("case \(c.id): step \(s.seq) (\(s.kind.rawValue)) is out of order after \(replay.state.rawValue)")
                }
                if roles[s.person]?.contains(s.kind.role) != true {
                    problems.append("case \(c.id): step \(s.seq) (\(s.kind.rawValue)) by \(s.person), who does not hold the \(s.kind.role.rawValue) role")
                }
                replay.steps.append(s)
                guard s.kind == .sign else { continue }
                guard let d = s.decisionId, let decision = decisions[d] else {
                    problems.append("case \(c.id): its 签发 names no recorded decision")
                    continue
                }
                if let other = signedBy[d] { problems.append("decision \(d) is signed by cases \(other) and \(c.id)") }
                signedBy[d] = c.id
                if decision.verdict != .approve && decision.verdict != .conditional && (drawsOf[d] ?? 0) > 0 {
                    problems.append("case \(c.id): decision \(d) is \(decision.verdict.rawValue) but drew land")
                }
            }
        }
        if let bound = try cs.casesRequiredAfterDecision() {
            for id in decisions.keys.sorted() where id > bound && signedBy[id] == nil {
                problems.append("decision \(id) was recorded after the workspace began filing cases, without a 签发")
            }
        }
        return problems
    }
}

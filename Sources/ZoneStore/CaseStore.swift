import Foundation
import ZoneGeometry
import ZoneVetting

// The bureau's review workflow in the workspace (schema 7): people with roles and hashed tokens,
// and cases whose steps 经办 → 审核 → 签发 are appended one by one. What the steps may do is
// `Workspace`'s (CaseWorkflow.swift); this file only stores and reads rows.

/// What a person may do in the workflow. A person may hold several roles.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// 经办: prepares and vets a case, resubmits a returned one.
    case caseOfficer = "case-officer"
    /// 审核: passes a case on to 签发 or returns it with a note.
    case reviewer
    /// 签发: signs a passed case, which puts the decision in force and draws the land.
    case signer
    /// Manages people, tokens and the workflow settings; sets quotas over the service.
    case admin

    public var chinese: String {
        switch self {
        case .caseOfficer: return "经办人"
        case .reviewer: return "审核人"
        case .signer: return "签发人"
        case .admin: return "管理员"
        }
    }
}

/// Someone who may act in the workspace, with the roles granted so far.
public struct Person: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var roles: [Role]
    public var addedBy: String
    public var addedAt: String
    public var hasToken: Bool

    public func holds(_ role: Role) -> Bool { roles.contains(role) }

    enum CodingKeys: String, CodingKey {
        case id, name, roles, addedBy = "added_by", addedAt = "added_at", hasToken = "has_token"
    }
}

/// One step of a case, as the ledger keeps it.
public struct CaseStep: Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case prepare
        case reviewPass = "review-pass"
        case reviewReturn = "review-return"
        case resubmit
        case sign

        public var chinese: String {
            switch self {
            case .prepare: return "经办"
            case .reviewPass: return "审核·通过"
            case .reviewReturn: return "审核·退回"
            case .resubmit: return "经办·重新提交"
            case .sign: return "签发"
            }
        }
        /// The role a step is taken in.
        public var role: Role {
            switch self {
            case .prepare, .resubmit: return .caseOfficer
            case .reviewPass, .reviewReturn: return .reviewer
            case .sign: return .signer
            }
        }
    }

    public var id: Int64?
    public var caseId: Int64
    /// 1, 2, … within the case.
    public var seq: Int
    public var kind: Kind
    public var person: String
    public var role: Role
    /// ISO 8601, UTC.
    public var at: String
    public var note: String?
    /// The verdict as vetted at this step (on the balances of that moment).
    public var verdict: Verdict
    public var result: VettingResult
    /// The application (a GeoJSON Feature) — on 经办 and resubmission steps only.
    public var application: JSONValue?
    /// The bytes as submitted — on 经办 and resubmission steps only.
    public var input: SubmittedInput?
    /// The decision 签发 recorded (sign steps only).
    public var decisionId: Int64?

    public init(id: Int64? = nil, caseId: Int64, seq: Int, kind: Kind, person: String, role: Role, at: String, note: String?,
                verdict: Verdict, result: VettingResult, application: JSONValue? = nil, input: SubmittedInput? = nil,
                decisionId: Int64? = nil) {
        self.id = id; self.caseId = caseId; self.seq = seq; self.kind = kind; self.person = person; self.role = role; self.at = at
        self.note = note; self.verdict = verdict; self.result = result; self.application = application; self.input = input
        self.decisionId = decisionId
    }

    enum CodingKeys: String, CodingKey {
        case id, caseId = "case_id", seq, kind = "step", person, role, at, note, verdict, decisionId = "decision_id"
    }
    // The result, application and input are served by their own routes, not with every step.
    public init(from decoder: Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "case steps are read from the workspace"))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(caseId, forKey: .caseId)
        try c.encode(seq, forKey: .seq)
        try c.encode(kind, forKey: .kind)
        try c.encode(person, forKey: .person)
        try c.encode(role, forKey: .role)
        try c.encode(at, forKey: .at)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encode(verdict, forKey: .verdict)
        try c.encodeIfPresent(decisionId, forKey: .decisionId)
    }
}

/// Where a case stands, read from its last step.
public enum CaseState: String, Sendable, Codable {
    case awaitingReview = "awaiting-review"
    case awaitingSignature = "awaiting-signature"
    case returned
    case signed

    public var chinese: String {
        switch self {
        case .awaitingReview: return "待审核"
        case .awaitingSignature: return "待签发"
        case .returned: return "已退回"
        case .signed: return "已签发"
        }
    }
}

/// A case: an application going through 经办 → 审核 → 签发, with every step taken so far.
public struct CaseRecord: Sendable {
    public var id: Int64
    public var openedAt: String
    public var openedBy: String
    public var name: String
    public var quotaYear: Int
    /// The decision the case's signed decision will supersede.
    public var supersedes: Int64?
    public var steps: [CaseStep]

    public init(id: Int64, openedAt: String, openedBy: String, name: String, quotaYear: Int, supersedes: Int64?, steps: [CaseStep]) {
        self.id = id; self.openedAt = openedAt; self.openedBy = openedBy; self.name = name; self.quotaYear = quotaYear
        self.supersedes = supersedes; self.steps = steps
    }

    public var state: CaseState {
        switch steps.last?.kind {
        case .reviewPass: return .awaitingSignature
        case .reviewReturn: return .returned
        case .sign: return .signed
        case .prepare, .resubmit, nil: return .awaitingReview
        }
    }
    /// The last 经办 or resubmission: the application as it stands.
    public var submission: CaseStep? { steps.last { $0.kind == .prepare || $0.kind == .resubmit } }
    /// Everyone who prepared or resubmitted it: under the two-person rule none of them reviews or signs it.
    public var preparers: Set<String> { Set(steps.filter { $0.kind == .prepare || $0.kind == .resubmit }.map(\.person)) }
    public var decisionId: Int64? { steps.last { $0.kind == .sign }?.decisionId }
    /// The verdict of the last step.
    public var verdict: Verdict? { steps.last?.verdict }
}

extension CaseRecord {
    /// The case as JSON: its state and steps, and (for a person) the steps they may take now
    /// (`case show --format json`, `GET /cases/{id}`).
    public func json(actions: [CaseStep.Kind]? = nil, person: Person? = nil) throws -> Data {
        struct Out: Encodable {
            let id: Int64, name: String, state: CaseState, stateZh: String, openedAt: String, openedBy: String, quotaYear: Int
            let supersedes: Int64?, decisionId: Int64?, verdict: Verdict?, steps: [CaseStep], actions: [CaseStep.Kind]?, person: Person?
            enum CodingKeys: String, CodingKey {
                case id, name, state, stateZh = "state_zh", openedAt = "opened_at", openedBy = "opened_by", quotaYear = "quota_year"
                case supersedes, decisionId = "decision_id", verdict, steps, actions, person = "as"
            }
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try enc.encode(Out(id: id, name: name, state: state, stateZh: state.chinese, openedAt: openedAt, openedBy: openedBy,
                                  quotaYear: quotaYear, supersedes: supersedes, decisionId: decisionId, verdict: verdict, steps: steps,
                                  actions: actions, person: person))
    }
}

/// The workflow's rows. Every store built on `SQLWorkspaceStore` has them.
public protocol CaseStore: AnyObject {
    func peopleCount() throws -> Int
    func people() throws -> [Person]
    func person(named name: String) throws -> Person?
    /// The person whose newest token has this SHA-256 (an older, replaced token finds nobody).
    func person(tokenSha256: String) throws -> Person?
    func insertPerson(name: String, by: String, at: String) throws -> Int64
    func insertRole(personId: Int64, role: Role, by: String, at: String) throws
    func insertToken(personId: Int64, sha256: String, by: String, at: String) throws
    /// The two-person rule as last set (on when never set).
    func twoPersonRule() throws -> Bool
    func insertWorkflowSetting(twoPersonRule: Bool, by: String, at: String) throws
    func insertCase(openedAt: String, openedBy: String, name: String, quotaYear: Int, supersedes: Int64?) throws -> Int64
    func insertCaseStep(_ s: CaseStep) throws -> Int64
    func caseRecord(id: Int64) throws -> CaseRecord?
    func caseRecords() throws -> [CaseRecord]
    /// The case whose 签发 recorded `decisionId`.
    func caseSigning(decisionId: Int64) throws -> CaseRecord?
    /// Kept when the first person is added: decisions after this id must each be signed by a case.
    func markCasesRequired() throws
    func casesRequiredAfterDecision() throws -> Int64?
}

extension WorkspaceStore {
    /// The store's workflow rows (every store built on `SQLWorkspaceStore` has them).
    public var cases: CaseStore? { self as? CaseStore }
}

extension WorkspaceSQL {
    private var personColumns: String { "p.id, p.name, p.added_by, \(dialect.timeText("p.added_at"))" }
    var peopleCount: String { "SELECT count(*) FROM zp_people" }
    var people: String { "SELECT \(personColumns) FROM zp_people p ORDER BY p.id" }
    var personNamed: String { dialect.render("SELECT \(personColumns) FROM zp_people p WHERE p.name = ?") }
    var personByToken: String {
        dialect.render("""
          SELECT \(personColumns) FROM zp_person_tokens t JOIN zp_people p ON p.id = t.person_id
          WHERE t.token_sha256 = ? AND t.id = (SELECT max(id) FROM zp_person_tokens WHERE person_id = t.person_id)
          """)
    }
    var personRoles: String { dialect.render("SELECT role FROM zp_person_roles WHERE person_id = ? ORDER BY id") }
    var personHasToken: String { dialect.render("SELECT count(*) FROM zp_person_tokens WHERE person_id = ?") }
    var insertPerson: String { dialect.render("INSERT INTO zp_people (name, added_by, added_at) VALUES (?, ?, \(dialect.timeParam))") }
    var insertRole: String {
        dialect.render("INSERT INTO zp_person_roles (person_id, role, granted_by, granted_at) VALUES (?, ?, ?, \(dialect.timeParam))")
    }
    var insertToken: String {
        dialect.render("INSERT INTO zp_person_tokens (person_id, token_sha256, issued_by, issued_at) VALUES (?, ?, ?, \(dialect.timeParam))")
    }
    var twoPersonRule: String { "SELECT two_person_rule FROM zp_workflow_settings ORDER BY id DESC LIMIT 1" }
    var insertWorkflowSetting: String {
        dialect.render("INSERT INTO zp_workflow_settings (two_person_rule, set_by, set_at) VALUES (?, ?, \(dialect.timeParam))")
    }
    var insertCase: String {
        dialect.render("INSERT INTO zp_cases (opened_at, opened_by, name, quota_year, supersedes) VALUES (\(dialect.timeParam), ?, ?, ?, ?)")
    }
    private var caseColumns: String { "id, \(dialect.timeText("opened_at")), opened_by, name, quota_year, supersedes" }
    var caseById: String { dialect.render("SELECT \(caseColumns) FROM zp_cases WHERE id = ?") }
    var allCases: String { "SELECT \(caseColumns) FROM zp_cases ORDER BY id" }
    var caseBySignedDecision: String {
        dialect.render("SELECT case_id FROM zp_case_steps WHERE decision_id = ? AND step = 'sign'")
    }
    var insertCaseStep: String {
        dialect.render("""
          INSERT INTO zp_case_steps (case_id, seq, step, person, role, at, note, verdict, result, application, input_format,
            input_sha256, input_bytes, input_sidecar, decision_id) VALUES (?, ?, ?, ?, ?, \(dialect.timeParam), ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
    }
    private var stepColumns: String {
        "id, case_id, seq, step, person, role, \(dialect.timeText("at")), note, verdict, result, application, input_format, input_bytes, input_sidecar, decision_id"
    }
    var caseSteps: String { dialect.render("SELECT \(stepColumns) FROM zp_case_steps WHERE case_id = ? ORDER BY seq") }
    var allCaseSteps: String { "SELECT \(stepColumns) FROM zp_case_steps ORDER BY case_id, seq" }
    var markCasesRequired: String {
        "INSERT INTO zp_meta (key, value) SELECT 'cases_required_after_decision', CAST(coalesce(max(id), 0) AS TEXT) FROM zp_decisions"
    }
    var casesRequiredAfterDecision: String {
        "SELECT CAST(value AS \(dialect.bigint)) FROM zp_meta WHERE key = 'cases_required_after_decision'"
    }
}

extension SQLWorkspaceStore: CaseStore {
    public func peopleCount() throws -> Int { Int(try executor.scalar(sql.peopleCount, []).int ?? 0) }

    private func personFrom(_ r: [SQLValue]) throws -> Person {
        let id = r[0].int ?? 0
        let roles = try executor.query(sql.personRoles, [.int(id)]).compactMap { Role(rawValue: $0[0].text ?? "") }
        let tokens = try executor.scalar(sql.personHasToken, [.int(id)]).int ?? 0
        return Person(id: id, name: r[1].text ?? "", roles: roles, addedBy: r[2].text ?? "", addedAt: r[3].text ?? "", hasToken: tokens > 0)
    }

    public func people() throws -> [Person] { try executor.query(sql.people, []).map(personFrom) }

    public func person(named name: String) throws -> Person? {
        try executor.query(sql.personNamed, [.text(name)]).first.map(personFrom)
    }

    public func person(tokenSha256: String) throws -> Person? {
        try executor.query(sql.personByToken, [.text(tokenSha256)]).first.map(personFrom)
    }

    public func insertPerson(name: String, by: String, at: String) throws -> Int64 {
        try writeTransaction { try executor.insertReturningId(sql.insertPerson, [.text(name), .text(by), .text(at)]) }
    }

    public func insertRole(personId: Int64, role: Role, by: String, at: String) throws {
        try writeTransaction { _ = try executor.insertReturningId(sql.insertRole, [.int(personId), .text(role.rawValue), .text(by), .text(at)]) }
    }

    public func insertToken(personId: Int64, sha256: String, by: String, at: String) throws {
        try writeTransaction { _ = try executor.insertReturningId(sql.insertToken, [.int(personId), .text(sha256), .text(by), .text(at)]) }
    }

    public func twoPersonRule() throws -> Bool { try executor.scalar(sql.twoPersonRule, []).bool ?? true }

    public func insertWorkflowSetting(twoPersonRule: Bool, by: String, at: String) throws {
        try writeTransaction { _ = try executor.insertReturningId(sql.insertWorkflowSetting, [.bool(twoPersonRule), .text(by), .text(at)]) }
    }

    public func insertCase(openedAt: String, openedBy: String, name: String, quotaYear: Int, supersedes: Int64?) throws -> Int64 {
        try writeTransaction {
            try executor.insertReturningId(sql.insertCase, [.text(openedAt), .text(openedBy), .text(name), .int(Int64(quotaYear)),
                                                            supersedes.map(SQLValue.int) ?? .null])
        }
    }

    public func insertCaseStep(_ s: CaseStep) throws -> Int64 {
        try writeTransaction {
            let result = String(decoding: try JSONEncoder.sorted.encode(s.result), as: UTF8.self)
            let application = try s.application.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
            return try executor.insertReturningId(sql.insertCaseStep, [
                .int(s.caseId), .int(Int64(s.seq)), .text(s.kind.rawValue), .text(s.person), .text(s.role.rawValue), .text(s.at),
                s.note.map(SQLValue.text) ?? .null, .text(s.verdict.rawValue), .text(result), application.map(SQLValue.text) ?? .null,
                s.input.map { .text($0.format) } ?? .null, s.input.map { .text($0.sha256) } ?? .null,
                s.input.map { .blob(Array($0.bytes)) } ?? .null, s.input?.sidecar.map { .blob(Array($0)) } ?? .null,
                s.decisionId.map(SQLValue.int) ?? .null])
        }
    }

    private func stepFrom(_ r: [SQLValue]) throws -> CaseStep {
        let decoder = JSONDecoder()
        let result = try decoder.decode(VettingResult.self, from: Data((r[9].text ?? "").utf8))
        let application = try r[10].text.map { try decoder.decode(JSONValue.self, from: Data($0.utf8)) }
        let input = r[11].text.map { SubmittedInput(format: $0, bytes: Data(r[12].blob ?? []), sidecar: r[13].blob.map { Data($0) }) }
        return CaseStep(id: r[0].int, caseId: r[1].int ?? 0, seq: Int(r[2].int ?? 0), kind: CaseStep.Kind(rawValue: r[3].text ?? "") ?? .prepare,
                        person: r[4].text ?? "", role: Role(rawValue: r[5].text ?? "") ?? .caseOfficer, at: r[6].text ?? "",
                        note: r[7].text, verdict: Verdict(rawValue: r[8].text ?? "") ?? .incomplete, result: result,
                        application: application, input: input, decisionId: r[14].int)
    }

    private func caseFrom(_ r: [SQLValue], steps: [CaseStep]) -> CaseRecord {
        CaseRecord(id: r[0].int ?? 0, openedAt: r[1].text ?? "", openedBy: r[2].text ?? "", name: r[3].text ?? "",
                   quotaYear: Int(r[4].int ?? 0), supersedes: r[5].int, steps: steps)
    }

    public func caseRecord(id: Int64) throws -> CaseRecord? {
        guard let r = try executor.query(sql.caseById, [.int(id)]).first else { return nil }
        return caseFrom(r, steps: try executor.query(sql.caseSteps, [.int(id)]).map(stepFrom))
    }

    public func caseRecords() throws -> [CaseRecord] {
        var steps: [Int64: [CaseStep]] = [:]
        for s in try executor.query(sql.allCaseSteps, []).map(stepFrom) { steps[s.caseId, default: []].append(s) }
        return try executor.query(sql.allCases, []).map { caseFrom($0, steps: steps[$0[0].int ?? 0] ?? []) }
    }

    public func markCasesRequired() throws {
        try writeTransaction {
            guard try casesRequiredAfterDecision() == nil else { return }
            try executor.query(sql.markCasesRequired, [])
        }
    }

    public func casesRequiredAfterDecision() throws -> Int64? { try executor.scalar(sql.casesRequiredAfterDecision, []).int }

    public func caseSigning(decisionId: Int64) throws -> CaseRecord? {
        guard let id = try executor.scalar(sql.caseBySignedDecision, [.int(decisionId)]).int else { return nil }
        return try caseRecord(id: id)
    }
}

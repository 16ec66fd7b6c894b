import Foundation
import Hummingbird
import ZoneGeometry
import ZoneService
import ZoneStore
import ZoneVetting

/// Who a write request acts as: the service token (`--token-file`, `$ZONEPLAN_TOKEN`; acts for no
/// one, as before people existed) or a person of the workspace, by their own token.
enum WriteActor {
    case service
    case person(Person)
}

extension ServerState {
    /// The bearer token's owner. The service token is compared in constant time; any other bearer
    /// is looked up by its SHA-256 among the people's newest tokens (a lookup by hash reveals
    /// nothing about the token by its timing). A server with neither a service token nor people
    /// is read-only (403), as before.
    func writeActor(_ header: String?) async throws -> WriteActor {
        var challenge = HTTPFields()
        challenge[.wwwAuthenticate] = "Bearer realm=\"zoneplan\""
        let bearer: String? = header.flatMap { h in
            h.lowercased().hasPrefix("bearer ") ? h.dropFirst(7).trimmingCharacters(in: .whitespaces) : nil
        }
        if let bearer, let token = tokens.token, TokenCheck.constantTimeEquals(Array(bearer.utf8), token) { return .service }
        if let bearer, !bearer.isEmpty, let gate = workspace, let p = try await gate.run({ ws in try ws.person(token: bearer) }) {
            return .person(p)
        }
        let people = try await workspace?.run { ws in try ws.filesCases() } ?? false
        if tokens.token == nil && !people {
            throw APIError(.forbidden, "writes are disabled: start the server with --token-file FILE or $ZONEPLAN_TOKEN, or add people with tokens")
        }
        guard bearer != nil else { throw APIError(.unauthorized, "this endpoint needs a bearer token (Authorization: Bearer …)", headers: challenge) }
        throw APIError(.unauthorized, "the bearer token is not valid", headers: challenge)
    }

    /// The person a case step is taken by; the service token acts for no one.
    func person(_ request: Request) async throws -> Person {
        switch try await writeActor(request.headers[.authorization]) {
        case .person(let p): return p
        case .service:
            throw APIError(.forbidden, "a case step is taken by a person: use the person's own token (zoneplan people token NAME), not the service token")
        }
    }

    /// For `POST /quotas`: the service token, or a person who is an admin. Returns the name to record (nil: the service).
    func quotaSetter(_ request: Request) async throws -> String? {
        switch try await writeActor(request.headers[.authorization]) {
        case .service: return nil
        case .person(let p):
            guard p.holds(.admin) else { throw APIError(.forbidden, "\(p.name) is not an admin: setting a quota needs the admin role") }
            return p.name
        }
    }
}

/// The case routes (issue 16): a case officer opens a case with `POST /cases`, a reviewer passes
/// or returns it, a case officer resubmits a returned one, a signer signs it. Each step needs the
/// person's own token; a refusal is 403 (wrong role, own case), 409 (out of order, already
/// signed, the verdict changed at 签发) or 404, and nothing is stored.
func addCaseRoutes(_ router: Router<BasicRequestContext>, _ routes: RouteTable, _ state: ServerState, _ config: ServerConfiguration) {
    router.route(routes, .get, "/cases") { _, _ in
        let list = try await state.requireWorkspace().run { ws in try ws.filesCases() ? try ws.cases() : [] }
        let rows: [JSONValue] = list.map { c in
            .object(["id": .number(Double(c.id)), "name": .string(c.name), "state": .string(c.state.rawValue), "state_zh": .string(c.state.chinese),
                     "opened_at": .string(c.openedAt), "opened_by": .string(c.openedBy), "verdict": c.verdict.map { .string($0.rawValue) } ?? .null,
                     "steps": .number(Double(c.steps.count)), "decision_id": c.decisionId.map { .number(Double($0)) } ?? .null])
        }
        return jsonResponse(Data((JSONValue.array(rows).serialized() + "\n").utf8))
    }
    // Who the token belongs to (the map page asks, to offer the steps the person may take).
    router.route(routes, .get, "/whoami") { request, _ in
        let p = try await state.person(request)
        return jsonResponse(try encodeJSON(p))
    }
    // A case with its steps; with a person's token, also the steps that person may take now.
    router.route(routes, .get, "/cases/:id") { request, context in
        let id = try caseId(context)
        let gate = try state.requireWorkspace()
        // Reading needs no token; a person's token adds what they may do (the service token, nothing).
        var person: Person?
        if request.headers[.authorization] != nil, case .person(let p) = try await state.writeActor(request.headers[.authorization]) { person = p }
        let data = try await gate.run { ws -> Data in
            let c = try ws.caseRecord(id: id)
            return try c.json(actions: try person.map { try ws.allowedSteps(c, for: $0) }, person: person)
        }
        return jsonResponse(data + Data("\n".utf8))
    }
    // The printable report of a case not yet signed: a draft (no number) with the verdict of its
    // last step and the chain so far, for the reviewer and the signer. A signed case has its
    // decision's report.
    router.route(routes, .get, "/cases/:id/report") { _, context in
        let id = try caseId(context)
        let c = try await state.requireWorkspace().run { ws in try ws.caseRecord(id: id) }
        if let d = c.decisionId {
            return Response(status: .seeOther, headers: [.location: "/decisions/\(d)/report"])
        }
        guard let application = c.submission?.application, let last = c.steps.last,
              let site = try GeoJSON.parseFeatures(value: application).first?.geometry else {
            throw APIError(.notFound, "case \(id) has no application")
        }
        let html = try await state.serving().pool.with { w in
            try DecisionReport.html(result: last.result, site: site, worker: w, decision: nil, number: nil, signedCase: c)
        }
        return htmlResponse(html)
    }
    router.route(routes, .post, "/cases") { request, context in
        let p = try await state.person(request)
        let gate = try state.requireWorkspace()
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: config.maxBodyBytes))
        let q = request.uri.queryParameters
        let year = try q.get("year").map { s -> Int in
            guard let v = Int(s), (2000...2100).contains(v) else { throw APIError(.badRequest, "year: '\(s.prefix(40))' is not a plausible year") }
            return v
        }
        let supersedes = try q.get("supersedes").map { s -> Int64 in
            guard let v = Int64(s) else { throw APIError(.badRequest, "supersedes: expected a decision id, got '\(s.prefix(40))'") }
            return v
        }
        let submission = try await caseSubmission(body, request, state)
        // Idempotency-Key, as on POST /decisions: a retry gets the kept answer and opens no second case.
        if let key = request.headers[HTTPFields.Element.Name("Idempotency-Key")!] {
            guard !key.isEmpty, key.count <= 200 else { throw APIError(.badRequest, "Idempotency-Key: 1 to 200 characters") }
            let sha = sha256Hex(Data("POST /cases\n\(p.name)\n".utf8) + body + Data([0]) + Data((request.uri.query ?? "").utf8))
            let (kept, replayed) = try await gate.run { ws -> (StoredResponse, Bool) in
                do {
                    return try ws.openCase(submission, as: p.name, note: q.get("note"), year: year, supersedes: supersedes,
                                           idempotencyKey: key, requestSha256: sha) { c in
                        StoredResponse(status: Int(HTTPResponse.Status.created.code), body: try c.json() + Data("\n".utf8))
                    }
                } catch let e as IdempotencyKeyReused {
                    throw APIError(.unprocessableContent, e.description)
                }
            }
            var r = jsonResponse(kept.body, status: HTTPResponse.Status(code: kept.status))
            if replayed { r.headers[HTTPFields.Element.Name("Idempotent-Replayed")!] = "true" }
            return r
        }
        let c = try await gate.run { ws in try ws.openCase(submission, as: p.name, note: q.get("note"), year: year, supersedes: supersedes) }
        context.logger.notice("case opened", metadata: ["case": "\(c.id)", "person": "\(p.name)", "verdict": "\(c.verdict?.rawValue ?? "")"])
        return jsonResponse(try c.json() + Data("\n".utf8), status: .created)
    }
    router.route(routes, .post, "/cases/:id/review") { request, context in
        let id = try caseId(context)
        let p = try await state.person(request)
        let q = request.uri.queryParameters
        guard let verdict = q.get("verdict"), verdict == "pass" || verdict == "return" else {
            throw APIError(.badRequest, "verdict: expected pass or return (e.g. /cases/\(id)/review?verdict=pass&note=…)")
        }
        let c = try await state.requireWorkspace().run { ws in try ws.review(case: id, as: p.name, pass: verdict == "pass", note: q.get("note")) }
        context.logger.notice("case reviewed", metadata: ["case": "\(id)", "person": "\(p.name)", "verdict": "\(verdict)"])
        return jsonResponse(try c.json() + Data("\n".utf8))
    }
    router.route(routes, .post, "/cases/:id/resubmit") { request, context in
        let id = try caseId(context)
        let p = try await state.person(request)
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: config.maxBodyBytes))
        let submission = try await caseSubmission(body, request, state)
        let note = request.uri.queryParameters.get("note")
        let c = try await state.requireWorkspace().run { ws in try ws.resubmit(case: id, submission, as: p.name, note: note) }
        context.logger.notice("case resubmitted", metadata: ["case": "\(id)", "person": "\(p.name)"])
        return jsonResponse(try c.json() + Data("\n".utf8))
    }
    router.route(routes, .post, "/cases/:id/sign") { request, context in
        let id = try caseId(context)
        let p = try await state.person(request)
        let note = request.uri.queryParameters.get("note")
        let (c, recorded) = try await state.requireWorkspace().run { ws in try ws.sign(case: id, as: p.name, note: note) }
        context.logger.notice("case signed", metadata: ["case": "\(id)", "person": "\(p.name)", "decision": "\(recorded.record.id ?? 0)"])
        let caseValue = try JSONValue.parse(try c.json())
        let out: JSONValue = .object(["case": caseValue, "decision": try decisionSummary(recorded)])
        return jsonResponse(Data((out.serialized() + "\n").utf8))
    }
}

private func caseId(_ context: BasicRequestContext) throws -> Int64 {
    let text = try context.parameters.decoded("id")
    guard let id = Int64(text) else { throw APIError(.badRequest, "case id: expected a number, got '\(text.prefix(40))'") }
    return id
}

/// One application from a request body (GeoJSON, or a 报部 TXT with its figures in the query), with the bytes as submitted.
private func caseSubmission(_ body: Data, _ request: Request, _ state: ServerState) async throws -> Workspace.Submission {
    let apps = try await state.serving().pool.with { w in try readApplications(body, request: request, worker: w) }
    guard apps.count == 1, let app = apps.first else {
        throw APIError(.badRequest, "a case is one application; the request holds \(apps.count)")
    }
    let q = request.uri.queryParameters
    let isTXT = (request.headers[.contentType] ?? "").lowercased().hasPrefix("text/plain") || q.get("input") == "txt"
    let submitted = SubmittedInput(format: isTXT ? "baobu-txt" : "geojson", bytes: body, sidecar: isTXT ? Data((request.uri.query ?? "").utf8) : nil)
    return Workspace.Submission(application: app, input: GeoJSON.encode(feature: Feature(id: nil, geometry: app.site, properties: app.properties, bbox: nil)),
                                submitted: submitted)
}

import Foundation
import Hummingbird
import Logging
import ZoneGeometry
import ZonePlan
import ZoneQuery
import ZoneService
import ZoneStore
import ZoneVetting

/// Builds the HTTP application (Hummingbird-examples style): `zoneplan serve` calls this and runs
/// the result; the tests call it and use HummingbirdTesting's `.router` and `.live` clients.
public func buildApplication(_ config: ServerConfiguration) throws -> some ApplicationProtocol {
    var logger = Logger(label: "zoneplan.serve")
    logger.logLevel = config.logLevel
    let router = try buildRouter(config)
    return Hummingbird.Application(
        router: router,
        server: .guardedHTTP1(config.limits),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "zoneplan",
                             availableConnectionsDelegate: .maximum(config.limits.maxConnections, logger: logger)),
        logger: logger)
}

/// Runs the server until SIGINT/SIGTERM (graceful shutdown).
public func serve(_ config: ServerConfiguration) async throws {
    let app = try buildApplication(config)
    try await app.runService()
}

/// What one plan snapshot is served with: its engines and its OGC collections. `/vet`,
/// `/decisions`, the collections and `/health` of one request all use the same one.
final class Serving: Sendable {
    let snapshot: PlanSnapshot
    let pool: EnginePool
    let ogc: OGCFeatures
    init(_ snapshot: PlanSnapshot, config: ServerConfiguration) {
        self.snapshot = snapshot
        pool = EnginePool(snapshot: snapshot, capacity: config.engineCount)
        ogc = OGCFeatures(plan: snapshot.plan, hasDecisions: config.workspace != nil)
    }
    var plan: PlanData { snapshot.plan }
}

/// The current `Serving`, swapped when the workspace's plan changes (after `zoneplan import`).
actor ServingHolder {
    private let holder: SnapshotHolder
    private let config: ServerConfiguration
    private var serving: Serving
    init(config: ServerConfiguration, session: WorkspaceSession?) throws {
        self.config = config
        let first = try PlanSnapshot(plan: config.plan)
        holder = session.map { SnapshotHolder(first, session: $0) } ?? SnapshotHolder(first)
        serving = Serving(first, config: config)
    }
    func current() async throws -> Serving {
        let snap = try await holder.current()
        if snap !== serving.snapshot { serving = Serving(snap, config: config) }
        return serving
    }
}

/// Shared, read-only state of a running server.
final class ServerState: Sendable {
    let config: ServerConfiguration
    let workspace: WorkspaceSession?
    /// Decisions recorded at the same time share one commit (see `GroupCommit`).
    let recorder: GroupCommit?
    let tokens: TokenCheck
    private let holder: ServingHolder
    init(_ config: ServerConfiguration) throws {
        self.config = config
        workspace = config.workspace.map { WorkspaceSession(location: $0) }
        recorder = workspace.map { GroupCommit(session: $0) }
        tokens = TokenCheck(token: config.token.map { Array($0.utf8) })
        holder = try ServingHolder(config: config, session: workspace)
    }

    /// The snapshot this request is served with.
    func serving() async throws -> Serving { try await holder.current() }

    func requireWorkspace() throws -> WorkspaceSession {
        guard let workspace else {
            throw APIError(.notFound, "no workspace is configured on this server (start it with --db PATH or $ZONEPLAN_DB)")
        }
        return workspace
    }
}

func buildRouter(_ config: ServerConfiguration) throws -> Router<BasicRequestContext> {
    let state = try ServerState(config)
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.info, includeHeaders: .none))
    router.add(middleware: ErrorMiddleware(maxBody: config.maxBodyBytes))
    let routes = RouteTable()
    router.add(middleware: MethodGuardMiddleware(table: routes))

    // MARK: OGC API – Features
    router.route(routes, .get, "/") { request, _ in try await state.serving().ogc.landing(request, base: baseURL(request, config)) }
    router.route(routes, .get, "/conformance") { request, _ in try await state.serving().ogc.conformance(request) }
    router.route(routes, .get, "/api") { request, _ in try await state.serving().ogc.api(request, base: baseURL(request, config)) }
    router.route(routes, .get, "/collections") { request, _ in
        try await state.serving().ogc.collections(request, base: baseURL(request, config), decisionsExtent: decisionsExtent(state))
    }
    router.route(routes, .get, "/collections/:id") { request, context in
        let id = try context.parameters.decoded("id")
        return try await state.serving().ogc.collection(request, id: id, base: baseURL(request, config), decisionsExtent: decisionsExtent(state))
    }
    router.route(routes, .get, "/collections/:id/queryables") { request, context in
        let id = try context.parameters.decoded("id")
        let serving = try await state.serving()
        let data = try await serving.ogc.data(id) { try await collectionFeatures(id, state, serving) }
        return try serving.ogc.queryables(request, data: data, base: baseURL(request, config))
    }
    // Layer pages and items come from the snapshot's cache (encoded once, gzip kept, ETag per
    // layer version and query); the decisions are read and encoded per request.
    router.route(routes, .get, "/collections/:id/items") { request, context in
        let id = try context.parameters.decoded("id")
        let serving = try await state.serving()
        let data = try await serving.ogc.data(id) { try await collectionFeatures(id, state, serving) }
        return try serving.ogc.items(request, data: data, base: baseURL(request, config))
    }
    router.route(routes, .get, "/collections/:id/items/:fid") { request, context in
        let id = try context.parameters.decoded("id"), fid = try context.parameters.decoded("fid")
        let serving = try await state.serving()
        let data = try await serving.ogc.data(id) { try await collectionFeatures(id, state, serving) }
        return try serving.ogc.item(request, data: data, featureId: fid, base: baseURL(request, config))
    }

    // MARK: vetting
    router.route(routes, .post, "/vet") { request, context in
        var request = request
        let body = try await request.collectBody(upTo: config.maxBodyBytes)
        let format = request.uri.queryParameters.get("format") ?? "json"
        guard ["json", "geojson"].contains(format) else { throw APIError(.badRequest, "format: expected json or geojson, got '\(format)'") }
        let pairs = try await state.serving().pool.with { w -> [(ZoneVetting.Application, VettingResult)] in
            let apps = try readApplications(Data(buffer: body), request: request, worker: w)
            return try apps.map { ($0, try w.vetting.vet($0)) }
        }
        for (_, r) in pairs {
            context.logger.info("vetted", metadata: ["application": "\(r.name)", "verdict": "\(r.verdict.rawValue)"])
        }
        if format == "geojson" { return jsonResponse(try Report.geojson(pairs), type: "application/geo+json") }
        return jsonResponse(try Report.json(pairs.map(\.1)) + Data("\n".utf8))
    }
    router.route(routes, .get, "/where") { request, _ in
        let q = request.uri.queryParameters
        guard let lonText = q.get("lon"), let latText = q.get("lat") else {
            throw APIError(.badRequest, "give lon and lat (WGS 84), e.g. /where?lon=120.75&lat=30.75")
        }
        let crs = try InputCRS.parse(q.get("crs") ?? "EPSG:4326")
        let x = try CoordinateInput.number(lonText, name: "lon"), y = try CoordinateInput.number(latText, name: "lat")
        let point = try CoordinateInput.lonLat(x: x, y: y, crs: crs)
        let report = try await state.serving().pool.with { w in try w.query().place(point, input: [x, y], crs: crs) }
        return jsonResponse(Data(try QueryText.json(report).utf8))
    }
    router.route(routes, .post, "/report") { request, _ in
        var request = request
        let body = try await request.collectBody(upTo: config.maxBodyBytes)
        let html = try await state.serving().pool.with { w -> String in
            let apps = try readApplications(Data(buffer: body), request: request, worker: w)
            guard apps.count == 1, let app = apps.first else {
                throw APIError(.badRequest, "a report is for one application; the request holds \(apps.count)")
            }
            let result = try w.vetting.vet(app)
            return try DecisionReport.html(result: result, site: app.site, worker: w, decision: nil, number: nil)
        }
        return htmlResponse(html)
    }

    // MARK: workspace: decisions and quotas
    router.route(routes, .post, "/decisions") { request, context in
        try state.tokens.authorize(request.headers[.authorization])
        let gate = try state.requireWorkspace()
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: config.maxBodyBytes))
        let q = request.uri.queryParameters
        let official = q.get("official") ?? "api"
        let note = q.get("note")
        let supersedes = try q.get("supersedes").map { s -> Int64 in
            guard let v = Int64(s) else { throw APIError(.badRequest, "supersedes: expected a decision id, got '\(s)'") }
            return v
        }
        let year = try q.get("year").map { s -> Int in
            guard let v = Int(s), (2000...2100).contains(v) else { throw APIError(.badRequest, "year: '\(s)' is not a plausible year") }
            return v
        }
        let dryRun = ["1", "true", "yes"].contains(q.get("dry_run") ?? "")
        // Parse with the current snapshot's engine; record with the workspace's current plan, which
        // is the same snapshot (the holder swaps when the workspace's plan key changes) and is
        // checked again under the writers' lock (Workspace.record).
        let apps = try await state.serving().pool.with { w in try readApplications(body, request: request, worker: w) }
        // What was submitted, byte for byte: the body (a 报部 TXT's figures come in the query).
        let isTXT = (request.headers[.contentType] ?? "").lowercased().hasPrefix("text/plain") || q.get("input") == "txt"
        let query = request.uri.query ?? ""
        let submitted = SubmittedInput(format: isTXT ? "baobu-txt" : "geojson", bytes: body, sidecar: isTXT ? Data(query.utf8) : nil)
        let submissions = apps.map { app in
            Workspace.Submission(application: app, input: GeoJSON.encode(feature: Feature(id: nil, geometry: app.site, properties: app.properties, bbox: nil)),
                                 submitted: submitted)
        }
        let answer = { @Sendable (recorded: [Workspace.Recorded]) throws -> StoredResponse in try decisionsAnswer(recorded, dryRun: dryRun) }
        // Idempotency-Key: a retry of the same request (body and query) gets the answer kept with
        // the decisions; the same key with another request is refused.
        let idempotency = try request.headers[HTTPFields.Element.Name("Idempotency-Key")!].map { key in
            guard !key.isEmpty, key.count <= 200 else { throw APIError(.badRequest, "Idempotency-Key: 1 to 200 characters") }
            return Workspace.Idempotency(key: key, requestSha256: sha256Hex(body + Data([0]) + Data(query.utf8)), respond: answer)
        }
        // All or nothing: every application is vetted and recorded in one write transaction.
        // The answer is written inside the workspace's turn only when it is kept with the decisions
        // (Idempotency-Key); otherwise after it, so other requests' writes do not wait for it.
        // Recorders share commits (GroupCommit): each request is still all or nothing by itself.
        let record = { @Sendable (ws: Workspace) throws -> (StoredResponse?, [Workspace.Recorded], Bool, [(String, String)]) in
            do {
                let batch = try ws.record(applications: submissions, official: official, note: note, supersedes: supersedes,
                                          year: year, dryRun: dryRun, idempotency: idempotency)
                let logged = batch.recorded.map { ($0.record.id.map(String.init) ?? "dry-run", $0.record.verdict.rawValue) }
                return (batch.response, batch.recorded, batch.replayed, logged)
            } catch let e as IdempotencyKeyReused {
                throw APIError(.unprocessableContent, e.description)
            }
        }
        let (kept, recorded, replayed, logged) = try await dryRun || state.recorder == nil ? gate.run(record) : state.recorder!.run(record)
        let response = try kept ?? decisionsAnswer(recorded, dryRun: dryRun)
        for (id, verdict) in logged {
            context.logger.notice("decision recorded", metadata: ["decision": "\(id)", "verdict": "\(verdict)", "official": "\(official)"])
        }
        var r = jsonResponse(response.body, status: HTTPResponse.Status(code: response.status))
        if replayed { r.headers[HTTPFields.Element.Name("Idempotent-Replayed")!] = "true" }
        return r
    }
    router.route(routes, .get, "/decisions") { _, _ in
        let gate = try state.requireWorkspace()
        let list = try await gate.run { ws in try ws.store.decisions(limit: nil) }
        let rows: [JSONValue] = list.map { d in
            .object(["id": d.id.map { .number(Double($0)) } ?? .null, "name": .string(d.name), "industry": .string(d.industry),
                     "verdict": .string(d.verdict.rawValue), "area_mu": .number(d.areaMu), "recorded_at": .string(d.recordedAt),
                     "official": .string(d.official), "rule_pack_version": .string(d.rulePackVersion),
                     "report": .string("/decisions/\(d.id ?? 0)/report")])
        }
        return jsonResponse(Data((JSONValue.array(rows).serialized() + "\n").utf8))
    }
    router.route(routes, .get, "/decisions/:id") { _, context in
        let d = try await decision(context, state)
        return jsonResponse(try encodeJSON(d))
    }
    router.route(routes, .get, "/decisions/:id/report") { _, context in
        let d = try await decision(context, state)
        let (ledger, signedCase) = try await state.requireWorkspace().run { ws in
            (try ws.store.decisions(limit: nil).map { (id: $0.id ?? 0, recordedAt: $0.recordedAt) }, try ws.caseSigning(decisionId: d.id ?? 0))
        }
        let number = DecisionNumber.number(id: d.id ?? 0, recordedAt: d.recordedAt, ledger: ledger, format: DecisionNumber.configuredFormat)
        let html = try await state.serving().pool.with { w in
            try DecisionReport.html(result: d.result, site: d.site, worker: w, decision: d, number: number, signedCase: signedCase)
        }
        return htmlResponse(html)
    }
    router.route(routes, .get, "/quotas") { request, _ in
        let gate = try state.requireWorkspace()
        let year = try request.uri.queryParameters.get("year").map { s -> Int in
            guard let v = Int(s) else { throw APIError(.badRequest, "year: expected a year, got '\(s)'") }
            return v
        }
        let statuses = try await gate.run { ws in try ws.store.quotaStatuses(year: year) }
        let rows: [JSONValue] = statuses.map { s in
            .object(["account": .string(s.account.description), "kind": .string(s.account.kind.rawValue), "ref": .string(s.account.ref),
                     "year": .number(Double(s.account.year)), "name": s.name.map(JSONValue.string) ?? .null,
                     "allocated_mu": .number(s.allocatedMu), "drawn_mu": .number(s.drawnMu), "returned_mu": .number(s.returnedMu),
                     "balance_mu": .number(s.balanceMu)])
        }
        return jsonResponse(Data((JSONValue.array(rows).serialized() + "\n").utf8))
    }
    router.route(routes, .post, "/quotas") { request, context in
        let setter = try await state.quotaSetter(request)
        let gate = try state.requireWorkspace()
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: config.maxBodyBytes))
        let v: JSONValue
        do { v = try JSONValue.parse(body) } catch { throw APIError(.badRequest, "quota: \(error)") }
        guard let kindText = v["kind"]?.stringValue, let kind = QuotaAccountKey.Kind(rawValue: kindText) else {
            throw APIError(.badRequest, "quota: kind: expected \"county\" or \"platform\"")
        }
        guard let ref = v["ref"]?.stringValue, !ref.isEmpty else { throw APIError(.badRequest, "quota: ref: expected an adcode or platform id") }
        guard let year = v["year"]?.intValue, (2000...2100).contains(year) else { throw APIError(.badRequest, "quota: year: expected a year") }
        guard let mu = v["mu"]?.doubleValue else { throw APIError(.badRequest, "quota: mu: expected the year's allocation in 亩") }
        let official = setter ?? v["official"]?.stringValue ?? "api"
        let key = QuotaAccountKey(kind: kind, ref: ref, year: year)
        let entry = try await gate.run { ws in
            try ws.setQuota(key, mu: mu, name: v["name"]?.stringValue, official: official, note: v["note"]?.stringValue)
        }
        context.logger.notice("quota set", metadata: ["account": "\(key)", "mu": "\(mu)", "official": "\(official)"])
        return jsonResponse(try encodeJSON(entry), status: .created)
    }

    // MARK: workspace: cases 经办 → 审核 → 签发 (CaseRoutes.swift)
    addCaseRoutes(router, routes, state, config)

    // MARK: workspace: 亩均效益 (evaluation years stored by `zoneplan evaluate import`)
    // `zoneplan evaluate --year Y --format json` for a stored year; `f=geojson`: its parcels by class.
    // The rows are read in the workspace's turn; scoring runs outside it, so writers do not wait.
    router.route(routes, .get, "/evaluation/years") { _, _ in
        let years = try await state.requireWorkspace().run { ws in try WorkspaceEvaluation.years(ws.store) }
        return jsonResponse(Data((JSONValue.object(["years": .array(years.map { .number(Double($0)) })]).serialized() + "\n").utf8))
    }
    router.route(routes, .get, "/evaluation") { request, _ in
        let gate = try state.requireWorkspace()
        let q = request.uri.queryParameters
        guard let text = q.get("year") else { throw APIError(.badRequest, "year: required (e.g. /evaluation?year=2025)") }
        guard let year = Int(text), (1990...2100).contains(year) else { throw APIError(.badRequest, "year: '\(text.prefix(40))' is not a plausible year") }
        let format = q.get("f") ?? "json"
        guard format == "json" || format == "geojson" else { throw APIError(.badRequest, "f: expected json or geojson, got '\(format.prefix(40))'") }
        let (inputs, stored) = try await gate.run { ws in
            (try WorkspaceEvaluation.load(ws.store, year: year), try WorkspaceEvaluation.years(ws.store))
        }
        guard let inputs else {
            throw APIError(.notFound, "evaluation year \(year) is not stored in the workspace (stored: "
                           + (stored.isEmpty ? "none" : stored.map(String.init).joined(separator: ", ")) + ")")
        }
        let plan = try await state.serving().plan
        let evaluated = inputs.evaluate()
        if format == "geojson" { return jsonResponse(evaluated.geojson(plan: plan), type: "application/geo+json") }
        return jsonResponse(Data(evaluated.json(plan: plan).utf8))
    }

    // MARK: map page and its files
    // The page depends only on the snapshot and the configuration: kept (and gzipped) per snapshot.
    router.route(routes, .get, "/map") { request, _ in
        let serving = try await state.serving()
        let body = serving.ogc.cache.body("map-page") {
            CachedBody(bytes: Array(MapPage.html(config: config, plan: serving.plan).utf8), type: "text/html; charset=utf-8")
        }
        return HTTPCaching.respond(request, body, policy: .revalidate, lastModified: serving.ogc.loadedAt)
    }
    router.route(routes, .get, "/leaflet/**") { request, context in
        let parts = context.parameters.getCatchAll()
        return try StaticFiles.shared.respond(request, directory: config.leafletDirectory, parts: parts.map(String.init))
    }
    router.route(routes, .get, "/examples") { _, _ in
        guard let dir = config.examplesDirectory else { return jsonResponse(Data("[]\n".utf8)) }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasSuffix(".geojson") }.sorted().map { JSONValue.string(String($0.dropLast(8))) }
        return jsonResponse(Data((JSONValue.array(names).serialized() + "\n").utf8))
    }
    router.route(routes, .get, "/examples/:name") { request, context in
        guard let dir = config.examplesDirectory else { throw APIError(.notFound, "no examples folder is configured") }
        var name = try context.parameters.decoded("name")
        if !name.hasSuffix(".geojson") { name += ".geojson" }
        return try StaticFiles.shared.respond(request, directory: dir.path, parts: [name])
    }
    router.route(routes, .get, "/health") { _, _ in
        let serving = try await state.serving()
        let s = await serving.pool.stats
        let o: JSONValue = .object(["status": .string("ok"), "engines": .number(Double(s.created)), "engines_free": .number(Double(s.free)),
                                    "geodata_version": .string(serving.plan.geodataVersion),
                                    "rule_pack_version": .string(serving.plan.rulePack.version),
                                    "plan_version": .string(serving.snapshot.version)])
        return jsonResponse(Data((o.serialized() + "\n").utf8))
    }
    return router
}

// MARK: - helpers

func baseURL(_ request: Request, _ config: ServerConfiguration) -> String {
    let host = request.head.authority ?? "\(config.host):\(config.port)"
    return "http://\(host)"
}

func jsonResponse(_ data: Data, status: HTTPResponse.Status = .ok, type: String = "application/json") -> Response {
    Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

func htmlResponse(_ html: String) -> Response {
    Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
}

func encodeJSON<T: Encodable>(_ v: T) throws -> Data {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try enc.encode(v) + Data("\n".utf8)
}

func decisionsExtent(_ state: ServerState) async throws -> Envelope? {
    guard let gate = state.workspace else { return nil }
    let sites = try await gate.run { ws in try ws.store.decisions(limit: nil).map(\.site) }
    return sites.compactMap(\.envelope).reduce(nil) { (a: Envelope?, e) in a.map { $0.union(e) } ?? e }
}

/// The features of a collection: a plan layer, or the workspace's decisions.
func collectionFeatures(_ id: String, _ state: ServerState, _ serving: Serving) async throws -> [Feature] {
    if id == "decisions" {
        let gate = try state.requireWorkspace()
        let list = try await gate.run { ws in try ws.store.decisions(limit: nil) }
        return list.sorted { ($0.id ?? 0) < ($1.id ?? 0) }.map(decisionFeature)
    }
    guard let layer = serving.plan.layer(named: id) else {
        throw APIError(.notFound, "no collection '\(id)' (collections: \(serving.ogc.collectionIds.joined(separator: ", ")))")
    }
    return layer.features.map { Feature(id: .string($0.id), geometry: $0.geometry, properties: $0.properties, bbox: nil) }
}

func decisionFeature(_ d: DecisionRecord) -> Feature {
    var p: [String: JSONValue] = [
        "decision_id": .number(Double(d.id ?? 0)), "name": .string(d.name), "industry": .string(d.industry),
        "verdict": .string(d.verdict.rawValue), "verdict_zh": .string(d.verdict.chinese), "area_mu": .number(d.areaMu),
        "recorded_at": .string(d.recordedAt), "official": .string(d.official), "rule_pack_version": .string(d.rulePackVersion),
        "fail_rules": .string(d.result.rules(with: .fail).joined(separator: ",")),
        "warn_rules": .string(d.result.rules(with: .warn).joined(separator: ",")),
        "quota_year": .number(Double(d.quotaYear)),
    ]
    if let n = d.note { p["note"] = .string(n) }
    if let s = d.supersedes { p["supersedes"] = .number(Double(s)) }
    return Feature(id: .number(Double(d.id ?? 0)), geometry: d.site, properties: p, bbox: nil)
}

func decision(_ context: BasicRequestContext, _ state: ServerState) async throws -> DecisionRecord {
    let idText = try context.parameters.decoded("id")
    guard let id = Int64(idText) else { throw APIError(.badRequest, "decision id: expected a number, got '\(idText)'") }
    let gate = try state.requireWorkspace()
    guard let d = try await gate.run({ ws in try ws.store.decision(id: id) }) else { throw APIError(.notFound, "no decision \(id)") }
    return d
}

/// The answer to `POST /decisions`: one summary, or a list for several applications.
func decisionsAnswer(_ recorded: [Workspace.Recorded], dryRun: Bool) throws -> StoredResponse {
    // Written directly (the result through the result writer): parsing the pretty result back
    // into a tree and writing it again was a third of the CPU of recording.
    var body: [UInt8] = []
    if recorded.count != 1 { body.append(UInt8(ascii: "[")) }
    for (i, r) in recorded.enumerated() {
        if i > 0 { body.append(UInt8(ascii: ",")) }
        body.append(contentsOf: try decisionSummaryBytes(r))
    }
    if recorded.count != 1 { body.append(UInt8(ascii: "]")) }
    body.append(0x0A)
    return StoredResponse(status: Int((dryRun ? HTTPResponse.Status.ok : .created).code), body: Data(body))
}

/// `decisionSummary(r).serialized()`'s members, in the same (sorted) order, with the result as
/// `check --format jsonl` writes it.
func decisionSummaryBytes(_ r: Workspace.Recorded) throws -> [UInt8] {
    var out: [UInt8] = []
    func member(_ k: String, _ v: JSONValue) { member(k, Array(v.serialized().utf8)) }
    func member(_ k: String, _ bytes: [UInt8]) {
        out.append(out.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
        out.append(contentsOf: "\"\(k)\":".utf8)
        out.append(contentsOf: bytes)
    }
    member("dry_run", .bool(r.dryRun))
    member("id", r.record.id.map { .number(Double($0)) } ?? .null)
    member("official", .string(r.record.official))
    member("quota_entries", try JSONValue.parse(try encodeJSON(r.draws)))
    member("recorded_at", .string(r.record.recordedAt))
    member("report", r.record.id.map { .string("/decisions/\($0)/report") } ?? .null)
    member("result", Array(try Report.jsonLine(r.record.result).dropLast()))
    member("verdict", .string(r.record.verdict.rawValue))
    out.append(UInt8(ascii: "}"))
    return out
}

func decisionSummary(_ r: Workspace.Recorded) throws -> JSONValue {
    let result = try JSONValue.parse(try Report.json([r.record.result]))
    let draws = try JSONValue.parse(try encodeJSON(r.draws))
    return .object(["id": r.record.id.map { .number(Double($0)) } ?? .null, "dry_run": .bool(r.dryRun),
                    "verdict": .string(r.record.verdict.rawValue), "recorded_at": .string(r.record.recordedAt),
                    "official": .string(r.record.official), "quota_entries": draws, "result": result,
                    "report": r.record.id.map { .string("/decisions/\($0)/report") } ?? .null])
}

/// The applications in a request body: GeoJSON (Feature or FeatureCollection), or a 报部 TXT
/// (`Content-Type: text/plain`) with the project's attributes as query parameters.
func readApplications(_ body: Data, request: Request, worker: Worker) throws -> [ZoneVetting.Application] {
    let plan = worker.plan
    guard !body.isEmpty else { throw APIError(.badRequest, "request: the body is empty (send a GeoJSON Feature or a 报部 TXT)") }
    let type = (request.headers[.contentType] ?? "").lowercased()
    if type.hasPrefix("text/plain") || request.uri.queryParameters.get("input") == "txt" {
        let file = try BaobuTXT.read(body, fileName: "request.txt")
        let t = try CoordinateTransformer(from: .gaussKruger120, to: .wgs84)
        let q = request.uri.queryParameters
        var apps: [ZoneVetting.Application] = []
        for (i, parcel) in file.parcels.enumerated() {
            var props: [String: JSONValue] = ["parcel_number": .string(parcel.number)]
            if let name = q.get("name") ?? (parcel.name.isEmpty ? nil : parcel.name) {
                props["name"] = .string(file.parcels.count > 1 && q.get("name") != nil ? "\(name) \(parcel.number)" : name)
            }
            if let ind = q.get("industry") { props["industry"] = .string(ind) }
            for (key, _) in ZoneVetting.Application.amountFields {
                guard let s = q.get(key), !s.isEmpty else { continue }
                // Decimal only: `0x10` is refused by the application's parser, not read as 16.
                props[key] = DecimalText.parse(s).map(JSONValue.number) ?? .string(s)
            }
            for extra in ["firm", "project", "note"] { if let s = q.get(extra) { props[extra] = .string(s) } }
            let feature = Feature(id: nil, geometry: try t.transform(parcel.geometryGK), properties: props, bbox: nil)
            let label = file.parcels.count > 1 ? "request.txt parcel \(i + 1)" : "request.txt"
            apps.append(try ZoneVetting.Application.parse(feature, label: label, catalog: plan.industries, engine: worker.engine))
        }
        guard !apps.isEmpty else { throw APIError(.badRequest, "request.txt: no parcel in the file") }
        return apps
    }
    let entries = try ApplicationFile.read(body, fileLabel: "request", catalog: plan.industries, engine: worker.engine)
    let errors = entries.compactMap { e -> String? in if case .failure(let x) = e { return x.description }; return nil }
    if let first = errors.first { throw APIError(.badRequest, first, errors: errors.count > 1 ? errors : []) }
    return entries.compactMap { try? $0.get() }
}

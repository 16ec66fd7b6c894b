import Foundation
import ZoneGeometry
import ZonePlan
import ZoneStore
import ZoneVetting

/// What a workspace does: keep the plan's layers (with history), the rule pack and vocabulary, the
/// decision ledger and the land-quota accounts. The logic is here, shared by both backends; the
/// `WorkspaceStore` only stores. Single-thread (it holds a store connection).
public final class Workspace {
    public let store: WorkspaceStore

    public init(store: WorkspaceStore) { self.store = store }

    /// Set while 签发 records its decision (CaseWorkflow.swift): the one record a workspace that
    /// files cases lets through.
    var signingCase = false

    public var description: String { "\(store.backendName) workspace \(store.location)" }

    // MARK: set-up

    /// Creates the schema (explicit, versioned migrations) and loads a plan (GeoData) into it.
    /// - Returns: the migrations applied.
    @discardableResult
    public func initialize(from plan: PlanData, official: String, files: [String: (label: String, sha256: String)] = [:]) throws -> [Int] {
        let applied = try store.migrate()
        if !(try store.layerVersions(layer: nil, activeOnly: true)).isEmpty {
            throw WorkspaceError(.conflict, "\(description) already holds layers; use `zoneplan import` to replace one")
        }
        try store.writeTransaction {
            let now = nowISO()
            _ = try store.insertDocument(StoredDocument(kind: .rulePack, version: plan.rulePack.version, sha256: sha256Hex(Data(plan.rulePackText.utf8)),
                                                        text: plan.rulePackText, importedBy: official, importedAt: now,
                                                        source: plan.rulePack.file, active: true))
            _ = try store.insertDocument(StoredDocument(kind: .industries, version: plan.industries.version, sha256: sha256Hex(Data(plan.industriesText.utf8)),
                                                        text: plan.industriesText, importedBy: official, importedAt: now,
                                                        source: "industries.yaml", active: true))
            if !plan.clausesText.isEmpty {
                // The quoted clauses travel with the plan, so reports from the workspace cite them.
                _ = try store.insertDocument(StoredDocument(kind: .clauses, version: plan.clauses.version, sha256: sha256Hex(Data(plan.clausesText.utf8)),
                                                            text: plan.clausesText, importedBy: official, importedAt: now,
                                                            source: "clauses.yaml", active: true))
            }
            for c in plan.policy.catalogues {
                // The industry-policy catalogue too: recording and replay vet against the same items as `check`.
                _ = try store.insertDocument(StoredDocument(kind: .policyCatalogue, version: c.version, sha256: sha256Hex(Data(c.text.utf8)),
                                                            text: c.text, importedBy: official, importedAt: now,
                                                            source: c.file, active: true))
            }
            for layer in plan.layers {
                let file = files[layer.name]
                let v = LayerVersion(layer: layer.name, version: 0, title: layer.title, sourceFile: file?.label ?? layer.file,
                                     sha256: file?.sha256 ?? "", format: "geojson", importedBy: official, importedAt: now,
                                     featureCount: layer.features.count, schematic: layer.features.contains { $0.schematic },
                                     note: "GeoData \(plan.geodataVersion)", active: true)
                _ = try store.insertLayerVersion(v, features: layer.features.map(Self.feature))
            }
        }
        return applied
    }

    static func feature(_ f: PlanFeature) -> Feature {
        Feature(id: .string(f.id), geometry: f.geometry, properties: f.properties, bbox: nil)
    }

    // MARK: the plan

    /// The vetting engine for the workspace's current plan, rebuilt only when a layer, the rule
    /// pack or the vocabulary changed (recording many applications stays fast).
    private var cached: (key: String, plan: PlanData, engine: VettingEngine?, layerIds: [String: Int64],
                         pack: StoredDocument, vocab: StoredDocument)?

    /// The current plan, assembled again only when a layer, the rule pack or the vocabulary
    /// changed, so `check --record` reads the layers once for parsing and vetting alike.
    private func current() throws -> (key: String, plan: PlanData, engine: VettingEngine?, layerIds: [String: Int64],
                                      pack: StoredDocument, vocab: StoredDocument) {
        let (key, versions, pack, vocab) = try planParts()
        if let c = cached, c.key == key { return c }
        let plan = try self.plan(versions: versions, pack: pack, vocab: vocab, policy: try store.activeDocument(kind: .policyCatalogue))
        let ids = Dictionary(uniqueKeysWithValues: versions.map { ($0.layer, $0.id!) })
        cached = (key, plan, nil, ids, pack, vocab)
        return cached!
    }

    private func planParts() throws -> (key: String, versions: [LayerVersion], pack: StoredDocument, vocab: StoredDocument) {
        guard let pack = try store.activeDocument(kind: .rulePack), let vocab = try store.activeDocument(kind: .industries) else {
            throw WorkspaceError(.notInitialized, "\(description) has no rule pack: run `zoneplan init`")
        }
        let versions = try store.layerVersions(layer: nil, activeOnly: true)
        let policy = try store.activeDocument(kind: .policyCatalogue)
        let key = "layers " + versions.map { "\($0.layer)@\($0.id!)" }.joined(separator: ",") + "|pack \(pack.id!)|vocabulary \(vocab.id!)"
            + "|policy \(policy?.id.map(String.init) ?? "none")"
        return (key, versions, pack, vocab)
    }

    /// What the current plan is made of — active layer versions, rule pack and vocabulary — in a
    /// few small reads: equal keys mean equal plans, so a server can tell when to swap its snapshot.
    public func planKey() throws -> String {
        guard try store.schemaVersion() > 0 else { throw WorkspaceError(.notInitialized, "\(description) is not initialised: run `zoneplan init`") }
        return try planParts().key
    }

    /// The vetting engine for the current plan, built once per plan.
    func currentEngine() throws -> (plan: PlanData, engine: VettingEngine, layerIds: [String: Int64], pack: StoredDocument, vocab: StoredDocument) {
        var c = try current()
        if c.engine == nil {
            c.engine = try VettingEngine(plan: c.plan)
            cached = c
        }
        return (c.plan, c.engine!, c.layerIds, c.pack, c.vocab)
    }

    /// The plan as the workspace holds it now: active layers, rule pack and vocabulary.
    public func loadPlan() throws -> PlanData {
        guard try store.schemaVersion() > 0 else { throw WorkspaceError(.notInitialized, "\(description) is not initialised: run `zoneplan init`") }
        return try current().plan
    }

    /// The plan exactly as a recorded decision saw it: its rule pack, vocabulary and layer versions.
    public func loadPlan(asRecordedIn d: DecisionRecord) throws -> PlanData {
        guard let pack = try store.document(id: d.rulePackDoc), let vocab = try store.document(id: d.industriesDoc) else {
            throw WorkspaceError(.notFound, "decision \(d.id ?? 0): its rule pack or vocabulary is missing from the workspace")
        }
        let versions = try d.layerVersions.values.sorted().map { id -> LayerVersion in
            guard let v = try store.layerVersion(id: id) else { throw WorkspaceError(.notFound, "layer version \(id) is missing") }
            return v
        }
        // The catalogue in force when the decision was recorded (the decision does not name it).
        return try plan(versions: versions, pack: pack, vocab: vocab, policy: try store.document(kind: .policyCatalogue, asOf: d.recordedAt))
    }

    func plan(versions: [LayerVersion], pack: StoredDocument, vocab: StoredDocument, policy: StoredDocument?) throws -> PlanData {
        let layers = try versions.map { v in
            (name: v.layer, title: v.title, label: "workspace layer \(v.layer) v\(v.version)",
             geojson: GeoJSON.encode(features: try store.layerFeatures(versionId: v.id!)), version: "\(v.id!)")
        }
        let summary = versions.map { "\($0.layer)@\($0.version)" }.joined(separator: ",")
        return try PlanData.assemble(origin: description, root: URL(fileURLWithPath: store.location), geodataVersion: "workspace:" + summary,
                                     layers: layers, industriesText: vocab.text, industriesLabel: "workspace industries v\(vocab.version)",
                                     rulePackText: pack.text, rulePackLabel: "workspace rule pack \(pack.version)",
                                     clausesText: try store.activeDocument(kind: .clauses)?.text ?? "", clausesLabel: "workspace clauses",
                                     policyCatalogues: policy.map { [("workspace policy catalogue \($0.version)", $0.text)] } ?? [],
                                     ruleSchemas: RuleRegistry.schemas)
    }

    // MARK: imports

    /// Replaces (or adds) a layer with features already in the plan's property schema. The
    /// result is validated as a whole plan before anything is stored; a bad layer changes nothing.
    /// The check and the insert are one write transaction: two imports at once are checked one
    /// after the other, each against the plan the other left (no duplicate feature ids).
    @discardableResult
    public func importLayer(name: String, title: String?, features: [Feature], sourceFile: String, sha256: String,
                            format: String, official: String, note: String?, force: Bool = false) throws -> LayerVersion {
        try replaceLayer(name: name, title: title, features: features, sourceFile: sourceFile, sha256: sha256, format: format,
                         official: official, note: note, force: force).version
    }

    public struct LayerImport: Sendable {
        public var version: LayerVersion
        /// What the import left naming a feature the plan no longer holds (only with `force`).
        public var orphans: [String]
    }

    /// `importLayer`, also saying what a forced import orphaned. Without `force`, an import that
    /// would leave a quota account or a decision naming a feature the new plan lacks is refused
    /// whole (`ImportWouldOrphan`, nothing stored): such an account would silently stop being
    /// checked and drawn.
    public func replaceLayer(name: String, title: String?, features: [Feature], sourceFile: String, sha256: String,
                             format: String, official: String, note: String?, force: Bool = false) throws -> LayerImport {
        guard name.range(of: #"^[a-z][a-z0-9_]{0,40}$"#, options: .regularExpression) != nil else {
            throw WorkspaceError(.badInput, "layer name '\(name)' must be lower-case letters, digits and _ (e.g. function_zones)")
        }
        guard !features.isEmpty else { throw WorkspaceError(.badInput, "\(sourceFile): no features to import") }
        // The layer tables' attribute columns come with schema 5.
        let version = try store.schemaVersion()
        guard version >= 5 else {
            throw WorkspaceError(.notInitialized, "\(description) has schema version \(version); importing a layer needs 5: run `zoneplan ledger migrate`")
        }
        return try store.writeTransaction {
            let current = try loadPlan()
            let old = current.layer(named: name)
            let layerTitle = title ?? old?.title ?? name
            // Validate the would-be plan whole (ids unique across layers, geometry valid, terms known).
            var layers = current.layers.filter { $0.name != name }.map { l in
                (name: l.name, title: l.title, label: l.file, geojson: GeoJSON.encode(features: l.features.map(Self.feature)), version: "")
            }
            layers.append((name: name, title: layerTitle, label: sourceFile, geojson: GeoJSON.encode(features: features), version: "new"))
            let plan = try PlanData.assemble(origin: "import check", root: current.root, geodataVersion: "check", layers: layers,
                                             industriesText: current.industriesText, industriesLabel: "industries",
                                             rulePackText: current.rulePackText, rulePackLabel: "rule pack", ruleSchemas: RuleRegistry.schemas)
            let imported = plan.layer(named: name)!.features
            let orphans = try orphans(in: plan)
            if !orphans.isEmpty && !force { throw ImportWouldOrphan(layer: name, orphans: orphans) }
            let v = LayerVersion(layer: name, version: 0, title: layerTitle, sourceFile: sourceFile, sha256: sha256, format: format,
                                 importedBy: official, importedAt: nowISO(), featureCount: imported.count,
                                 schematic: imported.contains { $0.schematic }, note: note, active: true)
            return LayerImport(version: try store.insertLayerVersion(v, features: imported.map(Self.feature)), orphans: orphans)
        }
    }

    /// Quota accounts and decisions that name a feature `plan` does not hold: a platform account
    /// whose platform id, or a county account whose adcode, is in no layer; a decision whose
    /// platforms, counties or quota draws name such a feature. One line each, for `import` and
    /// `ledger verify`. (The layer versions a decision used stay in history, so replay still works;
    /// what breaks is accounting against today's plan.)
    public func orphans(in plan: PlanData) throws -> [String] {
        let ids = Set(plan.allFeatures.map(\.id))
        let adcodes = Set(plan.features(kind: .county).flatMap(\.counties))
        func holds(_ k: QuotaAccountKey) -> Bool { k.kind == .county ? adcodes.contains(k.ref) : ids.contains(k.ref) }
        var out: [String] = []
        var entries: [QuotaAccountKey: Int] = [:]
        for e in try store.quotaEntries(nil) { entries[e.account, default: 0] += 1 }
        for s in try store.quotaStatuses(year: nil) where !holds(s.account) {
            let what = s.account.kind == .county ? "county adcode \(s.account.ref)" : "platform \(s.account.ref)"
            out.append("quota account \(s.account)\(s.name.map { " (\($0))" } ?? "") names \(what), which no layer holds "
                       + "(\(entries[s.account] ?? 0) entries, balance \(s.balanceMu) 亩)")
        }
        for d in try store.decisions(limit: nil) {
            var missing: [String] = []
            for z in d.result.platforms + d.result.counties where !ids.contains(z.id) { missing.append(z.id) }
            for q in d.result.quotaDraws where !holds(q.account) { missing.append("\(q.account.kind.rawValue):\(q.account.ref)") }
            var seen = Set<String>()
            missing = missing.filter { seen.insert($0).inserted }
            if !missing.isEmpty {
                out.append("decision \(d.id ?? 0) (\(d.name)) names \(missing.joined(separator: ", ")), which no layer holds")
            }
        }
        return out
    }

    /// Replaces the rule pack (validated against the rules before it is stored).
    @discardableResult
    public func importRulePack(text: String, source: String, official: String) throws -> StoredDocument {
        let current = try loadPlan()
        let catalog = current.industries
        let pack = try RulePack.load(ConfigDocument(file: source, text: text), schemas: RuleRegistry.schemas, catalog: catalog)
        var d = StoredDocument(kind: .rulePack, version: pack.version, sha256: sha256Hex(Data(text.utf8)), text: text,
                               importedBy: official, importedAt: nowISO(), source: source, active: true)
        d.id = try store.insertDocument(d)
        return d
    }

    /// Replaces the workspace's industry-policy catalogue (the `national-policy` rule's items),
    /// checked whole against the workspace's vocabulary first; the one it replaces stays, and
    /// replay uses the one in force when a decision was recorded.
    public func importPolicyCatalogue(text: String, source: String, official: String) throws -> StoredDocument {
        let current = try loadPlan()
        let catalogue = try PolicyCatalogue.load(ConfigDocument(file: source, text: text), vocabulary: current.industries)
        var d = StoredDocument(kind: .policyCatalogue, version: catalogue.version, sha256: sha256Hex(Data(text.utf8)), text: text,
                               importedBy: official, importedAt: nowISO(), source: source, active: true)
        d.id = try store.insertDocument(d)
        return d
    }

    // MARK: decisions

    public struct Recorded: Sendable {
        public var record: DecisionRecord
        public var draws: [QuotaEntry]
        public var dryRun: Bool
    }

    /// One application to record: the parsed application, its GeoJSON Feature (kept in the
    /// record, for replay) and the bytes as submitted (kept byte for byte; nil: `input` itself).
    public struct Submission: Sendable {
        public var application: Application
        public var input: Data
        public var submitted: SubmittedInput?
        public init(application: Application, input: Data, submitted: SubmittedInput? = nil) {
            self.application = application; self.input = input; self.submitted = submitted
        }
    }

    /// An Idempotency-Key with the SHA-256 of the request it came with, and how to answer.
    public struct Idempotency: Sendable {
        public var key: String
        public var requestSha256: String
        /// The answer to keep for the recorded decisions (computed inside the transaction).
        public var respond: @Sendable ([Recorded]) throws -> StoredResponse
        public init(key: String, requestSha256: String, respond: @escaping @Sendable ([Recorded]) throws -> StoredResponse) {
            self.key = key; self.requestSha256 = requestSha256; self.respond = respond
        }
    }

    public struct BatchRecorded {
        /// The decisions recorded now (empty when the answer is a replay).
        public var recorded: [Recorded]
        /// The answer kept for the Idempotency-Key (nil without one).
        public var response: StoredResponse?
        /// True when the key was seen before with the same request: nothing was recorded now.
        public var replayed: Bool
    }

    /// Vets and records a decision in one write transaction: the quota balances are read, the
    /// application vetted, the decision appended with the bytes as submitted and (for
    /// approve/conditional) the quota drawn, all under the writers' lock, so two recorders never
    /// both spend the last of a quota. A decision is superseded at most once: a second revision
    /// of the same decision is refused (`.conflict`). With `dryRun` nothing is written; the
    /// returned record shows what would be.
    public func record(application: Application, input: Data, submitted: SubmittedInput? = nil, official: String, note: String?,
                       supersedes: Int64? = nil, year: Int? = nil, dryRun: Bool = false) throws -> Recorded {
        try record(applications: [Submission(application: application, input: input, submitted: submitted)], official: official,
                   note: note, supersedes: supersedes, year: year, dryRun: dryRun).recorded[0]
    }

    /// Vets and records several applications all or nothing, in ONE write transaction: when one
    /// fails, none is recorded and no land is drawn. Each is vetted on the balances the ones
    /// before it left. With an `idempotency` key, the key is looked up first under the writers'
    /// lock: the same request again gets the kept answer (nothing recorded), a different request
    /// with the same key is refused (`IdempotencyKeyReused`); a new key is kept with the answer in
    /// the same transaction as the decisions. A dry run neither reads nor keeps keys.
    public func record(applications: [Submission], official: String, note: String?, supersedes: Int64? = nil,
                       year: Int? = nil, dryRun: Bool = false, idempotency: Idempotency? = nil) throws -> BatchRecorded {
        let year = year ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        if dryRun {
            return BatchRecorded(recorded: try recordEach(applications, official: official, note: note, supersedes: supersedes,
                                                          year: year, dryRun: true), response: nil, replayed: false)
        }
        let version = try store.schemaVersion()
        guard version >= Migrations.latest else {
            throw WorkspaceError(.notInitialized, "\(description) has schema version \(version); recording needs \(Migrations.latest): "
                                 + "run `zoneplan ledger migrate`")
        }
        // Build the engine before taking the lock (a plan changed meanwhile is noticed under it).
        _ = try currentEngine()
        do {
            return try store.writeTransaction {
                if let idempotency, let kept = try store.idempotentResponse(key: idempotency.key) {
                    guard kept.requestSha256 == idempotency.requestSha256 else { throw IdempotencyKeyReused(key: idempotency.key) }
                    return BatchRecorded(recorded: [], response: kept.response, replayed: true)
                }
                let recorded = try recordEach(applications, official: official, note: note, supersedes: supersedes, year: year, dryRun: false)
                var response: StoredResponse?
                if let idempotency {
                    let r = try idempotency.respond(recorded)
                    try store.insertIdempotentResponse(key: idempotency.key, requestSha256: idempotency.requestSha256, response: r)
                    response = r
                }
                return BatchRecorded(recorded: recorded, response: response, replayed: false)
            }
        } catch let e as WorkspaceError where e.kind == .conflict && supersedes != nil && !e.message.contains(" by decision ") {
            // The schema refused a second revision (PostgreSQL aborted the transaction before it could say which).
            guard let by = try? store.supersedingDecision(of: supersedes!) else { throw e }
            throw WorkspaceError(.conflict, "decision \(supersedes!) was already superseded by decision \(by)")
        }
    }

    private func recordEach(_ applications: [Submission], official: String, note: String?, supersedes: Int64?, year: Int,
                            dryRun: Bool) throws -> [Recorded] {
        guard !applications.isEmpty else { throw WorkspaceError(.badInput, "no application to record") }
        if !dryRun { try refuseDirectRecordWhenFilingCases() }
        if supersedes != nil && applications.count > 1 {
            throw WorkspaceError(.conflict, "a decision is superseded at most once: \(applications.count) applications cannot all supersede decision \(supersedes!)")
        }
        return try applications.map { try recordOne($0, official: official, note: note, supersedes: supersedes, year: year, dryRun: dryRun) }
    }

    /// One decision, inside the caller's write transaction (or read-only for a dry run).
    private func recordOne(_ s: Submission, official: String, note: String?, supersedes: Int64?, year: Int, dryRun: Bool) throws -> Recorded {
        let application = s.application
        let submitted = s.submitted ?? SubmittedInput(format: "geojson", bytes: s.input)
        // Read under the writers' lock: the plan recorded is the plan used.
        let current = try currentEngine()
        let (plan, engine, layerIds, packDoc, vocabDoc) = (current.plan, current.engine, current.layerIds, current.pack, current.vocab)
        if let supersedes {
            guard try store.decision(id: supersedes) != nil else {
                throw WorkspaceError(.notFound, "decision \(supersedes) does not exist")
            }
            if let by = try store.supersedingDecision(of: supersedes) {
                throw WorkspaceError(.conflict, "decision \(supersedes) was already superseded by decision \(by)")
            }
        }
        // Land of a superseded approval goes back before the revision is vetted.
        var returns: [QuotaEntry] = []
        if let supersedes {
            for e in try store.quotaEntries(nil) where e.decisionId == supersedes && e.kind == .draw {
                returns.append(QuotaEntry(account: e.account, accountName: e.accountName, at: nowISO(), kind: .return,
                                          amountMu: -e.amountMu, decisionId: supersedes, official: official,
                                          note: "returned: decision \(supersedes) superseded"))
            }
        }
        let ledger = ReturnsApplied(base: store.quotaLedger, returns: returns)
        let result = try engine.vet(application, quotas: ledger, year: year)
        var snapshot: [String: Double] = [:]
        for d in result.quotaDraws { if let b = try ledger.balanceMu(d.account) { snapshot[d.account.description] = b } }
        var rec = DecisionRecord(recordedAt: nowISO(), official: official, note: note, inputSha256: submitted.sha256,
                                 name: application.name, industry: application.industry, verdict: result.verdict,
                                 areaMu: result.areaMu, application: (try? JSONValue.parse(s.input)) ?? .null,
                                 result: result, rulePackVersion: plan.rulePack.version, rulePackDoc: packDoc.id!,
                                 industriesDoc: vocabDoc.id!, layerVersions: layerIds,
                                 quotaSnapshot: QuotaSnapshot(balances: snapshot), quotaYear: year, supersedes: supersedes,
                                 site: application.site)
        var draws: [QuotaEntry] = []
        if result.verdict == .approve || result.verdict == .conditional {
            draws = result.quotaDraws.map {
                QuotaEntry(account: $0.account, accountName: $0.name, at: rec.recordedAt, kind: .draw, amountMu: -$0.mu,
                           decisionId: nil, official: official, note: "drawn by decision: \(application.name)")
            }
        }
        // Only accounts that exist are drawn (platform accounts are optional). The dry run answers
        // with exactly the entries the real record writes: it once promised a draw from an account
        // the record then skipped.
        draws = try draws.filter { try store.quotaStatus($0.account) != nil }
        if dryRun { return Recorded(record: rec, draws: returns + draws, dryRun: true) }
        for r in returns { _ = try store.insertQuotaEntry(r) }
        let id = try store.insertDecision(rec)
        rec.id = id
        try store.insertDecisionInput(decisionId: id, submitted)
        var written: [QuotaEntry] = returns
        for var d in draws {
            d.decisionId = id
            d.id = try store.insertQuotaEntry(d)
            written.append(d)
        }
        return Recorded(record: rec, draws: written, dryRun: false)
    }

    public struct Replay {
        public var record: DecisionRecord
        /// Re-run against the recorded rule pack, layers and quota balances.
        public var then: VettingResult
        public var reproduced: Bool
        /// Re-run against today's rule pack, layers and balances.
        public var now: VettingResult
        public var changes: [String]
    }

    /// Re-runs a recorded decision on what it recorded, and on what the workspace holds today.
    public func replay(id: Int64) throws -> Replay {
        guard let d = try store.decision(id: id) else { throw WorkspaceError(.notFound, "no decision \(id)") }
        let feature = try Self.applicationFeature(d)
        let oldPlan = try loadPlan(asRecordedIn: d)
        let app = try Application.parse(feature, label: "decision \(id)", catalog: oldPlan.industries, engine: GeometryEngine())
        let then = try VettingEngine(plan: oldPlan).vet(app, quotas: d.quotaSnapshot, year: d.quotaYear)
        let reproduced = then.verdict == d.verdict && Self.outcomes(then) == Self.outcomes(d.result)
        let nowPlan = try loadPlan()
        let appNow = try Application.parse(feature, label: "decision \(id)", catalog: nowPlan.industries, engine: GeometryEngine())
        // Today the decision's own draw is already spent: give it back for a fair comparison.
        var own: [QuotaEntry] = []
        for e in try store.quotaEntries(nil) where e.decisionId == id && e.kind == .draw {
            own.append(QuotaEntry(account: e.account, at: "", kind: .return, amountMu: -e.amountMu, official: ""))
        }
        let now = try VettingEngine(plan: nowPlan).vet(appNow, quotas: ReturnsApplied(base: store.quotaLedger, returns: own), year: d.quotaYear)
        var changes: [String] = []
        if now.verdict != d.verdict { changes.append("verdict: \(d.verdict.rawValue) → \(now.verdict.rawValue)") }
        if nowPlan.rulePack.version != d.rulePackVersion { changes.append("rule pack: \(d.rulePackVersion) → \(nowPlan.rulePack.version)") }
        let oldLayers = d.result.layerVersions, newLayers = nowPlan.layerVersions
        for name in Set(oldLayers.keys).union(newLayers.keys).sorted() where oldLayers[name] != newLayers[name] {
            changes.append("layer \(name): version id \(oldLayers[name] ?? "—") → \(newLayers[name] ?? "—")")
        }
        let before = Self.outcomes(d.result), after = Self.outcomes(now)
        for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
            changes.append("\(key): \(before[key]?.rawValue ?? "—") → \(after[key]?.rawValue ?? "—")")
        }
        return Replay(record: d, then: then, reproduced: reproduced, now: now, changes: changes)
    }

    static func outcomes(_ r: VettingResult) -> [String: Outcome] {
        var out: [String: Outcome] = [:]
        for f in r.findings {
            let key = f.rule + (f.check.map { "/\($0)" } ?? "")
            // Several findings of one check (e.g. one per zone): keep the worst.
            let rank: [Outcome: Int] = [.pass: 0, .warn: 1, .unverifiable: 2, .fail: 3]
            if let old = out[key], rank[old]! >= rank[f.outcome]! { continue }
            out[key] = f.outcome
        }
        return out
    }

    static func applicationFeature(_ d: DecisionRecord) throws -> Feature {
        let data = try JSONEncoder().encode(d.application)
        let features = try GeoJSON.parseFeatures(data)
        // A FeatureCollection input is recorded one application per decision.
        guard let f = features.first(where: { $0.properties["name"]?.stringValue == d.name }) ?? features.first else {
            throw WorkspaceError(.notFound, "decision \(d.id ?? 0) has no application feature")
        }
        return f
    }

    // MARK: quotas

    /// Sets the year's allocation of an account to `mu` (an allocation entry for the difference).
    @discardableResult
    public func setQuota(_ key: QuotaAccountKey, mu: Double, name: String?, official: String, note: String?) throws -> QuotaEntry {
        guard mu.isFinite, mu >= 0 else { throw WorkspaceError(.badInput, "quota must be a non-negative number of 亩, got \(mu)") }
        return try store.writeTransaction {
            let status = try store.quotaStatus(key)
            let allocated = status?.allocatedMu ?? 0
            // The live decisions' land stays covered: an allocation below what they hold is refused.
            if let status, mu - allocated + status.balanceMu < -1e-6 {
                throw WorkspaceError(.conflict, "\(key): \(mu) 亩 is less than the \(allocated - status.balanceMu) 亩 already drawn by recorded decisions")
            }
            var e = QuotaEntry(account: key, accountName: name, at: nowISO(), kind: .allocate, amountMu: mu - allocated,
                               decisionId: nil, official: official, note: note ?? "allocation set to \(mu) 亩")
            e.id = try store.insertQuotaEntry(e)
            return e
        }
    }

    /// Land coming back to an account (a cancelled approval, land taken back): an entry, never an edit.
    @discardableResult
    public func returnLand(_ key: QuotaAccountKey, mu: Double, decision: Int64?, official: String, note: String?) throws -> QuotaEntry {
        guard mu.isFinite, mu > 0 else { throw WorkspaceError(.badInput, "returned land must be a positive number of 亩, got \(mu)") }
        return try store.writeTransaction {
            guard try store.quotaStatus(key) != nil else { throw WorkspaceError(.notFound, "no quota account \(key)") }
            if let decision, try store.decision(id: decision) == nil { throw WorkspaceError(.notFound, "no decision \(decision)") }
            var e = QuotaEntry(account: key, accountName: nil, at: nowISO(), kind: .return, amountMu: mu, decisionId: decision,
                               official: official, note: note)
            e.id = try store.insertQuotaEntry(e)
            return e
        }
    }
}

/// An import refused because it would leave records naming features the new plan lacks.
public struct ImportWouldOrphan: Error, CustomStringConvertible, Sendable {
    public var layer: String
    /// One line per orphaned quota account or decision.
    public var orphans: [String]
    public var description: String {
        "importing layer \(layer) would orphan \(orphans.count) record(s) naming features it no longer holds; nothing imported "
        + "(keep their ids with --id-field, or re-run with --force): " + orphans.joined(separator: "; ")
    }
}

/// Live balances plus entries not yet written (returns of a superseded decision).
struct ReturnsApplied: QuotaLedger {
    let base: QuotaLedger
    let returns: [QuotaEntry]
    func balanceMu(_ key: QuotaAccountKey) throws -> Double? {
        guard let b = try base.balanceMu(key) else { return nil }
        return b + returns.filter { $0.account == key }.map(\.amountMu).reduce(0, +)
    }
}

extension Workspace {
    /// Problems found in the workspace; empty when all is well:
    /// - storage integrity (the backend's own check);
    /// - quota draws that name no recorded decision, and (schema 4) decisions recorded without
    ///   the input they were submitted with: something half-written;
    /// - the supersede relation is simple chains: no decision superseded twice, none superseding
    ///   a decision that does not exist, no cycle;
    /// - land returned against a decision never exceeds what it drew from that account;
    /// - per account: no balance below zero, and the live draws (draws of decisions no revision
    ///   superseded, less land returned against them) are within the allocation plus the land
    ///   returned without a decision (腾笼换鸟).
    public func verify() throws -> [String] {
        try store.readTransaction { try verifySnapshot() }
    }

    private func verifySnapshot() throws -> [String] {
        var problems = try store.integrityProblems()
        let links = try store.decisionLinks()
        let ids = Set(links.map(\.id))
        var supersededBy: [Int64: Int64] = [:]
        for (id, target) in links {
            guard let target else { continue }
            if !ids.contains(target) { problems.append("decision \(id) supersedes decision \(target), which does not exist") }
            if let first = supersededBy[target] {
                problems.append("decision \(target) is superseded twice: by decisions \(first) and \(id)")
            } else {
                supersededBy[target] = id
            }
        }
        let next = Dictionary(links.compactMap { l in l.supersedes.map { (l.id, $0) } }, uniquingKeysWith: { a, _ in a })
        var reported = Set<Int64>()
        for start in next.keys.sorted() {
            var seen: Set<Int64> = [start], at = start
            while let n = next[at] {
                if seen.contains(n) {
                    if reported.insert(n).inserted { problems.append("the supersede chain through decision \(n) is a cycle") }
                    break
                }
                seen.insert(n); at = n
            }
        }
        if try store.schemaVersion() >= 4 {
            for id in try store.decisionsWithoutInput() {
                problems.append("decision \(id) has no submitted input: it is half-written")
            }
        }
        // Records naming a feature today's plan lacks (an import replaced its layer).
        if !(try store.layerVersions(layer: nil, activeOnly: true)).isEmpty {
            do { problems += try orphans(in: loadPlan()) } catch {
                problems.append("the current plan cannot be assembled, so references to its features were not checked: \(error)")
            }
        }
        problems += try caseProblems()
        let entries = try store.quotaEntries(nil)
        var drawn: [String: Double] = [:], returned: [String: Double] = [:]   // "decision|account"
        var live: [QuotaAccountKey: Double] = [:], freeReturns: [QuotaAccountKey: Double] = [:]
        for e in entries {
            switch e.kind {
            case .draw:
                guard let d = e.decisionId, ids.contains(d) else {
                    problems.append("quota entry \(e.id ?? 0) draws \(abs(e.amountMu)) 亩 from \(e.account) without a recorded decision")
                    continue
                }
                drawn["\(d)|\(e.account)", default: 0] += -e.amountMu
                if supersededBy[d] == nil { live[e.account, default: 0] += -e.amountMu }
            case .return:
                if let d = e.decisionId {
                    returned["\(d)|\(e.account)", default: 0] += e.amountMu
                    if supersededBy[d] == nil { live[e.account, default: 0] -= e.amountMu }
                } else {
                    freeReturns[e.account, default: 0] += e.amountMu
                }
            case .allocate: break
            }
        }
        for (k, mu) in returned.sorted(by: { $0.key < $1.key }) where mu > (drawn[k] ?? 0) + 1e-6 {
            let parts = k.split(separator: "|", maxSplits: 1)
            problems.append("decision \(parts[0]): \(mu) 亩 returned to \(parts[1]) but only \(drawn[k] ?? 0) 亩 drawn")
        }
        for s in try store.quotaStatuses(year: nil) {
            if s.balanceMu < -1e-6 { problems.append("quota account \(s.account) is below zero: \(s.balanceMu) 亩") }
            let l = live[s.account] ?? 0, cap = s.allocatedMu + (freeReturns[s.account] ?? 0)
            if l > cap + 1e-6 {
                problems.append("quota account \(s.account): live decisions draw \(l) 亩, more than its allocation \(cap) 亩")
            }
        }
        return problems
    }
}

import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

/// What a workspace does: keep the plan's layers (with history), the rule pack and vocabulary, the
/// decision ledger and the land-quota accounts. The logic is here, shared by both backends; the
/// `WorkspaceStore` only stores. Single-thread (it holds a store connection).
public final class Workspace {
    public let store: WorkspaceStore

    public init(store: WorkspaceStore) { self.store = store }

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
        guard let pack = try store.activeDocument(kind: .rulePack), let vocab = try store.activeDocument(kind: .industries) else {
            throw WorkspaceError(.notInitialized, "\(description) has no rule pack: run `zoneplan init`")
        }
        let versions = try store.layerVersions(layer: nil, activeOnly: true)
        let key = versions.map { "\($0.id!)" }.joined(separator: ",") + "|\(pack.id!)|\(vocab.id!)"
        if let c = cached, c.key == key { return c }
        let plan = try self.plan(versions: versions, pack: pack, vocab: vocab)
        let ids = Dictionary(uniqueKeysWithValues: versions.map { ($0.layer, $0.id!) })
        cached = (key, plan, nil, ids, pack, vocab)
        return cached!
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
        return try plan(versions: versions, pack: pack, vocab: vocab)
    }

    func plan(versions: [LayerVersion], pack: StoredDocument, vocab: StoredDocument) throws -> PlanData {
        let layers = try versions.map { v in
            (name: v.layer, title: v.title, label: "workspace layer \(v.layer) v\(v.version)",
             geojson: GeoJSON.encode(features: try store.layerFeatures(versionId: v.id!)), version: "\(v.id!)")
        }
        let summary = versions.map { "\($0.layer)@\($0.version)" }.joined(separator: ",")
        return try PlanData.assemble(origin: description, root: URL(fileURLWithPath: store.location), geodataVersion: "workspace:" + summary,
                                     layers: layers, industriesText: vocab.text, industriesLabel: "workspace industries v\(vocab.version)",
                                     rulePackText: pack.text, rulePackLabel: "workspace rule pack \(pack.version)",
                                     ruleSchemas: RuleRegistry.schemas)
    }

    // MARK: imports

    /// Replaces (or adds) a layer with features already in the plan's property schema. The
    /// result is validated as a whole plan before anything is stored; a bad layer changes nothing.
    @discardableResult
    public func importLayer(name: String, title: String?, features: [Feature], sourceFile: String, sha256: String,
                            format: String, official: String, note: String?) throws -> LayerVersion {
        guard name.range(of: #"^[a-z][a-z0-9_]{0,40}$"#, options: .regularExpression) != nil else {
            throw WorkspaceError(.badInput, "layer name '\(name)' must be lower-case letters, digits and _ (e.g. function_zones)")
        }
        guard !features.isEmpty else { throw WorkspaceError(.badInput, "\(sourceFile): no features to import") }
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
        let v = LayerVersion(layer: name, version: 0, title: layerTitle, sourceFile: sourceFile, sha256: sha256, format: format,
                             importedBy: official, importedAt: nowISO(), featureCount: imported.count,
                             schematic: imported.contains { $0.schematic }, note: note, active: true)
        return try store.insertLayerVersion(v, features: imported.map(Self.feature))
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

    // MARK: decisions

    public struct Recorded {
        public var record: DecisionRecord
        public var draws: [QuotaEntry]
        public var dryRun: Bool
    }

    /// Vets and records a decision in one write transaction: the quota balances are read, the
    /// application vetted, the decision appended and (for approve/conditional) the quota drawn,
    /// all under the writers' lock, so two recorders never both spend the last of a quota.
    /// With `dryRun` nothing is written; the returned record shows what would be.
    public func record(application: Application, input: Data, official: String, note: String?, supersedes: Int64? = nil,
                       year: Int? = nil, dryRun: Bool = false) throws -> Recorded {
        let year = year ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        let work = { () throws -> Recorded in
            // Read under the writers' lock: the plan recorded is the plan used.
            let current = try self.currentEngine()
            let (plan, engine, layerIds, packDoc, vocabDoc) = (current.plan, current.engine, current.layerIds, current.pack, current.vocab)
            if let supersedes {
                guard try self.store.decision(id: supersedes) != nil else {
                    throw WorkspaceError(.notFound, "decision \(supersedes) does not exist")
                }
            }
            // Land of a superseded approval goes back before the revision is vetted.
            var returns: [QuotaEntry] = []
            if let supersedes {
                for e in try self.store.quotaEntries(nil) where e.decisionId == supersedes && e.kind == .draw {
                    returns.append(QuotaEntry(account: e.account, accountName: e.accountName, at: nowISO(), kind: .return,
                                              amountMu: -e.amountMu, decisionId: supersedes, official: official,
                                              note: "returned: decision \(supersedes) superseded"))
                }
            }
            let ledger = ReturnsApplied(base: self.store.quotaLedger, returns: returns)
            let result = try engine.vet(application, quotas: ledger, year: year)
            var snapshot: [String: Double] = [:]
            for d in result.quotaDraws { if let b = try ledger.balanceMu(d.account) { snapshot[d.account.description] = b } }
            var rec = DecisionRecord(recordedAt: nowISO(), official: official, note: note, inputSha256: sha256Hex(input),
                                     name: application.name, industry: application.industry, verdict: result.verdict,
                                     areaMu: result.areaMu, application: (try? JSONDecoder().decode(JSONValue.self, from: input)) ?? .null,
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
            if dryRun { return Recorded(record: rec, draws: returns + draws, dryRun: true) }
            for r in returns { _ = try self.store.insertQuotaEntry(r) }
            let id = try self.store.insertDecision(rec)
            rec.id = id
            var written: [QuotaEntry] = returns
            for var d in draws where (try self.store.quotaStatus(d.account)) != nil {
                d.decisionId = id
                d.id = try self.store.insertQuotaEntry(d)
                written.append(d)
            }
            return Recorded(record: rec, draws: written, dryRun: false)
        }
        return dryRun ? try work() : try store.writeTransaction(work)
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
            let allocated = try store.quotaStatus(key)?.allocatedMu ?? 0
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
    /// Problems found in the workspace: storage integrity (the backend's own check), quota draws
    /// that name no recorded decision, accounts below zero. Empty when all is well.
    public func verify() throws -> [String] {
        var problems = try store.integrityProblems()
        let ids = Set(try store.decisions(limit: nil).compactMap(\.id))
        for e in try store.quotaEntries(nil) where e.kind == .draw {
            guard let d = e.decisionId, ids.contains(d) else {
                problems.append("quota entry \(e.id ?? 0) draws \(abs(e.amountMu)) 亩 from \(e.account) without a recorded decision")
                continue
            }
        }
        for s in try store.quotaStatuses(year: nil) where s.balanceMu < -1e-6 {
            problems.append("quota account \(s.account) is below zero: \(s.balanceMu) 亩")
        }
        return problems
    }
}

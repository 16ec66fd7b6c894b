import Foundation
import ZoneGeometry
import ZoneVetting

/// Every statement the workspace store runs, written once with `?` placeholders and rendered for
/// the backend's `SQLDialect` (`$n`, boolean literals, geometry functions). The schema steps are
/// in `Migrations`; what is truly backend-specific (SpatiaLite metadata, the PostGIS extension,
/// PostgreSQL's integrity check) stays in `SpatiaLiteStore` and `PostGISStore`.
public struct WorkspaceSQL: Sendable {
    public let dialect: SQLDialect
    public init(_ dialect: SQLDialect) { self.dialect = dialect }

    private func r(_ sql: String) -> String { dialect.render(sql) }
    private var yes: String { dialect.trueLiteral }
    private var no: String { dialect.falseLiteral }

    // MARK: schema

    var createMigrationsTable: String {
        "CREATE TABLE IF NOT EXISTS zp_migrations (version \(dialect.integer) PRIMARY KEY, description \(dialect.text) NOT NULL, applied_at \(dialect.text) NOT NULL)"
    }
    var latestMigration: String { "SELECT coalesce(max(version), 0) FROM zp_migrations" }
    var recordMigration: String { r("INSERT INTO zp_migrations (version, description, applied_at) VALUES (?, ?, \(dialect.timeParam))") }
    var tableExists: String { r(dialect.tableExists) }

    // MARK: documents

    var documentColumns: String { "id, kind, version, sha256, text, imported_by, \(dialect.timeText("imported_at")), source, active" }
    var deactivateDocuments: String { r("UPDATE zp_documents SET active = \(no) WHERE kind = ?") }
    var insertDocument: String {
        r("""
          INSERT INTO zp_documents (kind, version, sha256, text, imported_by, imported_at, source, active)
          VALUES (?, ?, ?, ?, ?, \(dialect.timeParam), ?, ?)
          """)
    }
    var activeDocument: String {
        r("SELECT \(documentColumns) FROM zp_documents WHERE kind = ? AND active = \(yes) ORDER BY id DESC LIMIT 1")
    }
    var document: String { r("SELECT \(documentColumns) FROM zp_documents WHERE id = ?") }
    /// The document of a kind that was in force at a time: the last imported at or before it.
    var documentAsOf: String {
        r("SELECT \(documentColumns) FROM zp_documents WHERE kind = ? AND imported_at <= \(dialect.timeParam) ORDER BY id DESC LIMIT 1")
    }

    // MARK: layers

    var layerVersionColumns: String {
        "id, layer, version, title, source_file, sha256, format, imported_by, \(dialect.timeText("imported_at")), feature_count, schematic, note, active"
    }
    var nextLayerVersion: String { r("SELECT coalesce(max(version), 0) + 1 FROM zp_layer_versions WHERE layer = ?") }
    var deactivateLayer: String { r("UPDATE zp_layer_versions SET active = \(no) WHERE layer = ? AND active = \(yes)") }
    var insertLayerVersion: String {
        r("""
          INSERT INTO zp_layer_versions (layer, version, title, source_file, sha256, format, imported_by, imported_at,
            feature_count, schematic, note, active) VALUES (?, ?, ?, ?, ?, ?, ?, \(dialect.timeParam), ?, ?, ?, \(yes))
          """)
    }
    func layerVersions(byLayer: Bool, activeOnly: Bool) -> String {
        r("SELECT \(layerVersionColumns) FROM zp_layer_versions WHERE 1=1" + (byLayer ? " AND layer = ?" : "")
          + (activeOnly ? " AND active = \(yes)" : "") + " ORDER BY id")
    }
    var layerVersion: String { r("SELECT \(layerVersionColumns) FROM zp_layer_versions WHERE id = ?") }
    var layerFeatures: String {
        r("SELECT feature_id, \(dialect.jsonText("properties")), \(dialect.asBinary("geom")) FROM zp_feature_history WHERE layer_version_id = ? ORDER BY id")
    }

    /// A layer's current table (`layer_<name>`): the features of its active version, as GIS tools
    /// open it, with the attributes QGIS styles and filters by as real columns (schema 5).
    func createLayerTable(_ table: String) -> [String] {
        let d = dialect
        return ["""
            CREATE TABLE \(table) (fid \(d.identityKey("integer")), feature_id \(d.text) NOT NULL UNIQUE, name \(d.text),
              kind \(d.text), layer_version \(d.bigint) NOT NULL, schematic \(d.boolean), source \(d.text),
              \(Self.layerAttributeColumns(d).joined(separator: ", ")), properties \(d.json) NOT NULL\(d.inlineGeometryColumn))
            """] + d.spatialColumn(table)
    }

    /// The attribute columns schema 5 gives every layer table.
    static func layerAttributeColumns(_ d: SQLDialect) -> [String] {
        ["tier \(d.text)", "category \(d.text)", "county \(d.text)", "accuracy_m \(d.real)", "area_mu \(d.real)"]
    }

    /// Schema 5 on a layer table made before it: the attribute columns (filled by `setLayerAttributes`)
    /// and, in PostGIS, the properties as jsonb.
    func upgradeLayerTable(_ table: String) -> [String] {
        Self.layerAttributeColumns(dialect).map { "ALTER TABLE \(table) ADD COLUMN \($0)" }
            + (dialect == .postgis ? ["ALTER TABLE \(table) ALTER COLUMN properties TYPE jsonb USING properties::jsonb"] : [])
    }
    func setLayerAttributes(_ table: String) -> String {
        r("UPDATE \(table) SET tier = ?, category = ?, county = ?, accuracy_m = ?, area_mu = ? WHERE feature_id = ?")
    }
    func clearLayerTable(_ table: String) -> String { "DELETE FROM \(table)" }
    var insertFeatureHistory: String {
        r("""
          INSERT INTO zp_feature_history (layer_version_id, feature_id, name, kind, properties, geom)
          VALUES (?, ?, ?, ?, \(dialect.jsonParam), \(dialect.geomFromWKB()))
          """)
    }
    func insertCurrentFeature(_ table: String) -> String {
        r("""
          INSERT INTO \(table) (feature_id, name, kind, layer_version, schematic, source, tier, category, county, accuracy_m,
            area_mu, properties, geom)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(dialect.jsonParam), \(dialect.geomFromWKB()))
          """)
    }

    // MARK: ledger

    var insertDecision: String {
        r("""
          INSERT INTO zp_decisions (recorded_at, official, note, input_sha256, name, industry, verdict, area_mu, record,
            rule_pack_version, supersedes, geom) VALUES (\(dialect.timeParam), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(dialect.geomFromWKB()))
          """)
    }
    func decisions(limit: Int?) -> String {
        "SELECT id, record FROM zp_decisions ORDER BY id" + (limit.map { " DESC LIMIT \(dialect.limit($0))" } ?? "")
    }
    var decision: String { r("SELECT id, record FROM zp_decisions WHERE id = ?") }

    // MARK: submitted inputs, supersede links, idempotency keys (schema 4)

    var insertDecisionInput: String {
        r("INSERT INTO zp_decision_inputs (decision_id, format, sha256, bytes, sidecar, sidecar_sha256) VALUES (?, ?, ?, ?, ?, ?)")
    }
    var decisionInput: String { r("SELECT format, bytes, sidecar FROM zp_decision_inputs WHERE decision_id = ?") }
    var supersedingDecision: String { r("SELECT min(id) FROM zp_decisions WHERE supersedes = ?") }
    var decisionLinks: String { "SELECT id, supersedes FROM zp_decisions ORDER BY id" }
    /// Decisions recorded since schema 4 without their submitted input: half-written.
    var decisionsWithoutInput: String {
        """
        SELECT d.id FROM zp_decisions d LEFT JOIN zp_decision_inputs i ON i.decision_id = d.id
        WHERE i.decision_id IS NULL AND d.id > coalesce((SELECT CAST(value AS \(dialect.bigint)) FROM zp_meta
          WHERE key = 'inputs_kept_after_decision'), 0) ORDER BY d.id
        """
    }
    var idempotentResponse: String { r("SELECT request_sha256, status, response FROM zp_idempotency WHERE key = ?") }
    var insertIdempotentResponse: String {
        r("INSERT INTO zp_idempotency (key, request_sha256, status, response, created_at) VALUES (?, ?, ?, ?, \(dialect.timeParam))")
    }

    // MARK: quotas

    /// Each account's allocated, drawn and returned totals: one grouped query.
    private func quotaTotals(_ columns: String, where condition: String?, groupBy: String) -> String {
        r("""
          SELECT \(columns),
            coalesce(sum(CASE WHEN e.entry = 'allocate' THEN e.amount_mu END), 0),
            coalesce(-sum(CASE WHEN e.entry = 'draw' THEN e.amount_mu END), 0),
            coalesce(sum(CASE WHEN e.entry = 'return' THEN e.amount_mu END), 0)
          FROM zp_quota_accounts a LEFT JOIN zp_quota_entries e ON e.account_id = a.id
          """ + (condition.map { " WHERE " + $0 } ?? "") + " GROUP BY " + groupBy)
    }
    var quotaStatus: String { quotaTotals("a.name", where: "a.kind = ? AND a.ref = ? AND a.year = ?", groupBy: "a.id, a.name") }
    func quotaStatuses(byYear: Bool) -> String {
        quotaTotals("a.kind, a.ref, a.year, a.name", where: byYear ? "a.year = ?" : nil,
                    groupBy: "a.id, a.kind, a.ref, a.year, a.name ORDER BY a.year, a.kind, a.ref")
    }
    var quotaAccountId: String { r("SELECT id FROM zp_quota_accounts WHERE kind = ? AND ref = ? AND year = ?") }
    var insertQuotaAccount: String { r("INSERT INTO zp_quota_accounts (kind, ref, year, name) VALUES (?, ?, ?, ?)") }
    var insertQuotaEntry: String {
        r("INSERT INTO zp_quota_entries (account_id, at, entry, amount_mu, decision_id, official, note) VALUES (?, \(dialect.timeParam), ?, ?, ?, ?, ?)")
    }
    func quotaEntries(byAccount: Bool) -> String {
        r("""
          SELECT e.id, a.kind, a.ref, a.year, a.name, \(dialect.timeText("e.at")), e.entry, e.amount_mu, e.decision_id, e.official, e.note
          FROM zp_quota_entries e JOIN zp_quota_accounts a ON a.id = e.account_id
          """ + (byAccount ? " WHERE a.kind = ? AND a.ref = ? AND a.year = ?" : "") + " ORDER BY e.id")
    }
}

/// The workspace store on any `SQLExecutor`: every `WorkspaceStore` operation, once. A backend
/// subclasses it with its connection, its `backendName`/`location` and `integrityProblems`, and
/// overrides the hooks where it differs (`prepareSchema`, `runSchemaStatement`, `didRewriteLayer`).
open class SQLWorkspaceStore {
    public let executor: SQLExecutor
    public let sql: WorkspaceSQL
    public let engine = GeometryEngine()
    /// Areas in 亩 on EPSG:4549 for the layer tables' `area_mu` column.
    private lazy var measurer: PlanarMeasurer? = try? PlanarMeasurer()
    private var inTransaction = false

    public init(executor: SQLExecutor) {
        self.executor = executor
        sql = WorkspaceSQL(executor.dialect)
    }

    private var db: SQLExecutor { executor }

    // MARK: hooks

    /// Before the first migration step, inside its transaction (SpatiaLite metadata, the PostGIS extension).
    open func prepareSchema() throws {}
    /// Runs one schema statement (a migration step's, or a layer table's).
    open func runSchemaStatement(_ statement: String) throws { try db.query(statement, []) }
    /// After a layer's current table has been rewritten.
    open func didRewriteLayer(table: String) throws {}

    // MARK: schema

    public func schemaVersion() throws -> Int {
        guard try db.scalar(sql.tableExists, [.text("zp_migrations")]).bool == true else { return 0 }
        return Int(try db.scalar(sql.latestMigration, []).int ?? 0)
    }

    public func migrate() throws -> [Int] {
        try writeTransaction {
            try prepareSchema()
            try db.query(sql.createMigrationsTable, [])
            let current = try schemaVersion()
            var applied: [Int] = []
            for m in Migrations.steps(sql.dialect) where m.version > current {
                for statement in m.statements { try runSchemaStatement(statement) }
                if m.version == 5 { try upgradeLayerTables() }
                try db.query(sql.recordMigration, [.int(Int64(m.version)), .text(m.description), .text(nowISO())])
                applied.append(m.version)
            }
            return applied
        }
    }

    /// One write transaction (see `SQLExecutor.writeTransaction`); a nested call joins the outer one.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        inTransaction = true
        defer { inTransaction = false }
        return try db.writeTransaction(body)
    }

    /// Inside a write transaction: `body`'s statements are undone when it throws (ROLLBACK TO a
    /// savepoint) and the transaction goes on, so one request of a group commit that fails leaves
    /// the others' work in place. Outside a transaction it is a write transaction of its own.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        guard inTransaction else { return try writeTransaction(body) }
        try db.query("SAVEPOINT zp_request", [])
        do {
            let v = try body()
            try db.query("RELEASE SAVEPOINT zp_request", [])
            return v
        } catch {
            // PostgreSQL refuses every statement after an error until this rollback.
            try db.query("ROLLBACK TO SAVEPOINT zp_request", [])
            try db.query("RELEASE SAVEPOINT zp_request", [])
            throw error
        }
    }

    /// One consistent snapshot for several reads (see `SQLExecutor.readTransaction`); inside a
    /// write transaction it simply joins it.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        inTransaction = true
        defer { inTransaction = false }
        return try db.readTransaction(body)
    }

    // MARK: documents

    public func insertDocument(_ d: StoredDocument) throws -> Int64 {
        try writeTransaction {
            if d.active { try db.query(sql.deactivateDocuments, [.text(d.kind.rawValue)]) }
            return try db.insertReturningId(sql.insertDocument, [
                .text(d.kind.rawValue), .text(d.version), .text(d.sha256), .text(d.text), .text(d.importedBy),
                .text(d.importedAt), .text(d.source), .bool(d.active)])
        }
    }

    private func documentFrom(_ r: [SQLValue]) -> StoredDocument {
        StoredDocument(id: r[0].int, kind: StoredDocument.Kind(rawValue: r[1].text ?? "") ?? .rulePack, version: r[2].text ?? "",
                       sha256: r[3].text ?? "", text: r[4].text ?? "", importedBy: r[5].text ?? "", importedAt: r[6].text ?? "",
                       source: r[7].text ?? "", active: r[8].bool == true)
    }

    public func activeDocument(kind: StoredDocument.Kind) throws -> StoredDocument? {
        try db.query(sql.activeDocument, [.text(kind.rawValue)]).first.map(documentFrom)
    }

    public func document(id: Int64) throws -> StoredDocument? {
        try db.query(sql.document, [.int(id)]).first.map(documentFrom)
    }

    public func document(kind: StoredDocument.Kind, asOf time: String) throws -> StoredDocument? {
        try db.query(sql.documentAsOf, [.text(kind.rawValue), .text(time)]).first.map(documentFrom)
    }

    // MARK: layers

    /// The current table of a layer: `layer_<name>`.
    public static func tableName(_ layer: String) -> String {
        "layer_" + layer.map { $0.isLetter || $0.isNumber ? String($0).lowercased() : "_" }.joined()
    }

    /// Polygonal geometry as a MULTIPOLYGON WKB, as the geometry columns are declared.
    func multiPolygonWKB(_ g: Geometry) throws -> [UInt8] {
        try engine.wkb(.multiPolygon(g.polygons))
    }

    /// Schema 5 on the layer tables that exist (one per layer name, holding its active version):
    /// the attribute columns, filled from each feature of the active version.
    func upgradeLayerTables() throws {
        for v in try layerVersions(layer: nil, activeOnly: true) {
            let table = Self.tableName(v.layer)
            guard try db.scalar(sql.tableExists, [.text(table)]).bool == true else { continue }
            for statement in sql.upgradeLayerTable(table) { try runSchemaStatement(statement) }
            let rows = try layerFeatures(versionId: v.id!).map { f -> [SQLValue] in
                let s = try StoredFeature(f, engine: engine, measurer: measurer)
                return Self.attributeValues(s) + [.text(s.featureId)]
            }
            try db.executeEach(sql.setLayerAttributes(table), rows)
        }
    }

    static func attributeValues(_ s: StoredFeature) -> [SQLValue] {
        [s.tier.map(SQLValue.text) ?? .null, s.category.map(SQLValue.text) ?? .null, s.county.map(SQLValue.text) ?? .null,
         s.accuracyM.map(SQLValue.double) ?? .null, s.areaMu.map(SQLValue.double) ?? .null]
    }

    public func insertLayerVersion(_ v: LayerVersion, features: [Feature]) throws -> LayerVersion {
        try writeTransaction {
            var v = v
            let next = try db.scalar(sql.nextLayerVersion, [.text(v.layer)]).int ?? 1
            v.version = Int(next)
            v.featureCount = features.count
            try db.query(sql.deactivateLayer, [.text(v.layer)])
            let versionId = try db.insertReturningId(sql.insertLayerVersion, [
                .text(v.layer), .int(next), .text(v.title), .text(v.sourceFile), .text(v.sha256), .text(v.format),
                .text(v.importedBy), .text(v.importedAt), .int(Int64(features.count)), .bool(v.schematic),
                v.note.map(SQLValue.text) ?? .null])
            v.id = versionId
            v.active = true
            let table = Self.tableName(v.layer)
            if try db.scalar(sql.tableExists, [.text(table)]).bool != true {
                for statement in sql.createLayerTable(table) { try runSchemaStatement(statement) }
            }
            try db.query(sql.clearLayerTable(table), [])
            var history: [[SQLValue]] = [], current: [[SQLValue]] = []
            for f in features {
                let row = try StoredFeature(f, engine: engine, measurer: measurer)
                let name = row.name.map(SQLValue.text) ?? .null, kind = row.kind.map(SQLValue.text) ?? .null
                history.append([.int(versionId), .text(row.featureId), name, kind, .text(row.propertiesJSON), .blob(row.wkb)])
                current.append([.text(row.featureId), name, kind, .int(versionId), row.schematic.map(SQLValue.bool) ?? .null,
                                row.source.map(SQLValue.text) ?? .null] + Self.attributeValues(row) + [.text(row.propertiesJSON), .blob(row.wkb)])
            }
            try db.executeEach(sql.insertFeatureHistory, history)
            try db.executeEach(sql.insertCurrentFeature(table), current)
            try didRewriteLayer(table: table)
            return v
        }
    }

    private func layerVersionFrom(_ r: [SQLValue]) -> LayerVersion {
        LayerVersion(id: r[0].int, layer: r[1].text ?? "", version: Int(r[2].int ?? 0), title: r[3].text ?? "",
                     sourceFile: r[4].text ?? "", sha256: r[5].text ?? "", format: r[6].text ?? "", importedBy: r[7].text ?? "",
                     importedAt: r[8].text ?? "", featureCount: Int(r[9].int ?? 0), schematic: r[10].bool == true,
                     note: r[11].text, active: r[12].bool == true)
    }

    public func layerVersions(layer: String?, activeOnly: Bool) throws -> [LayerVersion] {
        try db.query(sql.layerVersions(byLayer: layer != nil, activeOnly: activeOnly), layer.map { [.text($0)] } ?? [])
            .map(layerVersionFrom)
    }

    public func layerVersion(id: Int64) throws -> LayerVersion? {
        try db.query(sql.layerVersion, [.int(id)]).first.map(layerVersionFrom)
    }

    public func layerFeatures(versionId: Int64) throws -> [Feature] {
        try db.query(sql.layerFeatures, [.int(versionId)]).map {
            try StoredFeature.feature(id: $0[0].text ?? "", propertiesJSON: $0[1].text ?? "{}", wkb: $0[2].blob ?? [], engine: engine)
        }
    }

    // MARK: ledger

    /// Appends a decision. A second revision of one decision breaks the schema's unique index on
    /// `supersedes` (migration 4): that is answered as the same conflict `Workspace.record` gives.
    public func insertDecision(_ d: DecisionRecord) throws -> Int64 {
        try writeTransaction {
            let json = try StoredFeature.json(d)
            do {
                return try db.insertReturningId(sql.insertDecision, [
                    .text(d.recordedAt), .text(d.official), d.note.map(SQLValue.text) ?? .null, .text(d.inputSha256),
                    .text(d.name), .text(d.industry), .text(d.verdict.rawValue), .double(d.areaMu), .text(json),
                    .text(d.rulePackVersion), d.supersedes.map(SQLValue.int) ?? .null, .blob(try multiPolygonWKB(d.site))])
            } catch where d.supersedes != nil && Self.isSupersedeViolation(error) {
                // SQLite can still read in this transaction; PostgreSQL has aborted it (Workspace.record names the revision then).
                let by = (try? db.scalar(sql.supersedingDecision, [.int(d.supersedes!)]).int).flatMap { $0 }
                throw WorkspaceError(.conflict, "decision \(d.supersedes!) was already superseded" + (by.map { " by decision \($0)" } ?? ""))
            }
        }
    }

    /// The unique index on `zp_decisions(supersedes)` refused a row (SQLite names the column,
    /// PostgreSQL the index).
    static func isSupersedeViolation(_ error: Error) -> Bool {
        let s = "\(error)"
        return s.contains("zp_decisions.supersedes") || s.contains("zp_decisions_supersedes_once")
    }

    public func insertDecisionInput(decisionId: Int64, _ input: SubmittedInput) throws {
        _ = try writeTransaction {
            try db.query(sql.insertDecisionInput, [
                .int(decisionId), .text(input.format), .text(input.sha256), .blob(Array(input.bytes)),
                input.sidecar.map { .blob(Array($0)) } ?? .null, input.sidecar.map { .text(sha256Hex($0)) } ?? .null])
        }
    }

    public func decisionInput(id: Int64) throws -> SubmittedInput? {
        try db.query(sql.decisionInput, [.int(id)]).first.map {
            SubmittedInput(format: $0[0].text ?? "", bytes: Data($0[1].blob ?? []), sidecar: $0[2].blob.map { Data($0) })
        }
    }

    public func supersedingDecision(of id: Int64) throws -> Int64? {
        try db.scalar(sql.supersedingDecision, [.int(id)]).int
    }

    public func decisionLinks() throws -> [(id: Int64, supersedes: Int64?)] {
        try db.query(sql.decisionLinks, []).map { ($0[0].int ?? 0, $0[1].int) }
    }

    public func decisionsWithoutInput() throws -> [Int64] {
        try db.query(sql.decisionsWithoutInput, []).compactMap { $0[0].int }
    }

    public func idempotentResponse(key: String) throws -> (requestSha256: String, response: StoredResponse)? {
        try db.query(sql.idempotentResponse, [.text(key)]).first.map {
            ($0[0].text ?? "", StoredResponse(status: Int($0[1].int ?? 0), body: Data($0[2].blob ?? [])))
        }
    }

    public func insertIdempotentResponse(key: String, requestSha256: String, response: StoredResponse) throws {
        _ = try writeTransaction {
            try db.query(sql.insertIdempotentResponse, [.text(key), .text(requestSha256), .int(Int64(response.status)),
                                                        .blob(Array(response.body)), .text(nowISO())])
        }
    }

    private func decisionFrom(_ r: [SQLValue]) throws -> DecisionRecord {
        try StoredFeature.decision(id: r[0].int, json: r[1].text ?? "")
    }

    public func decisions(limit: Int?) throws -> [DecisionRecord] {
        try db.query(sql.decisions(limit: limit), []).map(decisionFrom).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    public func decision(id: Int64) throws -> DecisionRecord? {
        try db.query(sql.decision, [.int(id)]).first.map(decisionFrom)
    }

    // MARK: quotas

    private static func keyParams(_ k: QuotaAccountKey) -> [SQLValue] { [.text(k.kind.rawValue), .text(k.ref), .int(Int64(k.year))] }

    public func quotaStatus(_ key: QuotaAccountKey) throws -> QuotaStatus? {
        guard let r = try db.query(sql.quotaStatus, Self.keyParams(key)).first else { return nil }
        return QuotaStatus(account: key, name: r[0].text, allocatedMu: r[1].double ?? 0, drawnMu: r[2].double ?? 0, returnedMu: r[3].double ?? 0)
    }

    public func quotaStatuses(year: Int?) throws -> [QuotaStatus] {
        try db.query(sql.quotaStatuses(byYear: year != nil), year.map { [.int(Int64($0))] } ?? []).compactMap { r in
            guard let kind = QuotaAccountKey.Kind(rawValue: r[0].text ?? "") else { return nil }
            return QuotaStatus(account: QuotaAccountKey(kind: kind, ref: r[1].text ?? "", year: Int(r[2].int ?? 0)), name: r[3].text,
                               allocatedMu: r[4].double ?? 0, drawnMu: r[5].double ?? 0, returnedMu: r[6].double ?? 0)
        }
    }

    public func insertQuotaEntry(_ e: QuotaEntry) throws -> Int64 {
        try writeTransaction {
            let k = e.account
            var accountId = try db.scalar(sql.quotaAccountId, Self.keyParams(k)).int
            if accountId == nil {
                guard e.kind == .allocate else { throw WorkspaceError(.notFound, "no quota account \(k)") }
                accountId = try db.insertReturningId(sql.insertQuotaAccount, Self.keyParams(k) + [e.accountName.map(SQLValue.text) ?? .null])
            }
            return try db.insertReturningId(sql.insertQuotaEntry, [
                .int(accountId!), .text(e.at), .text(e.kind.rawValue), .double(e.amountMu),
                e.decisionId.map(SQLValue.int) ?? .null, .text(e.official), e.note.map(SQLValue.text) ?? .null])
        }
    }

    public func quotaEntries(_ key: QuotaAccountKey?) throws -> [QuotaEntry] {
        try db.query(sql.quotaEntries(byAccount: key != nil), key.map(Self.keyParams) ?? []).map { r in
            QuotaEntry(id: r[0].int, account: QuotaAccountKey(kind: QuotaAccountKey.Kind(rawValue: r[1].text ?? "") ?? .county,
                                                              ref: r[2].text ?? "", year: Int(r[3].int ?? 0)),
                       accountName: r[4].text, at: r[5].text ?? "", kind: QuotaEntry.Kind(rawValue: r[6].text ?? "") ?? .allocate,
                       amountMu: r[7].double ?? 0, decisionId: r[8].int, official: r[9].text ?? "", note: r[10].text)
        }
    }
}

extension SQLDialect {
    /// A JSON column: jsonb in PostgreSQL (schema 5), JSON text in SQLite.
    public var json: String { self == .spatialite ? "TEXT" : "jsonb" }
    /// A bound JSON text as the column's type.
    public var jsonParam: String { self == .spatialite ? "?" : "CAST(? AS jsonb)" }
    /// A JSON column read as text (a text or jsonb column alike).
    public func jsonText(_ column: String) -> String { self == .spatialite ? column : "CAST(\(column) AS text)" }
    /// A bound ISO 8601 time: timestamptz in PostgreSQL (schema 5), ISO 8601 text in SQLite.
    public var timeParam: String { self == .spatialite ? "?" : "CAST(? AS timestamptz)" }
    /// A time column read back as the ISO 8601 text it was written as (UTC, milliseconds, `Z`),
    /// whether the column is still text (before schema 5) or timestamptz.
    public func timeText(_ column: String) -> String {
        self == .spatialite ? column
            : "to_char(CAST(\(column) AS timestamptz) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }
}

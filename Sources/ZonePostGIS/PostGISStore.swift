import Foundation
import ZoneGeometry
import ZoneStore
import ZoneVetting

/// The server workspace: a PostgreSQL database with PostGIS. Same tables, same behaviour as
/// `SpatiaLiteStore` (the `Workspace` logic is shared); geometry columns are
/// `geometry(MultiPolygon, 4326)` with GiST indexes. One connection per store (single-thread);
/// writers exclude each other with a transaction-scoped advisory lock, so concurrent recorders
/// (many officials, many processes) never overspend a quota.
public final class PostGISStore: WorkspaceStore {
    public let session: PGSession
    private let engine = GeometryEngine()
    public var backendName: String { "PostGIS" }
    public var location: String { session.url.description }
    public var url: PostgresURL { session.url }

    /// The advisory-lock key every writer takes (`pg_advisory_xact_lock`): "zoneplan" in ASCII.
    public static let writersLock: Int64 = 0x7A6F_6E65_706C_616E

    public convenience init(url: String) throws {
        try self.init(url: try PostgresURL(url))
    }

    public init(url: PostgresURL) throws {
        session = try PGSession(url)
        // Durability and predictable text: a committed decision is on disk before `record` returns.
        try session.query("SET synchronous_commit = on")
        try session.query("SET client_min_messages = warning")
        try session.query("SET TIME ZONE 'UTC'")
    }

    public func close() { session.close() }

    /// Runs one statement (for tools and tests); see `PGSession.query`.
    @discardableResult
    public func query(_ sql: String, _ params: [PGValue] = []) throws -> [[PGValue]] { try session.query(sql, params) }

    // MARK: schema

    public func schemaVersion() throws -> Int {
        guard try session.scalar("SELECT to_regclass('zp_migrations') IS NOT NULL").bool == true else { return 0 }
        return Int(try session.scalar("SELECT coalesce(max(version), 0) FROM zp_migrations").int ?? 0)
    }

    public func migrate() throws -> [Int] {
        try writeTransaction {
            if try session.scalar("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'").int ?? 0 == 0 {
                do {
                    try session.query("CREATE EXTENSION IF NOT EXISTS postgis")
                } catch let e as PostGISError {
                    throw PostGISError("the database \(url.database) has no PostGIS and it cannot be added (\(e.message)): "
                                       + "have an administrator run `CREATE EXTENSION postgis;` in it", sqlState: e.sqlState)
                }
            }
            try session.query("CREATE TABLE IF NOT EXISTS zp_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)")
            let current = try schemaVersion()
            var applied: [Int] = []
            for m in Migrations.postgis where m.version > current {
                for sql in m.statements { try session.query(sql) }
                try session.query("INSERT INTO zp_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
                                  [.int(Int64(m.version)), .text(m.description), .text(nowISO())])
                applied.append(m.version)
            }
            return applied
        }
    }

    private var inTransaction = false

    /// BEGIN, then `pg_advisory_xact_lock(writersLock)`: one writer at a time across every
    /// connection to the database, released at COMMIT or ROLLBACK. READ COMMITTED: each statement
    /// after the lock sees everything the previous writers committed.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try session.query("BEGIN ISOLATION LEVEL READ COMMITTED")
        inTransaction = true
        defer { inTransaction = false }
        do {
            try session.query("SELECT pg_advisory_xact_lock($1)", [.int(Self.writersLock)])
            let result = try body()
            try session.query("COMMIT")
            return result
        } catch {
            _ = try? session.query("ROLLBACK")
            throw error
        }
    }

    private func insertReturningId(_ sql: String, _ params: [PGValue]) throws -> Int64 {
        guard let id = try session.scalar(sql + " RETURNING id", params).int else { throw PostGISError("no id returned: \(sql)") }
        return id
    }

    // MARK: documents

    public func insertDocument(_ d: StoredDocument) throws -> Int64 {
        try writeTransaction {
            if d.active {
                try session.query("UPDATE zp_documents SET active = false WHERE kind = $1", [.text(d.kind.rawValue)])
            }
            return try insertReturningId("""
                INSERT INTO zp_documents (kind, version, sha256, text, imported_by, imported_at, source, active)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [.text(d.kind.rawValue), .text(d.version), .text(d.sha256), .text(d.text), .text(d.importedBy),
                      .text(d.importedAt), .text(d.source), .bool(d.active)])
        }
    }

    private let docColumns = "id, kind, version, sha256, text, imported_by, imported_at, source, active"
    private func docFrom(_ r: [PGValue]) -> StoredDocument {
        StoredDocument(id: r[0].int, kind: StoredDocument.Kind(rawValue: r[1].text ?? "") ?? .rulePack, version: r[2].text ?? "",
                       sha256: r[3].text ?? "", text: r[4].text ?? "", importedBy: r[5].text ?? "", importedAt: r[6].text ?? "",
                       source: r[7].text ?? "", active: r[8].bool == true)
    }

    public func activeDocument(kind: StoredDocument.Kind) throws -> StoredDocument? {
        try session.query("SELECT \(docColumns) FROM zp_documents WHERE kind = $1 AND active ORDER BY id DESC LIMIT 1",
                          [.text(kind.rawValue)]).first.map(docFrom)
    }

    public func document(id: Int64) throws -> StoredDocument? {
        try session.query("SELECT \(docColumns) FROM zp_documents WHERE id = $1", [.int(id)]).first.map(docFrom)
    }

    // MARK: layers

    /// The current table of a layer, as in SpatiaLite: `layer_<name>`.
    public static func tableName(_ layer: String) -> String {
        "layer_" + layer.map { $0.isLetter || $0.isNumber ? String($0).lowercased() : "_" }.joined()
    }

    func multiPolygonWKB(_ g: Geometry) throws -> [UInt8] {
        try engine.wkb(.multiPolygon(g.polygons))
    }

    public func insertLayerVersion(_ v: LayerVersion, features: [Feature]) throws -> LayerVersion {
        try writeTransaction {
            var v = v
            let next = try session.scalar("SELECT coalesce(max(version), 0) + 1 FROM zp_layer_versions WHERE layer = $1", [.text(v.layer)]).int ?? 1
            v.version = Int(next)
            v.featureCount = features.count
            try session.query("UPDATE zp_layer_versions SET active = false WHERE layer = $1 AND active", [.text(v.layer)])
            let versionId = try insertReturningId("""
                INSERT INTO zp_layer_versions (layer, version, title, source_file, sha256, format, imported_by, imported_at,
                  feature_count, schematic, note, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, true)
                """, [.text(v.layer), .int(next), .text(v.title), .text(v.sourceFile), .text(v.sha256), .text(v.format),
                      .text(v.importedBy), .text(v.importedAt), .int(Int64(features.count)), .bool(v.schematic),
                      v.note.map(PGValue.text) ?? .null])
            v.id = versionId
            v.active = true
            let table = Self.tableName(v.layer)
            if try session.scalar("SELECT to_regclass($1) IS NOT NULL", [.text(table)]).bool != true {
                try session.query("""
                    CREATE TABLE \(table) (fid integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, feature_id text NOT NULL UNIQUE,
                      name text, kind text, layer_version bigint NOT NULL, schematic boolean, source text, properties text NOT NULL,
                      geom geometry(MultiPolygon, 4326) NOT NULL)
                    """)
                try session.query("CREATE INDEX \(table)_geom ON \(table) USING gist (geom)")
            }
            try session.query("DELETE FROM \(table)")
            for f in features {
                let row = try StoredFeature(f, engine: engine)
                let name = row.name.map(PGValue.text) ?? .null, kind = row.kind.map(PGValue.text) ?? .null
                let wkb = PGValue.bytes(row.wkb)
                try session.query("""
                    INSERT INTO zp_feature_history (layer_version_id, feature_id, name, kind, properties, geom)
                    VALUES ($1, $2, $3, $4, $5, ST_Multi(ST_GeomFromWKB($6, 4326)))
                    """, [.int(versionId), .text(row.featureId), name, kind, .text(row.propertiesJSON), wkb])
                try session.query("""
                    INSERT INTO \(table) (feature_id, name, kind, layer_version, schematic, source, properties, geom)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, ST_Multi(ST_GeomFromWKB($8, 4326)))
                    """, [.text(row.featureId), name, kind, .int(versionId), row.schematic.map(PGValue.bool) ?? .null,
                          row.source.map(PGValue.text) ?? .null, .text(row.propertiesJSON), wkb])
            }
            try session.query("ANALYZE \(table)")
            return v
        }
    }

    private let lvColumns = "id, layer, version, title, source_file, sha256, format, imported_by, imported_at, feature_count, schematic, note, active"
    private func lvFrom(_ r: [PGValue]) -> LayerVersion {
        LayerVersion(id: r[0].int, layer: r[1].text ?? "", version: Int(r[2].int ?? 0), title: r[3].text ?? "",
                     sourceFile: r[4].text ?? "", sha256: r[5].text ?? "", format: r[6].text ?? "", importedBy: r[7].text ?? "",
                     importedAt: r[8].text ?? "", featureCount: Int(r[9].int ?? 0), schematic: r[10].bool == true,
                     note: r[11].text, active: r[12].bool == true)
    }

    public func layerVersions(layer: String?, activeOnly: Bool) throws -> [LayerVersion] {
        var sql = "SELECT \(lvColumns) FROM zp_layer_versions WHERE true"
        var params: [PGValue] = []
        if let layer { params.append(.text(layer)); sql += " AND layer = $\(params.count)" }
        if activeOnly { sql += " AND active" }
        sql += " ORDER BY id"
        return try session.query(sql, params).map(lvFrom)
    }

    public func layerVersion(id: Int64) throws -> LayerVersion? {
        try session.query("SELECT \(lvColumns) FROM zp_layer_versions WHERE id = $1", [.int(id)]).first.map(lvFrom)
    }

    public func layerFeatures(versionId: Int64) throws -> [Feature] {
        try session.query("SELECT feature_id, properties, ST_AsBinary(geom) FROM zp_feature_history WHERE layer_version_id = $1 ORDER BY id",
                          [.int(versionId)]).map {
            try StoredFeature.feature(id: $0[0].text ?? "", propertiesJSON: $0[1].text ?? "{}", wkb: $0[2].bytes ?? [], engine: engine)
        }
    }

    // MARK: ledger

    public func insertDecision(_ d: DecisionRecord) throws -> Int64 {
        try writeTransaction {
            let json = try StoredFeature.json(d)
            return try insertReturningId("""
                INSERT INTO zp_decisions (recorded_at, official, note, input_sha256, name, industry, verdict, area_mu, record,
                  rule_pack_version, supersedes, geom) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ST_Multi(ST_GeomFromWKB($12, 4326)))
                """, [.text(d.recordedAt), .text(d.official), d.note.map(PGValue.text) ?? .null, .text(d.inputSha256),
                      .text(d.name), .text(d.industry), .text(d.verdict.rawValue), .double(d.areaMu), .text(json),
                      .text(d.rulePackVersion), d.supersedes.map(PGValue.int) ?? .null, .bytes(try multiPolygonWKB(d.site))])
        }
    }

    private func decisionFrom(_ r: [PGValue]) throws -> DecisionRecord {
        try StoredFeature.decision(id: r[0].int, json: r[1].text ?? "")
    }

    public func decisions(limit: Int?) throws -> [DecisionRecord] {
        try session.query("SELECT id, record FROM zp_decisions ORDER BY id" + (limit.map { " DESC LIMIT \(max(0, $0))" } ?? ""))
            .map(decisionFrom).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    public func decision(id: Int64) throws -> DecisionRecord? {
        try session.query("SELECT id, record FROM zp_decisions WHERE id = $1", [.int(id)]).first.map(decisionFrom)
    }

    // MARK: quotas

    public func quotaStatus(_ key: QuotaAccountKey) throws -> QuotaStatus? {
        let rows = try session.query("""
            SELECT a.name,
              coalesce(sum(CASE WHEN e.entry = 'allocate' THEN e.amount_mu END), 0),
              coalesce(-sum(CASE WHEN e.entry = 'draw' THEN e.amount_mu END), 0),
              coalesce(sum(CASE WHEN e.entry = 'return' THEN e.amount_mu END), 0)
            FROM zp_quota_accounts a LEFT JOIN zp_quota_entries e ON e.account_id = a.id
            WHERE a.kind = $1 AND a.ref = $2 AND a.year = $3 GROUP BY a.id, a.name
            """, [.text(key.kind.rawValue), .text(key.ref), .int(Int64(key.year))])
        guard let r = rows.first else { return nil }
        return QuotaStatus(account: key, name: r[0].text, allocatedMu: r[1].double ?? 0, drawnMu: r[2].double ?? 0, returnedMu: r[3].double ?? 0)
    }

    public func quotaStatuses(year: Int?) throws -> [QuotaStatus] {
        // One grouped query for every account (not one query per account).
        var sql = """
            SELECT a.kind, a.ref, a.year, a.name,
              coalesce(sum(CASE WHEN e.entry = 'allocate' THEN e.amount_mu END), 0),
              coalesce(-sum(CASE WHEN e.entry = 'draw' THEN e.amount_mu END), 0),
              coalesce(sum(CASE WHEN e.entry = 'return' THEN e.amount_mu END), 0)
            FROM zp_quota_accounts a LEFT JOIN zp_quota_entries e ON e.account_id = a.id
            """
        var params: [PGValue] = []
        if let year { sql += " WHERE a.year = $1"; params.append(.int(Int64(year))) }
        sql += " GROUP BY a.id, a.kind, a.ref, a.year, a.name ORDER BY a.year, a.kind, a.ref"
        return try session.query(sql, params).compactMap { r in
            guard let kind = QuotaAccountKey.Kind(rawValue: r[0].text ?? "") else { return nil }
            return QuotaStatus(account: QuotaAccountKey(kind: kind, ref: r[1].text ?? "", year: Int(r[2].int ?? 0)), name: r[3].text,
                               allocatedMu: r[4].double ?? 0, drawnMu: r[5].double ?? 0, returnedMu: r[6].double ?? 0)
        }
    }

    public func insertQuotaEntry(_ e: QuotaEntry) throws -> Int64 {
        try writeTransaction {
            let k = e.account
            var accountId = try session.scalar("SELECT id FROM zp_quota_accounts WHERE kind = $1 AND ref = $2 AND year = $3",
                                               [.text(k.kind.rawValue), .text(k.ref), .int(Int64(k.year))]).int
            if accountId == nil {
                guard e.kind == .allocate else { throw WorkspaceError(.notFound, "no quota account \(k)") }
                accountId = try insertReturningId("INSERT INTO zp_quota_accounts (kind, ref, year, name) VALUES ($1, $2, $3, $4)",
                                                  [.text(k.kind.rawValue), .text(k.ref), .int(Int64(k.year)), e.accountName.map(PGValue.text) ?? .null])
            }
            return try insertReturningId("""
                INSERT INTO zp_quota_entries (account_id, at, entry, amount_mu, decision_id, official, note) VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [.int(accountId!), .text(e.at), .text(e.kind.rawValue), .double(e.amountMu),
                      e.decisionId.map(PGValue.int) ?? .null, .text(e.official), e.note.map(PGValue.text) ?? .null])
        }
    }

    public func quotaEntries(_ key: QuotaAccountKey?) throws -> [QuotaEntry] {
        var sql = """
            SELECT e.id, a.kind, a.ref, a.year, a.name, e.at, e.entry, e.amount_mu, e.decision_id, e.official, e.note
            FROM zp_quota_entries e JOIN zp_quota_accounts a ON a.id = e.account_id
            """
        var params: [PGValue] = []
        if let key {
            sql += " WHERE a.kind = $1 AND a.ref = $2 AND a.year = $3"
            params = [.text(key.kind.rawValue), .text(key.ref), .int(Int64(key.year))]
        }
        sql += " ORDER BY e.id"
        return try session.query(sql, params).map { r in
            QuotaEntry(id: r[0].int, account: QuotaAccountKey(kind: QuotaAccountKey.Kind(rawValue: r[1].text ?? "") ?? .county,
                                                              ref: r[2].text ?? "", year: Int(r[3].int ?? 0)),
                       accountName: r[4].text, at: r[5].text ?? "", kind: QuotaEntry.Kind(rawValue: r[6].text ?? "") ?? .allocate,
                       amountMu: r[7].double ?? 0, decisionId: r[8].int, official: r[9].text ?? "", note: r[10].text)
        }
    }

    // MARK: integrity

    /// PostgreSQL has no `integrity_check`; this checks what the workspace relies on: the schema
    /// is at a known version, the append-only triggers are in place and enabled, and every stored
    /// geometry is a valid MultiPolygon in SRID 4326.
    public func integrityProblems() throws -> [String] {
        var problems: [String] = []
        let version = try schemaVersion()
        guard version > 0 else { return ["the schema is not initialised"] }
        if version > Migrations.latest { problems.append("schema version \(version) is newer than this program knows (\(Migrations.latest))") }
        let guarded = [("zp_feature_history", 1), ("zp_decisions", 2), ("zp_quota_entries", 3)]
        for (table, since) in guarded where version >= since {
            for op in ["no_update", "no_delete", "no_truncate"] {
                let name = "\(table)_\(op)"
                let enabled = try session.scalar("""
                    SELECT t.tgenabled::text FROM pg_trigger t WHERE t.tgrelid = to_regclass($1) AND t.tgname = $2
                    """, [.text(table), .text(name)]).text
                if enabled == nil { problems.append("trigger \(name) is missing: \(table) is no longer append-only") }
                else if enabled == "D" { problems.append("trigger \(name) is disabled: \(table) is no longer append-only") }
            }
        }
        var geometryTables = ["zp_feature_history"] + (version >= 2 ? ["zp_decisions"] : [])
        for v in try layerVersions(layer: nil, activeOnly: true) { geometryTables.append(Self.tableName(v.layer)) }
        for table in geometryTables {
            let bad = try session.scalar("""
                SELECT count(*) FROM \(table) WHERE ST_SRID(geom) <> 4326 OR GeometryType(geom) <> 'MULTIPOLYGON' OR NOT ST_IsValid(geom)
                """).int ?? 0
            if bad > 0 { problems.append("\(table): \(bad) geometries are invalid or not MultiPolygon in SRID 4326") }
        }
        return problems
    }
}

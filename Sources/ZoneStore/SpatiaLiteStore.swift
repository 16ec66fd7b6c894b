import Foundation
import ZoneGeometry
import ZoneVetting

/// The embedded workspace: one SpatiaLite file. WAL journal with `synchronous=FULL`, so a
/// process killed at any moment leaves the file consistent and every committed decision in it.
public final class SpatiaLiteStore: WorkspaceStore {
    public let db: SQLiteConnection
    private let engine = GeometryEngine()
    public var backendName: String { "SpatiaLite" }
    public var location: String { db.path }

    public init(path: String, create: Bool = true) throws {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw WorkspaceError(.notInitialized, "no workspace at \(path): run `zoneplan init --db \(path)` first")
        }
        db = try SQLiteConnection(path: path, create: create)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=FULL")
        try db.execute("PRAGMA foreign_keys=ON")
    }

    // MARK: schema

    public func schemaVersion() throws -> Int {
        let exists = try db.scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='zp_migrations'").int ?? 0
        guard exists > 0 else { return 0 }
        return Int(try db.scalar("SELECT coalesce(max(version), 0) FROM zp_migrations").int ?? 0)
    }

    public func migrate() throws -> [Int] {
        try writeTransaction {
            let hasMeta = try db.scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='spatial_ref_sys'").int ?? 0
            if hasMeta == 0 {
                // Only the WGS84 family of SRIDs (4326 and friends): the full EPSG table is not needed.
                let ok = try db.scalar("SELECT InitSpatialMetaData(0, 'WGS84')").int ?? 0
                guard ok == 1 else { throw SQLiteError(code: 1, message: "InitSpatialMetaData failed", sql: nil) }
            }
            try db.execute("CREATE TABLE IF NOT EXISTS zp_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)")
            let current = try schemaVersion()
            var applied: [Int] = []
            for m in Migrations.spatialite where m.version > current {
                for sql in m.statements {
                    if sql.hasPrefix("SELECT") {
                        // SpatiaLite's functions report failure as 0, not as an SQL error.
                        let r = try db.scalar(sql)
                        guard r.int == 1 else { throw SQLiteError(code: 1, message: "SpatiaLite refused: \(sql)", sql: sql) }
                    } else {
                        try db.execute(sql)
                    }
                }
                try db.query("INSERT INTO zp_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                             [.int(Int64(m.version)), .text(m.description), .text(nowISO())])
                applied.append(m.version)
            }
            return applied
        }
    }

    private var inTransaction = false

    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        inTransaction = true
        defer { inTransaction = false }
        return try db.writeTransaction(body)
    }

    // MARK: documents

    public func insertDocument(_ d: StoredDocument) throws -> Int64 {
        try writeTransaction {
            if d.active {
                try db.query("UPDATE zp_documents SET active = 0 WHERE kind = ?", [.text(d.kind.rawValue)])
            }
            try db.query("""
                INSERT INTO zp_documents (kind, version, sha256, text, imported_by, imported_at, source, active)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(d.kind.rawValue), .text(d.version), .text(d.sha256), .text(d.text), .text(d.importedBy),
                      .text(d.importedAt), .text(d.source), .int(d.active ? 1 : 0)])
            return db.lastInsertRowID
        }
    }

    private func docFrom(_ r: [SQLValue]) -> StoredDocument {
        StoredDocument(id: r[0].int, kind: StoredDocument.Kind(rawValue: r[1].text ?? "") ?? .rulePack, version: r[2].text ?? "",
                       sha256: r[3].text ?? "", text: r[4].text ?? "", importedBy: r[5].text ?? "", importedAt: r[6].text ?? "",
                       source: r[7].text ?? "", active: r[8].int == 1)
    }
    private let docColumns = "id, kind, version, sha256, text, imported_by, imported_at, source, active"

    public func activeDocument(kind: StoredDocument.Kind) throws -> StoredDocument? {
        try db.query("SELECT \(docColumns) FROM zp_documents WHERE kind = ? AND active = 1 ORDER BY id DESC LIMIT 1",
                     [.text(kind.rawValue)]).first.map(docFrom)
    }

    public func document(id: Int64) throws -> StoredDocument? {
        try db.query("SELECT \(docColumns) FROM zp_documents WHERE id = ?", [.int(id)]).first.map(docFrom)
    }

    // MARK: layers

    static func tableName(_ layer: String) -> String {
        "layer_" + layer.map { $0.isLetter || $0.isNumber ? String($0).lowercased() : "_" }.joined()
    }

    /// Polygonal geometry as a MULTIPOLYGON WKB, as the geometry columns are declared.
    func multiPolygonWKB(_ g: Geometry) throws -> [UInt8] {
        try engine.wkb(.multiPolygon(g.polygons))
    }

    public func insertLayerVersion(_ v: LayerVersion, features: [Feature]) throws -> LayerVersion {
        try writeTransaction {
            var v = v
            let next = try db.scalar("SELECT coalesce(max(version), 0) + 1 FROM zp_layer_versions WHERE layer = ?", [.text(v.layer)]).int ?? 1
            v.version = Int(next)
            v.featureCount = features.count
            try db.query("UPDATE zp_layer_versions SET active = 0 WHERE layer = ?", [.text(v.layer)])
            try db.query("""
                INSERT INTO zp_layer_versions (layer, version, title, source_file, sha256, format, imported_by, imported_at,
                  feature_count, schematic, note, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, [.text(v.layer), .int(next), .text(v.title), .text(v.sourceFile), .text(v.sha256), .text(v.format),
                      .text(v.importedBy), .text(v.importedAt), .int(Int64(features.count)), .int(v.schematic ? 1 : 0),
                      v.note.map(SQLValue.text) ?? .null])
            let versionId = db.lastInsertRowID
            v.id = versionId
            v.active = true
            let table = Self.tableName(v.layer)
            let exists = try db.scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", [.text(table)]).int ?? 0
            if exists == 0 {
                try db.execute("""
                    CREATE TABLE \(table) (fid INTEGER PRIMARY KEY AUTOINCREMENT, feature_id TEXT NOT NULL UNIQUE, name TEXT,
                      kind TEXT, layer_version INTEGER NOT NULL, schematic INTEGER, source TEXT, properties TEXT NOT NULL)
                    """)
                guard try db.scalar("SELECT AddGeometryColumn(?, 'geom', 4326, 'MULTIPOLYGON', 'XY', 1)", [.text(table)]).int == 1,
                      try db.scalar("SELECT CreateSpatialIndex(?, 'geom')", [.text(table)]).int == 1 else {
                    throw SQLiteError(code: 1, message: "SpatiaLite could not register the geometry column of \(table)", sql: nil)
                }
            }
            try db.execute("DELETE FROM \(table)")
            let hist = try db.prepare("""
                INSERT INTO zp_feature_history (layer_version_id, feature_id, name, kind, properties, geom)
                VALUES (?, ?, ?, ?, ?, GeomFromWKB(?, 4326))
                """)
            let cur = try db.prepare("""
                INSERT INTO \(table) (feature_id, name, kind, layer_version, schematic, source, properties, geom)
                VALUES (?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 4326))
                """)
            for f in features {
                let row = try StoredFeature(f, engine: engine)
                let name = row.name.map(SQLValue.text) ?? .null, kind = row.kind.map(SQLValue.text) ?? .null
                try hist.bind([.int(versionId), .text(row.featureId), name, kind, .text(row.propertiesJSON), .blob(row.wkb)])
                _ = try hist.step()
                try cur.bind([.text(row.featureId), name, kind, .int(versionId), row.schematic.map { .int($0 ? 1 : 0) } ?? .null,
                              row.source.map(SQLValue.text) ?? .null, .text(row.propertiesJSON), .blob(row.wkb)])
                _ = try cur.step()
            }
            return v
        }
    }

    private let lvColumns = "id, layer, version, title, source_file, sha256, format, imported_by, imported_at, feature_count, schematic, note, active"
    private func lvFrom(_ r: [SQLValue]) -> LayerVersion {
        LayerVersion(id: r[0].int, layer: r[1].text ?? "", version: Int(r[2].int ?? 0), title: r[3].text ?? "",
                     sourceFile: r[4].text ?? "", sha256: r[5].text ?? "", format: r[6].text ?? "", importedBy: r[7].text ?? "",
                     importedAt: r[8].text ?? "", featureCount: Int(r[9].int ?? 0), schematic: r[10].int == 1,
                     note: r[11].text, active: r[12].int == 1)
    }

    public func layerVersions(layer: String?, activeOnly: Bool) throws -> [LayerVersion] {
        var sql = "SELECT \(lvColumns) FROM zp_layer_versions WHERE 1=1"
        var params: [SQLValue] = []
        if let layer { sql += " AND layer = ?"; params.append(.text(layer)) }
        if activeOnly { sql += " AND active = 1" }
        sql += " ORDER BY id"
        return try db.query(sql, params).map(lvFrom)
    }

    public func layerVersion(id: Int64) throws -> LayerVersion? {
        try db.query("SELECT \(lvColumns) FROM zp_layer_versions WHERE id = ?", [.int(id)]).first.map(lvFrom)
    }

    public func layerFeatures(versionId: Int64) throws -> [Feature] {
        try db.query("SELECT feature_id, properties, AsBinary(geom) FROM zp_feature_history WHERE layer_version_id = ? ORDER BY id",
                     [.int(versionId)]).map {
            try StoredFeature.feature(id: $0[0].text ?? "", propertiesJSON: $0[1].text ?? "{}", wkb: $0[2].blob ?? [], engine: engine)
        }
    }

    // MARK: ledger

    public func insertDecision(_ d: DecisionRecord) throws -> Int64 {
        try writeTransaction {
            let json = try StoredFeature.json(d)
            try db.query("""
                INSERT INTO zp_decisions (recorded_at, official, note, input_sha256, name, industry, verdict, area_mu, record,
                  rule_pack_version, supersedes, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 4326))
                """, [.text(d.recordedAt), .text(d.official), d.note.map(SQLValue.text) ?? .null, .text(d.inputSha256),
                      .text(d.name), .text(d.industry), .text(d.verdict.rawValue), .double(d.areaMu), .text(json),
                      .text(d.rulePackVersion), d.supersedes.map(SQLValue.int) ?? .null, .blob(try multiPolygonWKB(d.site))])
            return db.lastInsertRowID
        }
    }

    private func decisionFrom(_ r: [SQLValue]) throws -> DecisionRecord {
        try StoredFeature.decision(id: r[0].int, json: r[1].text ?? "")
    }

    public func decisions(limit: Int?) throws -> [DecisionRecord] {
        try db.query("SELECT id, record FROM zp_decisions ORDER BY id" + (limit.map { " DESC LIMIT \($0)" } ?? ""))
            .map(decisionFrom).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    public func decision(id: Int64) throws -> DecisionRecord? {
        try db.query("SELECT id, record FROM zp_decisions WHERE id = ?", [.int(id)]).first.map(decisionFrom)
    }

    public func integrityProblems() throws -> [String] {
        let rows = try db.query("PRAGMA integrity_check").compactMap { $0.first?.text }
        return rows == ["ok"] ? [] : rows.map { "integrity_check: \($0)" }
    }

    // MARK: quotas

    public func quotaStatus(_ key: QuotaAccountKey) throws -> QuotaStatus? {
        let rows = try db.query("""
            SELECT a.name,
              coalesce(sum(CASE WHEN e.entry = 'allocate' THEN e.amount_mu END), 0),
              coalesce(-sum(CASE WHEN e.entry = 'draw' THEN e.amount_mu END), 0),
              coalesce(sum(CASE WHEN e.entry = 'return' THEN e.amount_mu END), 0)
            FROM zp_quota_accounts a LEFT JOIN zp_quota_entries e ON e.account_id = a.id
            WHERE a.kind = ? AND a.ref = ? AND a.year = ? GROUP BY a.id
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
        var params: [SQLValue] = []
        if let year { sql += " WHERE a.year = ?"; params.append(.int(Int64(year))) }
        sql += " GROUP BY a.id, a.kind, a.ref, a.year, a.name ORDER BY a.year, a.kind, a.ref"
        return try db.query(sql, params).compactMap { r in
            guard let kind = QuotaAccountKey.Kind(rawValue: r[0].text ?? "") else { return nil }
            return QuotaStatus(account: QuotaAccountKey(kind: kind, ref: r[1].text ?? "", year: Int(r[2].int ?? 0)), name: r[3].text,
                               allocatedMu: r[4].double ?? 0, drawnMu: r[5].double ?? 0, returnedMu: r[6].double ?? 0)
        }
    }

    public func insertQuotaEntry(_ e: QuotaEntry) throws -> Int64 {
        try writeTransaction {
            let k = e.account
            var accountId = try db.scalar("SELECT id FROM zp_quota_accounts WHERE kind = ? AND ref = ? AND year = ?",
                                          [.text(k.kind.rawValue), .text(k.ref), .int(Int64(k.year))]).int
            if accountId == nil {
                guard e.kind == .allocate else { throw WorkspaceError(.notFound, "no quota account \(k)") }
                try db.query("INSERT INTO zp_quota_accounts (kind, ref, year, name) VALUES (?, ?, ?, ?)",
                             [.text(k.kind.rawValue), .text(k.ref), .int(Int64(k.year)), e.accountName.map(SQLValue.text) ?? .null])
                accountId = db.lastInsertRowID
            }
            try db.query("""
                INSERT INTO zp_quota_entries (account_id, at, entry, amount_mu, decision_id, official, note) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.int(accountId!), .text(e.at), .text(e.kind.rawValue), .double(e.amountMu),
                      e.decisionId.map(SQLValue.int) ?? .null, .text(e.official), e.note.map(SQLValue.text) ?? .null])
            return db.lastInsertRowID
        }
    }

    public func quotaEntries(_ key: QuotaAccountKey?) throws -> [QuotaEntry] {
        var sql = """
            SELECT e.id, a.kind, a.ref, a.year, a.name, e.at, e.entry, e.amount_mu, e.decision_id, e.official, e.note
            FROM zp_quota_entries e JOIN zp_quota_accounts a ON a.id = e.account_id
            """
        var params: [SQLValue] = []
        if let key {
            sql += " WHERE a.kind = ? AND a.ref = ? AND a.year = ?"
            params = [.text(key.kind.rawValue), .text(key.ref), .int(Int64(key.year))]
        }
        sql += " ORDER BY e.id"
        return try db.query(sql, params).map { r in
            QuotaEntry(id: r[0].int, account: QuotaAccountKey(kind: QuotaAccountKey.Kind(rawValue: r[1].text ?? "") ?? .county,
                                                              ref: r[2].text ?? "", year: Int(r[3].int ?? 0)),
                       accountName: r[4].text, at: r[5].text ?? "", kind: QuotaEntry.Kind(rawValue: r[6].text ?? "") ?? .allocate,
                       amountMu: r[7].double ?? 0, decisionId: r[8].int, official: r[9].text ?? "", note: r[10].text)
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

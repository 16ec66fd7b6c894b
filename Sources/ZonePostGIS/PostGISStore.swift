import Foundation
import ZoneGeometry
import ZoneStore
import ZoneVetting

/// The server workspace: a PostgreSQL database with PostGIS. Same tables, same statements, same
/// behaviour as `SpatiaLiteStore` (`SQLWorkspaceStore`, `WorkspaceSQL`; the `Workspace` logic is
/// shared); geometry columns are `geometry(MultiPolygon, 4326)` with GiST indexes. One connection
/// per store (single-thread); writers exclude each other with a transaction-scoped advisory lock
/// (`PGSession.writeTransaction`), so concurrent recorders (many officials, many processes) never
/// overspend a quota.
public final class PostGISStore: SQLWorkspaceStore, WorkspaceStore {
    public let session: PGSession
    public var backendName: String { "PostGIS" }
    public var location: String { session.url.description }
    public var url: PostgresURL { session.url }

    /// The advisory-lock key every writer takes (`pg_advisory_xact_lock`): "zoneplan" in ASCII.
    public static let writersLock: Int64 = 0x7A6F_6E65_706C_616E

    public convenience init(url: String) throws {
        try self.init(url: try PostgresURL(url))
    }

    public init(url: PostgresURL) throws {
        let session = try PGSession(url)
        // Durability and predictable text: a committed decision is on disk before `record` returns.
        try session.query("SET synchronous_commit = on")
        try session.query("SET client_min_messages = warning")
        try session.query("SET TIME ZONE 'UTC'")
        self.session = session
        super.init(executor: session)
    }

    public func close() { session.close() }

    /// Runs one statement (for tools and tests); see `PGSession.query`.
    @discardableResult
    public func query(_ sql: String, _ params: [PGValue] = []) throws -> [[PGValue]] { try session.query(sql, params) }

    /// Adds PostGIS to the database when it lacks it (or says who must).
    public override func prepareSchema() throws {
        guard try session.scalar("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'").int ?? 0 == 0 else { return }
        do {
            try session.query("CREATE EXTENSION IF NOT EXISTS postgis")
        } catch let e as PostGISError {
            throw PostGISError("the database \(url.database) has no PostGIS and it cannot be added (\(e.message)): "
                               + "have an administrator run `CREATE EXTENSION postgis;` in it", sqlState: e.sqlState)
        }
    }

    /// Fresh statistics for the planner after a layer's current table is rewritten.
    public override func didRewriteLayer(table: String) throws {
        try session.query("ANALYZE \(table)")
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
        let guarded = [("zp_feature_history", 1), ("zp_decisions", 2), ("zp_quota_entries", 3), ("zp_decision_inputs", 4),
                       ("zp_eval_years", 6), ("zp_eval_firms", 6), ("zp_eval_parcels", 6),
                       ("zp_people", 7), ("zp_person_roles", 7), ("zp_person_tokens", 7), ("zp_workflow_settings", 7),
                       ("zp_cases", 7), ("zp_case_steps", 7)]
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
        var geometryTables = ["zp_feature_history"] + (version >= 2 ? ["zp_decisions"] : []) + (version >= 6 ? ["zp_eval_parcels"] : [])
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

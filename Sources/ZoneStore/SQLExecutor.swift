/// The two workspace databases behind one interface: an `SQLExecutor` runs statements (the
/// SpatiaLite connection, the PostGIS session) and an `SQLDialect` says how a statement is
/// spelled for it. `WorkspaceSQL` writes every workspace statement once, for both.

/// A value bound to or read from a statement, on either backend. SQLite has no boolean (a bound
/// `.bool` is stored as 0 or 1; `bool` reads either); PostgreSQL's bytea is a `.blob`.
public enum SQLValue: Equatable, Sendable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
    case bool(Bool)

    public var int: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(exactly: d) ?? (d.isFinite && abs(d) < 9.2e18 ? Int64(d) : nil)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
    public var double: Double? {
        switch self { case .double(let d): return d; case .int(let i): return Double(i); default: return nil }
    }
    public var text: String? { if case .text(let s) = self { return s }; return nil }
    public var blob: [UInt8]? { if case .blob(let b) = self { return b }; return nil }
    /// PostgreSQL's name for a blob.
    public var bytes: [UInt8]? { blob }
    public var bool: Bool? {
        switch self { case .bool(let b): return b; case .int(let i): return i != 0; default: return nil }
    }
    public var isNull: Bool { self == .null }
}

/// Runs statements on one connection (a single-thread object). Statements are in the executor's
/// own dialect (`SQLDialect.render` turns `?` into what it wants).
public protocol SQLExecutor: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement with parameters; returns every row.
    @discardableResult func query(_ sql: String, _ params: [SQLValue]) throws -> [[SQLValue]]
    /// The first column of the first row (`.null` when there is none).
    func scalar(_ sql: String, _ params: [SQLValue]) throws -> SQLValue
    /// Runs an INSERT into a table with an `id` key; returns the new row's id (SQLite: the last
    /// insert rowid; PostgreSQL: `RETURNING id`).
    func insertReturningId(_ sql: String, _ params: [SQLValue]) throws -> Int64
    /// Runs one statement once for each parameter row (SQLite prepares it once).
    func executeEach(_ sql: String, _ rows: [[SQLValue]]) throws
    /// One write transaction that excludes other writers; commits when `body` returns, rolls
    /// back when it throws. Not re-entrant (the store handles nesting).
    func writeTransaction<T>(_ body: () throws -> T) throws -> T
    /// A read-only transaction: every statement in `body` sees the same committed state (SQLite:
    /// a deferred transaction's snapshot; PostgreSQL: REPEATABLE READ). Never takes the writers' lock.
    func readTransaction<T>(_ body: () throws -> T) throws -> T
}

/// How the workspace's SQL is spelled on a backend: what differs between SpatiaLite and PostGIS
/// and nothing else. Statements are written with `?` placeholders and rendered with `render`.
public enum SQLDialect: String, Sendable, CaseIterable {
    case spatialite
    case postgis

    // MARK: statements

    /// The placeholder for parameter `n` (1-based): `?` or `$n`.
    public func placeholder(_ n: Int) -> String { self == .spatialite ? "?" : "$\(n)" }

    /// `sql` with each `?` outside string literals replaced by `placeholder(n)`.
    public func render(_ sql: String) -> String {
        guard self == .postgis else { return sql }
        var out = "", n = 0, inString = false
        out.reserveCapacity(sql.count + 16)
        for c in sql {
            if c == "'" { inString.toggle() }
            if c == "?" && !inString { n += 1; out += placeholder(n) } else { out.append(c) }
        }
        return out
    }

    public var trueLiteral: String { self == .spatialite ? "1" : "true" }
    public var falseLiteral: String { self == .spatialite ? "0" : "false" }

    /// A LIMIT count. SQLite reads a negative limit as none; PostgreSQL refuses one (kept as 0).
    public func limit(_ n: Int) -> String { self == .spatialite ? "\(n)" : "\(max(0, n))" }

    /// A query whose one value (as `SQLValue.bool`) says whether table `?` exists.
    public var tableExists: String {
        self == .spatialite ? "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?" : "SELECT to_regclass(?) IS NOT NULL"
    }

    // MARK: geometry

    /// A MULTIPOLYGON in SRID 4326 from WKB bound at `param`.
    public func geomFromWKB(_ param: String = "?") -> String {
        self == .spatialite ? "GeomFromWKB(\(param), 4326)" : "ST_Multi(ST_GeomFromWKB(\(param), 4326))"
    }

    /// A geometry column as WKB.
    public func asBinary(_ column: String) -> String { self == .spatialite ? "AsBinary(\(column))" : "ST_AsBinary(\(column))" }

    // MARK: schema

    public var text: String { self == .spatialite ? "TEXT" : "text" }
    public var integer: String { self == .spatialite ? "INTEGER" : "integer" }
    /// A row id or a reference to one.
    public var bigint: String { self == .spatialite ? "INTEGER" : "bigint" }
    public var real: String { self == .spatialite ? "REAL" : "double precision" }
    public var boolean: String { self == .spatialite ? "INTEGER" : "boolean" }
    /// Raw bytes.
    public var blob: String { self == .spatialite ? "BLOB" : "bytea" }

    /// An auto-numbered primary key column type (`type` is PostgreSQL's integer type).
    public func identityKey(_ type: String = "bigint") -> String {
        self == .spatialite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "\(type) GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    }

    /// The `geom` column inside CREATE TABLE (PostGIS), with its leading comma; empty for
    /// SpatiaLite, which adds it afterwards (`spatialColumn`).
    public var inlineGeometryColumn: String { self == .spatialite ? "" : ", geom geometry(MultiPolygon, 4326) NOT NULL" }

    /// Registers `table`'s `geom` column (SpatiaLite) and gives it a spatial index (R*Tree, GiST).
    /// SpatiaLite's functions answer 1 for success (see `SpatiaLiteStore.runSchemaStatement`).
    public func spatialColumn(_ table: String) -> [String] {
        switch self {
        case .spatialite:
            return ["SELECT AddGeometryColumn('\(table)', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1)",
                    "SELECT CreateSpatialIndex('\(table)', 'geom')"]
        case .postgis:
            return ["CREATE INDEX \(table)_geom ON \(table) USING gist (geom)"]
        }
    }

    /// What the append-only triggers need first (PostgreSQL: the trigger function).
    public var appendOnlyFunction: [String] {
        switch self {
        case .spatialite: return []
        case .postgis:
            return ["""
                CREATE OR REPLACE FUNCTION zp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation'; END $$
                """]
        }
    }

    /// Triggers that refuse UPDATE and DELETE (and TRUNCATE, in PostgreSQL) on `table`.
    public func appendOnly(_ table: String, update: String, delete: String) -> [String] {
        switch self {
        case .spatialite:
            return [
                """
                CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(update)'); END
                """,
                """
                CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(delete)'); END
                """,
            ]
        case .postgis:
            return [
                "CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) FOR EACH ROW EXECUTE FUNCTION zp_append_only('\(update)')",
                "CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION zp_append_only('\(delete)')",
                "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION zp_append_only('\(delete)')",
            ]
        }
    }
}

import CSpatiaLite
import Foundation

/// An SQLite or SpatiaLite failure, with SQLite's message and the statement at fault.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var sql: String?
    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " (in: \($0.prefix(120)))" } ?? "")
    }
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
}

/// Owns one `sqlite3*` connection with SpatiaLite loaded into it (its own `spatialite` cache,
/// freed in `deinit`). A connection is a single-thread object: give each task its own.
public final class SQLiteConnection {
    private var db: OpaquePointer?           // owned
    private var spatialiteCache: UnsafeMutableRawPointer?  // owned
    public let path: String

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        self.path = path
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let handle { sqlite3_close_v2(handle) }
            throw SQLiteError(code: rc, message: "\(msg): \(path)", sql: nil)
        }
        db = handle
        guard let cache = spatialite_alloc_connection() else {
            sqlite3_close_v2(handle); db = nil
            throw SQLiteError(code: SQLITE_NOMEM, message: "spatialite_alloc_connection failed", sql: nil)
        }
        spatialiteCache = cache
        spatialite_init_ex(handle, cache, 0)
        sqlite3_busy_timeout(handle, Self.busyTimeoutMs)
    }

    /// How long one statement waits for a lock another connection holds (SQLite's busy handler).
    public static let busyTimeoutMs: Int32 = 30_000
    /// How long `writeTransaction` keeps trying to take the writers' lock (BEGIN IMMEDIATE) before
    /// it gives up and says the workspace is busy. A machine under load can hold the lock for
    /// seconds per writer (vetting happens under it); 30 s covers several writers queued behind
    /// each other. Each attempt waits in SQLite's busy handler for up to a second, then the
    /// attempt is retried after a jittered pause (5 ms doubling to 250 ms).
    public var writeLockTimeout: TimeInterval = 30

    deinit {
        if let db { sqlite3_close_v2(db) }
        if let spatialiteCache { spatialite_cleanup_ex(spatialiteCache) }
    }

    func fail(_ rc: Int32, _ sql: String?) -> SQLiteError {
        SQLiteError(code: rc, message: db.map { String(cString: sqlite3_errmsg($0)) } ?? "closed", sql: sql)
    }

    /// Runs one or more statements without results.
    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: msg, sql: sql)
        }
    }

    public func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw fail(rc, sql) }
        return Statement(stmt: stmt, connection: self, sql: sql)
    }

    /// Runs a statement with parameters; returns every row.
    @discardableResult
    public func query(_ sql: String, _ params: [SQLValue] = []) throws -> [[SQLValue]] {
        let s = try prepare(sql)
        try s.bind(params)
        var rows: [[SQLValue]] = []
        while let row = try s.step() { rows.append(row) }
        return rows
    }

    public func scalar(_ sql: String, _ params: [SQLValue] = []) throws -> SQLValue {
        try query(sql, params).first?.first ?? .null
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(db) }
    public var changes: Int { Int(sqlite3_changes(db)) }

    /// BEGIN IMMEDIATE takes the write lock at once, so two writers serialise instead of one
    /// failing at commit; the body's work commits together or not at all.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try beginImmediate()
        return try committing(body)
    }

    /// A deferred transaction: its first read fixes the snapshot the rest of `body` sees (WAL).
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        return try committing(body)
    }

    /// Runs `body` in the transaction just begun: COMMIT after it, ROLLBACK if it (or COMMIT) throws.
    private func committing<T>(_ body: () throws -> T) throws -> T {
        do {
            let v = try body()
            try execute("COMMIT")
            return v
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// BEGIN IMMEDIATE, retried with backoff while another writer holds the lock (SQLITE_BUSY),
    /// until `writeLockTimeout`. SQLite can answer BUSY at once in WAL mode (e.g. while another
    /// connection recovers or checkpoints the log), so its own busy handler is not enough.
    func beginImmediate() throws {
        let deadline = Date().addingTimeInterval(writeLockTimeout)
        var pause = 0.005
        defer { sqlite3_busy_timeout(db, Self.busyTimeoutMs) }
        while true {
            let remaining = deadline.timeIntervalSinceNow
            sqlite3_busy_timeout(db, Int32(max(1, min(remaining, 1.0) * 1000)))
            do {
                try execute("BEGIN IMMEDIATE")
                return
            } catch let e as SQLiteError where e.isBusy {
                if Date() >= deadline {
                    throw SQLiteError(code: e.code, message: "the workspace is busy: another writer kept it locked for more than "
                                      + "\(Int(writeLockTimeout)) s (\(e.message))", sql: "BEGIN IMMEDIATE")
                }
                usleep(UInt32(pause * Double.random(in: 0.5...1.5) * 1_000_000))
                pause = min(pause * 2, 0.25)
            }
        }
    }

    fileprivate var handle: OpaquePointer? { db }
    fileprivate static var transientDestructor: sqlite3_destructor_type { transient }
}

/// Owns one prepared statement (finalized in `deinit`); bound to its connection's thread.
public final class Statement {
    private let stmt: OpaquePointer  // owned
    private let connection: SQLiteConnection
    let sql: String

    init(stmt: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.stmt = stmt; self.connection = connection; self.sql = sql
    }
    deinit { sqlite3_finalize(stmt) }

    public func bind(_ params: [SQLValue]) throws {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        for (i, p) in params.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch p {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .int(let v): rc = sqlite3_bind_int64(stmt, idx, v)
            case .double(let v): rc = sqlite3_bind_double(stmt, idx, v)
            case .bool(let b): rc = sqlite3_bind_int64(stmt, idx, b ? 1 : 0)
            case .text(let s): rc = sqlite3_bind_text(stmt, idx, s, -1, SQLiteConnection.transientDestructor)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(stmt, idx, $0.baseAddress, Int32(b.count), SQLiteConnection.transientDestructor) }
            }
            guard rc == SQLITE_OK else { throw connection.fail(rc, sql) }
        }
    }

    /// The next row, or nil when done.
    public func step() throws -> [SQLValue]? {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw connection.fail(rc, sql) }
        let n = sqlite3_column_count(stmt)
        return (0..<n).map { i in
            switch sqlite3_column_type(stmt, i) {
            case SQLITE_INTEGER: return .int(sqlite3_column_int64(stmt, i))
            case SQLITE_FLOAT: return .double(sqlite3_column_double(stmt, i))
            case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(stmt, i)))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(stmt, i))
                guard count > 0, let p = sqlite3_column_blob(stmt, i) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: p, count: count)))
            default: return .null
            }
        }
    }
}

extension SQLiteConnection: SQLExecutor {
    public var dialect: SQLDialect { .spatialite }

    public func insertReturningId(_ sql: String, _ params: [SQLValue]) throws -> Int64 {
        try query(sql, params)
        return lastInsertRowID
    }

    public func executeEach(_ sql: String, _ rows: [[SQLValue]]) throws {
        let s = try prepare(sql)
        for params in rows {
            try s.bind(params)
            while try s.step() != nil {}
        }
    }
}

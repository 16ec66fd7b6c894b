import Foundation
import Logging
import PostgresNIO
import ZoneStore

/// A value bound to or read from a query: the workspace's neutral `SQLValue` (bytea is `.blob`).
public typealias PGValue = SQLValue

/// One connection used synchronously: a `PostgresConnection` on its own one-thread event-loop
/// group, each query awaited from the caller's thread (never an event-loop thread). Not for
/// several threads at once. Queries are never logged (they may carry applicants' data); the
/// password is only handed to the driver.
public final class PGSession {
    private let group: MultiThreadedEventLoopGroup
    private var connection: PostgresConnection?
    private let logger: Logger
    public let url: PostgresURL

    public init(_ url: PostgresURL) throws {
        self.url = url
        logger = Logger(label: "zoneplan.postgis", factory: { _ in SwiftLogNoOpLogHandler() })
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let config = try url.configuration()
            connection = try PostgresConnection.connect(on: group.next(), configuration: config, id: 1, logger: logger).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw PostGISError("cannot connect to \(url): \(Self.reason(error))", sqlState: Self.sqlState(error))
        }
    }

    deinit { close() }

    /// Closes the connection and stops the event loop. Idempotent.
    public func close() {
        if let c = connection {
            connection = nil
            try? c.close().wait()
            try? group.syncShutdownGracefully()
        }
    }

    /// Runs one statement with `$1…` parameters; returns the rows.
    @discardableResult
    public func query(_ sql: String, _ params: [PGValue] = []) throws -> [[PGValue]] {
        guard let connection else { throw PostGISError("the connection to \(url) is closed") }
        var binds = PostgresBindings(capacity: params.count)
        for p in params {
            switch p {
            case .null: binds.appendNull()
            case .int(let i): binds.append(i)
            case .double(let d): binds.append(d)
            case .text(let s): binds.append(s)
            case .bool(let b): binds.append(b)
            case .blob(let b):
                var buf = ByteBufferAllocator().buffer(capacity: b.count)
                buf.writeBytes(b)
                binds.append(buf)
            }
        }
        let result: PostgresQueryResult
        do {
            result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
        } catch {
            throw PostGISError(Self.reason(error) + " — in: " + Self.shorten(sql), sqlState: Self.sqlState(error))
        }
        return try result.map { row in try row.map(Self.value) }
    }

    /// The first column of the first row (`.null` when there is none).
    public func scalar(_ sql: String, _ params: [PGValue] = []) throws -> PGValue {
        try query(sql, params).first?.first ?? .null
    }

    /// BEGIN, then `pg_advisory_xact_lock(PostGISStore.writersLock)`: one writer at a time across
    /// every connection to the database, released at COMMIT or ROLLBACK. READ COMMITTED: each
    /// statement after the lock sees everything the previous writers committed.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN ISOLATION LEVEL READ COMMITTED")
        return try committing {
            try query("SELECT pg_advisory_xact_lock($1)", [.int(PostGISStore.writersLock)])
            return try body()
        }
    }

    /// One snapshot for every statement of `body` (REPEATABLE READ, READ ONLY); no lock taken.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return try committing(body)
    }

    /// Runs `body` in the transaction just begun: COMMIT after it, ROLLBACK if it (or COMMIT) throws.
    private func committing<T>(_ body: () throws -> T) throws -> T {
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    static func value(_ cell: PostgresCell) throws -> PGValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .int(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .numeric: return .double(Double(try cell.decode(String.self)) ?? .nan)
        case .bool: return .bool(try cell.decode(Bool.self))
        case .bytea:
            var b = try cell.decode(ByteBuffer.self)
            return .blob(b.readBytes(length: b.readableBytes) ?? [])
        default:
            if let s = try? cell.decode(String.self) { return .text(s) }
            var b = cell.bytes!
            return .blob(b.readBytes(length: b.readableBytes) ?? [])
        }
    }

    static func sqlState(_ error: Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// A readable reason. PSQLError's own description is deliberately generic; the server's
    /// message and the connection failure are what a user needs (neither carries the password).
    static func reason(_ error: Error) -> String {
        if let e = error as? PostGISError { return e.message }
        guard let e = error as? PSQLError else { return "\(error)" }
        if let info = e.serverInfo, let message = info[.message] {
            var s = message
            if let detail = info[.detail] { s += " (\(detail))" }
            if let hint = info[.hint] { s += " hint: \(hint)" }
            return s
        }
        if e.code == .authMechanismRequiresPassword {
            return "the server asks for a password: give it in the URL or in $PGPASSWORD"
        }
        if let u = e.underlying { return "\(e.code.description): \(u)" }
        return e.code.description
    }

    static func shorten(_ sql: String) -> String {
        let one = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return one.count > 120 ? String(one.prefix(120)) + "…" : one
    }
}

extension PGSession: SQLExecutor {
    public var dialect: SQLDialect { .postgis }

    public func insertReturningId(_ sql: String, _ params: [SQLValue]) throws -> Int64 {
        guard let id = try scalar(sql + " RETURNING id", params).int else { throw PostGISError("no id returned: \(sql)") }
        return id
    }

    public func executeEach(_ sql: String, _ rows: [[SQLValue]]) throws {
        for params in rows { try query(sql, params) }
    }
}

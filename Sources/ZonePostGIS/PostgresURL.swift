import Foundation
import PostgresNIO
import ZoneStore

/// A `postgres://user[:password]@host[:port]/dbname[?sslmode=disable|prefer|require]` URL, as
/// libpq reads it. What the URL leaves out comes from the environment as with `psql`: the
/// password from `PGPASSWORD`, the user from `PGUSER` (else `USER`), the port from `PGPORT`
/// (else 5432), the database from `PGDATABASE` (else the user name). `?host=/run/postgresql`
/// selects a unix socket directory. The password is never part of `description`.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public enum SSLMode: String, Sendable { case disable, prefer, require }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// A unix-socket directory (`?host=/dir`), used instead of TCP.
    public var socketDirectory: String?
    public var sslMode: SSLMode

    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard WorkspaceLocator.isPostgres(url), let c = URLComponents(string: url) else {
            throw PostGISError("not a postgres:// URL: \(WorkspaceLocator.redacted(url))")
        }
        func env(_ k: String) -> String? { environment[k].flatMap { $0.isEmpty ? nil : $0 } }
        let query = Dictionary((c.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        user = c.user.flatMap { $0.removingPercentEncoding } ?? query["user"] ?? env("PGUSER") ?? env("USER") ?? "postgres"
        password = c.password.flatMap { $0.removingPercentEncoding } ?? query["password"] ?? env("PGPASSWORD")
        let h = c.host.flatMap { $0.removingPercentEncoding } ?? ""
        if let q = query["host"], q.hasPrefix("/") {
            socketDirectory = q
        } else if h.hasPrefix("/") {
            socketDirectory = h
        } else {
            socketDirectory = nil
        }
        host = h.isEmpty ? (query["host"].flatMap { $0.hasPrefix("/") ? nil : $0 } ?? env("PGHOST") ?? "localhost") : h
        if let p = c.port {
            port = p
        } else if let p = query["port"].flatMap(Int.init) ?? env("PGPORT").flatMap(Int.init) {
            port = p
        } else {
            port = 5432
        }
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? query["dbname"] ?? env("PGDATABASE") ?? user
        let loopback = socketDirectory != nil || ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        if let m = query["sslmode"] ?? env("PGSSLMODE") {
            switch m {
            case "disable", "allow": sslMode = .disable
            case "prefer": sslMode = .prefer
            case "require", "verify-ca", "verify-full": sslMode = .require
            default: throw PostGISError("unknown sslmode '\(m)' in \(WorkspaceLocator.redacted(url)) (disable, prefer or require)")
            }
        } else {
            sslMode = loopback ? .disable : .prefer
        }
    }

    /// The URL without its password.
    public var description: String {
        var c = URLComponents()
        c.scheme = "postgres"
        c.user = user
        c.host = socketDirectory == nil ? host : ""
        c.port = socketDirectory == nil ? port : nil
        c.path = "/" + database
        var items: [URLQueryItem] = []
        if let socketDirectory { items.append(URLQueryItem(name: "host", value: socketDirectory)) }
        if sslMode == .require { items.append(URLQueryItem(name: "sslmode", value: "require")) }
        if !items.isEmpty { c.queryItems = items }
        return c.string ?? "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// The same server, another database.
    public func with(database: String) -> PostgresURL {
        var u = self
        u.database = database
        return u
    }

    /// As a URL string, with the password when `includePassword` (for handing to another process).
    public func urlString(includePassword: Bool) -> String {
        guard includePassword, let password, var c = URLComponents(string: description) else { return description }
        c.password = password
        return c.string ?? description
    }

    /// A GDAL/OGR data source (`ogrinfo PG:"…"`, QGIS). With `includePassword` false the password
    /// is left to `PGPASSWORD` or `~/.pgpass`.
    public func gdalDataSource(includePassword: Bool = false) -> String {
        var parts = ["host=\(socketDirectory ?? host)", "port=\(port)", "dbname=\(database)", "user=\(user)"]
        if includePassword, let password { parts.append("password=\(password)") }
        return "PG:" + parts.joined(separator: " ")
    }

    func configuration() throws -> PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        if let socketDirectory {
            config = .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch sslMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            config = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        config.options.connectTimeout = .seconds(15)
        return config
    }
}

/// An error of the PostGIS backend: the server's message and SQLSTATE, or why the connection
/// failed. Never carries a password.
public struct PostGISError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The server's SQLSTATE, when the server reported the error.
    public var sqlState: String?
    public init(_ message: String, sqlState: String? = nil) { self.message = message; self.sqlState = sqlState }
    public var description: String { "PostGIS: " + message + (sqlState.map { " (SQLSTATE \($0))" } ?? "") }
}

import Foundation
import ZoneStore

/// The PostGIS workspace backend. Call `ZonePostGIS.register()` once at start-up: from then on
/// `WorkspaceLocator.open("postgres://…")` (the `--db` option, `$ZONEPLAN_DB`, the server
/// configuration) opens a `PostGISStore`.
public enum ZonePostGIS {
    /// Installs the opener for `postgres://` and `postgresql://` locations. Idempotent.
    public static func register() {
        WorkspaceLocator.postgresOpener = { url in try PostGISStore(url: url) }
    }

    /// Creates a database on the server of `url` (connecting to `url`'s own database to do so),
    /// optionally as a copy of `template`, and makes sure it has PostGIS. Needs the CREATEDB right.
    /// - Returns: the new database's URL (with the password, when `url` had one).
    @discardableResult
    public static func createDatabase(_ name: String, on url: String, template: String? = nil) throws -> String {
        guard name.range(of: #"^[a-z_][a-z0-9_]{0,62}$"#, options: .regularExpression) != nil else {
            throw PostGISError("database name '\(name)' must be lower-case letters, digits and _")
        }
        let server = try PostgresURL(url)
        do {
            let admin = try PGSession(server)
            defer { admin.close() }
            if let template {
                try admin.query("CREATE DATABASE \(name) TEMPLATE \(quoteIdent(template))")
            } else {
                try admin.query("CREATE DATABASE \(name)")
            }
        }
        let target = server.with(database: name)
        let s = try PGSession(target)
        defer { s.close() }
        try s.query("CREATE EXTENSION IF NOT EXISTS postgis")
        return target.urlString(includePassword: true)
    }

    /// Drops a database (closing its other connections first: PostgreSQL 13+ `WITH (FORCE)`).
    public static func dropDatabase(_ name: String, on url: String) throws {
        let admin = try PGSession(try PostgresURL(url))
        defer { admin.close() }
        try admin.query("DROP DATABASE IF EXISTS \(quoteIdent(name)) WITH (FORCE)")
    }

    static func quoteIdent(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

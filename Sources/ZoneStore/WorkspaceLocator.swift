import Foundation

/// Where the workspace is: `--db`, then `$ZONEPLAN_DB`, then the default file
/// `$XDG_DATA_HOME/zoneplanner/workspace.sqlite` (`~/.local/share/zoneplanner/workspace.sqlite`).
/// A `postgres://` URL selects the PostGIS backend.
public enum WorkspaceLocator {
    public static let environmentVariable = "ZONEPLAN_DB"

    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return base + "/zoneplanner/workspace.sqlite"
    }

    /// The configured location and how it was chosen, or nil when none is configured and the
    /// default file does not exist.
    public static func configured(explicit: String?) -> (location: String, how: String)? {
        if let explicit, !explicit.isEmpty { return (explicit, "--db") }
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty { return (env, "$\(environmentVariable)") }
        if FileManager.default.fileExists(atPath: defaultPath) { return (defaultPath, "default workspace") }
        return nil
    }

    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Opens the store at a location. `create` makes a new SpatiaLite file (and its folder).
    public static func open(_ location: String, create: Bool) throws -> WorkspaceStore {
        if isPostgres(location) {
            return try openPostgres(location)
        }
        if create {
            let dir = (location as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        }
        return try SpatiaLiteStore(path: location, create: create)
    }

    /// Set by the PostGIS backend when it is linked in.
    nonisolated(unsafe) public static var postgresOpener: ((String) throws -> WorkspaceStore)?

    static func openPostgres(_ url: String) throws -> WorkspaceStore {
        guard let opener = postgresOpener else {
            throw WorkspaceError(.badInput, "PostGIS workspaces are not available in this build")
        }
        return try opener(url)
    }

    /// A URL or path safe to print: the password of a postgres URL is replaced by ***.
    public static func redacted(_ location: String) -> String {
        guard isPostgres(location), var c = URLComponents(string: location) else { return location }
        if c.password != nil { c.password = "***" }
        return c.string ?? "postgres://…"
    }
}

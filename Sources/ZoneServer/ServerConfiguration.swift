import Foundation
import Logging
import ZonePlan

/// What `zoneplan serve` runs with. The plan is loaded by the caller (GeoData folder or workspace)
/// and shared read-only; every request that needs GEOS/PROJ borrows an engine from a pool.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The plan layers, vocabulary and rule pack (a value, shared by all requests).
    public var plan: PlanData
    /// Workspace location (SpatiaLite file or postgres:// URL): enables `decisions` and quotas.
    public var workspace: String?
    /// Bearer token for the write endpoints (`POST /decisions`, `POST /quotas`). nil: writes refused.
    public var token: String?
    /// Optional tile URL template for the map page (a bureau's own tile server).
    public var tilesURL: String?
    /// Largest request body accepted (bytes); larger ones get 413.
    public var maxBodyBytes: Int
    /// Where Debian's libjs-leaflet keeps Leaflet; served at `/leaflet/`.
    public var leafletDirectory: String
    /// GeoData/examples, served at `/examples/` (the map page's demo loads them).
    public var examplesDirectory: URL?
    /// How many vetting engines (GEOS + PROJ contexts) may exist at once.
    public var engineCount: Int
    public var logLevel: Logger.Level
    /// Deadlines and the connection cap (slow or idle clients cannot hold the server).
    public var limits = ConnectionLimits()

    public init(plan: PlanData, host: String = "127.0.0.1", port: Int = 8080, workspace: String? = nil, token: String? = nil,
                tilesURL: String? = nil, maxBodyBytes: Int = 2 * 1024 * 1024,
                leafletDirectory: String = "/usr/share/javascript/leaflet", examplesDirectory: URL? = nil,
                engineCount: Int = max(2, ProcessInfo.processInfo.activeProcessorCount),
                logLevel: Logger.Level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info) {
        self.plan = plan; self.host = host; self.port = port; self.workspace = workspace
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.tilesURL = tilesURL; self.maxBodyBytes = maxBodyBytes; self.leafletDirectory = leafletDirectory
        self.examplesDirectory = examplesDirectory; self.engineCount = max(1, engineCount); self.logLevel = logLevel
    }

    /// The token from a file (first line, trimmed) or `$ZONEPLAN_TOKEN`; nil when neither is set.
    public static func readToken(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let file {
            guard let d = FileManager.default.contents(atPath: file) else {
                throw ServerSetupError("--token-file \(file): cannot read the file")
            }
            let t = String(decoding: d, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard t.count >= 16 else { throw ServerSetupError("--token-file \(file): the token must be at least 16 characters") }
            return t
        }
        if let t = environment["ZONEPLAN_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
            guard t.count >= 16 else { throw ServerSetupError("$ZONEPLAN_TOKEN: the token must be at least 16 characters") }
            return t
        }
        return nil
    }
}

public struct ServerSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

import Foundation
import ZoneGeometry
import ZoneVetting

/// The embedded workspace: one SpatiaLite file. WAL journal with `synchronous=FULL`, so a
/// process killed at any moment leaves the file consistent and every committed decision in it.
/// The workspace's statements are `SQLWorkspaceStore`'s; this is the connection and what only
/// SpatiaLite does (its metadata tables, its functions that answer 0 for failure, integrity_check).
public final class SpatiaLiteStore: SQLWorkspaceStore, WorkspaceStore {
    public let db: SQLiteConnection
    public var backendName: String { "SpatiaLite" }
    public var location: String { db.path }

    public init(path: String, create: Bool = true) throws {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw WorkspaceError(.notInitialized, "no workspace at \(path): run `zoneplan init --db \(path)` first")
        }
        let db = try SQLiteConnection(path: path, create: create)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=FULL")
        try db.execute("PRAGMA foreign_keys=ON")
        self.db = db
        super.init(executor: db)
    }

    /// Only the WGS84 family of SRIDs (4326 and friends): the full EPSG table is not needed.
    public override func prepareSchema() throws {
        guard try db.scalar(sql.tableExists, [.text("spatial_ref_sys")]).bool != true else { return }
        guard try db.scalar("SELECT InitSpatialMetaData(0, 'WGS84')").int == 1 else {
            throw SQLiteError(code: 1, message: "InitSpatialMetaData failed", sql: nil)
        }
    }

    /// SpatiaLite's functions (AddGeometryColumn, CreateSpatialIndex) report failure as 0, not as an SQL error.
    public override func runSchemaStatement(_ statement: String) throws {
        guard statement.hasPrefix("SELECT") else { return try db.execute(statement) }
        guard try db.scalar(statement).int == 1 else { throw SQLiteError(code: 1, message: "SpatiaLite refused: \(statement)", sql: statement) }
    }

    public func integrityProblems() throws -> [String] {
        let rows = try db.query("PRAGMA integrity_check").compactMap { $0.first?.text }
        return rows == ["ok"] ? [] : rows.map { "integrity_check: \($0)" }
    }
}

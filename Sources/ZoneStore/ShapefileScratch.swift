import Foundation

/// The scratch in-memory SpatiaLite database that reads shapefiles (`ImportSHP`). Opening one
/// (SpatiaLite's functions, its metadata tables) costs more than reading a small file, so a
/// caller that reads many files keeps one: `zoneplan import` opens one per file, the Shapefile
/// fuzzer one per process. A single-thread object, like the connection it owns.
public final class ShapefileScratch {
    let db: SQLiteConnection

    public init() throws {
        // SpatiaLite 5 offers ImportSHP only to connections opened with SPATIALITE_SECURITY=relaxed;
        // this scratch in-memory connection is the only one that gets it.
        setenv("SPATIALITE_SECURITY", "relaxed", 1)
        defer { unsetenv("SPATIALITE_SECURITY") }
        db = try SQLiteConnection(path: ":memory:")
        _ = try db.scalar("SELECT InitSpatialMetaData(1, 'NONE')")
    }

    /// The file's columns (without the geometry and the key) and its rows in file order, each
    /// row the geometry's WKB first, then the columns. The scratch table is dropped afterwards,
    /// so the next read starts from an empty database.
    func rows(base: String, charset: String, srid: Int, path: String) throws -> (columns: [String], rows: [[SQLValue]]) {
        try dropTable()
        defer { try? dropTable() }
        let n = try db.scalar("SELECT ImportSHP(?, 'shp', ?, ?, 'geom', 'pk_uid', 'AUTO', 1, 0, 0, 0, 'SAME', 0, 0)",
                              [.text(base), .text(charset), .int(Int64(srid))]).int ?? -1
        guard n > 0 else { throw WorkspaceError(.badInput, "\(path): SpatiaLite could not read the shapefile (or it has no features)") }
        let cols = try db.query("PRAGMA table_info(shp)").compactMap { $0[1].text }.filter { $0 != "geom" && $0 != "pk_uid" }
        let sel = (["AsBinary(geom)"] + cols.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }).joined(separator: ", ")
        return (cols, try db.query("SELECT \(sel) FROM shp ORDER BY pk_uid"))
    }

    private func dropTable() throws {
        guard try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'shp'").int ?? 0 > 0 else { return }
        // DropTable also takes the table out of SpatiaLite's metadata, so `shp` can be imported again.
        guard try db.scalar("SELECT DropTable(NULL, 'shp')").int == 1 else {
            throw SQLiteError(code: 1, message: "SpatiaLite could not drop the scratch table", sql: "DropTable(NULL, 'shp')")
        }
        // SpatiaLite logs every import and drop in spatialite_history: a row per read, which over a
        // fuzzing run's millions of reads is memory that only grows.
        if try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'spatialite_history'").int ?? 0 > 0 {
            try db.execute("DELETE FROM spatialite_history")
        }
    }
}

import Foundation

/// The scratch in-memory SpatiaLite database that reads shapefiles (`ImportSHP`). Opening one
/// (SpatiaLite's functions) costs more than reading a small file, so a caller that reads many
/// files keeps one: `zoneplan import` opens one per file, the Shapefile fuzzer one per process.
/// A single-thread object, like the connection it owns.
///
/// No SpatiaLite metadata (`InitSpatialMetaData`): ImportSHP does not need it to fill the table,
/// the table is read once and dropped, and without it nothing is logged per read
/// (`spatialite_history` gained a row per import and per `DropTable`).
public final class ShapefileScratch {
    let db: SQLiteConnection

    /// The key and geometry columns ImportSHP adds. A .dbf field name has at most 11 bytes, so
    /// these cannot be a field's: a field named `pk_uid`, SpatiaLite's usual key, crashed
    /// ImportSHP (a NULL name in `load_shapefile_ex3`; found by fuzzing, Fuzz/Shapefile).
    static let keyColumn = "zoneplan_row_key", geometryColumn = "zoneplan_geometry"

    public init() throws {
        // SpatiaLite 5 offers ImportSHP only to connections opened with SPATIALITE_SECURITY=relaxed;
        // this scratch in-memory connection is the only one that gets it.
        setenv("SPATIALITE_SECURITY", "relaxed", 1)
        defer { unsetenv("SPATIALITE_SECURITY") }
        db = try SQLiteConnection(path: ":memory:")
    }

    /// The file's columns (without the geometry and the key) and its rows in file order, each
    /// row the geometry's WKB first, then the columns. The scratch table is dropped afterwards,
    /// so the next read starts from an empty database.
    func rows(base: String, charset: String, srid: Int, path: String) throws -> (columns: [String], rows: [[SQLValue]]) {
        try dropTable()
        defer { try? dropTable() }
        let n = try db.scalar("SELECT ImportSHP(?, 'shp', ?, ?, ?, ?, 'AUTO', 1, 0, 0, 0, 'SAME', 0, 0)",
                              [.text(base), .text(charset), .int(Int64(srid)), .text(Self.geometryColumn), .text(Self.keyColumn)]).int ?? -1
        guard n > 0 else { throw WorkspaceError(.badInput, "\(path): SpatiaLite could not read the shapefile (or it has no features)") }
        let cols = try db.query("PRAGMA table_info(shp)").compactMap { $0[1].text }.filter { $0 != Self.geometryColumn && $0 != Self.keyColumn }
        let sel = (["AsBinary(\(Self.geometryColumn))"] + cols.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }).joined(separator: ", ")
        return (cols, try db.query("SELECT \(sel) FROM shp ORDER BY \(Self.keyColumn)"))
    }

    private func dropTable() throws {
        guard try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'shp'").int ?? 0 > 0 else { return }
        try db.execute("DROP TABLE shp")
    }
}

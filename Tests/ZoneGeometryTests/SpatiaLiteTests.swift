import CSpatiaLite
import Foundation
import Testing

/// Owns one sqlite3 connection with a SpatiaLite cache (test-only helper).
final class SpatiaLiteDB {
    let db: OpaquePointer
    let cache: UnsafeMutableRawPointer

    init() throws {
        var handle: OpaquePointer?
        guard sqlite3_open(":memory:", &handle) == SQLITE_OK, let handle else {
            if let handle { sqlite3_close(handle) }
            throw DBError(message: "sqlite3_open(:memory:) failed")
        }
        guard let cache = spatialite_alloc_connection() else {
            sqlite3_close(handle)
            throw DBError(message: "spatialite_alloc_connection returned NULL")
        }
        db = handle
        self.cache = cache
        spatialite_init_ex(db, cache, 0)
    }

    deinit {
        sqlite3_close(db)
        spatialite_cleanup_ex(cache)
    }

    struct DBError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    private func step(_ sql: String) throws -> OpaquePointer {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw DBError(message: "prepare \(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        guard sqlite3_step(stmt) == SQLITE_ROW else {
            sqlite3_finalize(stmt)
            throw DBError(message: "step \(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        return stmt
    }

    func double(_ sql: String) throws -> Double? {
        let stmt = try step(sql)
        defer { sqlite3_finalize(stmt) }
        return sqlite3_column_type(stmt, 0) == SQLITE_NULL ? nil : sqlite3_column_double(stmt, 0)
    }

    func text(_ sql: String) throws -> String? {
        let stmt = try step(sql)
        defer { sqlite3_finalize(stmt) }
        return sqlite3_column_text(stmt, 0).map { String(cString: $0) }
    }
}

@Suite struct SpatiaLiteTests {
    @Test func shimLinksAndComputesArea() throws {
        let db = try SpatiaLiteDB()
        let version = try #require(try db.text("SELECT spatialite_version()"))
        #expect(version.hasPrefix("5."))
        #expect(try db.double("SELECT ST_Area(GeomFromText('POLYGON((0 0,100 0,100 100,0 100,0 0))'))") == 10_000)
    }
}

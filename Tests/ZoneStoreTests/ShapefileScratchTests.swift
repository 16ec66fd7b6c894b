import Foundation
import Testing
import ZoneGeometry
@testable import ZoneStore

/// One scratch SpatiaLite database reads shapefile after shapefile (the Shapefile fuzzer keeps one
/// for millions of inputs): each read sees only its own file, also after a file SpatiaLite refused.
@Suite("a reused shapefile scratch database reads each file as a fresh one does")
struct ShapefileScratchTests {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-shp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func shapefile(_ dir: URL, _ name: String, from source: String, _ extra: [String] = []) throws -> String {
        let shp = dir.appendingPathComponent(name + ".shp").path
        let conv = try run("ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8"] + extra + [shp, geoData.appendingPathComponent(source).path])
        #expect(conv.status == 0, "ogr2ogr: \(conv.err)")
        return shp
    }

    @Test("platforms (lon/lat), a site (GK metres), an empty file refused, the platforms again: each as read alone")
    func eachReadSeesOnlyItsFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let platforms = try Self.shapefile(dir, "platforms", from: "layers/platforms.geojson")
        let site = try Self.shapefile(dir, "site", from: "examples/huayou-cathode.geojson", ["-t_srs", "EPSG:4549"])
        let empty = try Self.shapefile(dir, "empty", from: "layers/platforms.geojson", ["-where", "id = 'no such platform'"])

        let alonePlatforms = try LayerImporter.readShapefile(path: platforms, crs: nil)
        let aloneSite = try LayerImporter.readShapefile(path: site, crs: nil)
        #expect(alonePlatforms.count > 1 && aloneSite.count == 1)

        let scratch = try ShapefileScratch()
        #expect(try LayerImporter.readShapefile(path: platforms, crs: nil, scratch: scratch) == alonePlatforms)
        #expect(try LayerImporter.readShapefile(path: site, crs: nil, scratch: scratch) == aloneSite)
        #expect(throws: WorkspaceError.self) { try LayerImporter.readShapefile(path: empty, crs: nil, scratch: scratch) }
        #expect(try LayerImporter.readShapefile(path: platforms, crs: nil, scratch: scratch) == alonePlatforms)
        #expect(try LayerImporter.readShapefile(path: site, crs: nil, scratch: scratch) == aloneSite)
    }

    /// Rows in every table of the scratch database.
    static func rowCounts(_ scratch: ShapefileScratch) throws -> [String: Int64] {
        let tables = try scratch.db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0[0].text }
        var out: [String: Int64] = [:]
        for t in tables { out[t] = try scratch.db.scalar("SELECT count(*) FROM \"\(t)\"").int ?? -1 }
        return out
    }

    @Test("a read leaves nothing behind: no table grows from one read to the next (millions of fuzz inputs)")
    func nothingAccumulates() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let platforms = try Self.shapefile(dir, "platforms", from: "layers/platforms.geojson")
        let scratch = try ShapefileScratch()
        _ = try LayerImporter.readShapefile(path: platforms, crs: nil, scratch: scratch)
        let after1 = try Self.rowCounts(scratch)
        for _ in 0..<3 { _ = try LayerImporter.readShapefile(path: platforms, crs: nil, scratch: scratch) }
        let after4 = try Self.rowCounts(scratch)
        let grown = after4.keys.filter { after4[$0] != after1[$0] }.sorted().map { "\($0): \(after1[$0] ?? 0) → \(after4[$0] ?? 0)" }
        #expect(grown.isEmpty, "\(grown)")
        #expect(after1["shp"] == nil)
    }

    @Test("fields named pk_uid and geom (SpatiaLite's usual key and geometry columns) are read as fields")
    func fieldsNamedLikeSpatiaLiteColumns() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let site = try String(contentsOf: geoData.appendingPathComponent("examples/huayou-cathode.geojson"), encoding: .utf8)
        let json = dir.appendingPathComponent("named.geojson")
        try site.replacingOccurrences(of: "\"properties\": {", with: "\"properties\": {\"pk_uid\": \"A-7\", \"geom\": \"parcel\", ")
            .write(to: json, atomically: true, encoding: .utf8)
        let shp = dir.appendingPathComponent("named.shp").path
        let conv = try run("ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", shp, json.path])
        #expect(conv.status == 0, "ogr2ogr: \(conv.err)")
        let features = try LayerImporter.readShapefile(path: shp, crs: nil)
        #expect(features.count == 1)
        #expect(features.first?.properties["pk_uid"] == .string("A-7"))
        #expect(features.first?.properties["geom"] == .string("parcel"))
        #expect(features.first?.geometry?.isPolygonal == true)
    }

    @Test("the fuzzer's pk_uid find is read without crashing: one feature, its name kept")
    func fuzzFindPkUid() throws {
        let path = repoRoot.appendingPathComponent("Tests/ZoneStoreTests/Fixtures/fuzz-pk-uid-field.shp").path
        let features = try LayerImporter.readShapefile(path: path, crs: .wgs84)
        #expect(features.count == 1)
        #expect(features.first?.properties["name"] == .string("示例：杭州市"))
    }

    @Test("a record whose shape type is not the file's is refused before SpatiaLite reads it")
    func recordOfAnotherTypeIsRefused() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let site = try Self.shapefile(dir, "site", from: "examples/huayou-cathode.geojson", ["-t_srs", "EPSG:4549"])
        var shp = [UInt8](try Data(contentsOf: URL(fileURLWithPath: site)))
        #expect(shp[32] == 5 && shp[108] == 5)  // a polygon file, its first record a polygon (record content at 100 + 8)
        shp[108] = 3                            // the record now says polyline
        try Data(shp).write(to: URL(fileURLWithPath: site))
        do {
            _ = try LayerImporter.readShapefile(path: site, crs: nil)
            Issue.record("read a polyline record in a polygon file")
        } catch let e as WorkspaceError {
            #expect("\(e)".hasSuffix("site.shp: record 1 is damaged: a shape of type 3 in a file of type 5"), "\(e)")
        }
    }
}

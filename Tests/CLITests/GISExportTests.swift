import Foundation
import Testing

/// Exports as a bureau GIS engineer opens them: GDAL (`ogrinfo`, `ogr2ogr`) must see one geometry
/// type and one type per field per layer, valid geometries, the R-tree index and the QGIS styles.
@Suite("GIS exports: one type per field, GeoPackage, --flat to Shapefile", .serialized)
struct GISExportTests {
    static let layers = ["admin", "layout", "platforms", "function_zones", "clusters", "land"]

    final class Dir {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zp-gis-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    static func export(_ args: [String]) throws -> CLI.Result {
        try CLI.run(["export", "--geodata", CLI.geodata.path, "--quiet"] + args)
    }

    /// GeoData's own feature count and whether the layer mixes Polygon and MultiPolygon (read once).
    static let sources: [String: (count: Int, mixed: Bool)] = {
        var out: [String: (count: Int, mixed: Bool)] = [:]
        for layer in layers {
            let text = (try? String(contentsOf: CLI.geodata.appendingPathComponent("layers/\(layer).geojson"), encoding: .utf8)) ?? ""
            let count = text.components(separatedBy: "\"type\":\"Feature\"").count - 1
            let multi = text.components(separatedBy: "\"type\":\"MultiPolygon\"").count - 1
            out[layer] = (count, multi > 0 && multi < count)
        }
        return out
    }()
    static func source(_ layer: String) throws -> (count: Int, mixed: Bool) { try #require(sources[layer]) }

    /// `ogrinfo -ro -al -so FILE` split into one summary block per layer.
    static func summaries(_ file: String) throws -> [String: String] {
        let r = try CLI.runTool("ogrinfo", ["-ro", "-al", "-so", file])
        #expect(r.status == 0, "ogrinfo: \(r.err)")
        var out: [String: String] = [:]
        for block in r.out.components(separatedBy: "Layer name: ").dropFirst() {
            out[String(block.prefix { $0 != "\n" })] = block
        }
        return out
    }

    /// One value of `ogrinfo -sql` (SQLite dialect).
    static func sql(_ file: String, _ query: String, dialect: String? = nil) throws -> String? {
        let r = try CLI.runTool("ogrinfo", ["-ro", "-q"] + (dialect.map { ["-dialect", $0] } ?? []) + ["-sql", query, file])
        #expect(r.status == 0, "ogrinfo -sql \(query): \(r.err)")
        return r.out.split(separator: "\n").first { $0.contains(" = ") }.map { String($0.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)) }
    }

    @Test("--format gpkg: a table per layer with one geometry type, its count and field types, no invalid geometry, a populated R-tree, styles in layer_styles")
    func geoPackageOfThePlan() throws {
        let dir = try Dir()
        let gpkg = dir.path("plan.gpkg")
        let r = try Self.export(["--all", gpkg])
        #expect(r.status == 0, "\(r.err)")
        let info = try Self.summaries(gpkg)
        for layer in Self.layers {
            let (count, mixed) = try Self.source(layer)
            let b = try #require(info[layer], "ogrinfo lists no table \(layer): \(info.keys.sorted())")
            #expect(b.contains("Geometry: \(mixed ? "Multi Polygon" : "Polygon")\n"), "\(layer)")
            #expect(b.contains("Feature Count: \(count)\n"), "\(layer)")
            for field in ["id: String", "name: String", "county: String(JSON)", "area_mu: Real", "accuracy_m: Real", "schematic: Integer(Boolean)"] {
                #expect(b.contains("\n\(field) ("), "\(layer) lacks \(field)")
            }
            #expect(try Self.sql(gpkg, "select count(*) as invalid from \(layer) where not st_isvalid(geom)", dialect: "sqlite") == "0", "\(layer)")
            #expect(try Self.sql(gpkg, "select count(*) as indexed from rtree_\(layer)_geom") == "\(count)", "\(layer) R-tree")
            #expect(try Self.sql(gpkg, "select styleName from layer_styles where f_table_name = '\(layer)' and useAsDefault") != nil, "\(layer) style")
        }
        #expect(info["platforms"]?.contains("\ntargets: String(JSON) (") == true)
        #expect(info["platforms"]?.contains("\ntier: String (") == true)
        #expect(info["function_zones"]?.contains("\ncategory: String (") == true)
        #expect(try Self.sql(gpkg, "pragma application_id") == "1196444487")  // "GPKG"
        #expect(try Self.sql(gpkg, "pragma user_version") == "10300")
        // The platforms are styled by tier, the functional zones by category.
        #expect(try Self.sql(gpkg, "select instr(styleQML, 'attr=\"category\"') > 0 and instr(styleQML, 'value=\"prohibited\"') > 0 as ok from layer_styles where f_table_name = 'function_zones'") == "1")
        // The spatial index answers a bbox filter: 嘉兴工业园区 and its neighbours, not all 35.
        let spat = try CLI.runTool("ogrinfo", ["-ro", "-so", gpkg, "platforms", "-spat", "120.80", "30.74", "120.84", "30.79"])
        let n = Int(spat.out.components(separatedBy: "Feature Count: ").last?.prefix { $0.isNumber } ?? "") ?? -1
        #expect(n >= 1 && n < 35, "\(spat.out)")
    }

    @Test("export results --format gpkg: verdict colours embedded as the default style; findings as JSON text")
    func geoPackageOfResults() throws {
        let dir = try Dir()
        let gpkg = dir.path("results.gpkg")
        let apps = ["jinko-solar-cells", "prohibited-zone", "outside-platforms", "missing-energy"].map(CLI.example)
        let r = try Self.export(["results", gpkg, "--from"] + apps)
        #expect(r.status == 0, "\(r.err)")
        let b = try #require(try Self.summaries(gpkg)["results"])
        #expect(b.contains("Feature Count: 4\n"))
        for field in ["verdict: String", "findings: String(JSON)", "area_mu: Real", "fail_rules: String"] { #expect(b.contains("\n\(field) ("), "\(field)") }
        #expect(try Self.sql(gpkg, "select count(*) as invalid from results where not st_isvalid(geom)", dialect: "sqlite") == "0")
        #expect(try Self.sql(gpkg, """
            select instr(styleQML, 'attr="verdict"') > 0 and instr(styleQML, 'value="reject"') > 0 and instr(styleQML, '227,26,28') > 0
              and instr(styleSLD, '<ogc:Literal>approve</ogc:Literal>') > 0 and instr(styleSLD, '#33a02c') > 0 as ok
            from layer_styles where f_table_name = 'results' and useAsDefault
            """) == "1")
        // The findings read back as the JSON list they were.
        let text = try #require(try Self.sql(gpkg, "select findings from results where name like '%' limit 1"))
        #expect(try JSON.parse(Data(text.utf8)).array?.isEmpty == false)
    }

    @Test("GeoJSON: county always a list, targets always an object, MultiPolygon throughout, so GDAL sees one type each")
    func oneTypePerProperty() throws {
        let dir = try Dir()
        let out = dir.path("plan.geojson")
        #expect(try Self.export(["--all", out]).status == 0)
        let b = try #require(try Self.summaries(out).values.first)
        #expect(b.contains("Geometry: Multi Polygon\n"))
        #expect(b.contains("\ncounty: StringList ("))
        #expect(b.contains("\ntargets: String(JSON) ("))
        #expect(b.contains("\nindustries: StringList ("))
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
        let features = root?["features"] as? [[String: Any]] ?? []
        #expect(features.count == (try Self.layers.map { try Self.source($0).count }.reduce(0, +)))
        for f in features {
            let p = f["properties"] as? [String: Any] ?? [:], id = p["id"] as? String ?? "?"
            if let c = p["county"] { #expect(c is [Any], "\(id): county \(c)") }
            if let t = p["targets"] { #expect((t as? [String: Any])?.values.allSatisfy { $0 is [String: Any] } == true, "\(id): targets \(t)") }
            #expect((f["geometry"] as? [String: Any])?["type"] as? String == "MultiPolygon")
        }
    }

    @Test("--flat GeoJSON converts to a Shapefile with ogr2ogr keeping every field; lists come back as the same JSON")
    func flatToShapefile() throws {
        let dir = try Dir()
        let nested = dir.path("platforms.geojson"), flat = dir.path("platforms-flat.geojson"), shp = dir.path("platforms.shp")
        #expect(try Self.export(["platforms", nested]).status == 0)
        #expect(try Self.export(["platforms", flat, "--flat"]).status == 0)
        let conv = try CLI.runTool("ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", shp, flat])
        #expect(conv.status == 0, "ogr2ogr: \(conv.err)")
        #expect(!conv.err.contains("StringList") && !conv.err.contains("Misconversion"), "\(conv.err)")
        func fields(_ file: String) throws -> [String] {
            let b = try #require(try Self.summaries(file).values.first)
            return b.split(separator: "\n").filter { $0.range(of: #"^[A-Za-z_0-9]+: [A-Za-z]"#, options: .regularExpression) != nil && !$0.hasPrefix("Geometry: ") }
                .map { String($0.prefix { $0 != ":" }) }
        }
        let source = try fields(flat), converted = try fields(shp)
        #expect(converted.count == source.count, "shapefile fields \(converted) vs \(source)")
        // Every list and object of the nested export is in the Shapefile as its JSON text.
        let back = dir.path("back.geojson")
        #expect(try CLI.runTool("ogr2ogr", ["-f", "GeoJSON", back, shp]).status == 0)
        let original = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: nested)))["features"]?.array ?? []
        let returned = try JSON.parse(Data(contentsOf: URL(fileURLWithPath: back)))["features"]?.array ?? []
        #expect(original.count == returned.count)
        var compared = 0
        for (a, b) in zip(original, returned) {
            for key in ["county", "industries", "lead_firms", "anchors", "targets"] {
                guard let v = a["properties"]?[key] else { continue }
                // GDAL writes a text field holding JSON back as that JSON; either way the value is whole.
                let kept = try #require(b["properties"]?[key], "\(key) lost")
                #expect(try kept.string.map { try JSON.parse(Data($0.utf8)) } ?? kept == v, "\(key)")
                compared += 1
            }
        }
        #expect(compared > 100)
    }
}

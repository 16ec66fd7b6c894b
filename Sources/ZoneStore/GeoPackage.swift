import Foundation
import ZoneGeometry

/// Writes an OGC GeoPackage 1.3 (a SQLite file with standard tables) through the project's one
/// SQLite wrapper, so exports need no GDAL: `gpkg_spatial_ref_sys` (EPSG:4326), `gpkg_contents`,
/// `gpkg_geometry_columns`, one feature table per layer with GeoPackage binary geometries (GP
/// header with the envelope, then WKB), a populated R-tree index per geometry column
/// (`gpkg_rtree_index`, with the standard triggers so edits in QGIS keep it current),
/// `gpkg_data_columns` marking JSON fields `application/json`, and the styles in QGIS's
/// `layer_styles` table, so QGIS opens each layer with its style.
///
/// It lives in ZoneStore because ZoneStore owns the SQLite wrapper; ZoneQuery (which prepares the
/// features and styles) does not depend on ZoneStore, and the CLI joins the two.
public enum GeoPackageWriter {
    public struct Style: Sendable {
        public var name: String
        public var qml: String
        public var sld: String
        public init(name: String, qml: String, sld: String) { self.name = name; self.qml = qml; self.sld = sld }
    }

    public struct Layer: Sendable {
        /// The feature table's name (letters, digits, _).
        public var table: String
        public var title: String
        public var description: String
        public var fields: [FeatureField]
        /// `POLYGON` or `MULTIPOLYGON`: every feature's geometry is of this type.
        public var geometryType: String
        /// Lon/lat WGS 84 features whose properties have the `fields`' types.
        public var features: [Feature]
        public var style: Style?
        public init(table: String, title: String, description: String, fields: [FeatureField], geometryType: String,
                    features: [Feature], style: Style?) {
            self.table = table; self.title = title; self.description = description; self.fields = fields
            self.geometryType = geometryType; self.features = features; self.style = style
        }
    }

    /// "GPKG" as a big-endian 32-bit integer (GeoPackage 1.2+ `application_id`).
    public static let applicationId: Int32 = 0x4750_4B47
    /// GeoPackage 1.3.0.
    public static let userVersion = 10300
    public static let geometryColumn = "geom"

    static let wgs84WKT = """
        GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],\
        AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,\
        AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]
        """

    /// Writes `layers` to a new file at `path` (an existing file is replaced). All or nothing: the
    /// file is built beside the target and moved over it when complete.
    public static func write(_ layers: [Layer], to path: String) throws {
        let fm = FileManager.default
        let temp = path + ".partial-\(getpid())"
        try? fm.removeItem(atPath: temp)
        do {
            try build(layers, at: temp)
            if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
            try fm.moveItem(atPath: temp, toPath: path)
        } catch {
            try? fm.removeItem(atPath: temp)
            throw error
        }
    }

    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func build(_ layers: [Layer], at path: String) throws {
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA application_id = \(applicationId); PRAGMA user_version = \(userVersion); PRAGMA journal_mode = DELETE")
        let engine = GeometryEngine()
        let stamp = ISO8601DateFormatter()
        stamp.formatOptions = [.withInternetDateTime, .withFractionalSeconds]  // GeoPackage Req 15: %Y-%m-%dT%H:%M:%fZ
        let now = stamp.string(from: Date())
        try db.writeTransaction {
            try db.execute("""
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
                  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
                  identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
                  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
                CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
                  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
                  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
                  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
                  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
                CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
                  definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
                CREATE TABLE gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT,
                  description TEXT, mime_type TEXT, constraint_name TEXT,
                  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name));
                CREATE TABLE gpkg_data_column_constraints (constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL,
                  value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
                  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
                INSERT INTO gpkg_extensions VALUES
                  ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write'),
                  ('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');
                """)
            try db.query("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                         [.text("Undefined cartesian SRS"), .int(-1), .text("NONE"), .int(-1), .text("undefined"), .text("undefined cartesian coordinate reference system")])
            try db.query("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                         [.text("Undefined geographic SRS"), .int(0), .text("NONE"), .int(0), .text("undefined"), .text("undefined geographic coordinate reference system")])
            try db.query("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                         [.text("WGS 84 geodetic"), .int(4326), .text("EPSG"), .int(4326), .text(wgs84WKT), .text("longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid")])
            if layers.contains(where: { $0.style != nil }) {
                // QGIS's own layer_styles table (QgsOgrProviderUtils), registered as an attributes table as QGIS does.
                try db.execute("""
                    CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
                      f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
                      useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP);
                    INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
                      VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', 0);
                    """)
            }
            for layer in layers { try writeLayer(layer, db: db, engine: engine, now: now) }
        }
    }

    static func writeLayer(_ layer: Layer, db: SQLiteConnection, engine: GeometryEngine, now: String) throws {
        let t = layer.table, g = geometryColumn
        guard t.range(of: #"^[A-Za-z][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
            throw WorkspaceError(.badInput, "GeoPackage table name '\(t)' must be letters, digits and _")
        }
        // A property named like the key or geometry column keeps its value under another name.
        let columns = layer.fields.map { f -> (field: FeatureField, column: String) in
            (f, ["fid", g].contains(f.name.lowercased()) ? "prop_" + f.name : f.name)
        }
        let declared = columns.map { c -> String in
            let type: String
            switch c.field.type {
            case .integer: type = "INTEGER"
            case .real: type = "REAL"
            case .boolean: type = "BOOLEAN"
            case .text, .json: type = "TEXT"
            }
            return quote(c.column) + " " + type
        }
        try db.execute("CREATE TABLE \(quote(t)) (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \(g) \(layer.geometryType)"
                       + declared.map { ", " + $0 }.joined() + ")")
        let insert = try db.prepare("INSERT INTO \(quote(t)) (\(g)" + columns.map { ", " + quote($0.column) }.joined()
                                    + ") VALUES (?" + String(repeating: ", ?", count: columns.count) + ")")
        let rtree = "rtree_\(t)_\(g)"
        try db.execute("CREATE VIRTUAL TABLE \(quote(rtree)) USING rtree(id, minx, maxx, miny, maxy)")
        let index = try db.prepare("INSERT INTO \(quote(rtree)) VALUES (?, ?, ?, ?, ?)")
        var extent: Envelope?
        for f in layer.features {
            guard let geometry = f.geometry, let env = geometry.envelope else {
                throw WorkspaceError(.badInput, "feature \(f.id?.serialized() ?? "?"): no geometry to write")
            }
            extent = extent.map { $0.union(env) } ?? env
            var params: [SQLValue] = [.blob(try blob(geometry, envelope: env, engine: engine))]
            for c in columns { params.append(value(f.properties[c.field.name], c.field.type)) }
            try insert.bind(params)
            while try insert.step() != nil {}
            try index.bind([.int(db.lastInsertRowID), .double(env.minX), .double(env.maxX), .double(env.minY), .double(env.maxY)])
            while try index.step() != nil {}
        }
        try db.query("""
            INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
            VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, 4326)
            """, [.text(t), .text(layer.title), .text(layer.description), .text(now),
                  extent.map { .double($0.minX) } ?? .null, extent.map { .double($0.minY) } ?? .null,
                  extent.map { .double($0.maxX) } ?? .null, extent.map { .double($0.maxY) } ?? .null])
        try db.query("INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, 4326, 0, 0)", [.text(t), .text(g), .text(layer.geometryType)])
        try db.query("INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                     [.text(t), .text(g)])
        for c in columns where c.field.type == .json {
            try db.query("INSERT INTO gpkg_data_columns (table_name, column_name, name, mime_type) VALUES (?, ?, ?, 'application/json')",
                         [.text(t), .text(c.column), .text(c.column)])
        }
        // The spec's triggers (GeoPackage 1.3 annex F.3), so an edit in QGIS keeps the index current.
        let (qt, qr) = (quote(t), quote(rtree))
        try db.execute("""
            CREATE TRIGGER "\(rtree)_insert" AFTER INSERT ON \(qt) WHEN (new.\(g) NOT NULL AND NOT ST_IsEmpty(NEW.\(g)))
            BEGIN INSERT OR REPLACE INTO \(qr) VALUES (NEW.fid, ST_MinX(NEW.\(g)), ST_MaxX(NEW.\(g)), ST_MinY(NEW.\(g)), ST_MaxY(NEW.\(g))); END;
            CREATE TRIGGER "\(rtree)_update1" AFTER UPDATE OF \(g) ON \(qt) WHEN OLD.fid = NEW.fid AND (NEW.\(g) NOTNULL AND NOT ST_IsEmpty(NEW.\(g)))
            BEGIN INSERT OR REPLACE INTO \(qr) VALUES (NEW.fid, ST_MinX(NEW.\(g)), ST_MaxX(NEW.\(g)), ST_MinY(NEW.\(g)), ST_MaxY(NEW.\(g))); END;
            CREATE TRIGGER "\(rtree)_update2" AFTER UPDATE OF \(g) ON \(qt) WHEN OLD.fid = NEW.fid AND (NEW.\(g) ISNULL OR ST_IsEmpty(NEW.\(g)))
            BEGIN DELETE FROM \(qr) WHERE id = OLD.fid; END;
            CREATE TRIGGER "\(rtree)_update3" AFTER UPDATE ON \(qt) WHEN OLD.fid != NEW.fid AND (NEW.\(g) NOTNULL AND NOT ST_IsEmpty(NEW.\(g)))
            BEGIN DELETE FROM \(qr) WHERE id = OLD.fid;
              INSERT OR REPLACE INTO \(qr) VALUES (NEW.fid, ST_MinX(NEW.\(g)), ST_MaxX(NEW.\(g)), ST_MinY(NEW.\(g)), ST_MaxY(NEW.\(g))); END;
            CREATE TRIGGER "\(rtree)_update4" AFTER UPDATE ON \(qt) WHEN OLD.fid != NEW.fid AND (NEW.\(g) ISNULL OR ST_IsEmpty(NEW.\(g)))
            BEGIN DELETE FROM \(qr) WHERE id IN (OLD.fid, NEW.fid); END;
            CREATE TRIGGER "\(rtree)_delete" AFTER DELETE ON \(qt) WHEN old.\(g) NOT NULL
            BEGIN DELETE FROM \(qr) WHERE id = OLD.fid; END;
            """)
        if let s = layer.style {
            try db.query("""
                INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML,
                  styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, 'ZonePlanner', NULL, ?)
                """, [.text(t), .text(g), .text(s.name), .text(s.qml), .text(s.sld), .text("\(layer.title): default style"), .text(now)])
        }
    }

    /// A property as its column's value (types were made uniform by the caller; JSON as compact text).
    static func value(_ v: JSONValue?, _ type: FieldType) -> SQLValue {
        guard let v, !v.isNull else { return .null }
        switch (type, v) {
        case (.integer, .number(let d)): return Int64(exactly: d).map(SQLValue.int) ?? .double(d)
        case (.real, .number(let d)): return .double(d)
        case (.boolean, .bool(let b)): return .int(b ? 1 : 0)
        case (_, .string(let s)): return .text(s)
        default: return .text(v.serialized())
        }
    }

    /// GeoPackage binary geometry: "GP", version 0, flags (little-endian header, an XY envelope),
    /// the SRS id, the envelope (minx, maxx, miny, maxy), then the ISO WKB.
    static func blob(_ g: Geometry, envelope e: Envelope, engine: GeometryEngine) throws -> [UInt8] {
        var out: [UInt8] = [0x47, 0x50, 0x00, 0b0000_0011]
        withUnsafeBytes(of: Int32(4326).littleEndian) { out += $0 }
        for d in [e.minX, e.maxX, e.minY, e.maxY] { withUnsafeBytes(of: d.bitPattern.littleEndian) { out += $0 } }
        return out + (try engine.wkb(g))
    }
}

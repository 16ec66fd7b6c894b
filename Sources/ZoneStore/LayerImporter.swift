import Foundation
import ZoneGeometry
import ZonePlan

/// Reads an official layer file (GeoJSON, ESRI Shapefile, 报部 TXT) into features in the plan's
/// property schema, so it can replace a schematic layer. Refuses the whole file on any problem,
/// naming the feature or line at fault.
public struct LayerImporter {
    public enum Format: String, CaseIterable, Sendable { case geojson, shapefile, baobu }

    public struct Options: Sendable {
        public var layer: String
        public var kind: FeatureKind?
        public var idField: String?
        public var nameField: String?
        public var categoryField: String?
        public var tier: PlatformTier?
        public var tierField: String?
        /// Source CRS when the file does not say (GeoJSON is WGS84 lon/lat by RFC 7946).
        public var crs: CRS?
        public var accuracyM: Double
        public var official: String
        public init(layer: String, kind: FeatureKind? = nil, idField: String? = nil, nameField: String? = nil,
                    categoryField: String? = nil, tier: PlatformTier? = nil, tierField: String? = nil, crs: CRS? = nil,
                    accuracyM: Double = 1, official: String) {
            self.layer = layer; self.kind = kind; self.idField = idField; self.nameField = nameField
            self.categoryField = categoryField; self.tier = tier; self.tierField = tierField; self.crs = crs
            self.accuracyM = accuracyM; self.official = official
        }
    }

    public struct Imported {
        public var features: [Feature]
        public var format: Format
        public var sha256: String
        public var warnings: [String]
    }

    public static func format(of path: String) -> Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "geojson", "json": return .geojson
        case "shp": return .shapefile
        case "txt": return .baobu
        default: return nil
        }
    }

    /// Default kind for well-known layer names.
    static func defaultKind(_ layer: String) -> FeatureKind? {
        switch layer {
        case "function_zones": return .functionZone
        case "platforms": return .platform
        case "admin": return .county
        case "parcels": return .parcel
        case "clusters": return .cluster
        case "land": return .land
        default: return nil
        }
    }

    /// `shapefiles`: the scratch database that reads a .shp (one is opened per call without it).
    public static func read(path: String, options o: Options, shapefiles: ShapefileScratch? = nil) throws -> Imported {
        guard let fmt = format(of: path) else {
            throw WorkspaceError(.badInput, "\(path): unknown format (expected .geojson, .json, .shp or 报部 .txt)")
        }
        guard let data = FileBytes.read(path) else { throw WorkspaceError(.badInput, "\(path): cannot read the file") }
        guard !data.isEmpty else { throw WorkspaceError(.badInput, "\(path): the file is empty") }
        let sha = sha256Hex(data)
        let name = (path as NSString).lastPathComponent
        var raw: [Feature]
        var warnings: [String] = []
        switch fmt {
        case .geojson:
            do { raw = try GeoJSON.parseFeatures(data) } catch { throw WorkspaceError(.badInput, "\(name): \(error)") }
            if let crs = o.crs, crs != .wgs84 {
                let t = try CoordinateTransformer(from: crs, to: .wgs84)
                raw = try raw.map { f in var f = f; f.geometry = try f.geometry.map { try t.transform($0) }; return f }
            }
        case .shapefile:
            raw = try readShapefile(path: path, crs: o.crs, scratch: shapefiles)
        case .baobu:
            let file: BaobuFile
            do { file = try BaobuTXT.read(data, fileName: name) } catch { throw WorkspaceError(.badInput, "\(error)") }
            let t = try CoordinateTransformer(from: .gaussKruger120, to: .wgs84)
            raw = []
            for p in file.parcels {
                var props: [String: JSONValue] = [
                    "id": .string(o.layer + "-" + p.number), "name": .string(p.name.isEmpty ? p.number : p.name),
                    "parcel_number": .string(p.number), "land_use": .string(p.use), "land_class": .string(p.landClass),
                    "sheet": .string(p.sheet), "computed_area_ha": .number((p.computedAreaHa * 10000).rounded() / 10000),
                ]
                if let d = p.declaredAreaHa {
                    props["declared_area_ha"] = .number(d)
                    let diff = abs(d - p.computedAreaHa) / max(p.computedAreaHa, 1e-9)
                    if diff > 0.01 { warnings.append("parcel \(p.number): declared \(d) 公顷 differs from computed \(String(format: "%.4f", p.computedAreaHa)) 公顷 by \(String(format: "%.1f", diff * 100)) %") }
                }
                raw.append(Feature(id: .string(o.layer + "-" + p.number), geometry: try t.transform(p.geometryGK), properties: props, bbox: nil))
            }
        }
        guard !raw.isEmpty else { throw WorkspaceError(.badInput, "\(name): no features") }
        let kind = o.kind ?? (fmt == .baobu ? .parcel : defaultKind(o.layer))
        guard let kind else {
            throw WorkspaceError(.badInput, "layer '\(o.layer)': say what its features are with --kind (\(FeatureKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let now = nowISO()
        var out: [Feature] = []
        var ids = Set<String>()
        for (i, f) in raw.enumerated() {
            let at = "\(name) feature \(i + 1)"
            guard let g = f.geometry else { throw WorkspaceError(.badInput, "\(at): no geometry") }
            guard g.isPolygonal else { throw WorkspaceError(.badInput, "\(at): expected Polygon or MultiPolygon, got \(g.typeName)") }
            if let c = g.polygons.first?.exterior.first, abs(c.x) > 180 || abs(c.y) > 90 {
                throw WorkspaceError(.badInput, "\(at): coordinates [\(c.x), \(c.y)] are not lon/lat degrees (wrong CRS? pass --crs EPSG:4549 or EPSG:4528)")
            }
            var p = f.properties
            let id: String
            if let field = o.idField {
                // The official id is kept exactly: quota accounts, decisions and `show` name features by it.
                guard let v = p[field].flatMap(text) else { throw WorkspaceError(.badInput, "\(at): field \(field) (the id) is missing") }
                id = v
            } else if let v = p["id"]?.stringValue, !v.isEmpty {
                id = v
            } else {
                id = "\(o.layer)-\(i + 1)"
            }
            guard ids.insert(id).inserted else { throw WorkspaceError(.badInput, "\(at): duplicate id '\(id)'") }
            let nameKeys = [o.nameField, "name", "名称", "NAME", "Name", "MC", "mc"].compactMap { $0 }
            guard let nm = nameKeys.lazy.compactMap({ p[$0].flatMap(text) }).first else {
                throw WorkspaceError(.badInput, "\(at): no name (give --name-field; tried \(nameKeys.joined(separator: ", ")))")
            }
            p["id"] = .string(id)
            p["name"] = .string(nm)
            p["kind"] = .string(kind.rawValue)
            p["layer"] = .string(o.layer)
            p["source"] = .string("official import: \(name) sha256:\(sha) by \(o.official) at \(now)")
            p["geometry_method"] = .string("official: imported from \(name) (\(fmt.rawValue))")
            p["schematic"] = .bool(false)
            p["accuracy_m"] = .number(o.accuracyM)
            p.removeValue(forKey: "stated_area_km2")
            if kind == .functionZone {
                let field = o.categoryField ?? "category"
                guard let v = p[field].flatMap(text) else { throw WorkspaceError(.badInput, "\(at): field \(field) (the functional-zone category) is missing; give --category-field") }
                guard let c = category(v) else {
                    throw WorkspaceError(.badInput, "\(at): field \(field): '\(v)' is not a category (优化开发区, 重点开发区, 生态经济区, 禁止开发区 or optimized, key, ecological, prohibited)")
                }
                p["category"] = .string(c.rawValue)
            }
            if kind == .platform {
                if let t = o.tier { p["tier"] = .string(t.rawValue) }
                else if let field = o.tierField {
                    guard let v = p[field].flatMap(text), let t = PlatformTier(rawValue: v) else { throw WorkspaceError(.badInput, "\(at): field \(field): not a tier") }
                    p["tier"] = .string(t.rawValue)
                } else if p["tier"]?.stringValue.flatMap(PlatformTier.init(rawValue:)) == nil {
                    p["tier"] = .string(PlatformTier.official.rawValue)
                }
            }
            out.append(Feature(id: .string(id), geometry: g, properties: p, bbox: nil))
        }
        return Imported(features: out, format: fmt, sha256: sha, warnings: warnings)
    }

    static func text(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s.isEmpty ? nil : s
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        default: return nil
        }
    }

    static func category(_ v: String) -> FunctionZoneCategory? {
        if let c = FunctionZoneCategory(rawValue: v.lowercased()) { return c }
        if v.contains("优化") { return .optimized }
        if v.contains("重点") { return .key }
        if v.contains("生态") || v.contains("限制") { return .ecological }
        if v.contains("禁止") { return .prohibited }
        return nil
    }

    /// SpatiaLite reads the .shp/.dbf itself (ImportSHP into a scratch in-memory database); the CRS
    /// comes from the .prj (CGCS2000 GK CM 120E / zone 40, CGCS2000 or WGS84 geographic) or --crs.
    public static func readShapefile(path: String, crs explicit: CRS?, scratch: ShapefileScratch? = nil) throws -> [Feature] {
        let base = (path as NSString).deletingPathExtension
        let fm = FileManager.default
        for ext in ["shx", "dbf"] where !fm.fileExists(atPath: base + "." + ext) {
            throw WorkspaceError(.badInput, "\(path): the .\(ext) file beside it is missing")
        }
        try checkShapefileStructure(base: base, path: path)
        var crs = explicit
        if crs == nil, let prj = FileBytes.read(base + ".prj").flatMap({ String(data: $0, encoding: .utf8) }) {
            let p = prj.replacingOccurrences(of: " ", with: "_").lowercased()
            if p.contains("cgcs2000_3_degree_gk_cm_120e") || p.contains("cgcs2000_/_3-degree_gauss-kruger_cm_120e") { crs = .gaussKruger120 }
            else if p.contains("cgcs2000_3_degree_gk_zone_40") || p.contains("gauss-kruger_zone_40") { crs = .gaussKrugerZone40 }
            else if p.hasPrefix("geogcs") && (p.contains("2000") || p.contains("cgcs")) { crs = .cgcs2000 }
            else if p.hasPrefix("geogcs") && p.contains("wgs") { crs = .wgs84 }
            else { throw WorkspaceError(.badInput, "\(base).prj: a coordinate system ZonePlanner does not know; pass --crs EPSG:4549, EPSG:4528, EPSG:4490 or EPSG:4326") }
        }
        guard let crs else { throw WorkspaceError(.badInput, "\(path): no .prj file; pass --crs") }
        var charset = "UTF-8"
        if let cpg = FileBytes.read(base + ".cpg").flatMap({ String(data: $0, encoding: .utf8) }) { charset = cpg.trimmingCharacters(in: .whitespacesAndNewlines) }
        if charset.uppercased() == "GBK" || charset == "936" { charset = "CP936" }
        let (cols, rows) = try (scratch ?? ShapefileScratch()).rows(base: base, charset: charset, srid: crs.epsgCode, path: path)
        let engine = GeometryEngine()
        let t = crs == .wgs84 ? nil : try CoordinateTransformer(from: crs, to: .wgs84)
        return try rows.enumerated().map { i, r in
            guard let wkb = r[0].blob, !wkb.isEmpty else { throw WorkspaceError(.badInput, "\(path) feature \(i + 1): no geometry") }
            var g = try engine.geometry(wkb: wkb)
            if case .multiPolygon(let ps) = g, ps.count == 1 { g = .polygon(ps[0]) }
            if let t { g = try t.transform(g) }
            var props: [String: JSONValue] = [:]
            for (j, c) in cols.enumerated() {
                switch r[j + 1] {
                case .text(let s): props[c] = .string(s)
                case .int(let v): props[c] = .number(Double(v))
                case .double(let v): props[c] = .number(v)
                default: break
                }
            }
            return Feature(id: nil, geometry: g, properties: props, bbox: nil)
        }
    }

    /// A damaged shapefile is refused whole, before anything is read: the three files must agree
    /// on the record count, and every .shx record must point inside the .shp (a truncated .shx
    /// once imported 2 of 5 features with exit 0).
    static func checkShapefileStructure(base: String, path: String) throws {
        func bytes(_ ext: String) throws -> [UInt8] {
            guard let d = FileBytes.read(base + "." + ext) else {
                throw WorkspaceError(.badInput, "\(base).\(ext): cannot read the file")
            }
            return [UInt8](d)
        }
        func be32(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        func le32(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24 }
        func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        let shp = try bytes("shp"), shx = try bytes("shx"), dbf = try bytes("dbf")
        for (name, b) in [("shp", shp), ("shx", shx)] {
            guard b.count >= 100, be32(b, 0) == 9994 else { throw WorkspaceError(.badInput, "\(base).\(name): not a shapefile (bad header)") }
            guard be32(b, 24) * 2 == b.count else {
                throw WorkspaceError(.badInput, "\(base).\(name): truncated or padded: the header says \(be32(b, 24) * 2) bytes, the file has \(b.count)")
            }
        }
        guard (shx.count - 100) % 8 == 0 else { throw WorkspaceError(.badInput, "\(base).shx: its length is not a whole number of records") }
        let records = (shx.count - 100) / 8
        for r in 0..<records {
            let offset = be32(shx, 100 + 8 * r) * 2, length = be32(shx, 104 + 8 * r) * 2
            guard offset >= 100, offset + 8 + length <= shp.count else {
                throw WorkspaceError(.badInput, "\(base).shx: record \(r + 1) points outside the .shp (offset \(offset), length \(length), .shp has \(shp.count) bytes)")
            }
            // SpatiaLite trusts a record's part and point counts: a polygon claiming 16,777,217 parts
            // in a 128-byte record made ImportSHP allocate from garbage and crash (found by fuzzing,
            // Fuzz/Shapefile). Every count must fit in the record, every part start in the points.
            func damaged(_ what: String) -> WorkspaceError {
                WorkspaceError(.badInput, "\(base).shp: record \(r + 1) is damaged: \(what)")
            }
            // SpatiaLite reads a record by the length in the .shp's own record header, and as the
            // file's shape type: a shorter length left stale bytes as part and point counts
            // (an allocation of 2^64 − 16 GB in gaiaAllocRing; found by fuzzing, Fuzz/Shapefile).
            let declared = be32(shp, offset + 4) * 2
            guard declared == length else { throw damaged("the .shp gives it \(declared) bytes, the .shx \(length)") }
            let content = offset + 8
            guard length >= 4 else { continue }
            let type = le32(shp, content)
            guard type == 0 || type == le32(shp, 32) else {
                throw damaged("a shape of type \(type) in a file of type \(le32(shp, 32))")
            }
            let multi = [8, 18, 28].contains(type), parted = [3, 5, 13, 15, 23, 25, 31].contains(type)
            guard multi || parted else { continue }
            let header = multi ? 40 : 44
            guard length >= header else { throw damaged("\(length) bytes are too few for its shape type \(type)") }
            let parts = multi ? 0 : le32(shp, content + 36), points = le32(shp, content + (multi ? 36 : 40))
            guard parts < 1 << 31, points < 1 << 31, header + 4 * parts + 16 * points <= length else {
                throw damaged("\(parts) parts and \(points) points do not fit in \(length) bytes")
            }
            var previous = 0
            for p in 0..<parts {
                let start = le32(shp, content + 44 + 4 * p)
                guard start < 1 << 31, start >= previous, start < max(points, 1) else {
                    throw damaged("part \(p + 1) starts at point \(start) of \(points)")
                }
                previous = start
            }
        }
        guard dbf.count >= 32 else { throw WorkspaceError(.badInput, "\(base).dbf: not a dBASE file (too short)") }
        let dbfRecords = le32(dbf, 4), headerLength = le16(dbf, 8), recordLength = le16(dbf, 10)
        guard dbfRecords == records else {
            throw WorkspaceError(.badInput, "\(path): the .dbf has \(dbfRecords) records and the .shx \(records): the files do not belong together or one is damaged")
        }
        guard headerLength + dbfRecords * recordLength <= dbf.count else {
            throw WorkspaceError(.badInput, "\(base).dbf: truncated: \(dbfRecords) records of \(recordLength) bytes do not fit in \(dbf.count) bytes")
        }
        // SpatiaLite reads field descriptors (32 bytes each from byte 32) until the 0x0D that ends
        // them and each field at its running offset into a record-sized buffer: a list without its
        // end inside the header, or fields wider than a record, made it read past the buffer
        // (SIGSEGV in gaiaReadShpEntity_ex; found by fuzzing, Fuzz/Shapefile).
        var at = 32, width = 1  // the deletion flag
        while at >= headerLength || dbf[at] != 0x0D {
            guard at + 32 < headerLength else {
                throw WorkspaceError(.badInput, "\(base).dbf: damaged header: its field list does not end (0x0D) within its \(headerLength) bytes (after \((at - 32) / 32) fields)")
            }
            width += Int(dbf[at + 16])
            at += 32
        }
        guard width <= recordLength else {
            throw WorkspaceError(.badInput, "\(base).dbf: damaged header: its fields are \(width) bytes wide, its records \(recordLength)")
        }
    }
}

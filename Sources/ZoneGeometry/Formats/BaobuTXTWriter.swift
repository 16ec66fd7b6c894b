import Foundation

extension BaobuTXT {
    /// Writes `file`: `[属性描述]` with the attributes in their order, then `[地块坐标]` with each
    /// parcel rebuilt from its `geometryGK` (not from `rings`):
    /// - rings numbered 1… per parcel (each part's exterior, then its holes), 点号 J1… per
    ///   parcel, each ring closed by repeating its first point with the same 点号;
    /// - X = northing, Y = easting + 带号 × 1 000 000 (no prefix when 带号 is not an integer),
    ///   3 decimals (mm);
    /// - 界址点数 counted, 地块面积 recomputed from the geometry in 公顷 with 4 decimals.
    ///
    /// Commas and line breaks inside header fields would break the format: commas become `，`,
    /// line breaks spaces. `.gbk` is written as GB18030 (identical bytes for GBK characters).
    public static func write(_ file: BaobuFile, encoding: Encoding = .utf8, lineEnding: String = "\r\n") -> Data {
        func oneLine(_ s: String) -> String {
            String(s.map { $0.isNewline ? " " : $0 })
        }
        func field(_ s: String) -> String { oneLine(s).replacingOccurrences(of: ",", with: "，") }

        var out = ["[属性描述]"]
        for a in file.attributes {
            out.append("\(oneLine(a.key).replacingOccurrences(of: "=", with: "＝"))=\(oneLine(a.value))")
        }
        out.append("[地块坐标]")
        let prefix = zonePrefix(file.attributes)
        for p in file.parcels {
            let rings = makeRings(p.geometryGK, zonePrefix: prefix)
            let count = rings.reduce(0) { $0 + $1.points.count }
            let areaHa = planarArea(p.geometryGK) / 10_000
            out.append([String(count), String(format: "%.4f", areaHa), field(p.number), field(p.name), field(p.shape),
                        field(p.sheet), field(p.use), field(p.landClass), "@"].joined(separator: ","))
            for r in rings {
                for pt in r.points { out.append("\(pt.number),\(pt.ring),\(mm(pt.northing)),\(mm(pt.easting))") }
            }
        }
        let text = out.joined(separator: lineEnding) + lineEnding
        switch encoding {
        case .utf8:
            return Data(text.utf8)
        case .gbk:
            // GB18030 encodes every Unicode scalar, so this cannot fail on valid input; iconv
            // without GB18030 is a broken installation.
            guard let converter = BaobuIconv(from: "UTF-8", to: "GB18030"),
                  case .success(let bytes) = converter.convert(Array(text.utf8)) else {
                preconditionFailure("iconv cannot convert UTF-8 to GB18030 on this system")
            }
            return Data(bytes)
        }
    }

    /// 带号 × 1 000 000, or 0 when 带号 is missing or not an integer.
    static func zonePrefix(_ attributes: [(key: String, value: String)]) -> Double {
        guard let v = attributes.first(where: { $0.key == "带号" })?.value, let z = Int(v) else { return 0 }
        return Double(z) * 1_000_000
    }

    /// The 界址点 of a GK geometry as the writer numbers them.
    static func makeRings(_ g: Geometry, zonePrefix: Double) -> [BaobuRing] {
        var rings: [BaobuRing] = []
        var n = 0
        for poly in g.polygons {
            for (k, ring) in poly.rings.enumerated() {
                var cs = ring
                if cs.count > 1 && cs.first == cs.last { cs.removeLast() }
                guard !cs.isEmpty else { continue }
                let number = rings.count + 1
                var pts = cs.map { c -> BaobuPoint in
                    n += 1
                    return BaobuPoint(number: "J\(n)", ring: number, northing: c.y, easting: c.x + zonePrefix)
                }
                pts.append(BaobuPoint(number: pts[0].number, ring: number, northing: cs[0].y, easting: cs[0].x + zonePrefix))
                rings.append(BaobuRing(number: number, points: pts, isHole: k > 0))
            }
        }
        return rings
    }

    /// Builds a file from lon/lat parcels: each geometry (Polygon or MultiPolygon) is projected
    /// to EPSG:4549 with `transformer` (between EPSG:4549 and EPSG:4326/4490, either way round),
    /// rounded to the millimetre, checked with GEOS, and numbered as `write` numbers it.
    /// `declaredAreaHa` is the computed area rounded to 4 decimals.
    ///
    /// Errors are `BaobuError` with `file` = `parcels[i]` and `line` 0.
    public static func file(fromLonLat parcels: [(attributes: BaobuParcelAttributes, geometry: Geometry)],
                            using transformer: CoordinateTransformer,
                            fileAttributes: [(key: String, value: String)] = standardAttributes()) throws -> BaobuFile {
        try validateAttributes(fileAttributes.map { ($0.key, $0.value, 0) }, headerLine: 0, fileName: "attributes")
        let engine = GeometryEngine()
        let prefix = zonePrefix(fileAttributes)
        var seen: [String: Int] = [:]
        var out: [BaobuParcel] = []
        for (i, p) in parcels.enumerated() {
            func err(_ field: String, _ message: String) -> BaobuError {
                BaobuError(file: "parcels[\(i)]", line: 0, field: field, message: message)
            }
            if p.attributes.number.isEmpty { throw err("地块编号", "empty 地块编号") }
            if let first = seen[p.attributes.number] {
                throw err("地块编号", "duplicate 地块编号 \"\(p.attributes.number)\" (also parcels[\(first)])")
            }
            seen[p.attributes.number] = i
            let polys = p.geometry.polygons
            guard p.geometry.isPolygonal, !polys.isEmpty else {
                throw err("geometry", "expected a non-empty Polygon or MultiPolygon, got \(p.geometry.typeName)")
            }
            let lonLat: Geometry = polys.count == 1 ? .polygon(polys[0]) : .multiPolygon(polys)
            let gk = try lonLatToGK(lonLat, using: transformer).mapCoordinates {
                Coordinate(($0.x * 1000).rounded() / 1000, ($0.y * 1000).rounded() / 1000)
            }
            for c in gk.allCoordinates where !(eastingRange.contains(c.x) && northingRange.contains(c.y)) {
                throw err("geometry", "position E \(mm(c.x)) N \(mm(c.y)) is outside CGCS2000 3° zone \(supportedZone); are the coordinates lon/lat?")
            }
            let report = try engine.validity(gk)
            if !report.isValid {
                let at = report.location.map { " at X=\(mm($0.y)) Y=\(mm($0.x + prefix))" } ?? ""
                throw err("geometry", "invalid on the Gauss-Krüger plane (mm): \(report.reason)\(at)")
            }
            let rings = makeRings(gk, zonePrefix: prefix)
            let areaHa = planarArea(gk) / 10_000
            out.append(BaobuParcel(pointCount: rings.reduce(0) { $0 + $1.points.count },
                                   declaredAreaHa: (areaHa * 10_000).rounded() / 10_000,
                                   attributes: p.attributes, rings: rings, geometryGK: gk, computedAreaHa: areaHa))
        }
        return BaobuFile(attributes: fileAttributes, parcels: out)
    }
}

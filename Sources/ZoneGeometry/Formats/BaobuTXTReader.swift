import Foundation

extension BaobuTXT {
    /// Reads a 报部 TXT file. A bad file is refused whole with a `BaobuError` naming the line
    /// and field; a declared area that differs from the computed one is not an error but sets
    /// `BaobuParcel.areaWarning`.
    ///
    /// - Encoding: UTF-8 (with or without BOM) if the bytes are valid UTF-8, else GB18030/GBK
    ///   (decoded with iconv). CRLF, LF or CR line ends.
    /// - Coordinates: CGCS2000, 3° zone, 带号 40 only. Y may carry the zone prefix
    ///   (40 xxx xxx.xxx, EPSG:4528) or not (6 digits, EPSG:4549); not both in one file.
    /// - `areaTolerance`: relative difference of 地块面积 above which a warning is set
    ///   (the 4-decimal rounding of 地块面积, 0.5 m², is always tolerated).
    public static func read(_ data: Data, fileName: String, areaTolerance: Double = 0.001) throws -> BaobuFile {
        let text = try decode([UInt8](data), fileName: fileName)
        var reader = BaobuReader(fileName: fileName, areaTolerance: areaTolerance)
        return try reader.parse(text)
    }

    /// UTF-8 if valid (after an optional BOM), else GB18030 via iconv (`ChineseText`, shared with
    /// the firm tables), with the errors worded for a 报部 file.
    static func decode(_ raw: [UInt8], fileName: String) throws -> String {
        func fail(_ line: Int, _ message: String) -> BaobuError {
            BaobuError(file: fileName, line: line, field: "encoding", message: message)
        }
        if raw.isEmpty { throw BaobuError(file: fileName, line: 1, field: "file", message: "file is empty") }
        switch ChineseText.decode(raw) {
        case .success(let decoded):
            return decoded.text
        case .failure(.utf16):
            throw fail(1, "UTF-16 text is not supported; save the file as UTF-8 or GBK")
        case .failure(.invalid(_, let line)) where raw.starts(with: [0xEF, 0xBB, 0xBF]):
            throw fail(line, "file starts with a UTF-8 BOM but is not valid UTF-8")
        case .failure(.invalid(let offset, let line)):
            throw fail(line, "text is neither UTF-8 nor GBK/GB18030 (bad byte sequence at byte \(offset))")
        case .failure(.iconvUnavailable(let message)):
            throw fail(1, message)
        }
    }
}

/// One non-blank line, trimmed, with its 1-based number.
struct BaobuLine {
    let number: Int
    let text: String
    var fields: [String] {
        text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

struct BaobuReader {
    let fileName: String
    let areaTolerance: Double
    let engine = GeometryEngine()

    static let headerColumns = "界址点数,地块面积,地块编号,地块名称,图形属性,图幅号,地块用途,地类编码,@"

    func error(_ line: Int, _ field: String, _ message: String) -> BaobuError {
        // A line of input may be huge: an error echoes at most a short excerpt of it.
        BaobuError(file: fileName, line: line, field: Self.excerpt(field, 40), message: Self.excerpt(message, 300))
    }

    static func excerpt(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit)) + "…"
    }

    // MARK: - Sections

    mutating func parse(_ text: String) throws -> BaobuFile {
        var lines: [BaobuLine] = []
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var s = String(raw)
            if i == 0, s.unicodeScalars.first == "\u{FEFF}" { s.unicodeScalars.removeFirst() }
            let t = s.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty { lines.append(BaobuLine(number: i + 1, text: t)) }
            if lines.count > BaobuTXT.maxLines {
                throw error(i + 1, "file", "more than \(BaobuTXT.maxLines) lines: too large for a 报部 coordinate file")
            }
        }
        guard let lastLine = lines.last else { throw error(1, "file", "file is empty (only blank lines)") }

        enum Section { case none, attributes, coordinates }
        var section = Section.none
        var attributes: [(key: String, value: String, line: Int)] = []
        // Where each key was first seen: a duplicate is found in O(1), so a long [属性描述] parses
        // in linear time (a quadratic scan here once stalled the server for a minute).
        var attributeLine: [String: Int] = [:]
        var attributeHeader = 0
        var coordinateLines: [BaobuLine] = []

        for l in lines {
            if l.text.hasPrefix("[") || l.text.hasPrefix("【") {
                guard l.text.hasSuffix("]"), l.text.hasPrefix("[") else {
                    throw error(l.number, l.text, "malformed section header; expected [属性描述] or [地块坐标]")
                }
                let name = l.text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                switch name {
                case "属性描述":
                    guard section == .none else {
                        throw error(l.number, "[属性描述]", "section header repeated or out of order: [属性描述] must come first, once")
                    }
                    section = .attributes
                    attributeHeader = l.number
                case "地块坐标":
                    switch section {
                    case .none: throw error(l.number, "[属性描述]", "missing section header [属性描述] before [地块坐标]")
                    case .coordinates: throw error(l.number, "[地块坐标]", "section header [地块坐标] repeated")
                    case .attributes: section = .coordinates
                    }
                default:
                    throw error(l.number, l.text, "unknown section; expected [属性描述] or [地块坐标]")
                }
                continue
            }
            switch section {
            case .none:
                throw error(l.number, "[属性描述]", "missing section header: the file must start with [属性描述]")
            case .attributes:
                guard let eq = l.text.firstIndex(of: "=") else {
                    if l.text.contains(",") {
                        throw error(l.number, "[地块坐标]", "missing section header [地块坐标] before the parcel data")
                    }
                    throw error(l.number, "属性描述", "expected key=value, found \"\(l.text)\"")
                }
                let key = l.text[..<eq].trimmingCharacters(in: .whitespaces)
                let value = l.text[l.text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if key.isEmpty { throw error(l.number, "属性描述", "attribute without a name: \"\(l.text)\"") }
                if let first = attributeLine[key] {
                    throw error(l.number, key, "duplicate attribute (first at line \(first))")
                }
                guard attributes.count < BaobuTXT.maxAttributes else {
                    throw error(l.number, "属性描述", "more than \(BaobuTXT.maxAttributes) attributes: not a 报部 coordinate file")
                }
                attributeLine[key] = l.number
                attributes.append((key, value, l.number))
            case .coordinates:
                coordinateLines.append(l)
            }
        }
        switch section {
        case .none: throw error(lines[0].number, "[属性描述]", "missing section header [属性描述]")
        case .attributes:
            throw error(lastLine.number, "[地块坐标]", "missing section header [地块坐标]: the file ends without parcel data")
        case .coordinates: break
        }

        try BaobuTXT.validateAttributes(attributes, headerLine: attributeHeader, fileName: fileName)
        let parcels = try parseParcels(coordinateLines, sectionEnd: lastLine.number)
        return BaobuFile(attributes: attributes.map { ($0.key, $0.value) }, parcels: parcels)
    }

    // MARK: - Parcels

    private mutating func parseParcels(_ lines: [BaobuLine], sectionEnd: Int) throws -> [BaobuParcel] {
        var blocks: [(header: BaobuLine, points: [BaobuLine])] = []
        for l in lines {
            let f = l.fields
            if f.last == "@" {
                blocks.append((l, []))
            } else if f.count == 4 {
                guard !blocks.isEmpty else {
                    throw error(l.number, "界址点数", "point line before any parcel header (\(Self.headerColumns))")
                }
                blocks[blocks.count - 1].points.append(l)
            } else if f.count >= 8 {
                throw error(l.number, "@", "parcel header line must end with \",@\"")
            } else {
                throw error(l.number, "点号,圈号,X,Y",
                            "expected a point line 点号,圈号,X,Y (4 fields) or a parcel header ending with \",@\"; found \(f.count) field\(f.count == 1 ? "" : "s")")
            }
        }
        if blocks.isEmpty { throw error(sectionEnd, "[地块坐标]", "no parcel in [地块坐标]") }

        var parcels: [BaobuParcel] = []
        var seen: [String: Int] = [:]
        var prefixedFile: (prefixed: Bool, line: Int)?
        for block in blocks {
            let p = try parseParcel(block.header, block.points, prefixed: &prefixedFile)
            if let first = seen[p.number] {
                throw error(block.header.number, "地块编号", "duplicate 地块编号 \"\(p.number)\" (first at line \(first))")
            }
            seen[p.number] = block.header.number
            parcels.append(p)
        }
        return parcels
    }

    private func parseParcel(_ h: BaobuLine, _ pointLines: [BaobuLine],
                             prefixed: inout (prefixed: Bool, line: Int)?) throws -> BaobuParcel {
        let f = h.fields
        guard f.count == 9 else {
            throw error(h.number, "地块坐标", "parcel header has \(f.count) fields; expected 9: \(Self.headerColumns)")
        }
        guard let count = Int(f[0]), count > 0 else {
            throw error(h.number, "界址点数", "\"\(f[0])\" is not a positive integer")
        }
        var declared: Double?
        if !f[1].isEmpty {
            guard let a = Self.decimal(f[1]), a >= 0 else {
                throw error(h.number, "地块面积", "\"\(f[1])\" is not a non-negative number of 公顷")
            }
            declared = a
        }
        let attrs = BaobuParcelAttributes(number: f[2], name: f[3], shape: f[4], sheet: f[5], use: f[6], landClass: f[7])
        if attrs.number.isEmpty { throw error(h.number, "地块编号", "empty 地块编号") }
        if !(attrs.shape.isEmpty || attrs.shape == "面") {
            throw error(h.number, "图形属性", "\"\(attrs.shape)\" is not supported: only 面 (polygon) parcels")
        }
        if pointLines.count != count {
            let range = pointLines.isEmpty ? "" : " (lines \(pointLines.first!.number)–\(pointLines.last!.number))"
            throw error(h.number, "界址点数", "declares \(count) points but \(pointLines.count) point line\(pointLines.count == 1 ? "" : "s") follow\(pointLines.count == 1 ? "s" : "")\(range)")
        }

        // Points, grouped by 圈号 (a ring's points must be consecutive).
        var rings: [(number: Int, points: [BaobuPoint])] = []
        var ringStartLine: [Int: Int] = [:]
        for l in pointLines {
            let pt = try parsePoint(l, prefixed: &prefixed)
            if let last = rings.last, last.number == pt.ring {
                rings[rings.count - 1].points.append(pt)
            } else {
                if let earlier = ringStartLine[pt.ring] {
                    throw error(l.number, "圈号", "ring \(pt.ring) resumes after ring \(rings.last!.number) (it started at line \(earlier)); a ring's points must be consecutive")
                }
                ringStartLine[pt.ring] = pt.line
                rings.append((pt.ring, [pt]))
            }
        }
        let prefix = (prefixed?.prefixed ?? false) ? Double(BaobuTXT.supportedZone) * 1_000_000 : 0

        // Rings on the GK plane, closed, each valid on its own.
        var closedRings: [[Coordinate]] = []
        var ringLines: [[Int]] = []  // line of each position of the closed ring
        for r in rings {
            let pts = r.points
            var cs = pts.map { Coordinate($0.easting - prefix, $0.northing) }
            var ls = pts.map(\.line)
            if pts.count >= 2, pts.last!.number == pts.first!.number {
                let d = hypot(cs.last!.x - cs.first!.x, cs.last!.y - cs.first!.y)
                if d > 1e-6 {
                    throw error(pts.last!.line, "X,Y", "ring \(r.number) is not closed: closing point \(pts.last!.number) differs by \(BaobuTXT.mm(d)) m from the same point at line \(pts.first!.line)")
                }
                cs[cs.count - 1] = cs[0]
            } else if cs.count < 2 || cs.last! != cs.first! {
                cs.append(cs[0])
                ls.append(ls[0])
            }
            let distinct = Set(cs.dropLast()).count
            if distinct < 3 {
                throw error(pts[0].line, "圈号", "ring \(r.number) has \(distinct) distinct point\(distinct == 1 ? "" : "s"); a ring needs at least 3")
            }
            let report = try engine.validity(.polygon(Polygon(exterior: cs)))
            if !report.isValid {
                throw invalid(report, rings: [cs], lines: [ls], fallback: pts[0].line, prefix: prefix,
                              what: "ring \(r.number) (lines \(pts.first!.line)–\(pts.last!.line)) is not a valid ring")
            }
            closedRings.append(cs)
            ringLines.append(ls)
        }

        // Holes or parts: a ring covered by a larger ring is nested in it; odd depth = hole.
        let n = closedRings.count
        let areas = closedRings.map { abs(Winding.signedArea($0)) }
        let ringGeoms = closedRings.map { Geometry.polygon(Polygon(exterior: $0)) }
        var containers = [[Int]](repeating: [], count: n)
        if n > 1 {
            for i in 0..<n {
                for j in 0..<n where j != i && areas[j] > areas[i] {
                    if try engine.covers(ringGeoms[j], ringGeoms[i]) { containers[i].append(j) }
                }
            }
        }
        var polygons: [Polygon] = []
        var polygonOfRing = [Int?](repeating: nil, count: n)
        var isHole = [Bool](repeating: false, count: n)
        for i in 0..<n where containers[i].count % 2 == 0 {
            polygonOfRing[i] = polygons.count
            polygons.append(Polygon(exterior: closedRings[i]))
        }
        for i in 0..<n where containers[i].count % 2 == 1 {
            let parent = containers[i].min { areas[$0] < areas[$1] }!
            guard let k = polygonOfRing[parent] else {
                throw error(rings[i].points[0].line, "圈号", "ring \(rings[i].number) lies inside hole ring \(rings[parent].number) in an inconsistent nesting")
            }
            polygons[k].holes.append(closedRings[i])
            isHole[i] = true
        }
        let geometry: Geometry = polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)
        if n > 1 {
            let report = try engine.validity(geometry)
            if !report.isValid {
                throw invalid(report, rings: closedRings, lines: ringLines, fallback: h.number, prefix: prefix,
                              what: "the rings of parcel \(attrs.number) do not form a valid polygon")
            }
        }

        let areaHa = try engine.area(geometry) / 10_000
        var warning: String?
        if let d = declared {
            let diff = d - areaHa
            // 地块面积 has 4 decimals: 0.00005 ha (0.5 m²) is rounding.
            if abs(diff) > max(areaTolerance * areaHa, 0.00005 + 1e-9) {
                let rel = areaHa > 0 ? String(format: "%+.2f %%", diff / areaHa * 100) : "∞"
                warning = "\(fileName):\(h.number): 地块面积: declared \(String(format: "%.4f", d)) 公顷 differs from the computed \(String(format: "%.4f", areaHa)) 公顷 (\(rel))"
            }
        }
        let baobuRings = rings.enumerated().map { i, r in BaobuRing(number: r.number, points: r.points, isHole: isHole[i]) }
        return BaobuParcel(pointCount: count, declaredAreaHa: declared, attributes: attrs, rings: baobuRings,
                           geometryGK: geometry, computedAreaHa: areaHa, areaWarning: warning, line: h.number)
    }

    /// An invalid-geometry error naming the line of the point that starts the segment where
    /// GEOS found the problem (else `fallback`).
    private func invalid(_ report: ValidityReport, rings: [[Coordinate]], lines: [[Int]], fallback: Int,
                         prefix: Double, what: String) -> BaobuError {
        var line = fallback
        var at = ""
        if let loc = report.location {
            at = " at X=\(BaobuTXT.mm(loc.y)) Y=\(BaobuTXT.mm(loc.x + prefix))"
            var best = Double.infinity
            for (r, ring) in rings.enumerated() {
                for i in 0..<(ring.count - 1) {
                    let d = Self.segmentDistance(loc, ring[i], ring[i + 1])
                    if d < best - 1e-9 {
                        best = d
                        line = lines[r][i]
                    }
                }
            }
        }
        return error(line, "圈号", "\(what): \(report.reason)\(at)")
    }

    static func segmentDistance(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0
        t = min(max(t, 0), 1)
        return hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy))
    }

    // MARK: - Points

    private func parsePoint(_ l: BaobuLine, prefixed: inout (prefixed: Bool, line: Int)?) throws -> BaobuPoint {
        let f = l.fields
        if f[0].isEmpty { throw error(l.number, "点号", "empty 点号") }
        guard let ring = Int(f[1]), ring >= 1 else {
            throw error(l.number, "圈号", "\"\(f[1])\" is not a positive integer")
        }
        guard let x = Self.decimal(f[2]) else { throw error(l.number, "X", "non-numeric coordinate \"\(f[2])\"") }
        guard let y = Self.decimal(f[3]) else { throw error(l.number, "Y", "non-numeric coordinate \"\(f[3])\"") }

        let zone = Double(BaobuTXT.supportedZone) * 1_000_000
        func looksLikeEasting(_ v: Double) -> Bool {
            if BaobuTXT.eastingRange.contains(v) { return true }
            let z = (v / 1_000_000).rounded(.down)
            return (13...45).contains(z) && BaobuTXT.eastingRange.contains(v - z * 1_000_000)
        }
        if looksLikeEasting(x) && BaobuTXT.northingRange.contains(y) {
            throw error(l.number, "X,Y", "X and Y appear swapped (X must be the northing): X=\(f[2]) looks like an easting and Y=\(f[3]) like a northing")
        }
        guard BaobuTXT.northingRange.contains(x) else {
            throw error(l.number, "X", "X=\(f[2]) is not a northing of CGCS2000 3° zone 40 (expected 2000000–6000000 m)")
        }
        let hasPrefix: Bool
        if y >= 1_000_000 {
            let z = (y / 1_000_000).rounded(.down)
            guard z == Double(BaobuTXT.supportedZone) else {
                throw error(l.number, "Y", "zone prefix \(BaobuTXT.wholeNumber(z)) in Y=\(f[3].prefix(40)) does not match 带号 \(BaobuTXT.supportedZone)")
            }
            guard BaobuTXT.eastingRange.contains(y - zone) else {
                throw error(l.number, "Y", "Y=\(f[3]) is outside zone \(BaobuTXT.supportedZone) (easting after the prefix must be 300000–700000 m)")
            }
            hasPrefix = true
        } else {
            guard BaobuTXT.eastingRange.contains(y) else {
                throw error(l.number, "Y", "Y=\(f[3]) is neither a zone-prefixed easting (\(BaobuTXT.supportedZone)xxxxxx.xxx) nor an easting of 300000–700000 m")
            }
            hasPrefix = false
        }
        if let p = prefixed {
            if p.prefixed != hasPrefix {
                throw error(l.number, "Y", "Y=\(f[3]) \(hasPrefix ? "has a" : "has no") zone prefix but Y at line \(p.line) \(p.prefixed ? "has one" : "does not"); one file must use one convention")
            }
        } else {
            prefixed = (hasPrefix, l.number)
        }
        return BaobuPoint(number: f[0], ring: ring, northing: x, easting: y, line: l.number)
    }

    /// A plain decimal: optional sign, digits, optional fraction (no exponent, hex, inf or nan).
    static func decimal(_ s: String) -> Double? {
        var digits = false, dot = false
        for (i, c) in s.unicodeScalars.enumerated() {
            switch c {
            case "0"..."9": digits = true
            case ".": if dot { return nil }; dot = true
            case "+", "-": if i != 0 { return nil }
            default: return nil
            }
        }
        guard digits, let v = Double(s), v.isFinite else { return nil }
        return v
    }
}

extension BaobuTXT {
    /// Checks the `[属性描述]` values that decide how coordinates are read: CGCS2000, 3°, 带号 40,
    /// Gauss-Krüger, metres, no transformation parameters. `line` 0 means "not from a file".
    static func validateAttributes(_ attributes: [(key: String, value: String, line: Int)], headerLine: Int,
                                   fileName: String) throws {
        func err(_ line: Int, _ field: String, _ message: String) -> BaobuError {
            BaobuError(file: fileName, line: line, field: field, message: message)
        }
        func value(_ key: String, required: Bool) throws -> (String, Int)? {
            guard let a = attributes.first(where: { $0.key == key }) else {
                if required { throw err(headerLine, key, "missing attribute \(key) in [属性描述]") }
                return nil
            }
            return (a.value, a.line)
        }
        let supported = "only 2000国家大地坐标系 (CGCS2000), 3° zone \(supportedZone) (central meridian 120°E) is supported; coordinates are never reprojected"

        if let (v, line) = try value("坐标系", required: true) {
            let t = v.replacingOccurrences(of: " ", with: "").uppercased()
            let ok = t.contains("2000") && (t.contains("国家") || t.contains("CGCS")) && !t.contains("WGS")
            if !ok { throw err(line, "坐标系", "\"\(v)\" is not supported: \(supported)") }
        }
        if let (v, line) = try value("几度分带", required: true) {
            var t = v
            for suffix in ["度带", "度", "°"] where t.hasSuffix(suffix) { t.removeLast(suffix.count); break }
            guard let w = Int(t.trimmingCharacters(in: .whitespaces)) else {
                throw err(line, "几度分带", "\"\(v)\" is not a zone width (expected 3)")
            }
            if w != 3 { throw err(line, "几度分带", "\(w)° zones are not supported: \(supported)") }
        }
        if let (v, line) = try value("带号", required: true) {
            guard let z = Int(v) else { throw err(line, "带号", "\"\(v)\" is not an integer zone number") }
            if z != supportedZone { throw err(line, "带号", "带号 \(z) is not supported: \(supported)") }
        }
        if let (v, line) = try value("投影类型", required: false), !v.isEmpty,
           !(v.contains("高斯") || v.lowercased().contains("gauss")) {
            throw err(line, "投影类型", "\"\(v)\" is not supported: only 高斯克吕格 (Gauss-Krüger)")
        }
        if let (v, line) = try value("计量单位", required: false), !v.isEmpty, !(v == "米" || v.lowercased() == "m") {
            throw err(line, "计量单位", "\"\(v)\" is not supported: only 米 (metres)")
        }
        if let (v, line) = try value("转换参数", required: false) {
            let params = v.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if params.contains(where: { !$0.isEmpty && BaobuReader.decimal($0) != 0 }) {
                throw err(line, "转换参数", "\"\(v)\": transformation parameters are not supported (coordinates must already be CGCS2000; they are never transformed)")
            }
        }
    }
}

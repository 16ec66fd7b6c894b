import Foundation

// 报部 TXT: the 建设用地报批 / 勘测定界界址点坐标 text file exchanged with the Ministry.
//
//     [属性描述]
//     格式版本号=1.01版本
//     坐标系=2000国家大地坐标系
//     几度分带=3
//     投影类型=高斯克吕格
//     计量单位=米
//     带号=40
//     精度=0.001
//     转换参数=,,,,,,
//     [地块坐标]
//     界址点数,地块面积(公顷),地块编号,地块名称,图形属性,图幅号,地块用途,地类编码,@
//     点号,圈号,X(northing),Y(easting, zone-prefixed)
//     …
//
// Reading: `BaobuTXTReader.swift`; writing and building from lon/lat: `BaobuTXTWriter.swift`;
// GBK/GB18030 conversion with iconv: `BaobuTXTIconv.swift`.

/// An input error in a 报部 TXT file (or in parcels given to `BaobuTXT.file(fromLonLat:…)`).
/// `line` is 1-based (0 when there is no line, e.g. for lon/lat input); `field` names the
/// attribute, section or column (`界址点数`, `X`, `圈号`, `坐标系`, …).
public struct BaobuError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var file: String
    public var line: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `FILE:LINE: field: message` (`FILE: field: message` when `line` is 0).
    public var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        return place.isEmpty ? "\(field): \(message)" : "\(place): \(field): \(message)"
    }
    public var errorDescription: String? { description }
}

/// One 界址点 line `点号,圈号,X,Y`, values as in the file: `northing` is X, `easting` is Y
/// including the zone prefix when the file had one (e.g. 40 512 345.678).
public struct BaobuPoint: Hashable, Sendable {
    /// 点号, e.g. `J1`.
    public var number: String
    /// 圈号 (ring number, 1-based).
    public var ring: Int
    /// X: northing in metres.
    public var northing: Double
    /// Y: easting in metres as written (zone-prefixed or not).
    public var easting: Double
    /// 1-based line in the file it was read from; 0 if not read from a file.
    public var line: Int

    public init(number: String, ring: Int, northing: Double, easting: Double, line: Int = 0) {
        self.number = number
        self.ring = ring
        self.northing = northing
        self.easting = easting
        self.line = line
    }
}

/// The points of one 圈号 in file order (the repeated closing point included if the file has it).
public struct BaobuRing: Hashable, Sendable {
    /// 圈号.
    public var number: Int
    public var points: [BaobuPoint]
    /// True if the ring lies inside another ring of the parcel with an even nesting depth
    /// (it is a hole); false for an exterior ring (a part).
    public var isHole: Bool

    public init(number: Int, points: [BaobuPoint], isHole: Bool) {
        self.number = number
        self.points = points
        self.isHole = isHole
    }
}

/// The descriptive columns of a parcel header line (everything but 界址点数 and 地块面积).
public struct BaobuParcelAttributes: Hashable, Sendable {
    /// 地块编号 (unique in a file, required).
    public var number: String
    /// 地块名称.
    public var name: String
    /// 图形属性, `面` for polygons.
    public var shape: String
    /// 图幅号.
    public var sheet: String
    /// 地块用途.
    public var use: String
    /// 地类编码.
    public var landClass: String

    public init(number: String, name: String = "", shape: String = "面", sheet: String = "",
                use: String = "", landClass: String = "") {
        self.number = number
        self.name = name
        self.shape = shape
        self.sheet = sheet
        self.use = use
        self.landClass = landClass
    }
}

/// One parcel (地块): its header line, its rings and its geometry on the Gauss-Krüger plane.
public struct BaobuParcel: Hashable, Sendable {
    /// 界址点数: the number of point lines, repeated closing points included.
    public var pointCount: Int
    /// 地块面积 as declared, in 公顷 (hectares); nil if the field is empty.
    public var declaredAreaHa: Double?
    /// 地块编号.
    public var number: String
    /// 地块名称.
    public var name: String
    /// 图形属性 (`面`).
    public var shape: String
    /// 图幅号.
    public var sheet: String
    /// 地块用途.
    public var use: String
    /// 地类编码.
    public var landClass: String
    /// The points by 圈号, as in the file.
    public var rings: [BaobuRing]
    /// EPSG:4549 (CGCS2000 3° GK, CM 120°E, no zone prefix): x = easting, y = northing.
    /// A `.polygon`, or a `.multiPolygon` when the parcel has several separate parts.
    /// Rings are closed and keep the file's point order.
    public var geometryGK: Geometry
    /// Planar area of `geometryGK`, in 公顷.
    public var computedAreaHa: Double
    /// Set when the declared area differs from the computed one by more than the tolerance
    /// given to `BaobuTXT.read` (the reader does not fail on it): `FILE:LINE: 地块面积: …`.
    public var areaWarning: String?
    /// 1-based line of the header in the file it was read from; 0 otherwise.
    public var line: Int

    public init(pointCount: Int, declaredAreaHa: Double?, attributes: BaobuParcelAttributes,
                rings: [BaobuRing], geometryGK: Geometry, computedAreaHa: Double,
                areaWarning: String? = nil, line: Int = 0) {
        self.pointCount = pointCount
        self.declaredAreaHa = declaredAreaHa
        self.number = attributes.number
        self.name = attributes.name
        self.shape = attributes.shape
        self.sheet = attributes.sheet
        self.use = attributes.use
        self.landClass = attributes.landClass
        self.rings = rings
        self.geometryGK = geometryGK
        self.computedAreaHa = computedAreaHa
        self.areaWarning = areaWarning
        self.line = line
    }

    public var attributes: BaobuParcelAttributes {
        BaobuParcelAttributes(number: number, name: name, shape: shape, sheet: sheet, use: use, landClass: landClass)
    }

    /// Planar area of `geometryGK` in 亩 (15 亩 = 1 公顷).
    public var computedAreaMu: Double { Mu.fromSquareMetres(computedAreaHa * 10_000) }

    /// (declared − computed) ÷ computed; nil without a declared area or with a zero computed area.
    public var areaRelativeDifference: Double? {
        guard let d = declaredAreaHa, computedAreaHa > 0 else { return nil }
        return (d - computedAreaHa) / computedAreaHa
    }

    /// `geometryGK` in lon/lat. `transformer` must be between EPSG:4549 and a geographic CRS
    /// (EPSG:4326 or 4490), either way round — e.g. `PlanarMeasurer().transformer` (4326→4549).
    public func geometryLonLat(using transformer: CoordinateTransformer) throws -> Geometry {
        try BaobuTXT.gkToLonLat(geometryGK, using: transformer)
    }
}

/// A 报部 TXT file: the `[属性描述]` attributes in file order and the parcels.
public struct BaobuFile: Sendable {
    /// `[属性描述]` key=value pairs in file order.
    public var attributes: [(key: String, value: String)]
    public var parcels: [BaobuParcel]

    public init(attributes: [(key: String, value: String)], parcels: [BaobuParcel]) {
        self.attributes = attributes
        self.parcels = parcels
    }

    /// The value of the first attribute named `key`.
    public func attribute(_ key: String) -> String? { attributes.first { $0.key == key }?.value }

    /// The parcels' area warnings (declared vs computed), in file order.
    public var warnings: [String] { parcels.compactMap(\.areaWarning) }
}

/// Reads and writes 报部 TXT files. CGCS2000 3° Gauss-Krüger zone 40 (CM 120°E) only:
/// other datums, zone widths or zones are refused, never reprojected. All functions are
/// thread-safe (each call uses its own GEOS context and iconv descriptor).
public enum BaobuTXT {
    /// Output text encoding. `.gbk` is written as GB18030, which is byte-identical to GBK for
    /// every GBK character and also encodes characters outside GBK.
    public enum Encoding: Sendable, Hashable {
        case utf8
        case gbk
    }

    /// The only 带号 supported: CGCS2000 3° zone 40, central meridian 120°E (EPSG:4528 / 4549).
    public static let supportedZone = 40

    /// Caps that keep a hostile file from costing more than a real one could: a 报部 file has a
    /// dozen attributes and at most some tens of thousands of boundary points.
    public static let maxAttributes = 200
    public static let maxLines = 500_000

    /// A whole number for a message, never trapping on a huge or non-finite input.
    static func wholeNumber(_ d: Double) -> String {
        guard d.isFinite else { return "\(d)" }
        return abs(d) < 1e15 ? String(Int(d)) : String(format: "%.6g", d)
    }

    /// Eastings (without prefix) accepted in a 3° zone, metres.
    static let eastingRange: ClosedRange<Double> = 300_000...700_000
    /// Northings of zone 40 over China (≈ 18°N–54°N), metres.
    static let northingRange: ClosedRange<Double> = 2_000_000...6_000_000

    /// A typical `[属性描述]` for a CGCS2000 3° zone 40 file.
    public static func standardAttributes(producer: String = "", date: String = "") -> [(key: String, value: String)] {
        [("格式版本号", "1.01版本"), ("数据产生单位", producer), ("数据产生日期", date),
         ("坐标系", "2000国家大地坐标系"), ("几度分带", "3"), ("投影类型", "高斯克吕格"),
         ("计量单位", "米"), ("带号", "\(supportedZone)"), ("精度", "0.001"), ("转换参数", ",,,,,,")]
    }

    /// EPSG:4549 → lon/lat with a transformer between 4549 and a geographic CRS (either direction).
    static func gkToLonLat(_ g: Geometry, using t: CoordinateTransformer) throws -> Geometry {
        if t.source == .gaussKruger120 && t.target.isGeographic { return try t.transform(g) }
        if t.target == .gaussKruger120 && t.source.isGeographic { return try t.inverse(g) }
        throw BaobuError(file: "", line: 0, field: "transformer",
                         message: "needs a transformer between EPSG:4549 and EPSG:4326 or EPSG:4490, got \(t.source.rawValue)→\(t.target.rawValue)")
    }

    /// lon/lat → EPSG:4549, the inverse of `gkToLonLat`.
    static func lonLatToGK(_ g: Geometry, using t: CoordinateTransformer) throws -> Geometry {
        if t.source.isGeographic && t.target == .gaussKruger120 { return try t.transform(g) }
        if t.target.isGeographic && t.source == .gaussKruger120 { return try t.inverse(g) }
        throw BaobuError(file: "", line: 0, field: "transformer",
                         message: "needs a transformer between EPSG:4549 and EPSG:4326 or EPSG:4490, got \(t.source.rawValue)→\(t.target.rawValue)")
    }

    /// Planar area in m² by the shoelace formula (exteriors minus holes); pure Swift.
    static func planarArea(_ g: Geometry) -> Double {
        g.polygons.reduce(0) { sum, p in
            sum + abs(Winding.signedArea(p.exterior)) - p.holes.reduce(0) { $0 + abs(Winding.signedArea($1)) }
        }
    }

    static func mm(_ v: Double) -> String { String(format: "%.3f", v) }
}

import Foundation
import ZoneGeometry
import ZonePlan

/// Why a query could not be answered. `badInput` is the caller's mistake (exit 2), `notFound` an
/// unknown name (exit 5), `notAvailable` a feature that is planned but not built yet (exit 2).
/// Every message is one line.
public enum QueryError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case badInput(String)
    case notFound(String)
    case notAvailable(String)

    public var description: String {
        switch self {
        case .badInput(let s), .notFound(let s), .notAvailable(let s): return s
        }
    }
    public var errorDescription: String? { description }

    /// The README's exit-code table: 2 bad input, 5 not found.
    public var exitCode: Int32 {
        switch self {
        case .badInput, .notAvailable: return 2
        case .notFound: return 5
        }
    }
}

/// The coordinate systems a query point or box may be given in. Everything is converted to
/// WGS 84 lon/lat, the GeoData's system.
public enum InputCRS: String, Sendable, CaseIterable, Codable {
    case wgs84 = "EPSG:4326"
    case cgcs2000 = "EPSG:4490"
    case gaussKruger120 = "EPSG:4549"
    case gaussKrugerZone40 = "EPSG:4528"
    /// GCJ-02, the shifted datum of Amap/Gaode and Tencent maps (points read off those maps).
    case gcj02 = "GCJ-02"

    public var isGeographic: Bool { self == .wgs84 || self == .cgcs2000 || self == .gcj02 }

    public var label: String {
        switch self {
        case .wgs84: return "EPSG:4326 WGS 84 lon/lat"
        case .cgcs2000: return "EPSG:4490 CGCS2000 lon/lat"
        case .gaussKruger120: return "EPSG:4549 CGCS2000 Gauss-Krüger CM 120°E (metres)"
        case .gaussKrugerZone40: return "EPSG:4528 CGCS2000 Gauss-Krüger zone 40 (metres)"
        case .gcj02: return "GCJ-02 (Amap/Gaode) lon/lat"
        }
    }

    /// Accepts what `CRS.parse` accepts plus `gcj02`, `GCJ-02`, `amap`, `gaode`. Anything else is bad input.
    public static func parse(_ s: String) throws -> InputCRS {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        if ["gcj02", "gcj-02", "gcj", "amap", "gaode"].contains(t) { return .gcj02 }
        guard let crs = try? CRS.parse(s) else {
            throw QueryError.badInput("unknown CRS '\(s)': use one of EPSG:4326, EPSG:4490, EPSG:4549, EPSG:4528, gcj02")
        }
        switch crs {
        case .wgs84: return .wgs84
        case .cgcs2000: return .cgcs2000
        case .gaussKruger120: return .gaussKruger120
        case .gaussKrugerZone40: return .gaussKrugerZone40
        }
    }

    var zoneCRS: CRS? {
        switch self {
        case .wgs84: return .wgs84
        case .cgcs2000: return .cgcs2000
        case .gaussKruger120: return .gaussKruger120
        case .gaussKrugerZone40: return .gaussKrugerZone40
        case .gcj02: return nil
        }
    }
}

/// Turns user coordinates into checked WGS 84 lon/lat.
public enum CoordinateInput {
    /// Rough box of eastern China (the same as the application check): outside it is almost surely a mistake.
    public static let plausibleLon = 108.0...126.0
    public static let plausibleLat = 18.0...42.0

    /// Parses one number, naming it in the error.
    public static func number(_ s: String, name: String) throws -> Double {
        guard let d = DecimalText.parse(s), d.isFinite else {  // decimal only: `0x78` is not 120
            throw QueryError.badInput("\(name): '\(s)' is not a number")
        }
        return d
    }

    /// Checks an (x, y) pair given in `crs` and returns WGS 84 lon/lat.
    public static func lonLat(x: Double, y: Double, crs: InputCRS, what: String = "point") throws -> Coordinate {
        guard x.isFinite, y.isFinite else { throw QueryError.badInput("\(what): coordinates must be finite numbers") }
        if crs.isGeographic {
            try checkDegrees(x: x, y: y, what: what)
            let c = Coordinate(x, y)
            return crs == .gcj02 ? GCJ02.toWGS84(c) : c  // CGCS2000 and WGS 84 agree to < 1 m here
        }
        // Projected metres.
        if abs(x) <= 360 && abs(y) <= 360 {
            throw QueryError.badInput("\(what): \(fmt(x)) \(fmt(y)) look like degrees, but \(crs.rawValue) is in metres (use --crs EPSG:4326 for lon/lat)")
        }
        var hint = ""
        if crs == .gaussKruger120 && x > 1_000_000 { hint = " (an easting with the zone prefix 40… is EPSG:4528)" }
        if crs == .gaussKrugerZone40 && x < 1_000_000 { hint = " (an easting without the zone prefix is EPSG:4549)" }
        if x > 2_000_000 && y < 1_000_000 { hint = " (easting and northing look swapped: give X (easting) then Y (northing))" }
        let lonLat: Coordinate
        do {
            let t = try CoordinateTransformer(from: .wgs84, to: crs.zoneCRS!)
            lonLat = try t.inverse(Coordinate(x, y))
        } catch {
            throw QueryError.badInput("\(what): \(fmt(x)) \(fmt(y)) is outside the domain of \(crs.rawValue)\(hint)")
        }
        guard lonLat.isFinite, plausibleLon.contains(lonLat.x), plausibleLat.contains(lonLat.y) else {
            throw QueryError.badInput("\(what): \(fmt(x)) \(fmt(y)) in \(crs.rawValue) is not in eastern China\(hint)")
        }
        return lonLat
    }

    /// Range and order checks for lon/lat degrees.
    public static func checkDegrees(x: Double, y: Double, what: String) throws {
        guard (-180...180).contains(x), (-90...90).contains(y) else {
            if (-90...90).contains(x) && (-180...180).contains(y) {
                throw QueryError.badInput("\(what): \(fmt(x)) \(fmt(y)) has latitude and longitude swapped: give longitude first, e.g. \(fmt(y)) \(fmt(x))")
            }
            throw QueryError.badInput("\(what): \(fmt(x)) \(fmt(y)) is out of range: longitude must be in [-180, 180], latitude in [-90, 90]")
        }
        if plausibleLat.contains(x) && plausibleLon.contains(y) {
            throw QueryError.badInput("\(what): \(fmt(x)) \(fmt(y)) has latitude and longitude swapped: give longitude first, e.g. \(fmt(y)) \(fmt(x))")
        }
        guard plausibleLon.contains(x), plausibleLat.contains(y) else {
            throw QueryError.badInput("\(what): \(fmt(x)) \(fmt(y)) is nowhere near Jiaxing (expected longitude 108–126, latitude 18–42)")
        }
    }

    /// `W,S,E,N` in `crs` → a WGS 84 lon/lat box. Refuses a malformed, empty or inverted box.
    public static func bbox(_ text: String, crs: InputCRS = .wgs84) throws -> Envelope {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else {
            throw QueryError.badInput("--bbox: '\(text)' needs 4 numbers W,S,E,N, found \(parts.count)")
        }
        let names = ["west", "south", "east", "north"]
        let v = try zip(parts, names).map { try number($0, name: "--bbox \($1)") }
        let (w, s, e, n) = (v[0], v[1], v[2], v[3])
        if w > e { throw QueryError.badInput("--bbox: west \(fmt(w)) > east \(fmt(e)): give W,S,E,N (boxes across the antimeridian are not supported)") }
        if s > n { throw QueryError.badInput("--bbox: south \(fmt(s)) > north \(fmt(n)): give W,S,E,N") }
        if w == e || s == n { throw QueryError.badInput("--bbox: '\(text)' is empty (zero width or height)") }
        let sw = try lonLat(x: w, y: s, crs: crs, what: "--bbox south-west corner")
        let ne = try lonLat(x: e, y: n, crs: crs, what: "--bbox north-east corner")
        if crs.isGeographic { return Envelope(minX: sw.x, minY: sw.y, maxX: ne.x, maxY: ne.y) }
        // A projected box: take the lon/lat envelope of its four corners.
        let nw = try lonLat(x: w, y: n, crs: crs, what: "--bbox"), se = try lonLat(x: e, y: s, crs: crs, what: "--bbox")
        return Envelope(coordinates: [sw, ne, nw, se])!
    }

    static func fmt(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}

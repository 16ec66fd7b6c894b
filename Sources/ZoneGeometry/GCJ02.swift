import Foundation

/// GCJ-02, the obfuscated datum of Amap/Gaode (and Tencent) maps, by the widely published
/// formula on the Krasovsky ellipsoid. Coordinates are lon/lat degrees. Pure functions; thread-safe.
public enum GCJ02 {
    static let a = 6378245.0
    static let ee = 0.00669342162296594323

    /// The published rough China box; outside it GCJ-02 equals WGS 84.
    public static func isOutOfChina(_ c: Coordinate) -> Bool {
        c.x < 72.004 || c.x > 137.8347 || c.y < 0.8293 || c.y > 55.8271
    }

    public static func fromWGS84(_ c: Coordinate) -> Coordinate {
        if isOutOfChina(c) { return c }
        let d = delta(c)
        return Coordinate(c.x + d.x, c.y + d.y)
    }

    /// Iterative inverse (fixed point on the forward formula) to < 1e-10° (≈ 0.01 mm).
    public static func toWGS84(_ c: Coordinate) -> Coordinate {
        if isOutOfChina(c) { return c }
        var w = c
        for _ in 0..<30 {
            let g = fromWGS84(w)
            let dx = g.x - c.x, dy = g.y - c.y
            w = Coordinate(w.x - dx, w.y - dy)
            if abs(dx) < 1e-12 && abs(dy) < 1e-12 { break }
        }
        return w
    }

    public static func fromWGS84(_ g: Geometry) -> Geometry { g.mapCoordinates { fromWGS84($0) } }
    public static func toWGS84(_ g: Geometry) -> Geometry { g.mapCoordinates { toWGS84($0) } }

    private static func delta(_ c: Coordinate) -> Coordinate {
        let lon = c.x, lat = c.y
        var dLat = transformLat(lon - 105.0, lat - 35.0)
        var dLon = transformLon(lon - 105.0, lat - 35.0)
        let radLat = lat / 180.0 * Double.pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * Double.pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * Double.pi)
        return Coordinate(dLon, dLat)
    }

    private static func transformLat(_ x: Double, _ y: Double) -> Double {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        r += (160.0 * sin(y / 12.0 * .pi) + 320 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        return r
    }

    private static func transformLon(_ x: Double, _ y: Double) -> Double {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        r += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        return r
    }
}

import Foundation
import Dispatch

/// Features written straight into bytes, as `zoneplan export` and the OGC API pages give them:
/// `type`, `id`, `bbox`, sorted `properties`, then the geometry with RFC 7946 winding and at most
/// 7 decimals — the text `GeoJSON.jsonValue` + `JSONValue.serialized` would write, without building
/// a `JSONValue` tree per coordinate.
///
/// Why not the tree: a profile of `/collections/platforms/items?limit=100` put two thirds of the
/// time in formatting coordinates through `String(format:)` (Foundation's CFString path, once to
/// round and once to write) and most of the rest in the intermediate values. Here a coordinate is
/// rounded with integer arithmetic and written as digits; a test checks the bytes equal the tree's
/// for every feature of every layer.
public enum GeoJSONBytes {
    /// One Feature as compact JSON with `"type":"Feature"` first (GDAL recognises a GeoJSON text
    /// sequence by finding it near the start of the file), then `id`, `bbox`, `properties`, and
    /// the geometry last.
    public static func feature(_ f: Feature) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + (f.geometry?.coordinateCount ?? 0) * 24)
        out += Array("{\"type\":\"Feature\"".utf8)
        if let id = f.id { out += Array(",\"id\":".utf8); out += Array(id.serialized().utf8) }
        let rounded = f.geometry.map { $0.mapCoordinates { Coordinate(round7($0.x), round7($0.y)) } }
        if let env = rounded?.envelope {
            out += Array(",\"bbox\":".utf8)
            out += Array(JSONValue.array([.number(env.minX), .number(env.minY), .number(env.maxX), .number(env.maxY)]).serialized().utf8)
        }
        out += Array(",\"properties\":".utf8)
        out += Array(JSONValue.object(f.properties).serialized().utf8)
        out += Array(",\"geometry\":".utf8)
        if let g = rounded { geometry(Winding.rfc7946(g), into: &out) } else { out += Array("null".utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A FeatureCollection as `zoneplan export` writes it: `collectionOpening`, each feature on a
    /// line of its own, `collectionClosing`. The features are written in chunks on every core (an
    /// evaluation writes 100,000 parcels); the bytes are the same as one after another.
    public static func featureCollection(_ features: [Feature]) -> Data {
        let chunks = max(1, min(features.count / 500, ProcessInfo.processInfo.activeProcessorCount * 4))
        var parts = [[UInt8]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer   // each index written by one iteration only
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var bytes: [UInt8] = []
                for i in features.count * c / chunks ..< features.count * (c + 1) / chunks {
                    bytes += Array(i == 0 ? "\n".utf8 : ",\n".utf8)
                    bytes += feature(features[i])
                }
                slots[c] = bytes
            }
        }
        var out = collectionOpening(features)
        out.reserveCapacity(parts.reduce(out.count + collectionClosing.count) { $0 + $1.count })
        for p in parts { out += p }
        out += collectionClosing
        return Data(out)
    }

    /// `{"type":"FeatureCollection"`, the `bbox` of every feature's rounded geometry, and
    /// `,"features":[`.
    public static func collectionOpening(_ features: [Feature]) -> [UInt8] {
        var out = Array("{\"type\":\"FeatureCollection\"".utf8)
        // Rounding is monotonic, so the rounded envelope is the envelope of the rounded geometry.
        let env = features.compactMap { $0.geometry?.envelope }.reduce(nil) { (acc: Envelope?, e) in acc.map { $0.union(e) } ?? e }
        if let env {
            out += Array(",\"bbox\":".utf8)
            out += Array(JSONValue.array([.number(round7(env.minX)), .number(round7(env.minY)), .number(round7(env.maxX)), .number(round7(env.maxY))]).serialized().utf8)
        }
        out += Array(",\"features\":[".utf8)
        return out
    }

    public static let collectionClosing: [UInt8] = Array("\n]}\n".utf8)

    /// A geometry already rounded and wound, keys sorted as `JSONValue` writes them.
    static func geometry(_ g: Geometry, into out: inout [UInt8]) {
        if case .geometryCollection(let gs) = g {
            out += Array("{\"geometries\":[".utf8)
            for (i, x) in gs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                geometry(x, into: &out)
            }
            out += Array("],\"type\":\"GeometryCollection\"}".utf8)
            return
        }
        out += Array("{\"coordinates\":".utf8)
        switch g {
        case .point(let c): position(c, into: &out)
        case .multiPoint(let cs), .lineString(let cs): line(cs, into: &out)
        case .multiLineString(let ls): list(ls, into: &out) { line($0, into: &$1) }
        case .polygon(let p): polygon(p, into: &out)
        case .multiPolygon(let ps): list(ps, into: &out) { polygon($0, into: &$1) }
        case .geometryCollection: break
        }
        out += Array(",\"type\":\"\(g.typeName)\"}".utf8)
    }

    private static func list<T>(_ xs: [T], into out: inout [UInt8], _ each: (T, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, x) in xs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            each(x, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private static func polygon(_ p: Polygon, into out: inout [UInt8]) {
        if p.isEmpty { out += Array("[]".utf8); return }
        list(p.rings, into: &out) { line($0, into: &$1) }
    }

    private static func line(_ cs: [Coordinate], into out: inout [UInt8]) {
        list(cs, into: &out) { position($0, into: &$1) }
    }

    private static func position(_ c: Coordinate, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        number(c.x, into: &out)
        out.append(UInt8(ascii: ","))
        number(c.y, into: &out)
        out.append(UInt8(ascii: "]"))
    }

    // MARK: numbers

    /// `d` rounded to 7 decimals as a count of 1e-7, when the fast path can decide it exactly:
    /// the product is corrected with its exact remainder (fused multiply-add), and an exact tie,
    /// which only a few binary fractions can produce, is left to the C library's rounding.
    static func fixed7(_ d: Double) -> Int64? {
        guard d.isFinite, abs(d) < 9.0e8 else { return nil }
        var n = (d * 1e7).rounded(.toNearestOrAwayFromZero)
        let r = (-n).addingProduct(d, 1e7)
        if r > 0.5 { n += 1 } else if r < -0.5 { n -= 1 } else if abs(r) == 0.5 { return nil }
        return Int64(n)
    }

    /// `GeoJSON.rounded`'s rounding (the value of the 7-decimal text) without the text.
    static func round7(_ d: Double) -> Double {
        guard let n = fixed7(d) else { return Double(slowFixed7(d)) ?? d }
        return Double(n) / 1e7
    }

    /// A rounded coordinate as `JSONValue` writes a number: integers without a point, others in
    /// the shortest form that reads back as the same value (for 1e-4 ≤ |d| < 9e8 these are the
    /// 7-decimal digits with trailing zeros dropped).
    static func number(_ d: Double, into out: inout [UInt8]) {
        guard let n = fixed7(d), n == 0 || abs(n) >= 1000, Double(n) / 1e7 == d else {
            out += Array(JSONValue.number(d).serialized().utf8)
            return
        }
        if n < 0 { out.append(UInt8(ascii: "-")) }
        let m = n.magnitude
        digits(m / 10_000_000, into: &out)
        var frac = m % 10_000_000
        guard frac != 0 else { return }
        out.append(UInt8(ascii: "."))
        var width = 7
        while frac % 10 == 0 { frac /= 10; width -= 1 }
        var buf = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var i = width - 1
        while frac > 0 { buf[i] = UInt8(ascii: "0") + UInt8(frac % 10); frac /= 10; i -= 1 }
        out += buf
    }

    private static func digits(_ v: UInt64, into out: inout [UInt8]) {
        if v >= 10 { digits(v / 10, into: &out) }
        out.append(UInt8(ascii: "0") + UInt8(v % 10))
    }

    private static func slowFixed7(_ d: Double) -> String {
        var s = String(format: "%.7f", d)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }
}

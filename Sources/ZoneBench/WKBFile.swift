import Foundation
import ZoneGeometry

/// Reader of the shared benchmark's files: a little-endian uint32 record count, then per record a
/// uint32 byte length and one ISO (or extended) WKB geometry, Polygon or MultiPolygon. Either byte
/// order is accepted in the WKB; Z and M ordinates are dropped. Everything is bounds-checked: a
/// truncated or inconsistent file throws `BenchInputError`, it never reads past the end.
public enum WKBFile {
    public static func read(path: String) throws -> PolygonSet {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw BenchInputError("cannot read \(path): \(error.localizedDescription)")
        }
        do { return try parse(data) } catch let e as BenchInputError {
            throw BenchInputError("\(path): \(e.message)")
        }
    }

    public static func parse(_ data: Data) throws -> PolygonSet {
        try data.withUnsafeBytes { try parse(bytes: $0) }
    }

    public static func parse(bytes: UnsafeRawBufferPointer) throws -> PolygonSet {
        var cur = Cursor(bytes: bytes, pos: 0, little: true)
        let n = Int(try cur.u32())
        guard n <= bytes.count / 4 else { throw BenchInputError("record count \(n) larger than the file allows") }
        var set = PolygonSet()
        // Sites have ~10 vertices: 16 bytes a vertex bounds the count from the file size.
        set.reserve(items: n, vertices: max(0, (bytes.count - 4 - 8 * n) / 16))
        for i in 0..<n {
            cur.little = true
            let len = Int(try cur.u32())
            guard len <= bytes.count - cur.pos else {
                throw BenchInputError("record \(i): length \(len) runs past the end of the file (truncated?)")
            }
            let end = cur.pos + len
            var rec = Cursor(bytes: UnsafeRawBufferPointer(rebasing: bytes[cur.pos..<end]), pos: 0, little: true)
            do { try geometry(&rec, into: &set) } catch let e as BenchInputError {
                throw BenchInputError("record \(i): \(e.message)")
            }
            guard rec.pos == len else { throw BenchInputError("record \(i): \(len - rec.pos) bytes left over after the geometry") }
            cur.pos = end
        }
        guard cur.pos == bytes.count else { throw BenchInputError("\(bytes.count - cur.pos) bytes after the last record") }
        return set
    }

    /// Parses one WKB geometry (Polygon or MultiPolygon) as one item of `set`.
    public static func parseGeometry(_ wkb: [UInt8], into set: inout PolygonSet) throws {
        try wkb.withUnsafeBytes { b in
            var cur = Cursor(bytes: b, pos: 0, little: true)
            try geometry(&cur, into: &set)
            guard cur.pos == b.count else { throw BenchInputError("\(b.count - cur.pos) bytes left over after the geometry") }
        }
    }

    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var pos: Int
        var little: Bool

        mutating func u8() throws -> UInt8 {
            guard pos < bytes.count else { throw BenchInputError("truncated WKB at byte \(pos)") }
            defer { pos += 1 }
            return bytes[pos]
        }
        mutating func u32() throws -> UInt32 {
            guard bytes.count - pos >= 4 else { throw BenchInputError("truncated WKB at byte \(pos)") }
            let v = bytes.loadUnaligned(fromByteOffset: pos, as: UInt32.self)
            pos += 4
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        mutating func f64() throws -> Double {
            guard bytes.count - pos >= 8 else { throw BenchInputError("truncated WKB at byte \(pos)") }
            let v = bytes.loadUnaligned(fromByteOffset: pos, as: UInt64.self)
            pos += 8
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }
    }

    /// Header: byte order, then type with ISO (1000/2000/3000) or EWKB (high bits) dimension flags.
    static func header(_ cur: inout Cursor) throws -> (type: UInt32, extra: Int) {
        let order = try cur.u8()
        guard order <= 1 else { throw BenchInputError("bad byte-order mark \(order)") }
        cur.little = order == 1
        var t = try cur.u32()
        var hasZ = t & 0x8000_0000 != 0, hasM = t & 0x4000_0000 != 0
        let hasSRID = t & 0x2000_0000 != 0
        t &= 0x0FFF_FFFF
        switch t / 1000 {
        case 0: break
        case 1: hasZ = true
        case 2: hasM = true
        case 3: hasZ = true; hasM = true
        default: throw BenchInputError("unknown WKB type \(t)")
        }
        if hasSRID { _ = try cur.u32() }
        return (t % 1000, (hasZ ? 1 : 0) + (hasM ? 1 : 0))
    }

    static func geometry(_ cur: inout Cursor, into set: inout PolygonSet) throws {
        let (type, extra) = try header(&cur)
        switch type {
        case 3:
            try polygon(&cur, extra: extra, into: &set)
        case 6:
            let n = Int(try cur.u32())
            guard n <= (cur.bytes.count - cur.pos) / 9 else { throw BenchInputError("multipolygon of \(n) parts is truncated") }
            for _ in 0..<n {
                let (t, e) = try header(&cur)
                guard t == 3 else { throw BenchInputError("multipolygon member of WKB type \(t)") }
                try polygon(&cur, extra: e, into: &set)
            }
        default:
            throw BenchInputError("WKB type \(type) is not a Polygon or MultiPolygon")
        }
        set.itemPolyStart.append(set.polyRingStart.count - 1)
    }

    static func polygon(_ cur: inout Cursor, extra: Int, into set: inout PolygonSet) throws {
        let nr = Int(try cur.u32())
        guard nr <= (cur.bytes.count - cur.pos) / 4 else { throw BenchInputError("polygon of \(nr) rings is truncated") }
        if nr == 0 { return }  // POLYGON EMPTY: no part
        for r in 0..<nr {
            let np = Int(try cur.u32())
            let stride = 16 + 8 * extra
            guard np <= (cur.bytes.count - cur.pos) / stride else {
                throw BenchInputError("ring of \(np) points is truncated")
            }
            guard np >= 4 else { throw BenchInputError("ring \(r) has \(np) points; needs at least 4") }
            let first = set.xs.count
            for _ in 0..<np {
                let x = try cur.f64(), y = try cur.f64()
                for _ in 0..<extra { _ = try cur.f64() }
                guard x.isFinite && y.isFinite else { throw BenchInputError("non-finite coordinate") }
                set.xs.append(x)
                set.ys.append(y)
            }
            guard set.xs[first] == set.xs[set.xs.count - 1], set.ys[first] == set.ys[set.ys.count - 1] else {
                throw BenchInputError("ring \(r) is not closed")
            }
            set.ringStart.append(set.xs.count)
        }
        set.polyRingStart.append(set.ringStart.count - 1)
    }
}

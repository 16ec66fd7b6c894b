import Foundation

/// A JSON value. Numbers are `Double`. Objects are unordered (the writer sorts keys).
public enum JSONValue: Hashable, Sendable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var doubleValue: Double? { if case .number(let d) = self { return d }; return nil }
    /// The number if it is integral and fits `Int`.
    public var intValue: Int? {
        guard case .number(let d) = self, d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { self == .null }

    /// Member of an object; `nil` for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
    /// Element of an array; `nil` if out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard let a = arrayValue, a.indices.contains(index) else { return nil }
        return a[index]
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses RFC 8259 JSON. Syntax errors throw `GeoJSONError` with path "" and "line L, column C".
    public static func parse(_ data: Data) throws -> JSONValue {
        var p = JSONParser(bytes: [UInt8](data))
        return try p.parseDocument()
    }

    /// Compact JSON text with sorted keys. `.number` uses the shortest round-trip form
    /// (integers without ".0"); non-finite numbers become `null`.
    public func serialized() -> String {
        var out = ""
        JSONWriter.write(self, into: &out, numberDecimals: nil)
        return out
    }
}

// MARK: - Parser

struct JSONParser {
    let bytes: [UInt8]
    var i = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func location(_ at: Int) -> String {
        var line = 1, col = 1
        for b in bytes[..<min(at, bytes.count)] {
            if b == 0x0A { line += 1; col = 1 } else if b & 0xC0 != 0x80 { col += 1 }
        }
        return "line \(line), column \(col)"
    }

    /// The whole UTF-8 character starting at `at`, for messages.
    func character(at: Int) -> String {
        let b = bytes[at]
        let n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        return String(decoding: bytes[at..<min(at + n, bytes.count)], as: UTF8.self)
    }

    func fail(_ what: String, at: Int? = nil) -> GeoJSONError {
        GeoJSONError(path: "", reason: "not JSON: \(what) at \(location(at ?? i))")
    }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func parseDocument() throws -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }  // UTF-8 BOM
        skipWhitespace()
        if i >= bytes.count { throw fail("empty document") }
        let v = try parseValue()
        skipWhitespace()
        if i < bytes.count { throw fail("unexpected trailing '\(character(at: i))'") }
        return v
    }

    mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            throw fail("unexpected character '\(character(at: i))'")
        }
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw fail("invalid literal") }
        i += w.count
    }

    mutating func enter() throws {
        depth += 1
        if depth > 512 { throw fail("nesting deeper than 512") }
    }

    mutating func parseObject() throws -> JSONValue {
        try enter(); defer { depth -= 1 }
        i += 1
        var obj: [String: JSONValue] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(obj) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyAt = i
            let key = try parseString()
            if obj[key] != nil { throw fail("duplicate key \"\(key)\"", at: keyAt) }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            obj[key] = try parseValue()
            skipWhitespace()
            guard i < bytes.count else { throw fail("unterminated object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(obj) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func parseArray() throws -> JSONValue {
        try enter(); defer { depth -= 1 }
        i += 1
        var arr: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(arr) }
        while true {
            arr.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw fail("unterminated array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(arr) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func parseNumber() throws -> Double {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let s = p.i
            while p.i < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.i]) { p.i += 1 }
            return p.i - s
        }
        let intStart = i
        let n = digits(&self)
        if n == 0 { throw fail("invalid number") }
        if n > 1 && bytes[intStart] == UInt8(ascii: "0") { throw fail("leading zero in number", at: start) }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            if digits(&self) == 0 { throw fail("invalid number") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            if digits(&self) == 0 { throw fail("invalid number exponent") }
        }
        if let d = Self.exactDecimal(bytes[start..<i]) { return d }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let d = Double(text) else { throw fail("invalid number", at: start) }
        return d  // may be ±infinity for huge exponents; GeoJSON checks finiteness with a path
    }

    /// The value of a plain decimal (`-12.345`, no exponent) with at most 15 significant digits,
    /// computed as strtod would round it: the digits and the power of ten are exact doubles, so one
    /// division rounds correctly (Clinger's fast path). Nil otherwise (then `Double(text)` parses it).
    /// Coordinates are such numbers; making a String per number was most of the parser's time.
    static func exactDecimal(_ text: ArraySlice<UInt8>) -> Double? {
        var k = text.startIndex
        let negative = text[k] == UInt8(ascii: "-")
        if negative { k += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fraction = 0
        var seenPoint = false
        while k < text.endIndex {
            let c = text[k]
            if c == UInt8(ascii: ".") { seenPoint = true; k += 1; continue }
            guard c >= 0x30 && c <= 0x39 else { return nil }  // an exponent: the slow path
            if mantissa != 0 || c != 0x30 { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(c - 0x30)
            if seenPoint { fraction += 1 }
            if digits > 15 || fraction > 22 { return nil }
            k += 1
        }
        let value = Double(mantissa) / powersOfTen[fraction]
        return negative ? -value : value
    }
    static let powersOfTen: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }

    mutating func parseString() throws -> String {
        // Fast path: no escape and no control character before the closing quote.
        var j = i + 1
        while j < bytes.count {
            let b = bytes[j]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: bytes[(i + 1)..<j], as: UTF8.self) else { break }
                i = j + 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            j += 1
        }
        let start = i
        i += 1
        var out = [UInt8]()
        while true {
            guard i < bytes.count else { throw fail("unterminated string", at: start) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw fail("control character in string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("unterminated string", at: start) }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("invalid escape")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in string", at: start) }
        return s
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw fail("invalid \\u escape")
        }
        i += 4
        return v
    }
}

// MARK: - Writer

enum JSONWriter {
    /// `numberDecimals`: nil = shortest round-trip; n = rounded to n decimals, trailing zeros stripped.
    static func write(_ v: JSONValue, into out: inout String, numberDecimals: Int?) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += format(d, decimals: numberDecimals)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (k, e) in a.enumerated() {
                if k > 0 { out += "," }
                write(e, into: &out, numberDecimals: numberDecimals)
            }
            out += "]"
        case .object(let o):
            out += "{"
            // Pairs sorted once: looking each sorted key up again hashed every key twice.
            for (k, member) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if k > 0 { out += "," }
                writeString(member.key, into: &out)
                out += ":"
                write(member.value, into: &out, numberDecimals: numberDecimals)
            }
            out += "}"
        }
    }

    /// Formats a number for JSON. With `decimals`, rounds half away from zero at that many
    /// decimals ("%.*f") and strips trailing zeros: 120.12345670000001 → "120.1234567", 3.0 → "3".
    static func format(_ d: Double, decimals: Int?) -> String {
        guard d.isFinite else { return "null" }
        var s: String
        if let decimals {
            s = String(format: "%.\(max(0, min(decimals, 17)))f", d)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
        } else if d.rounded() == d && abs(d) < 1e15 {
            s = String(Int64(d))
        } else {
            s = "\(d)"  // shortest round-trip; exponent form ("1e-07") is valid JSON
        }
        if s == "-0" { s = "0" }
        return s
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escape and are appended whole: scalar by scalar was a fifth of the
        // time of writing a 100,000-firm evaluation.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}

import Foundation
import ZoneGeometry
import ZonePlan

/// Writes vetting results as JSON straight into bytes: the same bytes Foundation's `JSONEncoder`
/// writes for `Report.rounded(result)` with `[.sortedKeys, .withoutEscapingSlashes]` (compact) or
/// with `.prettyPrinted` added — key order by UTF-8 bytes, numbers as `Double.description` without
/// a trailing ".0", the encoder's string escapes and pretty layout ("key" : value, two-space
/// indent, an empty container as "[\n\n]"). `JSONEncoder` was ~45 % of `zoneplan check --format
/// jsonl`; this writer does the same in a few percent. `ResultJSONTests` compare the two on every
/// example and fixture application and on awkward values (escapes, extreme numbers, non-ASCII keys).
///
/// Like the encoder, a non-finite number is refused (`NonFinite`), never written.
struct ResultJSONWriter {
    var bytes: [UInt8] = []
    let pretty: Bool
    private var indent = 0

    /// A NaN or infinite number: not JSON (JSONEncoder throws too).
    struct NonFinite: Error, CustomStringConvertible {
        var key: String
        var description: String { "non-finite number at \"\(key)\": not representable in JSON" }
    }

    /// false: every figure as computed (the ledger's stored form, which replay reads back).
    let rounds: Bool

    init(pretty: Bool, rounds: Bool = true, capacity: Int = 24 << 10) {
        self.pretty = pretty
        self.rounds = rounds
        bytes.reserveCapacity(capacity)
    }

    private func round(_ x: Double, _ places: Int) -> Double { rounds ? Report.round(x, places) : x }

    // MARK: Layout (JSONEncoder's rules, shared by objects and arrays)

    private mutating func open(_ c: UInt8) {
        bytes.append(c)
        if pretty { bytes.append(0x0A); indent += 1 }
    }

    private mutating func close(_ c: UInt8) {
        if pretty { bytes.append(0x0A); indent -= 1; writeIndent() }
        bytes.append(c)
    }

    /// Before each element of a container: "," (",\n" pretty) after the first, then the indent.
    private mutating func separate(_ first: inout Bool) {
        if first { first = false } else {
            bytes.append(UInt8(ascii: ","))
            if pretty { bytes.append(0x0A) }
        }
        if pretty { writeIndent() }
    }

    private mutating func writeIndent() {
        for _ in 0..<indent { bytes.append(0x20); bytes.append(0x20) }
    }

    /// A member's key (plain ASCII, no escapes needed) and the colon.
    private mutating func key(_ k: StaticString, _ first: inout Bool) {
        separate(&first)
        bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        colon()
    }

    /// A member's key from data (escaped as any string).
    private mutating func key(_ k: String, _ first: inout Bool) {
        separate(&first)
        string(k)
        colon()
    }

    private mutating func colon() {
        if pretty { bytes.append(0x20); bytes.append(UInt8(ascii: ":")); bytes.append(0x20) } else { bytes.append(UInt8(ascii: ":")) }
    }

    // MARK: Scalars

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var mark = 0
            var i = 0
            let n = u.count
            let raw = UnsafeRawPointer(u.baseAddress)
            while i < n {
                // Eight bytes at a time while none needs an escape (the clauses' Chinese text is
                // most of a result): no byte below 0x20, no quote, no backslash.
                if let raw, i + 8 <= n {
                    let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
                    let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
                    let special = ((x &- ones &* 0x20) & ~x) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    if special & high == 0 { i += 8; continue }
                }
                let b = u[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C { i += 1; continue }
                if i > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[mark..<i])) }
                bytes.append(0x5C)
                switch b {
                case 0x22: bytes.append(0x22)
                case 0x5C: bytes.append(0x5C)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    func hex(_ d: UInt8) -> UInt8 { d < 10 ? 0x30 + d : 0x61 + d - 10 }
                    bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex(b >> 4), hex(b & 0xF)])
                }
                i += 1
                mark = i
            }
            if n > mark { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[mark..<n])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number(_ d: Double, at key: String) throws {
        guard d.isFinite else { throw NonFinite(key: key) }
        // Integral values below 1e15 print as integers (what description minus ".0" gives); -0 keeps its sign.
        if d == d.rounded(), abs(d) < 1e15, !(d == 0 && d.sign == .minus) {
            integer(Int64(d))
            return
        }
        var s = d.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ v: Int64) {
        if v == 0 { bytes.append(0x30); return }
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var x = v.magnitude
        let start = bytes.count
        while x > 0 { bytes.append(UInt8(x % 10) + 0x30); x /= 10 }
        bytes[start..<bytes.count].reverse()
    }

    mutating func bool(_ b: Bool) {
        if b { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
    }

    // MARK: JSON values (application properties)

    mutating func value(_ v: JSONValue, at key: String) throws {
        switch v {
        case .string(let s): string(s)
        case .number(let d): try number(d, at: key)
        case .bool(let b): bool(b)
        case .null: bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .array(let a):
            open(UInt8(ascii: "["))
            var first = true
            for e in a { separate(&first); try value(e, at: key) }
            close(UInt8(ascii: "]"))
        case .object(let o):
            try object(o) { w, v, k in try w.value(v, at: k) }
        }
    }

    /// A dictionary with its keys in UTF-8 byte order (as the encoder sorts them).
    private mutating func object<V>(_ o: [String: V], _ write: (inout ResultJSONWriter, V, String) throws -> Void) rethrows {
        open(UInt8(ascii: "{"))
        var first = true
        for (k, v) in o.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            key(k, &first)
            try write(&self, v, k)
        }
        close(UInt8(ascii: "}"))
    }

    // MARK: The result

    /// One result, rounded as `Report.rounded` rounds it. Members in sorted key order; optional
    /// members left out when nil (as the synthesized `Encodable` does).
    mutating func result(_ r: VettingResult) throws {
        open(UInt8(ascii: "{"))
        var first = true
        key("application", &first)
        try object(r.application) { w, v, k in try w.value(v, at: k) }
        key("area_mu", &first)
        try number(round(r.areaMu, 4), at: "area_mu")
        key("clauses", &first)
        array(r.clauses) { w, c in w.clause(c) }
        key("counties", &first)
        try array(r.counties) { w, z in try w.zone(z) }
        key("findings", &first)
        try array(r.findings) { w, f in try w.finding(f) }
        key("geodata_version", &first)
        string(r.geodataVersion)
        key("industry", &first)
        string(r.industry)
        if let n = r.industryName { key("industry_name", &first); string(n) }
        key("layer_versions", &first)
        object(r.layerVersions) { w, v, _ in w.string(v) }
        key("name", &first)
        string(r.name)
        key("not_applied", &first)
        array(r.notApplied) { w, n in w.notApplied(n) }
        if let v = r.planVersion { key("plan_version", &first); string(v) }
        key("platforms", &first)
        try array(r.platforms) { w, z in try w.zone(z) }
        if let cs = r.policyCatalogues { key("policy_catalogues", &first); array(cs) { w, c in w.string(c) } }
        key("quota_checked", &first)
        bool(r.quotaChecked)
        key("quota_draws", &first)
        try array(r.quotaDraws) { w, d in try w.quotaDraw(d) }
        key("rule_pack_version", &first)
        string(r.rulePackVersion)
        key("verdict", &first)
        string(r.verdict.rawValue)
        close(UInt8(ascii: "}"))
    }

    /// Several results as one array (`Report.json` with more than one).
    mutating func results(_ rs: [VettingResult]) throws {
        try array(rs) { w, r in try w.result(r) }
    }

    private mutating func array<T>(_ xs: [T], _ write: (inout ResultJSONWriter, T) throws -> Void) rethrows {
        open(UInt8(ascii: "["))
        var first = true
        for x in xs { separate(&first); try write(&self, x) }
        close(UInt8(ascii: "]"))
    }

    private mutating func clause(_ c: Clause) {
        // A clause's bytes are the same in every result (at the same depth): written once, then copied.
        let depth = indent
        if let known = ClauseBytes.shared.get(c, pretty: pretty, depth: depth) {
            bytes.append(contentsOf: known)
            return
        }
        let start = bytes.count
        writeClause(c)
        ClauseBytes.shared.put(c, pretty: pretty, depth: depth, Array(bytes[start...]))
    }

    private mutating func writeClause(_ c: Clause) {
        open(UInt8(ascii: "{"))
        var first = true
        key("document", &first); string(c.document)
        if let n = c.note { key("note", &first); string(n) }
        key("quote", &first); string(c.quote)
        key("ref", &first); string(c.ref)
        key("section", &first); string(c.section)
        key("title", &first); string(c.title)
        close(UInt8(ascii: "}"))
    }

    /// A zone reference, its figures rounded as `Report.roundRef` rounds them.
    private mutating func zone(_ z: ZoneRef) throws {
        open(UInt8(ascii: "{"))
        var first = true
        if let d = z.detail { key("detail", &first); string(d) }
        if let d = z.distanceKm { key("distance_km", &first); try number(round(d, 3), at: "distance_km") }
        key("id", &first); string(z.id)
        key("kind", &first); string(z.kind)
        key("name", &first); string(z.name)
        if let o = z.overlapMu { key("overlap_mu", &first); try number(round(o, 4), at: "overlap_mu") }
        if let s = z.share { key("share", &first); try number(round(s, 6), at: "share") }
        close(UInt8(ascii: "}"))
    }

    private mutating func finding(_ f: Finding) throws {
        open(UInt8(ascii: "{"))
        var first = true
        key("basis", &first); string(f.basis.rawValue)
        if let c = f.check { key("check", &first); string(c) }
        key("citation", &first)
        array(f.citation) { w, c in w.string(c) }
        key("explanation_en", &first); string(f.explanationEn)
        key("explanation_zh", &first); string(f.explanationZh)
        if let l = f.limit { key("limit", &first); try number(round(l, 4), at: "limit") }
        if let m = f.measured { key("measured", &first); try number(round(m, 4), at: "measured") }
        key("outcome", &first); string(f.outcome.rawValue)
        key("rule", &first); string(f.rule)
        if let u = f.unit { key("unit", &first); string(u) }
        key("zones", &first)
        try array(f.zones) { w, z in try w.zone(z) }
        close(UInt8(ascii: "}"))
    }

    private mutating func notApplied(_ n: NotApplied) {
        open(UInt8(ascii: "{"))
        var first = true
        if let d = n.detail { key("detail", &first); string(d) }
        key("reason", &first); string(n.reason.rawValue)
        key("rule", &first); string(n.rule)
        close(UInt8(ascii: "}"))
    }

    private mutating func quotaDraw(_ d: QuotaDraw) throws {
        open(UInt8(ascii: "{"))
        var first = true
        key("account", &first)
        open(UInt8(ascii: "{"))
        var inner = true
        key("kind", &inner); string(d.account.kind.rawValue)
        key("ref", &inner); string(d.account.ref)
        key("year", &inner); integer(Int64(d.account.year))
        close(UInt8(ascii: "}"))
        key("mu", &first); try number(d.mu, at: "mu")
        key("name", &first); string(d.name)
        close(UInt8(ascii: "}"))
    }
}

extension Report {
    /// A result in the ledger's stored form: compact, keys sorted, every figure as computed (not
    /// rounded) — the bytes `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` writes for it.
    public static func storedJSON(_ r: VettingResult) throws -> [UInt8] {
        var w = ResultJSONWriter(pretty: false, rounds: false, capacity: 16 << 10)
        try w.result(r)
        return w.bytes
    }

    /// A JSON value in the same form (`JSONEncoder`'s bytes for it); a non-finite number is refused.
    public static func storedJSON(_ v: JSONValue) throws -> [UInt8] {
        var w = ResultJSONWriter(pretty: false, rounds: false, capacity: 1 << 10)
        try w.value(v, at: "")
        return w.bytes
    }

    /// The findings as the JSON value the encoder's output would parse to (for GeoJSON properties):
    /// figures rounded as in `json(_:)`, optional members left out when nil.
    static func findingsValue(_ findings: [Finding]) -> JSONValue {
        func zone(_ z: ZoneRef) -> JSONValue {
            var o: [String: JSONValue] = ["id": .string(z.id), "kind": .string(z.kind), "name": .string(z.name)]
            if let d = z.detail { o["detail"] = .string(d) }
            if let d = z.distanceKm { o["distance_km"] = .number(round(d, 3)) }
            if let v = z.overlapMu { o["overlap_mu"] = .number(round(v, 4)) }
            if let s = z.share { o["share"] = .number(round(s, 6)) }
            return .object(o)
        }
        return .array(findings.map { f in
            var o: [String: JSONValue] = [
                "basis": .string(f.basis.rawValue), "citation": .array(f.citation.map(JSONValue.string)),
                "explanation_en": .string(f.explanationEn), "explanation_zh": .string(f.explanationZh),
                "outcome": .string(f.outcome.rawValue), "rule": .string(f.rule), "zones": .array(f.zones.map(zone)),
            ]
            if let c = f.check { o["check"] = .string(c) }
            if let l = f.limit { o["limit"] = .number(round(l, 4)) }
            if let m = f.measured { o["measured"] = .number(round(m, 4)) }
            if let u = f.unit { o["unit"] = .string(u) }
            return .object(o)
        })
    }
}

/// The JSON of each clause as `ResultJSONWriter` writes it, by layout. A clause is looked up by
/// its ref and used only if it equals the one asked for (a workspace can change its clause book).
final class ClauseBytes: @unchecked Sendable {
    static let shared = ClauseBytes()
    private let lock = NSLock()
    /// A class, so a lookup retains one reference instead of copying a clause's every text.
    private final class Entry: Sendable {
        let clause: Clause
        let bytes: [UInt8]
        init(_ clause: Clause, _ bytes: [UInt8]) { self.clause = clause; self.bytes = bytes }
    }
    private var entries: [String: Entry] = [:]

    private static func key(_ c: Clause, _ pretty: Bool, _ depth: Int) -> String { pretty ? "\(depth) \(c.ref)" : c.ref }

    func get(_ c: Clause, pretty: Bool, depth: Int) -> [UInt8]? {
        lock.lock(); defer { lock.unlock() }
        guard let e = entries[Self.key(c, pretty, depth)], e.clause == c else { return nil }
        return e.bytes
    }

    func put(_ c: Clause, pretty: Bool, depth: Int, _ bytes: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= 8192 { entries.removeAll(keepingCapacity: true) }  // bounded, whatever the clause books
        entries[Self.key(c, pretty, depth)] = Entry(c, bytes)
    }
}

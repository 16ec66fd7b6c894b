import Foundation
import ZoneGeometry
import ZonePlan
import ZoneQuery

/// A property a collection can be filtered on (`?tier=national`) and that `/queryables` lists.
struct Queryable: Sendable {
    let name: String
    /// JSON Schema type of the values: string, number, boolean; `list` when some features hold a
    /// list of strings (a filter then matches a feature whose list contains the value).
    let type: String
    let values: [String]
}

/// One collection's features ready to serve: the properties of `zoneplan export` (`LayerExport`:
/// the file's properties plus `layer` and `area_mu`), each feature's envelope and its encoded
/// GeoJSON, written once per plan snapshot.
final class CollectionData: Sendable {
    let name: String
    /// What the ETags of this collection's bodies are derived from; nil for bodies that are
    /// encoded per request (the decisions ledger) and validated by their content.
    let version: String?
    let features: [Feature]
    let envelopes: [Envelope?]
    let encoded: [[UInt8]]
    let index: [String: Int]
    let queryables: [Queryable]
    /// The temporal property `datetime` filters on, if the collection has one.
    let temporalProperty: String?
    let times: [Date?]

    /// Main properties offered as filters, where a collection has them.
    static let layerQueryables = ["kind", "tier", "category", "county", "adcode", "program", "level", "schematic", "name", "name_en"]
    static let decisionQueryables = ["verdict", "industry", "official", "quota_year", "name"]

    init(name: String, version: String?, features: [Feature], queryables names: [String], temporalProperty: String? = nil) {
        self.name = name
        self.version = version
        self.features = features
        envelopes = features.map { $0.geometry?.envelope }
        encoded = features.map(GeoJSONBytes.feature)
        var idx: [String: Int] = [:]
        for (i, f) in features.enumerated() {
            if let key = Self.idText(f.id), idx[key] == nil { idx[key] = i }
        }
        index = idx
        queryables = names.compactMap { n in Self.queryable(n, features) }
        self.temporalProperty = temporalProperty
        times = features.map { f in temporalProperty.flatMap { f.properties[$0]?.stringValue }.flatMap(DatetimeFilter.parseInstant) }
    }

    static func idText(_ id: JSONValue?) -> String? {
        switch id {
        case .string(let s)?: return s
        case .number(let d)?: return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        default: return nil
        }
    }

    private static func queryable(_ name: String, _ features: [Feature]) -> Queryable? {
        var kinds = Set<String>(), values = Set<String>()
        for f in features {
            switch f.properties[name] {
            case .string(let s)?: kinds.insert("string"); values.insert(s)
            case .number(let d)?: kinds.insert("number"); values.insert(JSONValue.number(d).serialized())
            case .bool(let b)?: kinds.insert("boolean"); values.insert(b ? "true" : "false")
            case .array(let a)?:
                kinds.insert("list")
                for case .string(let s) in a { values.insert(s) }
            default: break
            }
        }
        guard !kinds.isEmpty else { return nil }
        let type = kinds.contains("list") ? "list" : kinds.count == 1 ? kinds.first! : "string"
        return Queryable(name: name, type: type, values: values.sorted())
    }

    /// Whether feature `i` has `value` in property `name`: equal text, equal number, or a list
    /// holding it.
    func matches(_ i: Int, _ name: String, _ value: String) -> Bool {
        switch features[i].properties[name] {
        case .string(let s)?: return s == value
        case .number(let d)?: return Double(value) == d
        case .bool(let b)?: return (b ? "true" : "false") == value.lowercased()
        case .array(let a)?: return a.contains { $0.stringValue == value || ($0.doubleValue.map { Double(value) == $0 } ?? false) }
        default: return false
        }
    }
}

/// The plan layers' `CollectionData`, built on first use, once per snapshot.
final class LayerStore: @unchecked Sendable {
    private let plan: PlanData
    private let lock = NSLock()
    private var built: [String: CollectionData] = [:]

    init(plan: PlanData) { self.plan = plan }

    /// What a layer's ETags depend on: its version (a workspace's layer version id, or the GeoData
    /// release) and the encoder; importing another layer or a rule pack leaves them as they were.
    func version(of name: String) -> String {
        "\(name)#\(plan.layerVersions[name] ?? plan.geodataVersion)|enc1"
    }

    func layer(_ name: String) throws -> CollectionData? {
        guard plan.layer(named: name) != nil else { return nil }
        return try lock.withLock {
            if let d = built[name] { return d }
            let features = try LayerExport.features(plan: plan, layers: [name])
            let d = CollectionData(name: name, version: version(of: name), features: features, queryables: CollectionData.layerQueryables)
            built[name] = d
            return d
        }
    }
}

/// The `datetime` parameter: an instant or an interval (`start/end`, either end `..` or empty
/// for open; `../..` is everything), RFC 3339 date-times with an offset, or full dates (the whole
/// UTC day).
struct DatetimeFilter: Sendable, Equatable {
    var start: Date?
    var end: Date?

    static func parse(_ s: String) throws -> DatetimeFilter {
        func bad() -> APIError {
            APIError(.badRequest, "datetime: expected an RFC 3339 date-time (2026-11-30T08:00:00Z), a date (2026-11-30) or an interval a/b with '..' for an open end, got '\(s.prefix(80))'")
        }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            guard let (a, b) = bounds(parts[0]) else { throw bad() }
            return DatetimeFilter(start: a, end: b)
        case 2:
            func side(_ t: String, _ lower: Bool) throws -> Date? {
                if t.isEmpty || t == ".." { return nil }
                guard let (a, b) = bounds(t) else { throw bad() }
                return lower ? a : b
            }
            let f = DatetimeFilter(start: try side(parts[0], true), end: try side(parts[1], false))
            if let a = f.start, let b = f.end, a > b { throw APIError(.badRequest, "datetime: the interval's start is after its end") }
            return f
        default:
            throw bad()
        }
    }

    /// The first and last instant a date-time or a date stands for (a second, or a day).
    static func bounds(_ t: String) -> (Date, Date)? {
        if let d = parseInstant(t) {
            let s = d.timeIntervalSince1970.rounded(.down)
            return (Date(timeIntervalSince1970: s), Date(timeIntervalSince1970: s + 0.999_999))
        }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        guard t.count == 10, let d = day.date(from: t) else { return nil }
        return (d, d.addingTimeInterval(86_400 - 0.000_001))
    }

    static func parseInstant(_ t: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: t) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: t)
    }

    func contains(_ d: Date) -> Bool {
        if let start, d < start { return false }
        if let end, d > end { return false }
        return true
    }

    var normalized: String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (start.map(f.string) ?? "..") + "/" + (end.map(f.string) ?? "..")
    }
}

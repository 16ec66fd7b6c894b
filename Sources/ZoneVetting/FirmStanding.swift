import Foundation
import ZoneGeometry

/// A firm's 亩均效益 standing in one year's evaluation (`zoneplan evaluate`): its class and score,
/// or why it was not classed (a new firm, a utility, no land).
public struct FirmStanding: Sendable, Equatable {
    public enum Class: String, Sendable, CaseIterable { case A, B, C, D }
    public var creditCode: String
    public var name: String?
    public var firmClass: Class?
    public var score: Double?
    /// Why the evaluation did not class the firm, when it did not.
    public var notEvaluated: String?
    public init(creditCode: String, name: String? = nil, firmClass: Class?, score: Double? = nil, notEvaluated: String? = nil) {
        self.creditCode = creditCode; self.name = name; self.firmClass = firmClass; self.score = score; self.notEvaluated = notEvaluated
    }
}

/// The firms of one evaluation year, by 统一社会信用代码, with where they came from. Given to the
/// engine as land quotas are; without it the firm-standing rule is listed as not applied.
public struct FirmStandings: Sendable {
    public var year: Int
    /// The evaluation pack's version the classes were computed with.
    public var packVersion: String
    /// Where the standings were read (a file name, or the workspace), for the explanation.
    public var source: String
    public var firms: [String: FirmStanding]

    public init(year: Int, packVersion: String, source: String, firms: [FirmStanding]) {
        self.year = year; self.packVersion = packVersion; self.source = source
        self.firms = Dictionary(firms.map { ($0.creditCode, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The firm with this code; codes are compared in upper case without blanks, as written on a licence.
    public func standing(of creditCode: String) -> FirmStanding? {
        firms[Self.normalized(creditCode)]
    }

    static func normalized(_ code: String) -> String {
        code.trimmingCharacters(in: .whitespaces).uppercased()
    }

    /// Bad `zoneplan evaluate --format json` output: one line naming the field at fault.
    public struct FormatError: Error, CustomStringConvertible, Sendable {
        public var source: String
        public var field: String
        public var message: String
        public var description: String { "\(source): \(field): \(message)" }
    }

    /// Reads the JSON `zoneplan evaluate --format json` writes (`year`, `pack.version`, `firms[]`
    /// with `credit_code`, `name`, `class`, `score`, `not_evaluated`).
    public static func fromEvaluationJSON(_ data: Data, source: String) throws -> FirmStandings {
        func bad(_ field: String, _ message: String) -> FormatError { FormatError(source: source, field: field, message: message) }
        let doc: JSONValue
        do { doc = try JSONValue.parse(data) } catch { throw bad("file", "not JSON: \(error)") }
        guard doc.objectValue != nil else { throw bad("file", "expected the JSON object of `zoneplan evaluate --format json`") }
        guard let y = doc["year"]?.doubleValue, y == y.rounded(), (1990...2100).contains(y) else {
            throw bad("year", "missing or not a plausible year (is this `zoneplan evaluate --format json` output?)")
        }
        guard let version = doc["pack"]?["version"]?.stringValue else { throw bad("pack.version", "missing (the evaluation pack's version)") }
        guard let rows = doc["firms"]?.arrayValue else { throw bad("firms", "missing or not an array") }
        var firms: [FirmStanding] = []
        firms.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            guard let code = row["credit_code"]?.stringValue, !code.isEmpty else { throw bad("firms[\(i)].credit_code", "missing or not a text") }
            var cls: FirmStanding.Class?
            switch row["class"] {
            case nil, .null?: cls = nil
            case .string(let s)?:
                guard let c = FirmStanding.Class(rawValue: s) else { throw bad("firms[\(i)].class", "'\(s)' is not A, B, C or D") }
                cls = c
            case let v?: throw bad("firms[\(i)].class", "must be A, B, C, D or null, got \(v.compactDescription)")
            }
            firms.append(FirmStanding(creditCode: normalized(code), name: row["name"]?.stringValue, firmClass: cls,
                                      score: row["score"]?.doubleValue, notEvaluated: row["not_evaluated"]?.stringValue))
        }
        return FirmStandings(year: Int(y), packVersion: version, source: source, firms: firms)
    }
}

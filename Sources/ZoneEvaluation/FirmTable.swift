import Foundation
import ZoneGeometry
import ZonePlan

/// A firm file or parcel file that cannot be used as it is: one line naming the file, the row
/// (the line the record starts on) and the column or property at fault. Nothing of the file is used.
public struct EvaluationInputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var row: Int?
    public var column: String?
    public var message: String
    public init(file: String, row: Int? = nil, column: String? = nil, message: String) {
        self.file = file; self.row = row; self.column = column; self.message = message
    }
    public var description: String {
        var s = file
        if let row { s += ":\(row)" }
        if let column { s += ": column \(column)" }
        return TerminalText.escape(s + ": " + message)
    }
}

/// One firm's figures for a year, as read from the CSV.
public struct Firm: Sendable {
    public enum Scale: String, Sendable, Codable {
        case above = "规上", below = "规下"
        public init?(text: String) {
            switch text {
            case "规上": self = .above; return
            case "规下": self = .below; return
            default: break
            }
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "规上", "规模以上", "规上工业", "above": self = .above
            case "规下", "规模以下", "规下工业", "below": self = .below
            default: return nil
            }
        }
    }
    public var creditCode: String
    public var name: String
    public var industry: String
    public var scale: Scale
    /// 行政区划代码 from the CSV (6 digits), if given.
    public var county: String?
    /// 投产年份, if given.
    public var startYear: Int?
    /// 用地面积 from the CSV, 亩, if given (parcels, when linked, win).
    public var landMu: Double?
    /// The pack's inputs in pack order; NaN = the cell was empty.
    public var values: [Double]
    /// The line of the CSV the record starts on.
    public var row: Int

    public init(creditCode: String, name: String, industry: String, scale: Scale, county: String?, startYear: Int?,
                landMu: Double?, values: [Double], row: Int) {
        self.creditCode = creditCode; self.name = name; self.industry = industry; self.scale = scale; self.county = county
        self.startYear = startYear; self.landMu = landMu; self.values = values; self.row = row
    }
}

/// A year's firm figures: the CSV read whole, or refused whole.
public struct FirmTable: Sendable {
    public var file: String
    public var encoding: ChineseText.Encoding
    public var firms: [Firm]
    /// Input id → index into `Firm.values`.
    public var fieldIndex: [String: Int]

    /// The fixed identity columns: Chinese heading, English alias, required.
    public static let identityColumns: [(key: String, column: String, alias: String, required: Bool)] = [
        ("credit_code", "统一社会信用代码", "credit_code", true),
        ("name", "企业名称", "name", true),
        ("industry", "行业代码", "industry", true),
        ("scale", "规模", "scale", true),
        ("county", "行政区划代码", "county", false),
        ("start_year", "投产年份", "start_year", false),
        ("land_mu", "用地面积", "land_mu", false),
    ]

    public static func read(contentsOf url: URL, displayName: String? = nil, pack: EvaluationPack) throws -> FirmTable {
        let name = displayName ?? url.path
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw EvaluationInputError(file: name, message: "cannot read the file")
        }
        return try read(data, file: name, pack: pack)
    }

    public static func read(_ data: Data, file: String, pack: EvaluationPack) throws -> FirmTable {
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { throw EvaluationInputError(file: file, message: "the file is empty") }
        let text: String, encoding: ChineseText.Encoding
        switch ChineseText.decode(bytes) {
        case .success(let r): (text, encoding) = (r.text, r.encoding)
        case .failure(.utf16): throw EvaluationInputError(file: file, row: 1, message: "UTF-16 text is not read; save as CSV UTF-8 (or CSV with GBK)")
        case .failure(.invalid(let offset, let line)):
            throw EvaluationInputError(file: file, row: line, message: "neither UTF-8 nor GBK/GB18030 (bad byte sequence at byte \(offset))")
        case .failure(.iconvUnavailable(let m)): throw EvaluationInputError(file: file, message: m)
        }
        let records = try CSV.parse(text, file: file)
        guard let header = records.first else { throw EvaluationInputError(file: file, message: "the file is empty") }

        // Headings: "税收", "税收(万元)", "税收（万元）" or the English alias.
        var columnOf: [String: Int] = [:]       // key → column index
        var unitOf: [String: String] = [:]
        var seen: [String: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let (base, unit) = splitHeading(raw)
            if base.isEmpty { continue }
            var key: String?
            if let c = identityColumns.first(where: { $0.column == base || $0.alias == base }) { key = c.key }
            else if let f = pack.inputs.first(where: { $0.column == base || $0.alias == base }) { key = "in:" + f.id }
            guard let key else { continue }  // extra columns are kept out of the evaluation, not refused
            if let j = seen[key] {
                throw EvaluationInputError(file: file, row: header.line, column: base, message: "heading appears twice (columns \(j + 1) and \(i + 1))")
            }
            seen[key] = i
            columnOf[key] = i
            if let unit { unitOf[key] = unit }
        }
        var missing: [String] = identityColumns.filter { $0.required && columnOf[$0.key] == nil }.map(\.column)
        missing += pack.usedInputs.filter { columnOf["in:" + $0.id] == nil }.map { "\($0.column)(\($0.unit))" }
        if !missing.isEmpty {
            throw EvaluationInputError(file: file, row: header.line, message: "missing required column\(missing.count > 1 ? "s" : ""): \(missing.joined(separator: ", "))")
        }
        for f in pack.inputs {
            if let u = unitOf["in:" + f.id], u != f.unit {
                throw EvaluationInputError(file: file, row: header.line, column: f.column, message: "heading says the unit is \(u), the evaluation pack expects \(f.unit)")
            }
        }
        if let u = unitOf["land_mu"], u != EvaluationPack.landUnit {
            throw EvaluationInputError(file: file, row: header.line, column: "用地面积", message: "heading says the unit is \(u), expected 亩")
        }

        var fieldIndex: [String: Int] = [:]
        for (i, f) in pack.inputs.enumerated() { fieldIndex[f.id] = i }
        var firms: [Firm] = []
        firms.reserveCapacity(records.count)
        var rowOfCode: [String: Int] = [:]
        rowOfCode.reserveCapacity(records.count)
        for rec in records.dropFirst() {
            // Blank: only whitespace (any visible ASCII byte decides it at once; Foundation's trimming is slow).
            if rec.fields.allSatisfy({ f in !f.utf8.contains { $0 > 0x20 && $0 < 0x80 } && f.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func cell(_ key: String) -> String {
                guard let i = columnOf[key], i < rec.fields.count else { return "" }
                return trimmed(rec.fields[i])
            }
            func fail(_ column: String, _ message: String) -> EvaluationInputError {
                EvaluationInputError(file: file, row: rec.line, column: column, message: message)
            }
            let code = cell("credit_code")
            if let p = CreditCode.problem(code) { throw fail("统一社会信用代码", "'\(code)' \(p)") }
            if let other = rowOfCode[code] { throw fail("统一社会信用代码", "'\(code)' is listed twice (also on line \(other))") }
            rowOfCode[code] = rec.line
            let name = cell("name")
            if name.isEmpty { throw fail("企业名称", "empty") }
            let industry = cell("industry").uppercased()
            guard IndustryCatalog.isWellFormed(industry) else { throw fail("行业代码", "'\(industry)' is not a GB/T 4754-2017 code such as C3825") }
            guard let scale = Firm.Scale(text: cell("scale")) else { throw fail("规模", "'\(cell("scale"))' is neither 规上 nor 规下") }
            var county: String?
            let c = cell("county")
            if !c.isEmpty {
                guard c.count == 6, c.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw fail("行政区划代码", "'\(c)' is not a 6-digit code such as 330481") }
                county = c
            }
            var startYear: Int?
            let y = cell("start_year")
            if !y.isEmpty {
                guard let v = Int(y), (1900...2100).contains(v) else { throw fail("投产年份", "'\(y)' is not a year") }
                startYear = v
            }
            var land: Double?
            if columnOf["land_mu"] != nil, !cell("land_mu").isEmpty {
                land = try figure(cell("land_mu"), column: "用地面积", fail: fail)
            }
            var values = [Double](repeating: .nan, count: pack.inputs.count)
            for (i, f) in pack.inputs.enumerated() where columnOf["in:" + f.id] != nil {
                let s = cell("in:" + f.id)
                if !s.isEmpty { values[i] = try figure(s, column: f.column, fail: fail) }
            }
            firms.append(Firm(creditCode: code, name: name, industry: industry, scale: scale, county: county,
                              startYear: startYear, landMu: land, values: values, row: rec.line))
        }
        return FirmTable(file: file, encoding: encoding, firms: firms, fieldIndex: fieldIndex)
    }

    /// Spaces and tabs off both ends (Foundation's trimming is slow for a 100,000-row file).
    static func trimmed(_ s: String) -> String {
        let u = s.utf8
        guard let f = u.first, let l = u.last, f == 0x20 || f == 0x09 || l == 0x20 || l == 0x09 else { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// A figure as typed: decimal, thousands commas allowed ("1,234.5"), never negative.
    static func figure(_ s: String, column: String, fail: (String, String) -> EvaluationInputError) throws -> Double {
        // Fast path: plain digits with at most one point (what every spreadsheet writes).
        let u = s.utf8
        if u.count <= 20, u.first != UInt8(ascii: "."), u.last != UInt8(ascii: "."),
           u.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }), u.filter({ $0 == 0x2E }).count <= 1, let v = Double(s) {
            return v
        }
        let t = s.contains(",") ? s.replacingOccurrences(of: ",", with: "") : s
        guard let v = DecimalText.parse(t) else { throw fail(column, "'\(s)' is not a number") }
        guard v >= 0 else { throw fail(column, "\(s) is negative") }
        return v
    }

    /// "税收（万元）" → ("税收", "万元"); "税收" → ("税收", nil).
    static func splitHeading(_ raw: String) -> (String, String?) {
        var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.unicodeScalars.first == "\u{FEFF}" { s.unicodeScalars.removeFirst() }
        for (open, close) in [("(", ")"), ("（", "）")] where s.hasSuffix(close) {
            if let r = s.range(of: open, options: .backwards) {
                let unit = String(s[r.upperBound..<s.index(before: s.endIndex)]).trimmingCharacters(in: .whitespaces)
                return (String(s[..<r.lowerBound]).trimmingCharacters(in: .whitespaces), unit)
            }
        }
        return (s, nil)
    }
}

/// RFC 4180 CSV: comma separated, fields in double quotes may hold commas, quotes ("") and line
/// breaks; CRLF, LF or CR line ends.
enum CSV {
    struct Record { var fields: [String]; var line: Int }

    static func parse(_ text: String, file: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            records.append(Record(fields: fields, line: recordLine))
            fields = []
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                    inQuotes = false
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case 0x22:
                guard field.allSatisfy({ $0 == 0x20 }) && !wasQuoted else {
                    throw EvaluationInputError(file: file, row: line, message: "a quote (\") inside an unquoted field; quote the whole field")
                }
                field.removeAll()
                inQuotes = true
                wasQuoted = true
            case 0x2C:
                endField()
            case 0x0D, 0x0A:
                endRecord()
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                line += 1
                recordLine = line
            default:
                field.append(b)
            }
            i += 1
        }
        if inQuotes { throw EvaluationInputError(file: file, row: recordLine, message: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}

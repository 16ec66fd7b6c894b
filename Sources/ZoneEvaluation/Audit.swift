import Foundation
import ZoneGeometry
import ZonePlan

/// An approved project as the decision ledger recorded it, with the applicant's committed figures
/// (the application's `output_wan`, `value_added_wan`, `energy_tce`) and, when the application
/// carried one, the firm's 统一社会信用代码 (`credit_code` or `统一社会信用代码` property).
public struct CommittedProject: Sendable {
    public var decisionId: Int64
    public var name: String
    public var verdict: String
    public var year: Int
    public var creditCode: String?
    public var properties: [String: JSONValue]

    public init(decisionId: Int64, name: String, verdict: String, year: Int, properties: [String: JSONValue]) {
        self.decisionId = decisionId; self.name = name; self.verdict = verdict; self.year = year; self.properties = properties
        creditCode = (properties["统一社会信用代码"] ?? properties["credit_code"])?.stringValue?.trimmingCharacters(in: .whitespaces)
    }
}

/// 批后管理 / 达产复核 (000:360): an approved project's committed figures against the firm's actual ones.
public struct AuditFinding: Sendable {
    public struct Check: Sendable {
        /// output (承诺产值 vs 主营业务收入), value_added, energy.
        public var figure: String
        /// The application's property holding the commitment: `output_wan`, `value_added_wan`, `energy_tce`.
        public var committedField: String
        public var committed: Double
        public var actual: Double
        /// actual ÷ committed.
        public var ratio: Double
        /// Output or value added below the commitment, or energy above it.
        public var shortfall: Bool
    }
    public enum Status: String, Sendable { case below, met, noFigures = "no-figures", notLinked = "not-linked" }
    public var project: CommittedProject
    public var firmName: String?
    public var status: Status
    public var reason: String?
    public var checks: [Check]
}

public enum Audit {
    public static let citation = "000:360"

    /// Every project decided before `year` is checked against that year's firm figures.
    public static func run(_ projects: [CommittedProject], table: FirmTable, year: Int) -> [AuditFinding] {
        var firmOf: [String: Int] = [:]
        for (i, f) in table.firms.enumerated() { firmOf[f.creditCode] = i }
        func actual(_ firm: Firm, _ field: String) -> Double? {
            guard let i = table.fieldIndex[field], !firm.values[i].isNaN else { return nil }
            return firm.values[i]
        }
        // committed property, actual field, name, lower is worse?
        let pairs: [(String, String, String, Bool)] = [
            ("output_wan", "revenue_wan", "output 产值→主营业务收入 (万元)", true),
            ("value_added_wan", "value_added_wan", "value added 工业增加值 (万元)", true),
            ("energy_tce", "energy_tce", "energy 综合能耗 (吨标准煤)", false),
        ]
        return projects.filter { $0.year < year }.map { p in
            guard let code = p.creditCode, !code.isEmpty else {
                return AuditFinding(project: p, firmName: nil, status: .notLinked, reason: "the application has no 统一社会信用代码 (credit_code)", checks: [])
            }
            if let problem = CreditCode.problem(code) {
                return AuditFinding(project: p, firmName: nil, status: .notLinked, reason: "credit_code '\(code)' \(problem)", checks: [])
            }
            guard let i = firmOf[code] else {
                return AuditFinding(project: p, firmName: nil, status: .noFigures, reason: "no figures for \(code) in \(table.file) (\(year))", checks: [])
            }
            let firm = table.firms[i]
            var checks: [AuditFinding.Check] = []
            for (prop, field, name, lowerIsWorse) in pairs {
                guard let c = p.properties[prop]?.doubleValue, c > 0, let a = actual(firm, field) else { continue }
                checks.append(.init(figure: name, committedField: prop, committed: c, actual: a, ratio: a / c, shortfall: lowerIsWorse ? a < c : a > c))
            }
            if checks.isEmpty {
                return AuditFinding(project: p, firmName: firm.name, status: .noFigures, reason: "no committed figure with an actual one to compare", checks: [])
            }
            return AuditFinding(project: p, firmName: firm.name, status: checks.contains(where: \.shortfall) ? .below : .met, reason: nil, checks: checks)
        }
    }

    public static func text(_ findings: [AuditFinding], year: Int) -> String {
        typealias F = EvaluationFormat
        let below = findings.filter { $0.status == .below }
        var out = "批后管理 达产复核 post-approval audit \(year) (\(citation)): \(findings.count) approved projects decided before \(year); below commitment 未达承诺 \(below.count)\n"
        var rows: [[String]] = []
        for f in findings {
            let detail = f.checks.map { c in "\(c.figure): \(F.number(c.actual)) / \(F.number(c.committed)) = \(F.percent(c.ratio))\(c.shortfall ? " ✗" : "")" }
                .joined(separator: "; ")
            rows.append(["#\(f.project.decisionId)", f.project.name, f.project.creditCode ?? "–", f.status.rawValue, f.reason ?? detail])
        }
        out += F.table(["decision 决定", "project 项目", "统一社会信用代码", "status 状态", "actual / committed 实际/承诺"], rows, rightAligned: [])
        return out
    }

    public static func json(_ findings: [AuditFinding], year: Int) -> String {
        let items: [JSONValue] = findings.map { f in
            .object(["decision": .number(Double(f.project.decisionId)), "name": .string(f.project.name), "verdict": .string(f.project.verdict),
                     "decided_year": .number(Double(f.project.year)), "credit_code": f.project.creditCode.map(JSONValue.string) ?? .null,
                     "firm": f.firmName.map(JSONValue.string) ?? .null, "status": .string(f.status.rawValue),
                     "reason": f.reason.map(JSONValue.string) ?? .null, "citation": .string(citation),
                     "checks": .array(f.checks.map { c in
                         .object(["figure": .string(c.figure), "committed": .number(c.committed), "actual": .number(c.actual),
                                  "ratio": .number((c.ratio * 10_000).rounded() / 10_000), "shortfall": .bool(c.shortfall)])
                     })])
        }
        return JSONValue.object(["year": .number(Double(year)), "citation": .string(citation), "projects": .array(items)]).serialized() + "\n"
    }
}

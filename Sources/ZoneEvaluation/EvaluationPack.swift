import Foundation
import ZonePlan

/// Where a choice of the pack comes from: the method fixes it, or it is our reading.
public struct PackSource: Sendable, Equatable {
    public enum Basis: String, Sendable { case method, reading }
    public var basis: Basis
    public var text: String
}

/// One firm figure read from the yearly CSV.
public struct InputField: Sendable, Equatable {
    public var id: String
    public var column: String
    public var alias: String?
    public var unit: String
    public var description: String
}

/// numerator ÷ denominator × factor, compared with a benchmark and weighted.
public struct Indicator: Sendable, Equatable {
    public enum Benchmark: Sendable, Equatable {
        case value(Double)
        case timesCountyMean(Double)
        case timesCityMean(Double)
    }
    public enum ZeroDenominator: String, Sendable { case notEvaluated = "not-evaluated", cap }
    public var id: String
    public var name: String
    public var numerator: String
    public var denominator: String
    public var factor: Double
    public var unit: String
    public var weight: Double
    public var benchmark: Benchmark
    /// The term is at most `cap × weight`.
    public var cap: Double
    public var zeroDenominator: ZeroDenominator
    public var source: PackSource

    public var formula: String { "\(numerator) / \(denominator)" + (factor == 1 ? "" : " × \(EvaluationFormat.number(factor))") }
}

public struct Scope: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The 规模 value this scope takes (规上 / 规下).
    public var scale: String
    public var minLandMu: Double
    public var indicators: [Indicator]
    public var source: PackSource
}

public enum FirmClass: String, Sendable, CaseIterable, Comparable, Codable {
    case A, B, C, D
    public static func < (a: FirmClass, b: FirmClass) -> Bool { a.rawValue < b.rawValue }
}

public struct ClassScheme: Sendable, Equatable {
    public enum Within: String, Sendable { case county, city }
    public enum Method: String, Sendable { case rank, score }
    public var within: Within
    public var method: Method
    /// Shares of A, B, C, D by rank, best first; they add up to 1.
    public var rankShares: [FirmClass: Double]
    /// Lowest score of A, B, C; below C's is D.
    public var scoreCutoffs: [FirmClass: Double]
    public var names: [FirmClass: String]
    public var source: PackSource
}

public struct Exemptions: Sendable, Equatable {
    public var newFirmYears: Int
    public var industries: [String]
    public var source: PackSource
}

public struct LowEfficiencyRule: Sendable, Equatable {
    public var classes: [FirmClass]
    public var idleField: String
    public var idleAtMost: Double
    public var unclaimedParcelsIdle: Bool
    public var source: PackSource
    /// Land far below its own approval commitments; nil when the pack does not say (older packs).
    public var belowCommitment: BelowCommitmentRule?
}

/// A firm's land is low-efficiency when an approved project of the firm (a ledger decision whose
/// application carried its 统一社会信用代码, decided before the year) produces at most `atMost` of
/// a committed figure: actual ÷ committed ≤ `atMost` for any of `figures`.
public struct BelowCommitmentRule: Sendable, Equatable {
    /// The committed figures of an application that can fall short: `output_wan`, `value_added_wan`.
    public static let knownFigures = ["output_wan", "value_added_wan"]
    public var atMost: Double
    public var figures: [String]
    public var source: PackSource
}

/// The versioned evaluation pack (`GeoData/evaluation.yaml`).
public struct EvaluationPack: Sendable {
    public var version: String
    public var effective: String
    public var title: String
    public var method: String
    public var citations: [String]
    public var inputs: [InputField]
    public var scopes: [Scope]
    public var classes: ClassScheme
    public var exempt: Exemptions
    public var lowEfficiency: LowEfficiencyRule
    public var file: String

    /// The land of a firm, usable in formulas: parcels' area on EPSG:4549, else the CSV column.
    public static let landField = "land_mu"
    public static let landUnit = "亩"

    public func input(_ id: String) -> InputField? { inputs.first { $0.id == id } }
    /// Inputs some indicator or the idle rule uses: their columns are required in the CSV.
    public var usedInputs: [InputField] {
        var ids = Set(scopes.flatMap { $0.indicators.flatMap { [$0.numerator, $0.denominator] } })
        ids.insert(lowEfficiency.idleField)
        return inputs.filter { ids.contains($0.id) }
    }

    public static func load(contentsOf url: URL, displayName: String? = nil) throws -> EvaluationPack {
        try load(ConfigDocument(contentsOf: url, displayName: displayName))
    }

    public static func load(_ doc: ConfigDocument) throws -> EvaluationPack {
        let root = doc.root
        guard root.isMapping else { throw doc.error(root, "(top)", "expected a mapping with version, effective, title, inputs, scopes, classes") }
        let version = try doc.string(root, "version")
        let effective = try doc.string(root, "effective")
        guard effective.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil else {
            throw doc.error(root["effective"], "effective", "expected a date YYYY-MM-DD, got '\(effective)'")
        }
        let title = try doc.string(root, "title")
        let method = try doc.string(root, "method")
        let citations = try doc.stringList(root, "citation")
        for c in citations where !RulePack.isCitation(c) {
            throw doc.error(root["citation"], "citation", "'\(c)' is not a seed FILE:LINE such as 004:114")
        }
        for key in root.keys where !["version", "effective", "title", "method", "citation", "inputs", "scopes", "classes", "exempt", "low_efficiency"].contains(key) {
            throw doc.error(root[key], key, "unknown field")
        }

        // inputs
        let inputsNode = try doc.required(root, "inputs", path: "")
        guard let inputItems = inputsNode.items, !inputItems.isEmpty else { throw doc.error(inputsNode, "inputs", "expected a non-empty list") }
        var inputs: [InputField] = []
        for (i, item) in inputItems.enumerated() {
            let path = "inputs[\(i)]"
            let id = try doc.string(item, "id", path: path)
            guard id.range(of: #"^[a-z][a-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw doc.error(item["id"], "\(path).id", "'\(id)' is not a lower-case identifier")
            }
            guard id != landField, !inputs.contains(where: { $0.id == id }) else {
                throw doc.error(item["id"], "\(path).id", "'\(id)' is listed twice (or is the built-in \(landField))", id: id)
            }
            let column = try doc.string(item, "column", path: path, id: id)
            for other in inputs where other.column == column {
                throw doc.error(item["column"], "\(path).column", "column '\(column)' is already used by \(other.id)", id: id)
            }
            inputs.append(InputField(id: id, column: column, alias: item["alias"]?.string, unit: try doc.string(item, "unit", path: path, id: id),
                                     description: try doc.string(item, "description", path: path, id: id)))
        }
        func unitOf(_ field: String) -> String? {
            field == landField ? landUnit : inputs.first { $0.id == field }?.unit
        }
        let known = ([landField] + inputs.map(\.id)).joined(separator: ", ")

        // scopes
        let scopesNode = try doc.required(root, "scopes", path: "")
        guard let scopeItems = scopesNode.items, !scopeItems.isEmpty else { throw doc.error(scopesNode, "scopes", "expected a non-empty list") }
        var scopes: [Scope] = []
        for (si, item) in scopeItems.enumerated() {
            let path = "scopes[\(si)]"
            let id = try doc.string(item, "id", path: path)
            guard !scopes.contains(where: { $0.id == id }) else { throw doc.error(item["id"], "\(path).id", "scope '\(id)' is listed twice", id: id) }
            let scale = try doc.string(item, "scale", path: path, id: id)
            guard Firm.Scale(text: scale) != nil else { throw doc.error(item["scale"], "\(path).scale", "expected 规上 or 规下, got '\(scale)'", id: id) }
            let minLand = try number(doc, item, "min_land_mu", path: path, id: id, range: 0...10_000)
            let indNode = try doc.required(item, "indicators", path: path, id: id)
            guard let indItems = indNode.items, !indItems.isEmpty else { throw doc.error(indNode, "\(path).indicators", "expected a non-empty list", id: id) }
            var indicators: [Indicator] = []
            for (k, ind) in indItems.enumerated() {
                let ip = "\(path).indicators[\(k)]"
                let iid = try doc.string(ind, "id", path: ip, id: id)
                for key in ind.keys where !["id", "name", "numerator", "denominator", "factor", "unit", "weight", "benchmark", "cap", "zero_denominator", "source"].contains(key) {
                    throw doc.error(ind[key], "\(ip).\(key)", "unknown field (an indicator takes: id, name, numerator, denominator, factor, unit, weight, benchmark, cap, zero_denominator, source)", id: id)
                }
                guard !indicators.contains(where: { $0.id == iid }) else { throw doc.error(ind["id"], "\(ip).id", "indicator '\(iid)' is listed twice", id: id) }
                let num = try doc.string(ind, "numerator", path: ip, id: id)
                let den = try doc.string(ind, "denominator", path: ip, id: id)
                guard let nu = unitOf(num) else { throw doc.error(ind["numerator"], "\(ip).numerator", "unknown input field '\(num)' (known: \(known))", id: id) }
                guard let du = unitOf(den) else { throw doc.error(ind["denominator"], "\(ip).denominator", "unknown input field '\(den)' (known: \(known))", id: id) }
                var factor = 1.0
                if ind["factor"] != nil { factor = try number(doc, ind, "factor", path: ip, id: id, range: 1e-9...1e9) }
                let unit = try doc.string(ind, "unit", path: ip, id: id)
                let expected = factor == 100 ? "%" : "\(nu)/\(du)"
                guard unit == expected else {
                    throw doc.error(ind["unit"], "\(ip).unit", "'\(unit)' does not follow from \(num) (\(nu)) / \(den) (\(du))\(factor == 1 ? "" : " × \(factor)"); expected '\(expected)'", id: id)
                }
                let weight = try number(doc, ind, "weight", path: ip, id: id, range: 0.000001...100)
                let bNode = try doc.required(ind, "benchmark", path: ip, id: id)
                let benchmark: Indicator.Benchmark
                if bNode["times_county_mean"] != nil {
                    benchmark = .timesCountyMean(try number(doc, bNode, "times_county_mean", path: "\(ip).benchmark", id: id, range: 0.01...100))
                } else if bNode["times_city_mean"] != nil {
                    benchmark = .timesCityMean(try number(doc, bNode, "times_city_mean", path: "\(ip).benchmark", id: id, range: 0.01...100))
                } else if bNode["value"] != nil {
                    let v = try number(doc, bNode, "value", path: "\(ip).benchmark", id: id, range: 1e-12...1e12)
                    let bu = try doc.string(bNode, "unit", path: "\(ip).benchmark", id: id)
                    guard bu == unit else { throw doc.error(bNode["unit"], "\(ip).benchmark.unit", "wrong unit '\(bu)': this indicator is in \(unit)", id: id) }
                    benchmark = .value(v)
                } else {
                    throw doc.error(bNode, "\(ip).benchmark", "expected {times_county_mean: k}, {times_city_mean: k} or {value: N, unit: \(unit)}", id: id)
                }
                let cap = try number(doc, ind, "cap", path: ip, id: id, range: 0.01...100)
                var zero = Indicator.ZeroDenominator.notEvaluated
                if let z = ind["zero_denominator"] {
                    guard let s = z.string, let v = Indicator.ZeroDenominator(rawValue: s) else {
                        throw doc.error(z, "\(ip).zero_denominator", "expected not-evaluated or cap, got '\(z.string ?? "?")'", id: id)
                    }
                    zero = v
                }
                indicators.append(Indicator(id: iid, name: try doc.string(ind, "name", path: ip, id: id), numerator: num, denominator: den,
                                            factor: factor, unit: unit, weight: weight, benchmark: benchmark, cap: cap,
                                            zeroDenominator: zero, source: try source(doc, ind, path: ip, id: id)))
            }
            let total = indicators.reduce(0) { $0 + $1.weight }
            guard abs(total - 100) < 1e-9 else {
                throw doc.error(indNode, "\(path).indicators", "weights add up to \(EvaluationFormat.number(total)), not 100", id: id)
            }
            scopes.append(Scope(id: id, name: try doc.string(item, "name", path: path, id: id), scale: scale, minLandMu: minLand,
                                indicators: indicators, source: try source(doc, item, path: path, id: id)))
        }

        // classes
        let cNode = try doc.required(root, "classes", path: "")
        guard let within = ClassScheme.Within(rawValue: try doc.string(cNode, "within", path: "classes")) else {
            throw doc.error(cNode["within"], "classes.within", "expected county or city")
        }
        guard let cmethod = ClassScheme.Method(rawValue: try doc.string(cNode, "method", path: "classes")) else {
            throw doc.error(cNode["method"], "classes.method", "expected rank or score")
        }
        let sharesNode = try doc.required(cNode, "rank_shares", path: "classes")
        var shares: [FirmClass: Double] = [:]
        for c in FirmClass.allCases { shares[c] = try number(doc, sharesNode, c.rawValue, path: "classes.rank_shares", range: 0...1) }
        let shareTotal = shares.values.reduce(0, +)
        guard abs(shareTotal - 1) < 1e-9 else {
            throw doc.error(sharesNode, "classes.rank_shares", "shares add up to \(EvaluationFormat.number(shareTotal)), not 1")
        }
        let cutNode = try doc.required(cNode, "score_cutoffs", path: "classes")
        var cutoffs: [FirmClass: Double] = [:]
        for c in [FirmClass.A, .B, .C] { cutoffs[c] = try number(doc, cutNode, c.rawValue, path: "classes.score_cutoffs", range: 0...10_000) }
        guard cutoffs[.A]! > cutoffs[.B]!, cutoffs[.B]! > cutoffs[.C]! else {
            throw doc.error(cutNode, "classes.score_cutoffs", "expected A > B > C")
        }
        let namesNode = try doc.required(cNode, "names", path: "classes")
        var names: [FirmClass: String] = [:]
        for c in FirmClass.allCases { names[c] = try doc.string(namesNode, c.rawValue, path: "classes.names") }
        let scheme = ClassScheme(within: within, method: cmethod, rankShares: shares, scoreCutoffs: cutoffs, names: names,
                                 source: try source(doc, cNode, path: "classes"))

        // exempt
        let eNode = try doc.required(root, "exempt", path: "")
        let years = try number(doc, eNode, "new_firm_years", path: "exempt", range: 0...20)
        guard years == years.rounded() else { throw doc.error(eNode["new_firm_years"], "exempt.new_firm_years", "expected a whole number of years") }
        let industries = try doc.stringList(eNode, "industries", path: "exempt")
        for code in industries where !IndustryCatalog.isWellFormed(code) {
            throw doc.error(eNode["industries"], "exempt.industries", "'\(code)' is not a GB/T 4754 code such as D44")
        }
        let exempt = Exemptions(newFirmYears: Int(years), industries: industries, source: try source(doc, eNode, path: "exempt"))

        // low efficiency
        let lNode = try doc.required(root, "low_efficiency", path: "")
        let lowClasses = try doc.stringList(lNode, "classes", path: "low_efficiency").map { s -> FirmClass in
            guard let c = FirmClass(rawValue: s) else { throw doc.error(lNode["classes"], "low_efficiency.classes", "unknown class '\(s)' (A, B, C, D)") }
            return c
        }
        let idleField = try doc.string(lNode, "idle_field", path: "low_efficiency")
        guard inputs.contains(where: { $0.id == idleField }) else {
            throw doc.error(lNode["idle_field"], "low_efficiency.idle_field", "unknown input field '\(idleField)' (known: \(inputs.map(\.id).joined(separator: ", ")))")
        }
        let idleAtMost = try number(doc, lNode, "idle_at_most", path: "low_efficiency", range: 0...1e12)
        guard let unclaimed = lNode["unclaimed_parcels_idle"]?.bool else {
            throw doc.error(lNode, "low_efficiency.unclaimed_parcels_idle", "expected true or false")
        }
        var belowCommitment: BelowCommitmentRule?
        if let bNode = lNode["below_commitment"] {
            let path = "low_efficiency.below_commitment"
            let atMost = try number(doc, bNode, "at_most", path: path, range: 0...1)
            let figures = try doc.stringList(bNode, "figures", path: path)
            guard !figures.isEmpty else { throw doc.error(bNode["figures"], "\(path).figures", "name at least one of \(BelowCommitmentRule.knownFigures.joined(separator: ", "))") }
            for f in figures where !BelowCommitmentRule.knownFigures.contains(f) {
                throw doc.error(bNode["figures"], "\(path).figures", "unknown committed figure '\(f)' (known: \(BelowCommitmentRule.knownFigures.joined(separator: ", ")))")
            }
            belowCommitment = BelowCommitmentRule(atMost: atMost, figures: figures, source: try source(doc, bNode, path: path))
        }
        let low = LowEfficiencyRule(classes: lowClasses, idleField: idleField, idleAtMost: idleAtMost, unclaimedParcelsIdle: unclaimed,
                                    source: try source(doc, lNode, path: "low_efficiency"), belowCommitment: belowCommitment)

        return EvaluationPack(version: version, effective: effective, title: title, method: method, citations: citations,
                              inputs: inputs, scopes: scopes, classes: scheme, exempt: exempt, lowEfficiency: low, file: doc.file)
    }

    static func number(_ doc: ConfigDocument, _ parent: ConfigNode, _ key: String, path: String, id: String? = nil,
                       range: ClosedRange<Double>) throws -> Double {
        let field = path.isEmpty ? key : "\(path).\(key)"
        let node = try doc.required(parent, key, path: path, id: id)
        guard let v = node.number, v.isFinite else { throw doc.error(node, field, "expected a number, got '\(node.string ?? "?")'", id: id) }
        guard range.contains(v) else { throw doc.error(node, field, "\(EvaluationFormat.number(v)) is outside \(EvaluationFormat.number(range.lowerBound))…\(EvaluationFormat.number(range.upperBound))", id: id) }
        return v
    }

    static func source(_ doc: ConfigDocument, _ parent: ConfigNode, path: String, id: String? = nil) throws -> PackSource {
        let node = try doc.required(parent, "source", path: path, id: id)
        let raw = try doc.string(node, "basis", path: "\(path).source", id: id)
        guard let basis = PackSource.Basis(rawValue: raw) else {
            throw doc.error(node["basis"], "\(path).source.basis", "expected method or reading, got '\(raw)'", id: id)
        }
        return PackSource(basis: basis, text: try doc.string(node, "text", path: "\(path).source", id: id))
    }
}

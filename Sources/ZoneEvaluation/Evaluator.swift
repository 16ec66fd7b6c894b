import Foundation
import ZoneGeometry

public struct IndicatorScore: Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String
    /// nil: the denominator was 0 and the pack gives the cap for it.
    public var value: Double?
    public var benchmark: Double
    /// min(value ÷ benchmark, cap) × weight.
    public var term: Double
}

/// One firm's outcome: scored and classed, or not evaluated with the reason.
public struct FirmEvaluation: Sendable {
    public var creditCode: String
    public var name: String
    public var industry: String
    public var scale: Firm.Scale
    public var county: String?
    public var platforms: [String]
    public var landMu: Double?
    /// "parcels" (area on EPSG:4549) or "csv" (用地面积 column).
    public var landSource: String?
    public var parcelIds: [String]
    public var scope: String?
    public var indicators: [IndicatorScore]
    public var score: Double?
    public var firmClass: FirmClass?
    /// Why the firm is not scored or not classed.
    public var notEvaluated: String?
    /// No production (the pack's idle field at most its limit).
    public var idle: Bool
    public var taxWan: Double?
    public var valueAddedWan: Double?
    /// With a previous year: its class then (nil: not classed then, or not in that year's file).
    public var previousClass: FirmClass?
    public var inPreviousYear: Bool
    public var classChanged: Bool
    /// Index of the firm in its `FirmTable`.
    public var tableIndex: Int = 0
    /// Indices of its parcels in `EvaluationResult.parcels`.
    public var parcelIndices: [Int] = []
    /// An approved project of the firm far below its commitment (the pack's `below_commitment`);
    /// nil when none is, or no ledger was given.
    public var belowCommitment: CommitmentShortfall? = nil
}

/// The approved project whose actual figure falls furthest below what was committed.
public struct CommitmentShortfall: Sendable, Equatable {
    public var decisionId: Int64
    public var project: String
    /// The application's property: `output_wan` or `value_added_wan`.
    public var figure: String
    public var committed: Double
    public var actual: Double
    /// actual ÷ committed.
    public var ratio: Double
}

/// A parcel of low-efficiency land (腾笼换鸟, 000:360).
public struct LowEfficiencyParcel: Sendable {
    public var parcelId: String?
    public var creditCode: String?
    public var firmName: String?
    public var county: String?
    public var platforms: [String]
    public var areaMu: Double
    /// "D" (the class), "idle" (no production), "below-commitment" (far below its approval
    /// commitments), "unclaimed" (no firm of the year on it).
    public var reason: String
}

public struct EvaluationResult: Sendable {
    public var packVersion: String
    public var packTitle: String
    public var year: Int
    public var previousYear: Int?
    public var firms: [FirmEvaluation]
    public var parcels: [Parcel]
    public var lowEfficiency: [LowEfficiencyParcel]
    /// (scope, group) → indicator id → benchmark used.
    public var benchmarks: [String: [String: Double]]
    /// With approved projects given (a ledger): how many were decided before the year; nil without,
    /// or when none was.
    public var commitmentsChecked: Int? = nil
}

/// Scores and classes every firm exactly as the pack says. Pure: no I/O, no GEOS.
public struct Evaluator: Sendable {
    public var pack: EvaluationPack
    public init(pack: EvaluationPack) { self.pack = pack }

    /// `commitments`: the approved projects of the ledger (nil: no ledger); a firm's land is
    /// low-efficiency when one of its projects is far below its commitment (`below_commitment`).
    public func evaluate(_ table: FirmTable, parcels: [Parcel], year: Int, previous: FirmTable? = nil, previousYear: Int? = nil,
                         commitments: [CommittedProject]? = nil) -> EvaluationResult {
        var firms = assess(table, parcels: parcels, year: year)
        var benchmarks: [String: [String: Double]] = [:]
        score(&firms, table: table, benchmarks: &benchmarks)
        classify(&firms)
        var checked: Int?
        if let commitments {
            let findings = Audit.run(commitments, table: table, year: year)
            // Nothing decided before the year: the output stays as without a ledger.
            checked = findings.isEmpty ? nil : findings.count
            if let rule = pack.lowEfficiency.belowCommitment { markBelowCommitment(&firms, findings, rule: rule) }
        }
        if let previous {
            var prior = assess(previous, parcels: parcels, year: previousYear ?? year - 1)
            var unused: [String: [String: Double]] = [:]
            score(&prior, table: previous, benchmarks: &unused)
            classify(&prior)
            var classThen: [String: FirmClass?] = [:]
            for f in prior { classThen[f.creditCode] = f.firmClass }
            for i in firms.indices {
                guard let then = classThen[firms[i].creditCode] else { continue }
                firms[i].inPreviousYear = true
                firms[i].previousClass = then
                firms[i].classChanged = then != firms[i].firmClass
            }
        }
        return EvaluationResult(packVersion: pack.version, packTitle: pack.title, year: year,
                                previousYear: previous == nil ? nil : (previousYear ?? year - 1),
                                firms: firms, parcels: parcels, lowEfficiency: lowEfficiency(firms, parcels: parcels),
                                benchmarks: benchmarks, commitmentsChecked: checked)
    }

    /// The furthest shortfall at or under the rule's share, per firm (ties: the earlier decision).
    func markBelowCommitment(_ firms: inout [FirmEvaluation], _ findings: [AuditFinding], rule: BelowCommitmentRule) {
        var worst: [String: CommitmentShortfall] = [:]
        for f in findings {
            guard let code = f.project.creditCode else { continue }
            for c in f.checks where rule.figures.contains(c.committedField) && c.ratio <= rule.atMost {
                if let w = worst[code], w.ratio <= c.ratio { continue }
                worst[code] = CommitmentShortfall(decisionId: f.project.decisionId, project: f.project.name, figure: c.committedField,
                                                  committed: c.committed, actual: c.actual, ratio: c.ratio)
            }
        }
        guard !worst.isEmpty else { return }
        for i in firms.indices { firms[i].belowCommitment = worst[firms[i].creditCode] }
    }

    /// Land, place, scope and the reasons a firm cannot be judged.
    func assess(_ table: FirmTable, parcels: [Parcel], year: Int) -> [FirmEvaluation] {
        var byCode: [String: [Int]] = [:]
        for (i, p) in parcels.enumerated() { if let c = p.creditCode { byCode[c, default: []].append(i) } }
        let idleIndex = table.fieldIndex[pack.lowEfficiency.idleField]
        let taxIndex = table.fieldIndex["tax_wan"], vaIndex = table.fieldIndex["value_added_wan"]
        return table.firms.enumerated().map { index, firm in
            var e = FirmEvaluation(creditCode: firm.creditCode, name: firm.name, industry: firm.industry, scale: firm.scale,
                                   county: firm.county, platforms: [], landMu: nil, landSource: nil, parcelIds: [], scope: nil,
                                   indicators: [], score: nil, firmClass: nil, notEvaluated: nil, idle: false,
                                   taxWan: nil, valueAddedWan: nil, previousClass: nil, inPreviousYear: false, classChanged: false,
                                   tableIndex: index)
            func value(_ i: Int?) -> Double? { i.flatMap { firm.values[$0].isNaN ? nil : firm.values[$0] } }
            e.taxWan = value(taxIndex)
            e.valueAddedWan = value(vaIndex)
            if let v = value(idleIndex), v <= pack.lowEfficiency.idleAtMost { e.idle = true }
            if let own = byCode[firm.creditCode] {
                var land = 0.0, biggest = -1.0
                var platforms = Set<String>()
                for i in own {
                    let p = parcels[i]
                    land += p.areaMu
                    platforms.formUnion(p.platforms)
                    if firm.county == nil, p.areaMu > biggest, let c = p.county { biggest = p.areaMu; e.county = c }
                    e.parcelIds.append(p.id)
                    e.parcelIndices.append(i)
                }
                e.landMu = land
                e.landSource = "parcels"
                e.platforms = platforms.sorted()
            } else if let l = firm.landMu {
                e.landMu = l
                e.landSource = "csv"
            }
            if let code = pack.exempt.industries.first(where: { firm.industry.hasPrefix($0) }) {
                e.notEvaluated = "utility (\(code)): not evaluated (公用事业不参评)"
            } else if let y = firm.startYear, year - y < pack.exempt.newFirmYears {
                e.notEvaluated = "new firm: in production since \(y), within its first \(pack.exempt.newFirmYears) years (新投产企业不参评)"
            } else if e.landMu == nil {
                e.notEvaluated = "no land: no parcel and no 用地面积 (无用地信息)"
            } else if e.landMu! <= 0 {
                e.notEvaluated = "no land: 用地面积 is 0"
            } else if e.county == nil {
                e.notEvaluated = "county unknown: no 行政区划代码 and no parcel inside a county"
            } else if e.idle {
                e.notEvaluated = "no production: \(pack.input(pack.lowEfficiency.idleField)?.column ?? pack.lowEfficiency.idleField) is \(EvaluationFormat.number(value(idleIndex) ?? 0)) (停产), its land is counted as idle"
            } else if let scope = pack.scopes.first(where: { Firm.Scale(text: $0.scale) == firm.scale }) {
                if e.landMu! < scope.minLandMu {
                    e.notEvaluated = "\(firm.scale.rawValue) with \(EvaluationFormat.mu(e.landMu!)) 亩, below the \(EvaluationFormat.number(scope.minLandMu)) 亩 threshold (用地不足，不参评)"
                } else {
                    e.scope = scope.id
                    for ind in scope.indicators {
                        for field in [ind.numerator, ind.denominator] where field != EvaluationPack.landField {
                            if value(table.fieldIndex[field]) == nil, e.notEvaluated == nil {
                                e.notEvaluated = "\(pack.input(field)?.column ?? field) not given: \(ind.name) cannot be computed (数据缺失)"
                            }
                        }
                        if e.notEvaluated == nil, ind.zeroDenominator == .notEvaluated,
                           ind.denominator != EvaluationPack.landField, value(table.fieldIndex[ind.denominator]) == 0 {
                            e.notEvaluated = "\(pack.input(ind.denominator)?.column ?? ind.denominator) is 0: \(ind.name) cannot be computed (除数为零)"
                        }
                    }
                    if e.notEvaluated != nil { e.scope = nil }
                }
            } else {
                e.notEvaluated = "no scope of the evaluation pack takes \(firm.scale.rawValue) firms"
            }
            return e
        }
    }

    func group(_ e: FirmEvaluation) -> String { pack.classes.within == .city ? "city" : (e.county ?? "?") }

    /// Benchmarks (k × the county's or city's aggregate: Σ numerator ÷ Σ denominator over the
    /// firms scored in that scope) and scores.
    func score(_ firms: inout [FirmEvaluation], table: FirmTable, benchmarks: inout [String: [String: Double]]) {
        // Field → column of Firm.values, -1 for the land (looked up once, not per firm).
        var column: [String: Int] = [EvaluationPack.landField: -1]
        for (k, v) in table.fieldIndex { column[k] = v }
        func figure(_ e: FirmEvaluation, _ c: Int) -> Double {
            c < 0 ? (e.landMu ?? 0) : table.firms[e.tableIndex].values[c]
        }
        for scope in pack.scopes {
            let members = firms.indices.filter { firms[$0].scope == scope.id }
            let cols = scope.indicators.map { (num: column[$0.numerator]!, den: column[$0.denominator]!) }
            // group (county, or "city") → per indicator Σ numerator, Σ denominator
            let n = scope.indicators.count
            var sums: [String: [(num: Double, den: Double)]] = [:]
            for i in members {
                let county = firms[i].county ?? "?"
                for k in 0..<n {
                    let den = figure(firms[i], cols[k].den)
                    guard den > 0 else { continue }
                    let num = figure(firms[i], cols[k].num)
                    for g in [county, "city"] {
                        var list = sums[g] ?? Array(repeating: (0, 0), count: n)
                        list[k].num += num; list[k].den += den
                        sums[g] = list
                    }
                }
            }
            // Benchmarks once per group.
            var benchOf: [String: [Double]] = [:]
            for (g, list) in sums where g != "city" {
                benchOf[g] = scope.indicators.enumerated().map { k, ind in
                    switch ind.benchmark {
                    case .value(let v): return v
                    case .timesCountyMean(let m): return list[k].den > 0 ? m * list[k].num / list[k].den * ind.factor : 0
                    case .timesCityMean(let m):
                        let c = sums["city"]![k]
                        return c.den > 0 ? m * c.num / c.den * ind.factor : 0
                    }
                }
                for (k, ind) in scope.indicators.enumerated() {
                    benchmarks["\(scope.id)/\(ind.benchmark.isCity ? "city" : g)", default: [:]][ind.id] = benchOf[g]![k]
                }
            }
            for i in members {
                var total = 0.0
                var scores: [IndicatorScore] = []
                scores.reserveCapacity(n)
                let bench = benchOf[firms[i].county ?? "?"] ?? Array(repeating: 0, count: n)
                for (k, ind) in scope.indicators.enumerated() {
                    let bench = bench[k]
                    let den = figure(firms[i], cols[k].den)
                    var value: Double? = nil
                    let term: Double
                    if den > 0 {
                        let v = figure(firms[i], cols[k].num) / den * ind.factor
                        value = v
                        term = bench > 0 ? min(v / bench, ind.cap) * ind.weight : 0
                    } else {
                        term = ind.cap * ind.weight  // zero_denominator: cap (a not-evaluated firm never gets here)
                    }
                    total += term
                    scores.append(IndicatorScore(id: ind.id, name: ind.name, unit: ind.unit, value: value, benchmark: bench, term: term))
                }
                firms[i].indicators = scores
                firms[i].score = total
            }
        }
    }

    /// A/B/C/D within each group (county or city) and scope, by rank shares or score cut-offs.
    /// Ranks: best score first, ties broken by credit code for the order, and a tie never splits
    /// a class (tied firms take the class of the first of them).
    func classify(_ firms: inout [FirmEvaluation]) {
        let scheme = pack.classes
        var groups: [String: [Int]] = [:]
        for i in firms.indices where firms[i].score != nil { groups["\(firms[i].scope!)|\(group(firms[i]))", default: []].append(i) }
        for key in groups.keys.sorted() {
            let members = groups[key]!
            switch scheme.method {
            case .score:
                for i in members {
                    let s = firms[i].score!
                    firms[i].firmClass = s >= scheme.scoreCutoffs[.A]! ? .A : s >= scheme.scoreCutoffs[.B]! ? .B : s >= scheme.scoreCutoffs[.C]! ? .C : .D
                }
            case .rank:
                let order = members.sorted { a, b in
                    firms[a].score! != firms[b].score! ? firms[a].score! > firms[b].score! : firms[a].creditCode < firms[b].creditCode
                }
                let n = Double(order.count)
                var bounds: [(FirmClass, Int)] = []
                var cumulative = 0.0
                for c in FirmClass.allCases {
                    cumulative += scheme.rankShares[c] ?? 0
                    bounds.append((c, Int((cumulative * n).rounded())))
                }
                var previous: (score: Double, cls: FirmClass)?
                for (pos, i) in order.enumerated() {
                    var cls = bounds.first { pos < $0.1 }?.0 ?? .D
                    if let p = previous, p.score == firms[i].score! { cls = p.cls }
                    firms[i].firmClass = cls
                    previous = (firms[i].score!, cls)
                }
            }
        }
    }

    func lowEfficiency(_ firms: [FirmEvaluation], parcels: [Parcel]) -> [LowEfficiencyParcel] {
        let rule = pack.lowEfficiency
        var out: [LowEfficiencyParcel] = []
        // A parcel is claimed when a firm of the year lists it (linked by credit code in `assess`).
        var claimed = [Bool](repeating: false, count: parcels.count)
        for f in firms {
            for pi in f.parcelIndices { claimed[pi] = true }
            let reason: String?
            if let c = f.firmClass, rule.classes.contains(c) { reason = c.rawValue }
            else if f.idle { reason = "idle" }
            else if f.belowCommitment != nil { reason = "below-commitment" }
            else { reason = nil }
            guard let reason, let land = f.landMu, land > 0 else { continue }
            if f.parcelIds.isEmpty {
                out.append(LowEfficiencyParcel(parcelId: nil, creditCode: f.creditCode, firmName: f.name, county: f.county,
                                               platforms: f.platforms, areaMu: land, reason: reason))
            } else {
                for pi in f.parcelIndices {
                    let p = parcels[pi]
                    out.append(LowEfficiencyParcel(parcelId: p.id, creditCode: f.creditCode, firmName: f.name, county: p.county ?? f.county,
                                                   platforms: p.platforms, areaMu: p.areaMu, reason: reason))
                }
            }
        }
        if rule.unclaimedParcelsIdle {
            for (i, p) in parcels.enumerated() where !claimed[i] {
                out.append(LowEfficiencyParcel(parcelId: p.id, creditCode: p.creditCode, firmName: nil, county: p.county,
                                               platforms: p.platforms, areaMu: p.areaMu, reason: "unclaimed"))
            }
        }
        return out
    }
}

extension Indicator.Benchmark {
    var isCity: Bool { if case .timesCityMean = self { return true }; return false }
}

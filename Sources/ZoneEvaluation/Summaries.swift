import Foundation

/// Totals for one county, platform or industry division.
public struct GroupSummary: Sendable {
    public var key: String
    public var name: String
    public var firms: Int
    public var classed: Int
    /// Land of the firms (and, for low-efficiency land, unclaimed parcels are not here), 亩.
    public var landMu: Double
    public var classLandMu: [FirmClass: Double]
    public var notClassedLandMu: Double
    /// Σ 税收 ÷ Σ land over firms with both, 万元/亩.
    public var taxPerMu: Double?
    /// Σ 工业增加值 ÷ Σ land over firms with both, 万元/亩.
    public var valueAddedPerMu: Double?
    /// Low-efficiency land (D-class, idle and unclaimed parcels), 亩: what 腾笼换鸟 could free.
    public var lowEfficiencyMu: Double

    public func share(_ c: FirmClass) -> Double { landMu > 0 ? (classLandMu[c] ?? 0) / landMu : 0 }
}

public struct EvaluationSummaries: Sendable {
    public var counties: [GroupSummary]
    public var platforms: [GroupSummary]
    public var industries: [GroupSummary]
    public var totalLowEfficiencyMu: Double
    public var classCounts: [FirmClass: Int]
    public var notEvaluated: Int
    public var changed: Int

    /// Platforms are counted by parcel: a firm's land, tax and value added go to each platform in
    /// proportion to its parcels' area there (platforms overlap, so their totals do not add up).
    public init(_ r: EvaluationResult, geography: EvaluationGeography, industryName: (String) -> String?) {
        struct Acc {
            // Firms are added one after another (all parcels of a firm together), so a firm is new
            // to a group when it differs from the last one added.
            var firms = 0, classed = 0, lastFirm = -1, land = 0.0, classLand: [FirmClass: Double] = [:], notClassed = 0.0
            var tax = 0.0, taxLand = 0.0, va = 0.0, vaLand = 0.0, low = 0.0
            mutating func add(_ f: FirmEvaluation, land l: Double) {
                if f.tableIndex != lastFirm {
                    lastFirm = f.tableIndex
                    firms += 1
                    if f.firmClass != nil { classed += 1 }
                }
                land += l
                if let c = f.firmClass { classLand[c, default: 0] += l } else { notClassed += l }
                guard let fl = f.landMu, fl > 0 else { return }
                if let t = f.taxWan { tax += t * l / fl; taxLand += l }
                if let v = f.valueAddedWan { va += v * l / fl; vaLand += l }
            }
            func summary(_ key: String, _ name: String) -> GroupSummary {
                GroupSummary(key: key, name: name, firms: firms, classed: classed, landMu: land, classLandMu: classLand,
                             notClassedLandMu: notClassed, taxPerMu: taxLand > 0 ? tax / taxLand : nil,
                             valueAddedPerMu: vaLand > 0 ? va / vaLand : nil, lowEfficiencyMu: low)
            }
        }
        var byCounty: [String: Acc] = [:], byPlatform: [String: Acc] = [:], byIndustry: [String: Acc] = [:]
        var counts: [FirmClass: Int] = [:]
        var notEvaluated = 0, changed = 0
        for f in r.firms {
            if let c = f.firmClass { counts[c, default: 0] += 1 } else { notEvaluated += 1 }
            if f.classChanged { changed += 1 }
            let land = f.landMu ?? 0
            byCounty[f.county ?? "?", default: Acc()].add(f, land: land)
            byIndustry[String(f.industry.prefix(3)), default: Acc()].add(f, land: land)
            for pi in f.parcelIndices {
                let p = r.parcels[pi]
                for pl in p.platforms { byPlatform[pl, default: Acc()].add(f, land: p.areaMu) }
            }
        }
        var low = 0.0
        var industryOf: [String: String] = [:]
        for f in r.firms { industryOf[f.creditCode] = String(f.industry.prefix(3)) }
        for l in r.lowEfficiency {
            low += l.areaMu
            byCounty[l.county ?? "?", default: Acc()].low += l.areaMu
            if let c = l.creditCode, let ind = industryOf[c] { byIndustry[ind, default: Acc()].low += l.areaMu }
            for pl in l.platforms { byPlatform[pl, default: Acc()].low += l.areaMu }
        }
        counties = byCounty.keys.sorted().map { byCounty[$0]!.summary($0, $0 == "?" ? "未知 unknown" : geography.countyName($0)) }
        let platformOrder = geography.platforms.map(\.id)
        platforms = byPlatform.keys.sorted { (platformOrder.firstIndex(of: $0) ?? .max, $0) < (platformOrder.firstIndex(of: $1) ?? .max, $1) }
            .map { byPlatform[$0]!.summary($0, geography.platformName($0)) }
        industries = byIndustry.keys.sorted().map { byIndustry[$0]!.summary($0, industryName($0) ?? $0) }
        totalLowEfficiencyMu = low
        classCounts = counts
        self.notEvaluated = notEvaluated
        self.changed = changed
    }
}

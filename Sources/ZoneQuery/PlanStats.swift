import Foundation
import ZoneGeometry
import ZonePlan

/// A 2015 development-area target of the plan (000 附件1, lines 492–540).
public struct TierTarget: Sendable, Codable, Equatable {
    public var key: String
    public var labelZh: String
    public var tiers: [PlatformTier]
    public var targetKm2: Double
    public var citation: [String]

    enum CodingKeys: String, CodingKey { case key, tiers, citation; case labelZh = "label_zh", targetKm2 = "target_km2" }

    /// 嘉兴市“十二五”时期工业平台建设发展目标, "2015年累计开发面积（平方公里）" (000:497–508; note 000:540).
    public static let plan2015: [TierTarget] = [
        TierTarget(key: "national", labelZh: "国家级经济技术开发区（国家级出口加工区）", tiers: [.national],
                   targetKm2: 40, citation: ["000:498", "000:505"]),
        TierTarget(key: "provincial", labelZh: "省级经济开发区（省级工业园区）", tiers: [.provincial],
                   targetKm2: 150, citation: ["000:499", "000:506"]),
        TierTarget(key: "town_regional", labelZh: "市镇工业园区（区域性产业集聚区）", tiers: [.regional, .town],
                   targetKm2: 160, citation: ["000:500", "000:507", "000:540"]),
    ]
    public static let totalKm2 = 350.0
    public static let totalCitation = ["000:501", "000:508"]
}

public struct LayerStat: Sendable, Codable, Equatable {
    public var layer: String
    public var title: String
    public var features: Int
    public var schematicFeatures: Int
    /// Sum of the features' areas (overlapping features counted twice).
    public var sumMu: Double
    /// Area of the union of the features.
    public var unionMu: Double
    enum CodingKeys: String, CodingKey {
        case layer, title, features
        case schematicFeatures = "schematic_features", sumMu = "sum_mu", unionMu = "union_mu"
    }
}

public struct TierStat: Sendable, Codable, Equatable {
    public var key: String
    public var labelZh: String
    public var platforms: Int
    /// Area of the union of the tier's platforms.
    public var areaMu: Double
    public var areaKm2: Double
    public var targetKm2: Double?
    /// area ÷ target.
    public var shareOfTarget: Double?
    public var citation: [String]
    enum CodingKeys: String, CodingKey {
        case key, platforms, citation
        case labelZh = "label_zh", areaMu = "area_mu", areaKm2 = "area_km2", targetKm2 = "target_km2", shareOfTarget = "share_of_target"
    }
}

/// One row of `stats --by county|platform|zone`: a feature or a county with areas per column.
public struct StatRow: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var detail: String?
    public var county: String?
    /// Column name → area in 亩.
    public var areasMu: [String: Double]
    enum CodingKeys: String, CodingKey { case id, name, detail, county; case areasMu = "areas_mu" }
}

public enum StatsGrouping: String, Sendable, Codable, CaseIterable {
    case county, platform, zone
}

/// A county's polygon (its jurisdiction, which reaches into the bay) beside its land (the `land`
/// layer, inside the shoreline), in km² on EPSG:4549.
public struct CountyLand: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var adcode: String?
    public var polygonKm2: Double
    /// nil when the plan has no land layer.
    public var landKm2: Double?
    enum CodingKeys: String, CodingKey { case id, name, adcode; case polygonKm2 = "polygon_km2", landKm2 = "land_km2" }
}

public struct StatsReport: Sendable, Codable {
    public var geodataVersion: String
    public var layers: [LayerStat]
    public var counties: [CountyLand] = []
    public var tiers: [TierStat]
    public var by: StatsGrouping?
    public var columns: [String]
    public var rows: [StatRow]
    public var schematicNote: String
    enum CodingKeys: String, CodingKey {
        case layers, counties, tiers, by, columns, rows
        case geodataVersion = "geodata_version", schematicNote = "schematic_note"
    }
}

extension SpatialQuery {
    /// Each county's polygon area beside its land area (the `land` layer clipped to the county).
    public func countyLand() throws -> [CountyLand] {
        let land = features.indices.filter { features[$0].kind == .land }
        return try features.indices.filter { features[$0].kind == .county }.map { ci in
            CountyLand(id: features[ci].id, name: features[ci].name, adcode: features[ci].counties.first,
                       polygonKm2: round4(try areaM2(ci) / 1e6),
                       landKm2: land.isEmpty ? nil : round4(try clippedUnion(land, to: projected[ci]) / 1e6))
        }
    }

    /// Areas per layer, platform-tier totals against the 2015 targets, and optionally a breakdown.
    public func stats(by grouping: StatsGrouping? = nil, progress: ProgressReporter? = nil) throws -> StatsReport {
        var layers: [LayerStat] = []
        progress?.start(total: plan.layers.count, label: "stats")
        for layer in plan.layers {
            let idx = features.indices.filter { features[$0].layer == layer.name }
            let sum = try idx.reduce(0.0) { $0 + (try areaM2($1)) }
            let union = try engine.area(engine.unaryUnion(idx.map { projected[$0] }))
            layers.append(LayerStat(layer: layer.name, title: layer.title, features: idx.count,
                                    schematicFeatures: idx.filter { features[$0].schematic }.count,
                                    sumMu: round4(Mu.fromSquareMetres(sum)), unionMu: round4(Mu.fromSquareMetres(union))))
            progress?.advance()
        }
        progress?.finish()
        var tiers: [TierStat] = []
        var counted: [Geometry] = []
        for t in TierTarget.plan2015 {
            let idx = features.indices.filter { features[$0].kind == .platform && t.tiers.contains(features[$0].tier!) }
            let geoms = idx.map { projected[$0] }
            counted += geoms
            let a = geoms.isEmpty ? 0 : try engine.area(engine.unaryUnion(geoms))
            tiers.append(tierStat(t.key, t.labelZh, idx.count, a, t.targetKm2, t.citation))
        }
        let total = counted.isEmpty ? 0 : try engine.area(engine.unaryUnion(counted))
        tiers.append(tierStat("total", "合计", tiers.reduce(0) { $0 + $1.platforms }, total, TierTarget.totalKm2, TierTarget.totalCitation))
        let others = features.indices.filter { features[$0].kind == .platform && !TierTarget.plan2015.flatMap(\.tiers).contains(features[$0].tier!) }
        if !others.isEmpty {
            let a = try engine.area(engine.unaryUnion(others.map { projected[$0] }))
            tiers.append(tierStat("sei_area_and_other", "战略性新兴产业集聚区等（不在目标表内，多与上列平台重叠）", others.count, a, nil, ["001:205"]))
        }
        var columns: [String] = []
        var rows: [StatRow] = []
        switch grouping {
        case nil: break
        case .county?:
            columns = ["county"] + plan.layers.filter { $0.name != "admin" }.map(\.name)
                + FunctionZoneCategory.allCases.map { "zone_\($0.rawValue)" }
            for ci in features.indices where features[ci].kind == .county {
                let county = projected[ci]
                var areas: [String: Double] = ["county": try areaM2(ci)]
                for layer in plan.layers where layer.name != "admin" {
                    let idx = features.indices.filter { features[$0].layer == layer.name }
                    areas[layer.name] = try clippedUnion(idx, to: county)
                }
                for c in FunctionZoneCategory.allCases {
                    areas["zone_\(c.rawValue)"] = try clippedUnion(features.indices.filter { features[$0].category == c }, to: county)
                }
                rows.append(StatRow(id: features[ci].id, name: features[ci].name, detail: features[ci].counties.first, county: features[ci].counties.first,
                                    areasMu: areas.mapValues { round4(Mu.fromSquareMetres($0)) }))
            }
        case .platform?:
            columns = ["area", "stated"]
            for i in features.indices where features[i].kind == .platform {
                let f = features[i]
                var areas = ["area": try areaM2(i)]
                if let s = f.statedAreaKm2 { areas["stated"] = s * 1e6 }
                rows.append(StatRow(id: f.id, name: f.name, detail: f.tier?.rawValue, county: f.counties.joined(separator: ","),
                                    areasMu: areas.mapValues { round4(Mu.fromSquareMetres($0)) }))
            }
        case .zone?:
            columns = ["area"]
            for i in features.indices where features[i].kind == .functionZone {
                let f = features[i]
                rows.append(StatRow(id: f.id, name: f.name, detail: f.category?.rawValue, county: f.counties.joined(separator: ","),
                                    areasMu: ["area": round4(Mu.fromSquareMetres(try areaM2(i)))]))
            }
        }
        var report = StatsReport(geodataVersion: plan.geodataVersion, layers: layers, tiers: tiers, by: grouping,
                                 columns: columns, rows: rows, schematicNote: Self.schematicNote)
        report.counties = try countyLand()
        return report
    }

    private func clippedUnion(_ idx: [Int], to clip: Geometry) throws -> Double {
        let env = clip.envelope!
        let parts = try idx.filter { projected[$0].envelope.map { $0.intersects(env) } ?? false }
            .map { try engine.intersection(projected[$0], clip) }
        return parts.isEmpty ? 0 : try engine.area(engine.unaryUnion(parts))
    }

    private func tierStat(_ key: String, _ label: String, _ n: Int, _ m2: Double, _ target: Double?, _ cite: [String]) -> TierStat {
        let km2 = m2 / 1e6
        return TierStat(key: key, labelZh: label, platforms: n, areaMu: round4(Mu.fromSquareMetres(m2)), areaKm2: round4(km2),
                        targetKm2: target, shareOfTarget: target.map { round4(km2 / $0) }, citation: cite)
    }
}

import ZoneGeometry
import ZonePlan

/// How a site relates to one plan feature, measured on EPSG:4549.
public struct FeatureOverlap: Sendable {
    public var feature: PlanFeature
    public var overlapM2: Double
    /// overlap / site area.
    public var share: Double
    public var overlapMu: Double { Mu.fromSquareMetres(overlapM2) }
    public func ref() -> ZoneRef { ZoneRef(feature, overlapMu: overlapMu, share: share) }
}

/// The spatial facts about one site, computed once and shared by every rule.
public struct SiteContext: Sendable {
    public var siteLonLat: Geometry
    public var siteProjected: Geometry
    public var areaM2: Double
    public var areaMu: Double { Mu.fromSquareMetres(areaM2) }
    /// Every plan feature the site overlaps with positive area.
    public var overlaps: [FeatureOverlap]
    /// Distance (m) from the site to every platform, for "nearest platform" findings.
    public var platformDistances: [(feature: PlanFeature, metres: Double)]

    public func overlaps(kind: FeatureKind) -> [FeatureOverlap] { overlaps.filter { $0.feature.kind == kind } }

    /// Overlap that counts as "lies in": above either tolerance.
    public func significant(_ o: FeatureOverlap, toleranceM2: Double, toleranceShare: Double) -> Bool {
        o.overlapM2 > toleranceM2 || o.share > toleranceShare
    }
}

/// Projects the plan layers once and measures sites against them (GEOS on EPSG:4549).
/// Owns a GEOS context and a PROJ context, so it is single-thread: give each task its own.
public final class SiteAnalyzer {
    public let measurer: PlanarMeasurer
    private let features: [PlanFeature]
    private let projected: [Geometry]
    private let prepared: [PreparedGeometry]
    private let index: SpatialIndex

    public init(plan: PlanData) throws {
        let m = try PlanarMeasurer()
        let features = plan.allFeatures
        let projected = try features.map { try m.project($0.geometry) }
        measurer = m
        self.features = features
        self.projected = projected
        prepared = try projected.map { try m.engine.prepare($0) }
        index = try SpatialIndex(engine: m.engine, items: projected)
    }

    public func analyze(site lonLat: Geometry) throws -> SiteContext {
        let engine = measurer.engine
        let site = try measurer.project(lonLat)
        let area = try engine.area(site)
        var overlaps: [FeatureOverlap] = []
        if let env = site.envelope {
            for i in index.query(env) {
                let zone = prepared[i]
                let overlap: Double
                if try zone.covers(site) {
                    overlap = area
                } else if try zone.intersects(site) {
                    overlap = try engine.area(engine.intersection(site, projected[i]))
                } else {
                    continue
                }
                if overlap > 0 {
                    overlaps.append(FeatureOverlap(feature: features[i], overlapM2: overlap, share: area > 0 ? overlap / area : 0))
                }
            }
        }
        var distances: [(PlanFeature, Double)] = []
        for (i, f) in features.enumerated() where f.kind == .platform {
            distances.append((f, try engine.distance(site, projected[i])))
        }
        distances.sort { $0.1 < $1.1 }
        return SiteContext(siteLonLat: lonLat, siteProjected: site, areaM2: area, overlaps: overlaps,
                           platformDistances: distances.map { (feature: $0.0, metres: $0.1) })
    }
}

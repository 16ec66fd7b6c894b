import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

/// How a query area must relate to a feature.
public enum SpatialPredicate: String, Sendable, Codable, CaseIterable {
    /// The feature and the query area share at least one point.
    case intersects
    /// The feature lies entirely within the query area (`--within`).
    case within
    /// The feature covers the query area entirely (`--covers`): the area lies inside the feature.
    case covers
}

/// One feature of the plan as a query answer.
public struct FeatureSummary: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var nameEn: String?
    public var kind: String
    public var layer: String
    /// Tier of a platform or category of a functional zone.
    public var detail: String?
    public var detailZh: String?
    public var schematic: Bool
    public var accuracyM: Double
    public var source: String

    public init(_ f: PlanFeature) {
        id = f.id; name = f.name; nameEn = f.nameEn; kind = f.kind.rawValue; layer = f.layer
        detail = f.tier?.rawValue ?? f.category?.rawValue
        detailZh = f.tier?.chinese ?? f.category?.chinese
        schematic = f.schematic; accuracyM = f.accuracyM; source = f.source
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, layer, detail, schematic, source
        case nameEn = "name_en", detailZh = "detail_zh", accuracyM = "accuracy_m"
    }
}

/// A rule's statement about a place: each rule words its own (`VettingRule.place`).
public typealias PlaceRule = PlaceStatement

/// The guidance lists (重点布局 / 改造提升 / 培育发展) of one layout area or cluster.
public struct PlaceGuidance: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var lead: [String]
    public var upgrade: [String]
    public var foster: [String]
    public var industries: [String]
    public var citation: [String]
}

/// Everything at one point: `zoneplan where`.
public struct PlaceReport: Sendable, Codable {
    public var input: [Double]
    public var inputCRS: String
    public var lon: Double
    public var lat: Double
    public var inJiaxing: Bool
    public var features: [FeatureSummary]
    public var guidance: [PlaceGuidance]
    public var rules: [PlaceRule]
    public var nearestPlatforms: [NearFeature]
    public var geodataVersion: String
    public var rulePackVersion: String
    public var schematicNote: String

    enum CodingKeys: String, CodingKey {
        case input, lon, lat, features, guidance, rules
        case inputCRS = "input_crs", inJiaxing = "in_jiaxing", nearestPlatforms = "nearest_platforms"
        case geodataVersion = "geodata_version", rulePackVersion = "rule_pack_version", schematicNote = "schematic_note"
    }
}

public struct NearFeature: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var detail: String?
    public var distanceKm: Double
    enum CodingKeys: String, CodingKey { case id, name, detail; case distanceKm = "distance_km" }
}

/// One feature found by `zoneplan query`, with how much of it and of the query area overlap.
public struct QueryHit: Sendable, Codable, Equatable {
    public var feature: FeatureSummary
    public var featureAreaMu: Double
    public var overlapMu: Double
    /// overlap ÷ query area (nil when the query area has no area, e.g. a point).
    public var shareOfQuery: Double?
    /// overlap ÷ feature area.
    public var shareOfFeature: Double

    enum CodingKeys: String, CodingKey {
        case feature
        case featureAreaMu = "feature_area_mu", overlapMu = "overlap_mu"
        case shareOfQuery = "share_of_query", shareOfFeature = "share_of_feature"
    }
}

public struct QueryAnswer: Sendable, Codable {
    public var predicate: SpatialPredicate
    public var layer: String?
    public var bufferM: Double
    public var queryAreaMu: Double
    public var queryEnvelope: [Double]?
    public var hits: [QueryHit]
    public var geodataVersion: String
    public var schematicNote: String

    enum CodingKeys: String, CodingKey {
        case predicate, layer, hits
        case bufferM = "buffer_m", queryAreaMu = "query_area_mu", queryEnvelope = "query_bbox"
        case geodataVersion = "geodata_version", schematicNote = "schematic_note"
    }
}

/// Spatial queries over the plan layers, measured on EPSG:4549, on the plan geometry compiled once
/// for vetting (`CompiledPlanGeometry`: the layers projected and in the kernel's grid), so `where`,
/// `query` and `stats` see exactly the geometry `check` measures against.
///
/// Owns a `PlanarMeasurer` (GEOS + PROJ contexts) and a kernel's scratch: single-thread, make one
/// per task; the compiled geometry is shared.
public final class SpatialQuery {
    public let plan: PlanData
    public let measurer: PlanarMeasurer
    public let compiled: CompiledPlanGeometry
    var features: [PlanFeature] { compiled.features }
    var projected: [Geometry] { compiled.projected }
    private let kernel: OverlayKernel
    private var preparedCache: [Int: PreparedGeometry] = [:]
    private var areaCache: [Int: Double] = [:]

    public static let schematicNote = "Schematic data: apart from the county boundaries, the layers are drawn from the plans' text, not surveyed; treat results near zone edges as indicative. 示意数据：除行政区划外，图层据规划文本绘制，非测绘成果。"

    /// Display order of feature kinds: county, layout (core, belts, districts…), platform, zone, cluster.
    static let kindOrder: [FeatureKind] = [.city, .county, .core, .coreRing, .mainCity, .belt, .district, .binhaiCluster,
                                           .linkArea, .platform, .functionZone, .cluster]

    /// How many nearest platforms `where` names when the point is in none.
    static let nearestCount = 3

    /// Over a plan snapshot's compiled geometry (the server's workers share one).
    public init(plan: PlanData, compiled: CompiledPlanGeometry, measurer: PlanarMeasurer? = nil) throws {
        self.plan = plan
        self.compiled = compiled
        self.measurer = try measurer ?? PlanarMeasurer()
        kernel = OverlayKernel(index: compiled.index)
    }

    /// Compiles `plan`'s geometry for this query alone (the CLI's one-shot commands).
    public convenience init(plan: PlanData) throws {
        let m = try PlanarMeasurer()
        try self.init(plan: plan, compiled: try CompiledPlanGeometry(plan: plan, measurer: m), measurer: m)
    }

    var engine: GeometryEngine { measurer.engine }

    /// Names of the layers; `layer` must be one of them.
    public func checkLayer(_ layer: String?) throws {
        guard let layer else { return }
        if plan.layer(named: layer) == nil {
            throw QueryError.notFound("unknown layer '\(layer)' (layers: \(plan.layers.map(\.name).joined(separator: ", ")))")
        }
    }

    func areaM2(_ i: Int) throws -> Double {
        if let a = areaCache[i] { return a }
        let a = try engine.area(projected[i])
        areaCache[i] = a
        return a
    }

    /// Feature `i` prepared for GEOS predicates, on first use (most queries touch a few features).
    func prepared(_ i: Int) throws -> PreparedGeometry {
        if let p = preparedCache[i] { return p }
        let p = try engine.prepare(projected[i])
        preparedCache[i] = p
        return p
    }

    /// Features whose box meets `env` (touching counts), ascending.
    func candidates(_ env: Envelope) -> [Int] {
        compiled.envelopes.indices.filter { compiled.envelopes[$0]?.intersects(env) ?? false }
    }

    static func sortKey(_ f: PlanFeature) -> Int { kindOrder.firstIndex(of: f.kind) ?? kindOrder.count }

    // MARK: where

    /// Every feature at a WGS 84 lon/lat point, with the rules and guidance that apply there.
    public func place(_ lonLat: Coordinate, input: [Double]? = nil, crs: InputCRS = .wgs84) throws -> PlaceReport {
        let p = try measurer.project(.point(lonLat))
        guard case .point(let pc) = p else { throw QueryError.badInput("the point could not be projected") }
        // The kernel's grid decides the features it takes; GEOS (covers) the few it does not.
        var covering = Set(kernel.zones(covering: pc.x, pc.y))
        for i in compiled.geosOnly where compiled.envelopes[i]?.intersects(p.envelope!) ?? false {
            if try prepared(i).covers(p) { covering.insert(i) }
        }
        var hits = covering.map { features[$0] }
        hits.sort { (Self.sortKey($0), $0.id) < (Self.sortKey($1), $1.id) }
        var near: [NearFeature] = []
        if !hits.contains(where: { $0.kind == .platform }) {
            near = try nearestPlatforms(p, pc).map {
                NearFeature(id: features[$0.feature].id, name: features[$0.feature].name, detail: features[$0.feature].tier?.rawValue,
                            distanceKm: round3($0.metres / 1000))
            }
        }
        let guidance = hits.compactMap { f -> PlaceGuidance? in
            guard let g = f.guidance, !g.isEmpty else { return nil }
            return PlaceGuidance(id: f.id, name: f.name, lead: g.lead, upgrade: g.upgrade, foster: g.foster,
                                 industries: f.industries, citation: seedRefs(f.source))
        }
        return PlaceReport(input: input ?? [lonLat.x, lonLat.y], inputCRS: crs.rawValue,
                           lon: round7(lonLat.x), lat: round7(lonLat.y),
                           inJiaxing: hits.contains { $0.kind == .city || $0.kind == .county },
                           features: hits.map(FeatureSummary.init), guidance: guidance,
                           rules: RuleRegistry.statements(about: PlaceFacts(hits: hits, nearestPlatforms: near.map {
                               PlaceFacts.NearestPlatform(id: $0.id, name: $0.name, distanceKm: $0.distanceKm) }), pack: plan.rulePack),
                           nearestPlatforms: near, geodataVersion: plan.geodataVersion,
                           rulePackVersion: plan.rulePack.version, schematicNote: Self.schematicNote)
    }

    /// The `nearestCount` platforms nearest to the point, nearest first (ties in feature order):
    /// platforms in order of their boxes' distance, GEOS distance only until the next box is
    /// farther than the last one kept.
    func nearestPlatforms(_ p: Geometry, _ c: Coordinate) throws -> [(feature: Int, metres: Double)] {
        var boxes: [(feature: Int, bound: Double)] = []
        for f in compiled.platforms {
            guard let e = compiled.envelopes[f] else { continue }
            let dx = max(0, e.minX - c.x, c.x - e.maxX), dy = max(0, e.minY - c.y, c.y - e.maxY)
            boxes.append((f, (dx * dx + dy * dy).squareRoot()))
        }
        boxes.sort { $0.bound != $1.bound ? $0.bound < $1.bound : $0.feature < $1.feature }
        var best: [(feature: Int, metres: Double)] = []
        for b in boxes {
            if best.count >= Self.nearestCount, b.bound > best[Self.nearestCount - 1].metres { break }
            let d = try engine.distance(p, projected[b.feature])
            best.append((b.feature, d))
            best.sort { $0.metres != $1.metres ? $0.metres < $1.metres : $0.feature < $1.feature }
            if best.count > Self.nearestCount { best.removeLast() }
        }
        return best
    }

    // MARK: query

    /// Features of `layer` (all layers when nil) related to `area` (lon/lat) by `predicate`;
    /// `bufferM` grows the area by that many metres (on EPSG:4549) first.
    public func query(_ area: Geometry, predicate: SpatialPredicate = .intersects, layer: String? = nil,
                      bufferM: Double = 0) throws -> QueryAnswer {
        try checkLayer(layer)
        guard bufferM.isFinite, bufferM >= 0 else { throw QueryError.badInput("--buffer: must be a distance ≥ 0 in metres") }
        guard !area.isEmpty else { throw QueryError.badInput("the query geometry is empty") }
        let validity = try engine.validity(area)
        if !validity.isValid {
            let at = validity.location.map { String(format: " at lon %.7f lat %.7f", $0.x, $0.y) } ?? ""
            throw QueryError.badInput("the query geometry is invalid: \(validity.reason)\(at)")
        }
        var q = try measurer.project(area)
        if bufferM > 0 { q = try engine.buffer(q, distance: bufferM, quadrantSegments: 16) }
        let qArea = try engine.area(q)
        let pq = try engine.prepare(q)
        var hits: [QueryHit] = []
        for i in candidates(q.envelope!) {
            let f = features[i]
            if let layer, f.layer != layer { continue }
            let ok: Bool
            switch predicate {
            case .intersects: ok = try pq.intersects(projected[i])
            case .within: ok = try pq.covers(projected[i])
            case .covers: ok = try prepared(i).covers(q)
            }
            guard ok else { continue }
            let fa = try areaM2(i)
            let overlap: Double
            switch predicate {
            case .within: overlap = fa
            case .covers: overlap = qArea
            case .intersects: overlap = qArea > 0 ? try engine.area(engine.intersection(q, projected[i])) : 0
            }
            hits.append(QueryHit(feature: FeatureSummary(f), featureAreaMu: round4(Mu.fromSquareMetres(fa)),
                                 overlapMu: round4(Mu.fromSquareMetres(overlap)),
                                 shareOfQuery: qArea > 0 ? round6(overlap / qArea) : nil,
                                 shareOfFeature: fa > 0 ? round6(overlap / fa) : 0))
        }
        hits.sort { (Self.kindOrder.firstIndex(of: FeatureKind(rawValue: $0.feature.kind)!) ?? 99, -$0.overlapMu, $0.feature.id)
            < (Self.kindOrder.firstIndex(of: FeatureKind(rawValue: $1.feature.kind)!) ?? 99, -$1.overlapMu, $1.feature.id) }
        let env = try measurer.unproject(q).envelope
        return QueryAnswer(predicate: predicate, layer: layer, bufferM: bufferM, queryAreaMu: round4(Mu.fromSquareMetres(qArea)),
                           queryEnvelope: env.map { [round7($0.minX), round7($0.minY), round7($0.maxX), round7($0.maxY)] },
                           hits: hits, geodataVersion: plan.geodataVersion, schematicNote: Self.schematicNote)
    }

    /// Reads a query geometry from GeoJSON (a geometry, a Feature, or a FeatureCollection whose
    /// geometries are combined). Coordinates must be RFC 7946 lon/lat.
    public static func readGeometry(_ data: Data, label: String) throws -> Geometry {
        let features: [Feature]
        do { features = try GeoJSON.parseFeatures(data) } catch {
            throw QueryError.badInput("\(label): \(error)")
        }
        let gs = features.compactMap(\.geometry)
        guard !gs.isEmpty else { throw QueryError.badInput("\(label): no geometry") }
        for (i, g) in gs.enumerated() {
            for c in g.allCoordinates {
                do { try CoordinateInput.checkDegrees(x: c.x, y: c.y, what: "\(label): geometry \(i)") } catch {
                    throw error
                }
            }
        }
        return gs.count == 1 ? gs[0] : .geometryCollection(gs)
    }
}

func round3(_ d: Double) -> Double { (d * 1e3).rounded() / 1e3 }
func round4(_ d: Double) -> Double { (d * 1e4).rounded() / 1e4 }
func round6(_ d: Double) -> Double { (d * 1e6).rounded() / 1e6 }
func round7(_ d: Double) -> Double { (d * 1e7).rounded() / 1e7 }

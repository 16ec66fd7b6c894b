import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

/// Land-quota balances for site suggestions. **Hook only: nothing implements it yet.** The
/// workspace (ZoneStore) will, once it keeps quota accounts; until then `suggest` runs without
/// one and every candidate says "quota not checked: no workspace".
public protocol QuotaProvider {
    /// Remaining land quota of the platform's account in 亩, or nil when it has no account.
    func remainingMu(platformId: String) throws -> Double?
}

/// Why a candidate ranks where it does: the parts of its score, compared in this order.
public struct ScoreParts: Sendable, Codable, Equatable {
    /// 2 approve, 1 conditional.
    public var verdictScore: Int
    public var verdict: Verdict
    /// The industry is on a lead/upgrade/foster list where the moved site lies (layout-fit passes).
    public var guidanceMatch: Bool
    /// The layout-fit finding's explanation (what matched, or which lists it missed).
    public var guidance: String
    /// Functional zone(s) under the moved site (category), and the function-zone outcome.
    public var functionZone: String
    /// Share of the moved site inside the platform.
    public var platformShare: Double
    /// `ok`, `short` or `not checked: no workspace`.
    public var quota: String
    /// From the proposed site's centroid to the moved site's centroid, km.
    public var distanceKm: Double

    enum CodingKeys: String, CodingKey {
        case verdict, guidance, quota
        case verdictScore = "verdict_score", guidanceMatch = "guidance_match", functionZone = "function_zone"
        case platformShare = "platform_share", distanceKm = "distance_km"
    }
}

public struct SiteCandidate: Sendable, Codable {
    public var rank: Int
    public var platform: FeatureSummary
    public var score: ScoreParts
    /// Rules that warn at the moved site: the conditions to attach.
    public var conditions: [String]
    /// Where the site's centroid was put, lon/lat, and how the point was chosen.
    public var placedAt: [Double]
    public var placement: String
    /// The moved site, for display in a GIS.
    public var site: Geometry? = nil
    enum CodingKeys: String, CodingKey { case rank, platform, score, conditions, placement; case placedAt = "placed_at" }
}

public struct SuggestionReport: Sendable, Codable {
    public var application: String
    public var industry: String
    public var industryName: String?
    public var areaMu: Double
    public var proposedVerdict: Verdict
    public var proposedFailRules: [String]
    public var proposedWarnRules: [String]
    public var candidates: [SiteCandidate]
    /// Platforms tried where the moved site would not pass, by verdict.
    public var excluded: [String: Int]
    public var platformsTried: Int
    public var quotaNote: String
    public var method: String
    public var schematicNote: String

    enum CodingKeys: String, CodingKey {
        case application, industry, candidates, excluded, method
        case industryName = "industry_name", areaMu = "area_mu", proposedVerdict = "proposed_verdict"
        case proposedFailRules = "proposed_fail_rules", proposedWarnRules = "proposed_warn_rules"
        case platformsTried = "platforms_tried", quotaNote = "quota_note", schematicNote = "schematic_note"
    }
}

/// Ranks the development platforms where a project would pass: the site is moved into each
/// platform and the real `VettingEngine` vets it there.
///
/// Placement: the site is translated on EPSG:4549 (shape and area kept) so its centroid sits on
/// an interior point of the platform's key-development-zone part (重点开发区), shrunk inward by half
/// the site's width when possible so the whole site fits; if the platform has no key-zone part,
/// the platform's point on surface. Single-thread (owns the engine's GEOS/PROJ contexts).
public final class SiteSuggester {
    public let engine: VettingEngine
    public let quotas: QuotaProvider?
    let measurer: PlanarMeasurer

    public static let noWorkspaceNote = "quota not checked: no workspace"

    public init(engine: VettingEngine, quotas: QuotaProvider? = nil) throws {
        self.engine = engine
        self.quotas = quotas
        measurer = try PlanarMeasurer()
    }

    public func suggest(_ app: Application, limit: Int? = nil, progress: ProgressReporter? = nil) throws -> SuggestionReport {
        let geos = measurer.engine
        let plan = engine.plan
        let proposed = try engine.vet(app)
        let site = try measurer.project(app.site)
        let siteArea = try geos.area(site)
        let c0 = try geos.centroid(site)
        let env = site.envelope!
        let halfWidth = min(env.width, env.height) / 2
        let keyZones = try plan.features(kind: .functionZone).filter { $0.category == .key }.map { try measurer.project($0.geometry) }
        let keyUnion = keyZones.isEmpty ? nil : try geos.unaryUnion(keyZones)
        let platforms = plan.features(kind: .platform)
        progress?.start(total: platforms.count, label: "suggest")
        defer { progress?.finish() }

        var found: [SiteCandidate] = []
        var excluded: [String: Int] = [:]
        for p in platforms {
            defer { progress?.advance() }
            let pg = try measurer.project(p.geometry)
            var part = pg
            var placement = "platform point on surface"
            if let keyUnion, try geos.intersects(pg, keyUnion) {
                let k = try geos.intersection(pg, keyUnion)
                if try geos.area(k) > 0 { part = k; placement = "key-zone part of the platform" }
            }
            let inner = try geos.buffer(part, distance: -halfWidth)
            let target: Coordinate
            if !inner.isEmpty, try geos.area(inner) > 0 {
                target = try geos.pointOnSurface(inner)
                placement += ", shrunk \(fmt(halfWidth, 0)) m inward"
            } else {
                target = try geos.pointOnSurface(part)
            }
            let dx = target.x - c0.x, dy = target.y - c0.y
            let moved = site.mapCoordinates { Coordinate($0.x + dx, $0.y + dy) }
            let movedLonLat = try measurer.unproject(moved)
            var movedApp = app
            movedApp.site = movedLonLat
            let r = try engine.vet(movedApp)
            guard r.verdict == .approve || r.verdict == .conditional else {
                excluded[r.verdict.rawValue, default: 0] += 1
                continue
            }
            let share = siteArea > 0 ? (try geos.area(geos.intersection(moved, pg))) / siteArea : 0
            let layout = r.findings.filter { $0.rule == "layout-fit" }
            let guidanceMatch = !layout.isEmpty && layout.allSatisfy { $0.outcome == .pass }
            let fz = r.findings.filter { $0.rule == "function-zone" }
            let fzText = fz.map { f in
                (f.zones.first.map { "\($0.detail ?? $0.kind) \($0.name)" } ?? "—") + " \(f.outcome.rawValue)"
            }.joined(separator: "; ")
            var quota = Self.noWorkspaceNote
            if let quotas {
                if let left = try quotas.remainingMu(platformId: p.id) {
                    let need = Mu.fromSquareMetres(siteArea)
                    if left < need { excluded["quota short", default: 0] += 1; continue }
                    quota = "ok (\(fmt(left)) 亩 left)"
                } else {
                    quota = "no account for this platform"
                }
            }
            let back = try measurer.unproject(.point(target))
            guard case .point(let t) = back else { continue }
            let parts = ScoreParts(verdictScore: r.verdict == .approve ? 2 : 1, verdict: r.verdict, guidanceMatch: guidanceMatch,
                                   guidance: layout.map(\.explanationZh).joined(separator: "；"), functionZone: fzText,
                                   platformShare: round4(share), quota: quota,
                                   distanceKm: round3(hypot(dx, dy) / 1000))
            var cand = SiteCandidate(rank: 0, platform: FeatureSummary(p), score: parts, conditions: r.rules(with: .warn),
                                     placedAt: [round7(t.x), round7(t.y)], placement: placement)
            cand.site = movedLonLat
            found.append(cand)
        }
        found.sort { a, b in
            if a.score.verdictScore != b.score.verdictScore { return a.score.verdictScore > b.score.verdictScore }
            if a.score.guidanceMatch != b.score.guidanceMatch { return a.score.guidanceMatch }
            if a.score.distanceKm != b.score.distanceKm { return a.score.distanceKm < b.score.distanceKm }
            return a.platform.id < b.platform.id
        }
        if let limit { found = Array(found.prefix(limit)) }
        for i in found.indices { found[i].rank = i + 1 }
        return SuggestionReport(application: app.name, industry: app.industry, industryName: plan.industries.name(of: app.industry),
                                areaMu: round4(Mu.fromSquareMetres(siteArea)), proposedVerdict: proposed.verdict,
                                proposedFailRules: proposed.rules(with: .fail), proposedWarnRules: proposed.rules(with: .warn),
                                candidates: found, excluded: excluded, platformsTried: platforms.count,
                                quotaNote: quotas == nil ? Self.noWorkspaceNote : "quota checked against the workspace",
                                method: "the site is moved (same shape and area, EPSG:4549) into each platform's key-development-zone part and vetted there by the rule pack; ranked by verdict, then guidance match, then distance",
                                schematicNote: SpatialQuery.schematicNote)
    }
}

import ZoneGeometry
import ZonePlan

/// The plan's features, shared by reference: an overlap names its feature by index in here, so
/// handing overlaps to the rules does not copy (retain and release) every field of a feature.
public final class PlanFeatureTable: Sendable {
    public let features: [PlanFeature]
    let kinds: [FeatureKind]
    public init(_ features: [PlanFeature]) { self.features = features; kinds = features.map(\.kind) }
}

/// How a site relates to one plan feature, measured on EPSG:4549.
public struct FeatureOverlap: Sendable {
    let table: PlanFeatureTable
    /// The feature's index in the plan's features (`CompiledPlanGeometry.features`).
    public let index: Int
    public var feature: PlanFeature { table.features[index] }
    public var kind: FeatureKind { table.kinds[index] }
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
    /// Distance (m) from the site to the nearest platforms (`CompiledPlanGeometry.nearestPlatformCount`,
    /// 20 by default), nearest first (ties in feature order), for "nearest platform" findings.
    public var platformDistances: [(feature: PlanFeature, metres: Double)]

    public func overlaps(kind: FeatureKind) -> [FeatureOverlap] { overlaps.filter { $0.kind == kind } }

    /// Overlap that counts as "lies in": above either tolerance.
    public func significant(_ o: FeatureOverlap, toleranceM2: Double, toleranceShare: Double) -> Bool {
        o.overlapM2 > toleranceM2 || o.share > toleranceShare
    }
}

/// Measures sites against the plan layers on EPSG:4549.
///
/// The overlaps come from the overlap kernel (`ZoneIndex` + `OverlayKernel` of ZoneGeometry) on a
/// shared `CompiledPlanGeometry`; GEOS (prepared covers / intersects + intersection area) only for
/// pairs the kernel cannot classify and for features it does not take. The nearest platforms are
/// found by box lower bounds and exact boundary distances (GEOS's formulas), not by GEOS distance
/// to every platform.
///
/// Owns a GEOS context, a PROJ context and the kernel's scratch buffers, so it is single-thread:
/// give each task its own, all made from one `CompiledPlanGeometry`.
public final class SiteAnalyzer {
    public let measurer: PlanarMeasurer
    public let compiled: CompiledPlanGeometry
    private let kernel: OverlayKernel
    /// GEOS-prepared features, made on first use (fallback and GEOS-only features).
    private var prepared: [PreparedGeometry?]
    private var site = SiteBuffer()
    /// The projected site while the kernel runs (for its GEOS fallback) and the fallback's error.
    private var currentSite: Geometry?
    private var currentArea = 0.0
    private var fallbackError: Error?
    private var hits: [(feature: Int, areaM2: Double, path: PairPath)] = []
    private var isHit: [Bool]

    /// Path counters of this analyzer's kernel (pairs decided by the grid, point in polygon,
    /// OverlayArea crossing / degenerate paths, GEOS fallback).
    public var kernelStats: KernelStats { kernel.stats }
    /// Pairs measured with GEOS because the feature is not for the kernel (`CompiledPlanGeometry.geosOnly`).
    public private(set) var geosOnlyPairs = 0

    /// Per-thread state over a shared compiled plan.
    public convenience init(compiled: CompiledPlanGeometry) throws {
        try self.init(compiled: compiled, measurer: PlanarMeasurer())
    }

    /// `measurer` becomes this analyzer's own (GEOS + PROJ contexts): do not use it elsewhere.
    init(compiled: CompiledPlanGeometry, measurer: PlanarMeasurer) {
        self.compiled = compiled
        self.measurer = measurer
        kernel = OverlayKernel(index: compiled.index)
        prepared = Array(repeating: nil, count: compiled.features.count)
        isHit = Array(repeating: false, count: compiled.features.count)
        kernel.fallback = { [unowned self] _, z in self.geosPair(z) }
    }

    /// Compiles `plan` for this analyzer alone. To vet on several threads, compile once and use
    /// `init(compiled:)` on each.
    public convenience init(plan: PlanData) throws {
        let m = try PlanarMeasurer()
        self.init(compiled: try CompiledPlanGeometry(plan: plan, measurer: m), measurer: m)
    }

    private func preparedFeature(_ i: Int) throws -> PreparedGeometry {
        if let p = prepared[i] { return p }
        let p = try measurer.engine.prepare(compiled.projected[i])
        prepared[i] = p
        return p
    }

    /// GEOS on one pair: (overlap m², intersects). Covered: the site's area.
    private func geosOverlap(_ i: Int, site: Geometry, area: Double) throws -> (Double, Bool) {
        let zone = try preparedFeature(i)
        if try zone.covers(site) { return (area, true) }
        if try zone.intersects(site) {
            let engine = measurer.engine
            return (try engine.area(engine.intersection(site, compiled.projected[i])), true)
        }
        return (0, false)
    }

    /// The kernel's fallback (errors are kept and rethrown by `analyze`).
    private func geosPair(_ z: Int) -> (Double, Bool) {
        guard let s = currentSite, fallbackError == nil else { return (0, false) }
        do { return try geosOverlap(z, site: s, area: currentArea) } catch {
            fallbackError = error
            return (0, false)
        }
    }

    public func analyze(site lonLat: Geometry) throws -> SiteContext {
        let engine = measurer.engine
        let siteG = try measurer.project(lonLat)
        let area = try engine.area(siteG)
        hits.removeAll(keepingCapacity: true)
        site.load(siteG)
        let features = compiled.features
        if site.isUsable {
            currentSite = siteG
            currentArea = area
            fallbackError = nil
            defer { currentSite = nil }
            site.withView { v in
                kernel.vet(v)
                let zs = kernel.outZone, areas = kernel.outArea, paths = kernel.outPath
                for k in 0..<zs.count { hits.append((Int(zs[k]), areas[k], paths[k])) }
            }
            if let e = fallbackError { fallbackError = nil; throw e }
            // GEOS for the features the kernel does not take.
            if !compiled.geosOnly.isEmpty, let env = siteG.envelope {
                for i in compiled.geosOnly where compiled.envelopes[i]?.intersects(env) ?? false {
                    let (a, hit) = try geosOverlap(i, site: siteG, area: area)
                    geosOnlyPairs += 1
                    if hit { hits.append((i, a, .geos)) }
                }
                hits.sort { $0.feature < $1.feature }
            }
        } else if let env = siteG.envelope {
            // Not polygonal (the kernel measures polygons): GEOS on every candidate.
            for i in features.indices where compiled.envelopes[i]?.intersects(env) ?? false {
                let (a, hit) = try geosOverlap(i, site: siteG, area: area)
                geosOnlyPairs += 1
                if hit { hits.append((i, a, .geos)) }
            }
        }
        var overlaps: [FeatureOverlap] = []
        for h in hits {
            // Contained (grid / point in polygon): the site's area, as GEOS covers gives it.
            let overlap = h.path == .grid || h.path == .pointInPolygon ? area : h.areaM2
            if overlap > 0 {
                overlaps.append(FeatureOverlap(table: compiled.table, index: h.feature, overlapM2: overlap, share: area > 0 ? overlap / area : 0))
            }
        }
        let nearest = try nearestPlatforms(siteG)
        return SiteContext(siteLonLat: lonLat, siteProjected: siteG, areaM2: area, overlaps: overlaps,
                           platformDistances: nearest.map { (feature: features[$0.feature], metres: $0.metres) })
    }

    /// The `nearestPlatformCount` platforms nearest to the site (0 for those it intersects, touching
    /// included), nearest first, ties in feature order. Uses `hits` of the current site.
    private func nearestPlatforms(_ siteG: Geometry) throws -> [(feature: Int, metres: Double)] {
        let K = compiled.nearestPlatformCount
        let platforms = compiled.platforms
        if K <= 0 || platforms.isEmpty { return [] }
        for h in hits { isHit[h.feature] = true }
        defer { for h in hits { isHit[h.feature] = false } }
        var best: [(feature: Int, metres: Double)] = []
        func insert(_ f: Int, _ d: Double) {
            var j = best.count
            best.append((f, d))
            while j > 0 && (best[j - 1].metres > d || (best[j - 1].metres == d && best[j - 1].feature > f)) {
                best[j] = best[j - 1]
                j -= 1
            }
            best[j] = (f, d)
            if best.count > K { best.removeLast() }
        }
        guard site.isUsable else {
            // Not polygonal: GEOS distance (rare; the kernel's boundary search needs rings).
            for p in platforms { insert(p, try measurer.engine.distance(siteG, compiled.projected[p])) }
            return best
        }
        var candidates: [(k: Int, bound: Double)] = []
        candidates.reserveCapacity(platforms.count)
        for (k, p) in platforms.enumerated() {
            if isHit[p] { insert(p, 0); continue }
            guard let e = compiled.envelopes[p] else { continue }
            let dx = max(0, max(e.minX - site.maxX, site.minX - e.maxX))
            let dy = max(0, max(e.minY - site.maxY, site.minY - e.maxY))
            candidates.append((k, (dx * dx + dy * dy).squareRoot()))
        }
        candidates.sort { $0.bound != $1.bound ? $0.bound < $1.bound : $0.k < $1.k }
        site.withView { v in
            for c in candidates {
                let kth = best.count >= K ? best[K - 1].metres : Double.infinity
                if c.bound > kth { break }
                let limit = kth.nextUp
                let d = FacetDistance.boundaryDistance(compiled.platformRings, item: c.k, site: v, bound: limit)
                if d < limit { insert(platforms[c.k], d) }
            }
        }
        return best
    }
}

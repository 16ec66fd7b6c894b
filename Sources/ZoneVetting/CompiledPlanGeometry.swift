import Foundation
import ZoneGeometry
import ZonePlan

/// The plan's geometry compiled once for vetting many sites: every feature projected to EPSG:4549,
/// the overlap kernel's grid index (`ZoneIndex`) over all features, and what the nearest-platform
/// search needs (platform boundaries and boxes).
///
/// Immutable and free of GEOS / PROJ handles (those are single-thread objects), so one instance is
/// shared by every thread: each thread makes its own `SiteAnalyzer(compiled:)` (its own GEOS and
/// PROJ contexts, kernel scratch, lazily prepared GEOS geometries for the fallback).
public final class CompiledPlanGeometry: Sendable {
    /// Every feature of the plan, in `PlanData.allFeatures` order (= the order of the overlaps).
    public let features: [PlanFeature]
    /// `features` by reference, for the overlaps of each site.
    public let table: PlanFeatureTable
    /// Each feature's geometry in EPSG:4549 (metres), for GEOS on each thread.
    public let projected: [Geometry]
    /// Bounding boxes of `projected` (nil if empty).
    public let envelopes: [Envelope?]
    /// The kernel's grid over the features: item i of `index.zones` is feature i, or an empty item
    /// for a feature the kernel does not decide (see `geosOnly`).
    public let index: ZoneIndex
    /// Features measured with GEOS only: not polygonal, or invalid once projected (the kernel's
    /// areas assume valid polygons). Empty on the project's GeoData.
    public let geosOnly: [Int]
    /// Feature indices of the platforms, in feature order.
    public let platforms: [Int]
    /// The platforms' rings (item k is feature `platforms[k]`), for the distance search.
    public let platformRings: PolygonSet
    /// How many nearest platforms `SiteContext.platformDistances` lists.
    public let nearestPlatformCount: Int

    /// Projects and indexes every feature of `plan`. `cellSize`: the grid cell (metres). 1 km suits
    /// the plan (96+ features that cover the city several times over, 73 k edges): the index builds in
    /// ~9 ms (250 m cells: ~40 ms, which a cold `zoneplan check` would feel) and the kernel still
    /// vets ~390 k sites/s on one core, a negligible part of vetting an application.
    /// - Parameter measurer: projects and checks the features during this init only (not kept); by
    ///   default a new one. Passing the caller's saves a PROJ set-up (~20 ms of database look-ups).
    /// `nearestPlatformCount` nil: as many as the platform rule names (`nearest_count`), at least 3.
    public convenience init(plan: PlanData, cellSize: Double = 1000, nearestPlatformCount: Int? = nil,
                            measurer: PlanarMeasurer? = nil) throws {
        let k = nearestPlatformCount ?? max(3, Int(plan.rulePack.rule("platform")?.quantity("nearest_count") ?? 3))
        try self.init(features: plan.allFeatures, cellSize: cellSize, nearestPlatformCount: k,
                      measurer: measurer)
    }

    public init(features: [PlanFeature], cellSize: Double = 1000, nearestPlatformCount: Int = 20,
                measurer: PlanarMeasurer? = nil) throws {
        // The measurer is used during the build only: no GEOS / PROJ handle is kept.
        let m = try measurer ?? PlanarMeasurer()
        self.features = features
        table = PlanFeatureTable(features)
        let projected = try features.map { try m.project($0.geometry) }
        self.projected = projected
        envelopes = projected.map(\.envelope)
        // The kernel assumes valid polygons: GEOS checks every projected feature (projection can
        // make a ring that is valid in lon/lat touch itself) on another thread, while this one
        // builds the index, which is rebuilt in the rare case that a feature must be left out.
        // The verdicts are remembered between runs, keyed by the projected coordinates themselves
        // (`ValidityMemo`): a cold `zoneplan check` of an unchanged plan skips the check.
        let validity = ValidityFlags(count: projected.count)
        let group = DispatchGroup()
        let memoKey = ValidityMemo.key(projected)
        if let known = ValidityMemo.flags(for: memoKey) {
            validity.flags = known
        } else {
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                let engine = GeometryEngine()
                for (i, g) in projected.enumerated() {
                    validity.flags[i] = Self.kernelTakes(g) && (try? engine.isValid(g)) == true
                }
                ValidityMemo.remember(validity.flags, for: memoKey)
            }
        }
        func build(_ take: (Int) -> Bool) throws -> (PolygonSet, [Int]) {
            var zones = PolygonSet()
            var left: [Int] = []
            for (i, g) in projected.enumerated() {
                if take(i) {
                    try zones.append(g.polygons)
                } else {
                    try zones.append([])  // an empty item keeps the numbering; GEOS measures the feature
                    if !g.isEmpty { left.append(i) }
                }
            }
            return (zones, left)
        }
        var (zones, geosOnly) = try build { Self.kernelTakes(projected[$0]) }
        var index = try ZoneIndex(zones: zones, cellSize: cellSize)
        group.wait()
        if validity.flags.indices.contains(where: { !validity.flags[$0] && Self.kernelTakes(projected[$0]) }) {
            (zones, geosOnly) = try build { validity.flags[$0] }
            index = try ZoneIndex(zones: zones, cellSize: cellSize)
        }
        self.index = index
        self.geosOnly = geosOnly
        platforms = features.indices.filter { features[$0].kind == .platform }
        var rings = PolygonSet()
        for p in platforms { try rings.append(projected[p].polygons) }
        platformRings = rings
        self.nearestPlatformCount = nearestPlatformCount
    }

    /// Polygonal (or empty) with rings of at least 4 positions: what `PolygonSet` / the kernel take.
    static func kernelTakes(_ g: Geometry) -> Bool {
        guard g.isPolygonal || g.isEmpty else { return false }
        return g.polygons.allSatisfy { p in p.rings.allSatisfy { Polygon.closing($0).count >= 4 } }
    }

    /// Written by the validity thread, read after it finished (`DispatchGroup.wait`).
    private final class ValidityFlags: @unchecked Sendable {
        var flags: [Bool]
        init(count: Int) { flags = Array(repeating: false, count: count) }
    }

    /// True if this was compiled from `plan`'s features (same ids, same order, same geometry).
    public func matches(_ plan: PlanData) -> Bool {
        let fs = plan.allFeatures
        return fs.count == features.count
            && zip(fs, features).allSatisfy { $0.id == $1.id && $0.geometry == $1.geometry }
    }

    /// `VettingEngine(plan:compiled:)` with a compiled geometry of another plan.
    public struct Mismatch: Error, CustomStringConvertible, Sendable {
        public var description: String { "the compiled plan geometry was made from other plan layers" }
    }
}

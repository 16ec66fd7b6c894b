import CGEOS

/// A GEOS geometry plus its GEOSPreparedGeometry, for fast repeated predicates against one
/// fixed geometry (e.g. a zone boundary tested against many parcels).
///
/// **Thread rules:** bound to the `GeometryEngine` (GEOS context) that made it; use it only
/// where that engine is used. Never share across threads, tasks or requests.
public final class PreparedGeometry {
    public let geometry: Geometry
    let engine: GeometryEngine
    private let prepared: GEOSPrepared

    init(engine: GeometryEngine, geometry: Geometry) throws {
        self.engine = engine
        self.geometry = geometry
        self.prepared = try GEOSPrepared(base: try engine.object(geometry))
    }

    private func test(_ function: String, _ other: Geometry,
                      _ f: (OpaquePointer, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        let ctx = engine.context
        let g = try ctx.make(other)
        let h = try ctx.handle()
        return try ctx.predicate(function, f(h, prepared.pointer, g.pointer))
    }

    /// Same as `GeometryEngine.covers(geometry, other)`.
    public func covers(_ other: Geometry) throws -> Bool {
        try test("GEOSPreparedCovers_r", other) { GEOSPreparedCovers_r($0, $1, $2) }
    }

    /// Same as `GeometryEngine.intersects(geometry, other)`.
    public func intersects(_ other: Geometry) throws -> Bool {
        try test("GEOSPreparedIntersects_r", other) { GEOSPreparedIntersects_r($0, $1, $2) }
    }

    /// True if `other` lies in the interior of `geometry` (touching the boundary is false).
    public func containsProperly(_ other: Geometry) throws -> Bool {
        try test("GEOSPreparedContainsProperly_r", other) { GEOSPreparedContainsProperly_r($0, $1, $2) }
    }

    /// Same as `GeometryEngine.contains(geometry, other)`.
    public func contains(_ other: Geometry) throws -> Bool {
        try test("GEOSPreparedContains_r", other) { GEOSPreparedContains_r($0, $1, $2) }
    }

    /// Same as `GeometryEngine.isCovered(geometry, by: other)` (GEOSPreparedCoveredBy_r).
    public func isCovered(by other: Geometry) throws -> Bool {
        try test("GEOSPreparedCoveredBy_r", other) { GEOSPreparedCoveredBy_r($0, $1, $2) }
    }

    public func disjoint(_ other: Geometry) throws -> Bool {
        try test("GEOSPreparedDisjoint_r", other) { GEOSPreparedDisjoint_r($0, $1, $2) }
    }
}

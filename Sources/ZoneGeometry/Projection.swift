import CPROJ
import Foundation

/// The coordinate reference systems ZonePlanner uses.
public enum CRS: String, Sendable, CaseIterable {
    /// WGS 84 geographic, lon/lat order after normalisation.
    case wgs84 = "EPSG:4326"
    /// CGCS2000 geographic, lon/lat order after normalisation.
    case cgcs2000 = "EPSG:4490"
    /// CGCS2000 / 3-degree Gauss-Kruger CM 120E; easting without zone prefix (500000 on 120°E).
    case gaussKruger120 = "EPSG:4549"
    /// CGCS2000 / 3-degree Gauss-Kruger zone 40; easting with zone prefix (40500000 on 120°E).
    case gaussKrugerZone40 = "EPSG:4528"

    public var epsgCode: Int { Int(rawValue.dropFirst(5))! }
    public var isGeographic: Bool { self == .wgs84 || self == .cgcs2000 }

    /// Accepts "EPSG:4549", "epsg:4549", "4549", "urn:ogc:def:crs:EPSG::4549" and "OGC:CRS84"/"CRS84"
    /// (= WGS 84 lon/lat), ignoring surrounding white space. Anything else throws `CRSError`.
    public static func parse(_ s: String) throws -> CRS {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if t == "CRS84" || t == "OGC:CRS84" || t == "URN:OGC:DEF:CRS:OGC:1.3:CRS84" { return .wgs84 }
        var code = t
        for prefix in ["URN:OGC:DEF:CRS:EPSG::", "EPSG::", "EPSG:"] where code.hasPrefix(prefix) {
            code = String(code.dropFirst(prefix.count))
            break
        }
        guard !code.isEmpty, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber),
              let crs = CRS(rawValue: "EPSG:\(Int(code) ?? -1)") else {
            throw CRSError(input: s)
        }
        return crs
    }
}

/// Owns one `PJ_CONTEXT*` (proj_context_create / proj_context_destroy) and records PROJ's last log message.
final class PROJContext {
    let pointer: OpaquePointer
    var lastMessage: String?

    init() throws {
        guard let c = proj_context_create() else {
            throw PROJError(function: "proj_context_create", code: 0, message: "returned NULL")
        }
        pointer = c
        // Route PROJ's log to this object instead of stderr; keep errors for our messages.
        proj_log_func(c, Unmanaged.passUnretained(self).toOpaque(), { appData, _, message in
            guard let appData, let message else { return }
            Unmanaged<PROJContext>.fromOpaque(appData).takeUnretainedValue().lastMessage = String(cString: message)
        })
        _ = proj_log_level(c, PJ_LOG_ERROR)
    }

    deinit { proj_context_destroy(pointer) }

    func error(_ function: String, code: Int32) -> PROJError {
        let text = code != 0 ? proj_context_errno_string(pointer, code).map { String(cString: $0) } : nil
        return PROJError(function: function, code: code, message: text ?? lastMessage ?? "no message from PROJ")
    }
}

/// Owns one `PJ*` (proj_destroy); keeps its context alive.
final class PROJObject {
    let context: PROJContext
    let pointer: OpaquePointer
    init(context: PROJContext, pointer: OpaquePointer) {
        self.context = context
        self.pointer = pointer
    }
    deinit { proj_destroy(pointer) }
}

/// Transforms coordinates between two `CRS`s with PROJ.
///
/// Owns a PJ_CONTEXT and a PJ made by proj_create_crs_to_crs, then proj_normalize_for_visualization
/// so geographic CRSs are lon/lat (x = lon) and Gauss-Krüger CRSs easting/northing (x = easting).
///
/// **Thread rules:** a PROJ context is a single-thread object. Use a transformer from one
/// thread/task at a time; give each task its own. Network grids are disabled.
public final class CoordinateTransformer {
    public let source: CRS
    public let target: CRS
    private let context: PROJContext
    private let pj: PROJObject

    public init(from source: CRS, to target: CRS) throws {
        self.source = source
        self.target = target
        let ctx = try PROJContext()
        context = ctx
        _ = proj_context_set_enable_network(ctx.pointer, 0)
        // proj_create_crs_to_crs searches proj.db (~20–30 ms); the operation it picks is the same
        // for the same PROJ and database, so it is built from its PROJ string when known
        // (`UserCache.projOperations`, ~0.1 ms) — only if the string reads back as itself.
        let cacheKey = UserCache.projEnvironmentKey(ctx.pointer).map { UserCache.projKey(source, target, $0) }
        if let cacheKey, let text = UserCache.projOperations.text(for: cacheKey), let made = proj_create(ctx.pointer, text) {
            let object = PROJObject(context: ctx, pointer: made)
            if let back = proj_as_proj_string(ctx.pointer, made, PJ_PROJ_5, nil), String(cString: back) == text {
                pj = object
                return
            }
        }
        guard let raw = proj_create_crs_to_crs(ctx.pointer, source.rawValue, target.rawValue, nil) else {
            throw ctx.error("proj_create_crs_to_crs(\(source.rawValue), \(target.rawValue))", code: proj_context_errno(ctx.pointer))
        }
        let rawObject = PROJObject(context: ctx, pointer: raw)
        guard let norm = proj_normalize_for_visualization(ctx.pointer, rawObject.pointer) else {
            throw ctx.error("proj_normalize_for_visualization", code: proj_context_errno(ctx.pointer))
        }
        pj = PROJObject(context: ctx, pointer: norm)
        // Only a single operation has a PROJ string; a choice between several (none of ours) is
        // searched again next time.
        if let cacheKey, let text = proj_as_proj_string(ctx.pointer, norm, PJ_PROJ_5, nil) {
            UserCache.projOperations.remember(String(cString: text), for: cacheKey)
        }
    }

    private func run(_ c: Coordinate, _ direction: PJ_DIRECTION) throws -> Coordinate {
        guard c.isFinite else {
            throw PROJError(function: "proj_trans", code: 0, message: "non-finite input coordinate \(c)")
        }
        _ = proj_errno_reset(pj.pointer)
        let out = proj_trans(pj.pointer, direction, proj_coord(c.x, c.y, 0, 0))
        let x = out.xy.x, y = out.xy.y
        let code = proj_errno(pj.pointer)
        if code != 0 || x == .infinity || y == .infinity || !x.isFinite || !y.isFinite {
            var e = context.error("proj_trans \(source.rawValue)\(direction == PJ_FWD ? "→" : "←")\(target.rawValue) of \(c)", code: code)
            if code == 0 { e.message = "result is HUGE_VAL/non-finite" }
            throw e
        }
        return Coordinate(x, y)
    }

    /// source → target.
    public func transform(_ c: Coordinate) throws -> Coordinate { try run(c, PJ_FWD) }
    public func transform(_ g: Geometry) throws -> Geometry { try g.mapCoordinates { try run($0, PJ_FWD) } }
    /// target → source.
    public func inverse(_ c: Coordinate) throws -> Coordinate { try run(c, PJ_INV) }
    public func inverse(_ g: Geometry) throws -> Geometry { try g.mapCoordinates { try run($0, PJ_INV) } }
}

/// 亩 (mu), the Chinese land unit: 1 亩 = 10000/15 m² ≈ 666.667 m²; 15 亩 = 1 hectare.
public enum Mu {
    /// Square metres in one 亩.
    public static let squareMetres: Double = 10000.0 / 15.0
    /// Computed as m² × 15 / 10000 so that 10000 m² is exactly 15 亩.
    public static func fromSquareMetres(_ m2: Double) -> Double { m2 * 15.0 / 10000.0 }
    public static func toSquareMetres(_ mu: Double) -> Double { mu * 10000.0 / 15.0 }
}

/// Measures lon/lat (WGS 84) geometries in EPSG:4549 (CGCS2000 3° Gauss-Krüger, CM 120°E),
/// which has small scale distortion over Jiaxing (≈120.3–121.3°E).
///
/// Owns a `GeometryEngine` and a 4326→4549 `CoordinateTransformer`.
/// **Thread rules:** single-thread, like its engine and transformer; give each task its own.
public final class PlanarMeasurer {
    public let engine: GeometryEngine
    public let transformer: CoordinateTransformer

    public init() throws {
        engine = GeometryEngine()
        transformer = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
    }

    /// lon/lat → EPSG:4549 easting/northing (metres).
    public func project(_ lonLat: Geometry) throws -> Geometry { try transformer.transform(lonLat) }
    /// EPSG:4549 easting/northing → lon/lat.
    public func unproject(_ g: Geometry) throws -> Geometry { try transformer.inverse(g) }

    /// Planar area in EPSG:4549, square metres.
    public func areaSquareMetres(lonLat: Geometry) throws -> Double { try engine.area(project(lonLat)) }
    /// Planar area in EPSG:4549, 亩.
    public func areaMu(lonLat: Geometry) throws -> Double { Mu.fromSquareMetres(try areaSquareMetres(lonLat: lonLat)) }
    /// Planar length in EPSG:4549, metres.
    public func lengthMetres(lonLat: Geometry) throws -> Double { try engine.length(project(lonLat)) }
    /// Planar distance in EPSG:4549, metres.
    public func distanceMetres(lonLat a: Geometry, _ b: Geometry) throws -> Double {
        try engine.distance(project(a), project(b))
    }
}

import CPROJ
import Foundation

/// Batch projection with PROJ: one PJ_CONTEXT and one PJ (proj_create_crs_to_crs, then
/// proj_normalize_for_visualization, so x = lon / easting), transforming whole coordinate arrays
/// in place with proj_trans_generic. The same pipeline as `ZoneGeometry.CoordinateTransformer`,
/// without a call per coordinate.
///
/// **Thread rules:** a PROJ context is single-thread: give each worker thread its own projector.
public final class BatchProjector {
    private let context: OpaquePointer
    private let pj: OpaquePointer
    public let source: String
    public let target: String

    public init(from source: String = "EPSG:4326", to target: String = "EPSG:4549") throws {
        guard let ctx = proj_context_create() else { throw BenchInputError("proj_context_create returned NULL") }
        _ = proj_context_set_enable_network(ctx, 0)
        _ = proj_log_level(ctx, PJ_LOG_NONE)
        guard let raw = proj_create_crs_to_crs(ctx, source, target, nil) else {
            proj_context_destroy(ctx)
            throw BenchInputError("PROJ cannot transform \(source) → \(target)")
        }
        let norm = proj_normalize_for_visualization(ctx, raw)
        proj_destroy(raw)
        guard let norm else {
            proj_context_destroy(ctx)
            throw BenchInputError("proj_normalize_for_visualization failed")
        }
        context = ctx
        pj = norm
        self.source = source
        self.target = target
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(context)
    }

    /// The PROJ pipeline, e.g. "+proj=pipeline +step +proj=unitconvert … +step +proj=tmerc …".
    public var definition: String {
        proj_as_proj_string(context, pj, PJ_PROJ_5, nil).map { String(cString: $0) } ?? "?"
    }

    /// Transforms `count` points in place. Returns false if PROJ failed for any point (a non-finite
    /// result or an error code); the caller then checks the points it needs.
    @discardableResult
    public func forward(x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>, count: Int) -> Bool {
        if count == 0 { return true }
        _ = proj_errno_reset(pj)
        let n = proj_trans_generic(pj, PJ_FWD, x, 8, count, y, 8, count, nil, 0, 0, nil, 0, 0)
        return n == count && proj_errno(pj) == 0
    }

    /// Transforms arrays in place (convenience for tests and small data).
    @discardableResult
    public func forward(xs: inout [Double], ys: inout [Double]) -> Bool {
        precondition(xs.count == ys.count)
        let n = xs.count
        if n == 0 { return true }
        return xs.withUnsafeMutableBufferPointer { bx in
            ys.withUnsafeMutableBufferPointer { by in forward(x: bx.baseAddress!, y: by.baseAddress!, count: n) }
        }
    }

    public static var projVersion: String { String(cString: proj_info().version) }
}

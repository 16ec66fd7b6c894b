import CPROJ
import Foundation

/// Batch projection with PROJ: the same pipeline as `CoordinateTransformer` (proj_create_crs_to_crs,
/// then proj_normalize_for_visualization, so x = lon / easting), transforming whole coordinate arrays
/// in place with proj_trans_generic instead of one call per coordinate. Built on the same PROJ owner
/// types (`PROJContext`, `PROJObject`) as `CoordinateTransformer`.
///
/// **Thread rules:** a PROJ context is single-thread: give each worker thread its own projector.
public final class BatchProjector {
    private let context: PROJContext
    private let pj: PROJObject
    public let source: String
    public let target: String

    public init(from source: String = "EPSG:4326", to target: String = "EPSG:4549") throws {
        let ctx = try PROJContext()
        _ = proj_context_set_enable_network(ctx.pointer, 0)
        guard let raw = proj_create_crs_to_crs(ctx.pointer, source, target, nil) else {
            throw ctx.error("proj_create_crs_to_crs(\(source), \(target))", code: proj_context_errno(ctx.pointer))
        }
        let rawObject = PROJObject(context: ctx, pointer: raw)
        guard let norm = proj_normalize_for_visualization(ctx.pointer, rawObject.pointer) else {
            throw ctx.error("proj_normalize_for_visualization", code: proj_context_errno(ctx.pointer))
        }
        context = ctx
        pj = PROJObject(context: ctx, pointer: norm)
        self.source = source
        self.target = target
    }

    public convenience init(from source: CRS, to target: CRS) throws {
        try self.init(from: source.rawValue, to: target.rawValue)
    }

    /// The PROJ pipeline, e.g. "+proj=pipeline +step +proj=unitconvert … +step +proj=tmerc …".
    public var definition: String {
        proj_as_proj_string(context.pointer, pj.pointer, PJ_PROJ_5, nil).map { String(cString: $0) } ?? "?"
    }

    /// Transforms `count` points in place. Returns false if PROJ failed for any point (a non-finite
    /// result or an error code); the caller then checks the points it needs.
    @discardableResult
    public func forward(x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>, count: Int) -> Bool {
        if count == 0 { return true }
        _ = proj_errno_reset(pj.pointer)
        let n = proj_trans_generic(pj.pointer, PJ_FWD, x, 8, count, y, 8, count, nil, 0, 0, nil, 0, 0)
        return n == count && proj_errno(pj.pointer) == 0
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

import Foundation
import Dispatch
import ZoneGeometry
import ZonePlan

/// A parcel of industrial land, linked to a firm by 统一社会信用代码.
public struct Parcel: Sendable {
    public var id: String
    /// nil: no firm is recorded on the parcel.
    public var creditCode: String?
    public var geometry: Geometry
    /// Area on EPSG:4549, 亩.
    public var areaMu: Double
    /// The county (adcode) and platforms (ids) its interior point lies in.
    public var county: String?
    public var platforms: [String]
    /// The feature's own `source` (where the parcel data comes from), kept for the outputs.
    public var source: String?
}

/// Where a parcel is: the plan's counties and platforms (the platform layer is schematic, so the
/// platform of a parcel is indicative; platforms may overlap, so a parcel may be in several).
public struct EvaluationGeography: Sendable {
    public struct Area: Sendable { public var id: String; public var name: String; public var geometry: Geometry }
    public var counties: [Area]
    public var platforms: [Area]

    public init(counties: [Area], platforms: [Area]) { self.counties = counties; self.platforms = platforms }

    public init(plan: PlanData) {
        counties = plan.features(kind: .county).map { Area(id: $0.counties.first ?? $0.id, name: $0.name, geometry: $0.geometry) }
        platforms = plan.features(kind: .platform).map { Area(id: $0.id, name: $0.name, geometry: $0.geometry) }
    }

    public func countyName(_ code: String) -> String { counties.first { $0.id == code }?.name ?? code }
    public func platformName(_ id: String) -> String { platforms.first { $0.id == id }?.name ?? id }
}

public enum ParcelReader {
    /// Reads a GeoJSON FeatureCollection of parcels (lon/lat, Polygon or MultiPolygon). Each
    /// feature's `统一社会信用代码` (or `credit_code`) links it to a firm; `parcel_id` (or `id`, or the
    /// Feature id) names it. Area on EPSG:4549 in 亩; county and platforms by an interior point.
    /// A bad feature refuses the whole file, naming the feature.
    public static func read(contentsOf url: URL, displayName: String? = nil, geography: EvaluationGeography) throws -> [Parcel] {
        let name = displayName ?? url.path
        guard let data = FileManager.default.contents(atPath: url.path) else { throw EvaluationInputError(file: name, message: "cannot read the file") }
        return try read(data, file: name, geography: geography)
    }

    public static func read(_ data: Data, file: String, geography: EvaluationGeography) throws -> [Parcel] {
        let features: [Feature]
        do { features = try GeoJSON.parseFeatures(data) } catch {
            throw EvaluationInputError(file: file, message: "\(error)")
        }
        return try read(features: features, file: file, geography: geography)
    }

    /// Parcels from features already read in lon/lat (a GeoJSON file, or a 报部 TXT or Shapefile
    /// read and transformed by `ParcelFile` in ZoneService). `codeField`: the one property that
    /// carries the 统一社会信用代码 (nil: `统一社会信用代码`, else `credit_code`); `idField` likewise
    /// names the parcel id (nil: `parcel_id`, `id`, the Feature id). Errors name the property.
    public static func read(features: [Feature], file: String, geography: EvaluationGeography,
                            codeField: String? = nil, idField: String? = nil) throws -> [Parcel] {
        // Ids first (a parcel listed twice), then each parcel in chunks on every core, each with its
        // own GEOS and PROJ contexts; the error reported is the first in file order, as read one by one.
        var ids: [String] = []
        ids.reserveCapacity(features.count)
        var seen: [String: Int] = [:]
        var duplicate: (index: Int, error: EvaluationInputError)?
        for (i, f) in features.enumerated() {
            let p = f.properties
            let given = idField.map { p[$0]?.stringValue ?? p[$0]?.intValue.map(String.init) }
                ?? p["parcel_id"]?.stringValue ?? p["id"]?.stringValue ?? f.id?.stringValue ?? f.id?.intValue.map(String.init)
            let id = given ?? "features[\(i)]"
            ids.append(id)
            if duplicate == nil, let j = seen[id] {
                duplicate = (i, EvaluationInputError(file: file, message: "parcel \(id) (features[\(i)]): parcel_id: listed twice (also features[\(j)])"))
            }
            if seen[id] == nil { seen[id] = i }
        }
        let chunks = max(1, min(features.count / 500, ProcessInfo.processInfo.activeProcessorCount))
        final class Chunk: @unchecked Sendable { var parcels: [Parcel] = []; var failure: (index: Int, error: Error)? }  // one writer each
        let results = (0..<chunks).map { _ in Chunk() }
        let readIds = ids, end = duplicate?.index ?? features.count
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = features.count * c / chunks ..< features.count * (c + 1) / chunks
            let chunk = results[c]
            do {
                let context = try Context(geography)
                chunk.parcels.reserveCapacity(range.count)
                for i in range where i < end {
                    do { chunk.parcels.append(try parcel(features[i], index: i, id: readIds[i], file: file, codeField: codeField, context)) } catch {
                        chunk.failure = (i, error)
                        return
                    }
                }
            } catch {
                chunk.failure = (range.lowerBound, error)
            }
        }
        let failures = results.compactMap(\.failure) + (duplicate.map { [($0.index, $0.error as Error)] } ?? [])
        if let first = failures.min(by: { $0.index < $1.index }) { throw first.error }
        return results.flatMap(\.parcels)
    }

    /// What measuring and placing a parcel needs, one per thread.
    struct Context {
        let measurer: PlanarMeasurer
        let engine: GeometryEngine
        let counties: [(String, Envelope?, PreparedGeometry)]
        let platforms: [(String, Envelope?, PreparedGeometry)]
        init(_ geography: EvaluationGeography) throws {
            measurer = try PlanarMeasurer()
            engine = measurer.engine
            let e = engine
            counties = try geography.counties.map { ($0.id, $0.geometry.envelope, try e.prepare($0.geometry)) }
            platforms = try geography.platforms.map { ($0.id, $0.geometry.envelope, try e.prepare($0.geometry)) }
        }
    }

    static func parcel(_ f: Feature, index i: Int, id: String, file: String, codeField: String?, _ context: Context) throws -> Parcel {
        let p = f.properties
        let engine = context.engine, measurer = context.measurer
        func fail(_ property: String, _ message: String) -> EvaluationInputError {
            EvaluationInputError(file: file, row: nil, column: nil, message: "parcel \(id) (features[\(i)]): \(property): \(message)")
        }
        var code: String?
        let codeName = codeField ?? (p["统一社会信用代码"] == nil && p["credit_code"] != nil ? "credit_code" : "统一社会信用代码")
        if let v = p[codeName], !v.isNull {
            guard let s = v.stringValue?.trimmingCharacters(in: .whitespaces) else { throw fail(codeName, "expected a text") }
            if !s.isEmpty {
                if let problem = CreditCode.problem(s) { throw fail(codeName, "'\(s)' \(problem)") }
                code = s
            }
        }
        guard let g = f.geometry else { throw fail("geometry", "missing") }
        guard g.isPolygonal else { throw fail("geometry", "expected Polygon or MultiPolygon, got \(g.typeName)") }
        for c in g.allCoordinates where !(73...136).contains(c.x) || !(3...54).contains(c.y) {
            throw fail("geometry", "position \(c.x), \(c.y) is not lon/lat in China (swapped, or projected coordinates?)")
        }
        let area: Double
        let inside: Coordinate
        do {
            let report = try engine.validity(g)
            if !report.isValid {
                let at = report.location.map { String(format: " at %.7f %.7f", $0.x, $0.y) } ?? ""
                throw fail("geometry", "invalid: \(report.reason)\(at)")
            }
            // Planar area on EPSG:4549 of a valid polygon: exteriors minus holes (shoelace; the
            // same figure as GEOSArea without building a GEOS geometry a second time).
            let projected = try measurer.project(g)
            area = Mu.fromSquareMetres(projected.polygons.reduce(0) { sum, p in
                sum + abs(Winding.signedArea(p.exterior)) - p.holes.reduce(0) { $0 + abs(Winding.signedArea($1)) }
            })
            inside = try engine.pointOnSurface(g)
        } catch let e as EvaluationInputError { throw e } catch {
            throw fail("geometry", "\(error)")
        }
        guard area > 0 else { throw fail("geometry", "has no area") }
        let pt = Geometry.point(inside)
        func holds(_ env: Envelope?) -> Bool {
            guard let e = env else { return false }
            return inside.x >= e.minX && inside.x <= e.maxX && inside.y >= e.minY && inside.y <= e.maxY
        }
        var county: String?
        for (cid, env, prepared) in context.counties where holds(env) {
            if try prepared.covers(pt) { county = cid; break }
        }
        var inPlatforms: [String] = []
        for (pid, env, prepared) in context.platforms where holds(env) {
            if try prepared.covers(pt) { inPlatforms.append(pid) }
        }
        return Parcel(id: id, creditCode: code, geometry: g, areaMu: area, county: county, platforms: inPlatforms,
                      source: p["source"]?.stringValue)
    }
}

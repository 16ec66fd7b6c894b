import Foundation
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
        let measurer: PlanarMeasurer
        do { measurer = try PlanarMeasurer() } catch { throw error }
        let engine = measurer.engine
        let counties = try geography.counties.map { ($0.id, $0.geometry.envelope, try engine.prepare($0.geometry)) }
        let platforms = try geography.platforms.map { ($0.id, $0.geometry.envelope, try engine.prepare($0.geometry)) }
        var out: [Parcel] = []
        out.reserveCapacity(features.count)
        var seen: [String: Int] = [:]
        for (i, f) in features.enumerated() {
            let p = f.properties
            let id = p["parcel_id"]?.stringValue ?? p["id"]?.stringValue ?? f.id?.stringValue ?? f.id?.intValue.map(String.init) ?? "features[\(i)]"
            func fail(_ property: String, _ message: String) -> EvaluationInputError {
                EvaluationInputError(file: file, row: nil, column: nil, message: "parcel \(id) (features[\(i)]): \(property): \(message)")
            }
            if let j = seen[id] { throw fail("parcel_id", "listed twice (also features[\(j)])") }
            seen[id] = i
            var code: String?
            if let v = p["统一社会信用代码"] ?? p["credit_code"], !v.isNull {
                guard let s = v.stringValue?.trimmingCharacters(in: .whitespaces) else { throw fail("统一社会信用代码", "expected a text") }
                if !s.isEmpty {
                    if let problem = CreditCode.problem(s) { throw fail("统一社会信用代码", "'\(s)' \(problem)") }
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
            for (cid, env, prepared) in counties where holds(env) {
                if try prepared.covers(pt) { county = cid; break }
            }
            var inPlatforms: [String] = []
            for (pid, env, prepared) in platforms where holds(env) {
                if try prepared.covers(pt) { inPlatforms.append(pid) }
            }
            out.append(Parcel(id: id, creditCode: code, geometry: g, areaMu: area, county: county, platforms: inPlatforms,
                              source: p["source"]?.stringValue))
        }
        return out
    }
}

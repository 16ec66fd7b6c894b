import Foundation
import ZoneGeometry
import ZonePlan

/// Bad input in a project application: one line naming the application, the field or coordinate,
/// and what is wrong. Nothing is repaired silently.
public struct ApplicationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var application: String
    public var field: String
    public var message: String
    public init(application: String, field: String, message: String) {
        self.application = application; self.field = field; self.message = message
    }
    public var description: String { "\(application): \(field): \(message)" }
}

/// A project application: the site polygon (lon/lat) and the project's figures.
public struct Application: Sendable {
    public var name: String
    public var industry: String
    public var investmentWan: Double?
    public var outputWan: Double?
    public var valueAddedWan: Double?
    public var energyTce: Double?
    public var declaredAreaMu: Double?
    /// Yearly emissions of the main pollutants (吨/年), keyed by `Pollutant.field`.
    public var emissionsT: [String: Double] = [:]
    /// The applicant firm's 统一社会信用代码 (`credit_code`, or `统一社会信用代码`), as `zoneplan audit`
    /// reads it; upper-cased, blanks trimmed. Its check digit is not verified here (that lives in
    /// ZoneEvaluation, beside this layer): a mistyped code is simply a firm not found.
    public var creditCode: String?
    /// The industry-policy catalogue items the project declares it falls under (`policy_items`,
    /// numbers as in the catalogue, e.g. `限制类 一、2`); each is known to a loaded catalogue. Nil
    /// when the application does not say; `[]` when it states that no item applies.
    public var policyItems: [String]?
    /// The project's capacity (`capacity: {value, unit}`), in the unit of its declared items' condition.
    public var capacity: (value: Double, unit: String)?
    public var site: Geometry
    public var properties: [String: JSONValue]

    public init(name: String, industry: String, investmentWan: Double? = nil, outputWan: Double? = nil,
                valueAddedWan: Double? = nil, energyTce: Double? = nil, declaredAreaMu: Double? = nil,
                site: Geometry, properties: [String: JSONValue] = [:]) {
        self.name = name; self.industry = industry; self.investmentWan = investmentWan; self.outputWan = outputWan
        self.valueAddedWan = valueAddedWan; self.energyTce = energyTce; self.declaredAreaMu = declaredAreaMu
        self.site = site; self.properties = properties
    }

    /// The figures an application carries, with their units (README and the JSON Schema list the same).
    public static let amountFields: [(key: String, unit: String)] = [
        ("investment_wan", "万元"), ("output_wan", "万元/年"), ("value_added_wan", "万元/年"),
        ("energy_tce", "吨标准煤/年"), ("declared_area_mu", "亩"),
    ] + Pollutant.all.map { ($0.field, "吨/年") }

    /// The range a real project's figure can take, per field (万元, 吨标准煤, 亩, 吨): from a
    /// hundredth of a unit to far above any project the plans list (the largest is ~1e6 万元).
    static func plausibleAmount(_ key: String) -> ClosedRange<Double> {
        switch key {
        case "declared_area_mu": return 0.01...1_000_000
        case "energy_tce": return 0.001...100_000_000
        default: return 0.000_001...100_000_000
        }
    }

    /// Rough box of eastern China: a site outside it is almost surely a coordinate mistake.
    public static let plausibleLon = 108.0...126.0
    public static let plausibleLat = 18.0...42.0

    /// Reads application `index` (0-based) of a file. `label` names it in errors.
    public static func parse(_ f: Feature, label: String, catalog: IndustryCatalog, engine: GeometryEngine) throws -> Application {
        let p = f.properties
        func bad(_ field: String, _ msg: String) -> ApplicationError { ApplicationError(application: label, field: field, message: msg) }

        guard let nameValue = p["name"] else { throw bad("properties.name", "missing (the project name)") }
        guard let name = nameValue.stringValue, !name.trimmedBlanks.isEmpty else {
            throw bad("properties.name", "must be a non-empty text")
        }
        let label = "\(label) (\(name))"
        func bad2(_ field: String, _ msg: String) -> ApplicationError { ApplicationError(application: label, field: field, message: msg) }

        guard let indValue = p["industry"] else { throw bad2("properties.industry", "missing (a GB/T 4754-2017 code such as C3825 or C38)") }
        guard let industry = indValue.stringValue?.trimmedBlanks.uppercased() else {
            throw bad2("properties.industry", "must be a text code such as \"C3825\", got \(indValue.compactDescription)")
        }
        guard IndustryCatalog.isWellFormed(industry), industry.count >= 3 else {
            throw bad2("properties.industry", "'\(industry)' is not a GB/T 4754-2017 code at division level or finer (e.g. C38, C3825)")
        }
        guard catalog.isKnown(industry) else {
            throw bad2("properties.industry", "unknown industry code '\(industry)' (not in GeoData/industries.yaml, \(catalog.standard))")
        }
        var amounts: [String: Double] = [:]
        for (key, unit) in amountFields {
            guard let v = p[key] else { continue }
            if case .null = v { continue }
            guard let d = v.doubleValue else { throw bad2("properties.\(key)", "must be a number in \(unit), got \(v.compactDescription)") }
            guard d.isFinite, d >= 0 else { throw bad2("properties.\(key)", "must be a non-negative number in \(unit), got \(fmt(d))") }
            if key == "declared_area_mu", d == 0 { throw bad2("properties.\(key)", "must be positive") }
            // A figure no project has (1e308, or 1e-320 that turns a ratio into infinity) is a
            // mistake: refused, not vetted.
            let range = plausibleAmount(key)
            guard d == 0 || range.contains(d) else {
                throw bad2("properties.\(key)", "\(String(format: "%g", d)) \(unit) is implausible (expected 0 or \(String(format: "%g", range.lowerBound))…\(String(format: "%g", range.upperBound)))")
            }
            amounts[key] = d
        }
        guard let site = f.geometry else { throw bad2("geometry", "missing: the site must be a Polygon or MultiPolygon") }
        // Only Polygon and MultiPolygon: a GeometryCollection's parts may overlap, and summing them
        // once vetted (and drew quota for) the same 250 亩 twice.
        switch site {
        case .polygon, .multiPolygon: break
        default: throw bad2("geometry", "the site must be a Polygon or MultiPolygon, got \(site.typeName)")
        }
        guard !site.polygons.isEmpty, site.polygons.allSatisfy({ $0.exterior.count >= 4 }) else {
            throw bad2("geometry.coordinates", "the \(site.typeName) has no ring with at least 4 positions (an empty or degenerate site)")
        }
        try checkCoordinates(site, bad: bad2)
        let report: ValidityReport
        do { report = try engine.validity(site) } catch { throw bad2("geometry", "cannot be checked: \(error)") }
        if !report.isValid {
            let at = report.location.map { String(format: " at lon %.7f lat %.7f", $0.x, $0.y) } ?? ""
            throw bad2("geometry", "invalid site polygon: \(report.reason)\(at)")
        }
        // A collinear ring is "valid" but has no area: every per-亩 figure would be infinite.
        let degreeArea = (try? engine.area(site)) ?? 0
        guard degreeArea > 1e-12 else {  // 1e-12 deg² ≈ 0.01 m² here
            throw bad2("geometry", "the site has no area (its points are collinear or coincide)")
        }
        var app = Application(name: name, industry: industry, investmentWan: amounts["investment_wan"], outputWan: amounts["output_wan"],
                              valueAddedWan: amounts["value_added_wan"], energyTce: amounts["energy_tce"],
                              declaredAreaMu: amounts["declared_area_mu"], site: site, properties: p)
        for pol in Pollutant.all { app.emissionsT[pol.field] = amounts[pol.field] }
        for key in ["统一社会信用代码", "credit_code"] {
            guard let v = p[key] else { continue }
            if case .null = v { continue }
            guard let s = v.stringValue else { throw bad2("properties.\(key)", "must be a text (the 18-character 统一社会信用代码), got \(v.compactDescription)") }
            let code = s.trimmedBlanks.uppercased()
            guard !code.isEmpty else { continue }
            // A mistyped code would otherwise look like a firm never evaluated.
            if let problem = CreditCode.problem(code) { throw bad2("properties.\(key)", "'\(TerminalText.escape(String(code.prefix(40))))' \(problem)") }
            app.creditCode = code
            break
        }
        try readPolicyDeclaration(p, into: &app, catalog: catalog, bad: bad2)
        return app
    }

    /// `policy_items` and `capacity`: an item no loaded catalogue lists, or a capacity in another
    /// unit than a declared item's condition, is bad input (a typo must not pass as "not restricted").
    static func readPolicyDeclaration(_ p: [String: JSONValue], into app: inout Application, catalog: IndustryCatalog,
                                      bad: (String, String) -> ApplicationError) throws {
        if let v = p["policy_items"], v != .null {
            var items: [String] = []
            guard let list = v.arrayValue else { throw bad("properties.policy_items", "must be a list of catalogue item numbers such as [\"限制类 一、2\"], got \(v.compactDescription)") }
            for (i, x) in list.enumerated() {
                guard let s = x.stringValue?.trimmedBlanks, !s.isEmpty else {
                    throw bad("properties.policy_items[\(i)]", "must be a catalogue item number (text), got \(x.compactDescription)")
                }
                guard catalog.policy.item(s) != nil else {
                    let shown = TerminalText.escape(String(s.prefix(60)))
                    if catalog.policy.isEmpty { throw bad("properties.policy_items[\(i)]", "unknown catalogue item '\(shown)': no industry-policy catalogue is loaded") }
                    throw bad("properties.policy_items[\(i)]", "unknown catalogue item '\(shown)' (not in \(catalog.policy.labels.joined(separator: ", ")))")
                }
                if !items.contains(s) { items.append(s) }
            }
            app.policyItems = items
        }
        if let v = p["capacity"], v != .null {
            guard v.objectValue != nil, let value = v["value"]?.doubleValue, let unit = v["unit"]?.stringValue else {
                throw bad("properties.capacity", "must be {\"value\": N, \"unit\": \"…\"} (e.g. {\"value\": 30000, \"unit\": \"立方米/年\"}), got \(v.compactDescription)")
            }
            guard value.isFinite, value > 0, value <= 1e12 else { throw bad("properties.capacity.value", "must be a positive number, got \(fmt(value))") }
            for number in app.policyItems ?? [] {
                guard let cond = catalog.policy.item(number)?.item.condition, cond.unit != unit else { continue }
                throw bad("properties.capacity.unit", "'\(TerminalText.escape(String(unit.prefix(30))))' is not the unit of \(number) (\(cond.measure) in \(cond.unit))")
            }
            app.capacity = (value, unit)
        }
    }

    /// Coordinates must be RFC 7946 lon/lat near eastern China; typical mistakes are named.
    static func checkCoordinates(_ g: Geometry, bad: (String, String) -> ApplicationError) throws {
        for (pi, poly) in g.polygons.enumerated() {
            let rings = [poly.exterior] + poly.holes
            for (ri, ring) in rings.enumerated() {
                for (ci, c) in ring.enumerated() {
                    // The common case first: the message parts are built only for a coordinate at fault.
                    if plausibleLon.contains(c.x) && plausibleLat.contains(c.y) && !(plausibleLat.contains(c.x) && plausibleLon.contains(c.y)) {
                        continue
                    }
                    let at = g.polygons.count > 1 ? "geometry.coordinates[\(pi)][\(ri)][\(ci)]" : "geometry.coordinates[\(ri)][\(ci)]"
                    let shown = "[\(fmt(c.x)), \(fmt(c.y))]"
                    if plausibleLat.contains(c.x) && plausibleLon.contains(c.y) {
                        throw bad(at, "\(shown) has latitude and longitude swapped: GeoJSON order is [lon, lat], e.g. [\(fmt(c.y)), \(fmt(c.x))]")
                    }
                    if abs(c.x) > 180 || abs(c.y) > 90 {
                        if abs(c.x) > 1000 || abs(c.y) > 1000 {
                            throw bad(at, "\(shown) looks like projected metres (Gauss-Krüger easting/northing), not lon/lat degrees; GeoJSON sites must be WGS84 lon/lat (RFC 7946)")
                        }
                        throw bad(at, "\(shown) is out of range for lon/lat (lon −180…180, lat −90…90)")
                    }
                    if !plausibleLon.contains(c.x) || !plausibleLat.contains(c.y) {
                        throw bad(at, "\(shown) is nowhere near eastern China (expected lon 108…126, lat 18…42)")
                    }
                }
            }
        }
    }

    static func fmt(_ d: Double) -> String {
        var s = String(format: "%.7f", d)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

extension String {
    /// `trimmingCharacters(in: .whitespaces)`. Most texts open and close on a plain ASCII
    /// non-blank and need no trimming; the Foundation call was ~3 % of batch vetting. Anything
    /// else (a blank end, or a non-ASCII one such as U+3000) still goes to Foundation.
    var trimmedBlanks: String {
        let u = utf8
        if let first = u.first, let last = u.last, Self.isPlainEnd(first), Self.isPlainEnd(last) { return self }
        return trimmingCharacters(in: .whitespaces)
    }

    /// ASCII and not in `.whitespaces` (of ASCII, only space and tab are).
    private static func isPlainEnd(_ b: UInt8) -> Bool { b < 0x80 && b != 0x20 && b != 0x09 }
}

extension JSONValue {
    /// Short rendering for error messages.
    var compactDescription: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .number(let d): return Application.fmt(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

/// Reads an applications file: a GeoJSON Feature or a FeatureCollection of several.
public enum ApplicationFile {
    /// One entry per feature: the application, or the one-line error that stopped it.
    public static func read(_ data: Data, fileLabel: String, catalog: IndustryCatalog, engine: GeometryEngine) throws -> [Result<Application, ApplicationError>] {
        var features: [Feature]
        var crs = CRS.wgs84
        // Parsed once, by our parser only; a document it refuses gets its error below. Never
        // Foundation's JSONDecoder on submitted bytes: 513 `[` and nothing else make it trap
        // (SIGILL in JSONError.SourceLocation), which killed `check` and `POST /vet` (found by
        // fuzzing, Fuzz/ServerRequest).
        let parsed = try? JSONValue.parse(data)
        if let top = parsed {
            let type = top["type"]?.stringValue ?? "(no type)"
            guard type == "Feature" || type == "FeatureCollection" else {
                throw ApplicationError(application: fileLabel, field: "type",
                                       message: "expected a GeoJSON Feature or FeatureCollection, got \(type.prefix(40))")
            }
            if let member = top["crs"] { crs = try declaredCRS(member, fileLabel: fileLabel) }
        }
        do {
            features = try parsed.map { try GeoJSON.parseFeatures(value: $0) } ?? GeoJSON.parseFeatures(data)
        } catch {
            throw ApplicationError(application: fileLabel, field: "file", message: "\(error)")
        }
        if crs == .gaussKruger120 || crs == .gaussKrugerZone40 {
            // A `crs` member naming the Gauss-Krüger plane is honoured: metres become lon/lat.
            let toLonLat: CoordinateTransformer
            do { toLonLat = try CoordinateTransformer(from: crs, to: .wgs84) } catch {
                throw ApplicationError(application: fileLabel, field: "crs", message: "cannot set up \(crs.rawValue) → EPSG:4326: \(error)")
            }
            for i in features.indices {
                guard let g = features[i].geometry else { continue }
                do { features[i].geometry = try toLonLat.transform(g) } catch {
                    throw ApplicationError(application: fileLabel, field: "features[\(i)].geometry",
                                           message: "cannot convert from \(crs.rawValue): \(error)")
                }
            }
        }
        if features.isEmpty { throw ApplicationError(application: fileLabel, field: "features", message: "no application in the file") }
        return features.enumerated().map { i, f in
            let label = features.count > 1 ? "\(fileLabel) application \(i + 1)" : fileLabel
            do { return .success(try Application.parse(f, label: label, catalog: catalog, engine: engine)) }
            catch let e as ApplicationError { return .failure(e) }
            catch { return .failure(ApplicationError(application: label, field: "application", message: "\(error)")) }
        }
    }
}

extension ApplicationFile {
    /// The CRS a (2008-style) `crs` member names. RFC 7946 dropped the member; we honour the names
    /// an official's tools write — lon/lat (EPSG:4326, CRS84, EPSG:4490) and the CGCS2000
    /// Gauss-Krüger planes (EPSG:4549, EPSG:4528) — and refuse any other rather than misread it.
    static func declaredCRS(_ member: JSONValue, fileLabel: String) throws -> CRS {
        guard let name = member["properties"]?["name"]?.stringValue else {
            throw ApplicationError(application: fileLabel, field: "crs",
                                   message: "expected {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:4326\"}} (or leave it out: RFC 7946 GeoJSON is lon/lat)")
        }
        guard let crs = try? CRS.parse(name) else {
            throw ApplicationError(application: fileLabel, field: "crs",
                                   message: "'\(name.prefix(60))' is not supported: use EPSG:4326, CRS84, EPSG:4490, EPSG:4549 or EPSG:4528")
        }
        return crs
    }

    /// Whether the bytes are a 报部 TXT rather than GeoJSON (it opens with a `[section]`; GeoJSON with `{`).
    public static func looksLikeBaobu(_ data: Data) -> Bool {
        var bytes = data.prefix(64)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        // `[` then `{` or `[` is a JSON array, not a section header such as [属性描述].
        let significant = bytes.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        guard significant.first == UInt8(ascii: "[") else { return false }
        let next = significant.dropFirst().first
        return next != UInt8(ascii: "{") && next != UInt8(ascii: "[") && next != UInt8(ascii: "]")
    }

    /// A 报部 TXT as the site of one application: all its parcels together form the site (a
    /// project's parcels are reported in one file); the project's figures come from `attributes`
    /// (a sidecar JSON or command-line options). The declared area is the file's 地块面积 (公顷 ×
    /// 15 = 亩) unless the attributes give one.
    public static func readBaobu(_ data: Data, fileLabel: String, attributes: [String: JSONValue],
                                 catalog: IndustryCatalog, engine: GeometryEngine) throws -> [Result<Application, ApplicationError>] {
        let file: BaobuFile
        do { file = try BaobuTXT.read(data, fileName: fileLabel) } catch let e as BaobuError {
            throw ApplicationError(application: fileLabel, field: "line \(e.line) \(e.field)", message: e.message)
        }
        let toLonLat = try CoordinateTransformer(from: .gaussKruger120, to: .wgs84)
        var polygons: [Polygon] = []
        for p in file.parcels { polygons += try p.geometryLonLat(using: toLonLat).polygons }
        var props = attributes
        if props["declared_area_mu"] == nil {
            let declared = file.parcels.compactMap(\.declaredAreaHa)
            if declared.count == file.parcels.count { props["declared_area_mu"] = .number(declared.reduce(0, +) * 15) }
        }
        props["site_source"] = .string("报部 TXT \(fileLabel): parcels " + file.parcels.map(\.number).joined(separator: ", "))
        let site: Geometry = polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)
        let feature = Feature(id: nil, geometry: site, properties: props, bbox: nil)
        do { return [.success(try Application.parse(feature, label: fileLabel, catalog: catalog, engine: engine))] }
        catch let e as ApplicationError { return [.failure(e)] }
    }
}

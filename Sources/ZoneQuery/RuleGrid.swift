import Foundation
import ZoneGeometry
import ZonePlan
import ZoneVetting

/// What `zoneplan grid` vets: a square site of `cellMu` 亩 centred every `spacingM` metres on the
/// EPSG:4549 grid, for one industry, with figures proportional to the site's area that pass the
/// non-spatial rules (unless the caller gives others), so the map shows the spatial rules.
public struct GridSettings: Sendable, Codable, Equatable {
    public var industry: String
    public var cellMu: Double = 50
    public var spacingM: Double = 500
    /// 万元 per 亩 of site.
    public var investmentPerMu: Double = 300
    /// 万元/年 per 亩.
    public var outputPerMu: Double = 500
    /// 万元/年 per 亩.
    public var valueAddedPerMu: Double = 120
    /// 吨标准煤 per 万元 of value added.
    public var energyPerValueAdded: Double = 0.1

    public init(industry: String, cellMu: Double = 50, spacingM: Double = 500, investmentPerMu: Double = 300,
                outputPerMu: Double = 500, valueAddedPerMu: Double = 120, energyPerValueAdded: Double = 0.1) {
        self.industry = industry; self.cellMu = cellMu; self.spacingM = spacingM
        self.investmentPerMu = investmentPerMu; self.outputPerMu = outputPerMu
        self.valueAddedPerMu = valueAddedPerMu; self.energyPerValueAdded = energyPerValueAdded
    }

    /// Side of the square site, metres.
    public var sideM: Double { Mu.toSquareMetres(cellMu).squareRoot() }
    /// Yearly energy use of one site, tce.
    public var energyTcePerCell: Double { energyPerValueAdded * valueAddedPerMu * cellMu }

    enum CodingKeys: String, CodingKey {
        case industry
        case cellMu = "cell_mu", spacingM = "spacing_m", investmentPerMu = "investment_per_mu", outputPerMu = "output_per_mu"
        case valueAddedPerMu = "value_added_per_mu", energyPerValueAdded = "energy_per_value_added"
    }
}

/// One grid site before vetting.
public struct GridCell: Sendable, Equatable {
    /// Position in the grid's order (north to south, west to east).
    public var index: Int
    /// Centre on EPSG:4549 (easting, northing), metres.
    public var centre: Coordinate
    /// The square on EPSG:4549.
    public var square: Geometry
    /// The square in lon/lat (WGS 84), as vetted and written.
    public var lonLat: Geometry
}

/// One grid site after vetting. `verdict == nil`: the site has no land (sea), it was not vetted.
public struct GridCellResult: Sendable, Equatable {
    public var index: Int
    public var centre: Coordinate
    public var lonLat: Geometry
    /// Adcode of the county with the largest overlap (land, or county area without a land layer).
    public var county: String?
    /// The weight: overlap with land (or with the city when there is no land layer), m².
    public var landM2: Double
    public var verdict: Verdict?
    /// Rule keys (`rule` or `rule/check`) with at least one finding of that outcome, in finding order.
    public var failRules: [String]
    public var warnRules: [String]
    public var unverifiableRules: [String]

    public init(index: Int, centre: Coordinate, lonLat: Geometry, county: String?, landM2: Double, verdict: Verdict?,
                failRules: [String] = [], warnRules: [String] = [], unverifiableRules: [String] = []) {
        self.index = index; self.centre = centre; self.lonLat = lonLat; self.county = county; self.landM2 = landM2
        self.verdict = verdict; self.failRules = failRules; self.warnRules = warnRules; self.unverifiableRules = unverifiableRules
    }

    public var isSea: Bool { verdict == nil }
}

/// Share of land where one rule (or one check of a rule) fails, warns or cannot be evaluated.
public struct GridRuleShare: Sendable, Codable, Equatable {
    public var fail: Double
    public var warn: Double
    public var unverifiable: Double
}

/// Verdict and rule shares of one area (a county or the whole city), by land area.
public struct GridArea: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    /// Vetted cells (with land) assigned to the area.
    public var cells: Int
    public var landKm2: Double
    /// The land the grid stands for: each vetted site counts for spacing² × its land share (an
    /// estimate of the area's land, or of its area without a land layer), km².
    public var representedKm2: Double
    /// Verdict → share of the area's vetted land (every verdict listed; they add up to 1 when there is land).
    public var verdicts: [String: Double]
    /// Rule key → shares; only rules that fail, warn or are unverifiable somewhere in the city.
    public var rules: [String: GridRuleShare]

    enum CodingKeys: String, CodingKey { case id, name, cells, verdicts, rules; case landKm2 = "land_km2", representedKm2 = "represented_km2" }
}

public struct GridReport: Sendable, Codable, Equatable {
    public var settings: GridSettings
    public var industryName: String?
    public var rulePackVersion: String
    public var geodataVersion: String
    /// `land` (overlap with the land layer) or `city` (overlap with the city: no land layer).
    public var weight: String
    /// Cells whose centre lies in the city.
    public var cells: Int
    public var vettedCells: Int
    /// Cells with no land (not vetted).
    public var seaCells: Int
    public var counties: [GridArea]
    public var city: GridArea
    /// Rule keys in rule-pack order: the rows of the rule table.
    public var ruleKeys: [String]
    /// `rule outcome` pairs found on (almost) all land: they follow from the industry, the figures
    /// or missing data, not from the place.
    public var everywhere: [String]
    public var method: String

    enum CodingKeys: String, CodingKey {
        case settings, weight, cells, counties, city, everywhere, method
        case industryName = "industry_name", rulePackVersion = "rule_pack_version", geodataVersion = "geodata_version"
        case vettedCells = "vetted_cells", seaCells = "sea_cells", ruleKeys = "rule_keys"
    }
}

/// Vets a regular grid of sites over the city and reports where each verdict and each failing or
/// warning rule occurs, as shares of land per county. Reusable parts: grid generation,
/// parallel vetting (one `VettingEngine` per worker), aggregation and rendering.
public enum RuleGrid {
    public static let verdictOrder: [Verdict] = [.approve, .conditional, .reject, .incomplete]
    /// A rule counts as "everywhere" above this share of the city's land.
    public static let everywhereShare = 0.999

    // MARK: Grid

    /// The grid sites whose centre lies in the city (kind `city`; else the union of the counties).
    /// Centres are at multiples of `spacingM` on EPSG:4549, listed north to south, west to east.
    public static func cells(plan: PlanData, settings: GridSettings, measurer: PlanarMeasurer? = nil) throws -> [GridCell] {
        let m = try measurer ?? PlanarMeasurer()
        let engine = m.engine
        var cityParts = plan.features(kind: .city)
        if cityParts.isEmpty { cityParts = plan.features(kind: .county) }
        guard !cityParts.isEmpty else { return [] }
        let city = try engine.unaryUnion(cityParts.map { try m.project($0.geometry) })
        guard let env = city.envelope else { return [] }
        let prepared = try engine.prepare(city)
        let s = settings.spacingM, h = settings.sideM / 2
        let x0 = (env.minX / s).rounded(.up), x1 = (env.maxX / s).rounded(.down)
        let y0 = (env.minY / s).rounded(.up), y1 = (env.maxY / s).rounded(.down)
        guard x1 >= x0, y1 >= y0 else { return [] }
        var out: [GridCell] = []
        var j = y1
        while j >= y0 {
            var i = x0
            while i <= x1 {
                let c = Coordinate(i * s, j * s)
                if try prepared.covers(.point(c)) {
                    let ring = [Coordinate(c.x - h, c.y - h), Coordinate(c.x + h, c.y - h), Coordinate(c.x + h, c.y + h),
                                Coordinate(c.x - h, c.y + h), Coordinate(c.x - h, c.y - h)]
                    let square = Geometry.polygon(Polygon(exterior: ring))
                    out.append(GridCell(index: out.count, centre: c, square: square, lonLat: try m.unproject(square)))
                }
                i += 1
            }
            j -= 1
        }
        return out
    }

    // MARK: Vetting

    /// Vets every cell with `workers` threads, each with its own `VettingEngine` (GEOS/PROJ
    /// contexts are single-thread). Cells are handed out in chunks; the results come back in the
    /// cells' order, so the output does not depend on the number of workers.
    public static func vet(_ cells: [GridCell], plan: PlanData, settings: GridSettings, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                           progress: ProgressReporter? = nil) throws -> [GridCellResult] {
        let n = cells.count
        guard n > 0 else { return [] }
        let chunk = 32
        let chunks = (n + chunk - 1) / chunk
        let threads = max(1, min(workers, chunks))
        let shared = GridShared(count: n)
        progress?.start(total: n, label: "grid")
        defer { progress?.finish() }
        // The reporter is only advanced under GridShared's lock.
        nonisolated(unsafe) let reporter = progress
        // The layers are projected and indexed once; each worker's engine shares them.
        let compiled = try CompiledPlanGeometry(plan: plan)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let worker: GridWorker
            do { worker = try GridWorker(plan: plan, compiled: compiled, settings: settings) } catch { shared.fail(error); return }
            while let k = shared.nextChunk(of: chunks) {
                let range = (k * chunk)..<min(n, (k + 1) * chunk)
                var done: [GridCellResult] = []
                do {
                    for i in range { done.append(try worker.vet(cells[i])) }
                } catch {
                    shared.fail(error)
                    return
                }
                shared.store(done, at: range.lowerBound, progress: reporter)
            }
        }
        return try shared.results()
    }

    // MARK: Aggregation

    /// Per county and city-wide shares of land by verdict and by failing/warning rule.
    /// - Parameters:
    ///   - counties: (adcode, name) in display order; a cell's county not listed gets its own row.
    ///   - ruleOrder: rule ids in the order the rule table lists them (unknown ids go last, by name).
    public static func aggregate(_ results: [GridCellResult], settings: GridSettings, counties: [(code: String, name: String)],
                                 city: (id: String, name: String), ruleOrder: [String], weight: String,
                                 industryName: String?, rulePackVersion: String, geodataVersion: String) -> GridReport {
        let land = results.filter { !$0.isSea && $0.landM2 > 0 }
        var keys: [String] = []
        for r in land {
            for k in r.failRules + r.warnRules + r.unverifiableRules where !keys.contains(k) { keys.append(k) }
        }
        func rank(_ key: String) -> Int {
            let id = String(key.split(separator: "/", maxSplits: 1).first ?? "")
            return ruleOrder.firstIndex(of: id) ?? ruleOrder.count
        }
        keys = keys.enumerated().sorted { a, b in
            let ra = rank(a.element), rb = rank(b.element)
            if ra != rb { return ra < rb }
            return a.element < b.element
        }.map(\.element)

        func area(_ id: String, _ name: String, _ cells: [GridCellResult]) -> GridArea {
            var total = 0.0
            var byVerdict: [Verdict: Double] = [:]
            var fail: [String: Double] = [:], warn: [String: Double] = [:], unv: [String: Double] = [:]
            for c in cells {
                total += c.landM2
                if let v = c.verdict { byVerdict[v, default: 0] += c.landM2 }
                for k in Set(c.failRules) { fail[k, default: 0] += c.landM2 }
                for k in Set(c.warnRules) { warn[k, default: 0] += c.landM2 }
                for k in Set(c.unverifiableRules) { unv[k, default: 0] += c.landM2 }
            }
            func share(_ x: Double?) -> Double { total > 0 ? (x ?? 0) / total : 0 }
            var verdicts: [String: Double] = [:]
            for v in verdictOrder { verdicts[v.rawValue] = share(byVerdict[v]) }
            var rules: [String: GridRuleShare] = [:]
            for k in keys { rules[k] = GridRuleShare(fail: share(fail[k]), warn: share(warn[k]), unverifiable: share(unv[k])) }
            let cellM2 = Mu.toSquareMetres(settings.cellMu)
            let represented = cellM2 > 0 ? total / cellM2 * settings.spacingM * settings.spacingM : 0
            return GridArea(id: id, name: name, cells: cells.count, landKm2: total / 1e6, representedKm2: represented / 1e6,
                            verdicts: verdicts, rules: rules)
        }

        var rows: [GridArea] = []
        var listed = Set<String>()
        for (code, name) in counties {
            listed.insert(code)
            rows.append(area(code, name, land.filter { $0.county == code }))
        }
        var others: [String] = []
        for r in land where !listed.contains(r.county ?? "") && !others.contains(r.county ?? "") { others.append(r.county ?? "") }
        for code in others.sorted() {
            rows.append(area(code, code.isEmpty ? "(no county)" : code, land.filter { ($0.county ?? "") == code }))
        }
        let cityArea = area(city.id, city.name, land)
        var everywhere: [String] = []
        for k in keys {
            guard cityArea.landKm2 > 0, let s = cityArea.rules[k] else { continue }
            if s.fail >= everywhereShare { everywhere.append("\(k) fail") }
            if s.warn >= everywhereShare { everywhere.append("\(k) warn") }
            if s.unverifiable >= everywhereShare { everywhere.append("\(k) unverifiable") }
        }
        return GridReport(settings: settings, industryName: industryName, rulePackVersion: rulePackVersion, geodataVersion: geodataVersion,
                          weight: weight, cells: results.count, vettedCells: land.count, seaCells: results.count - land.count,
                          counties: rows, city: cityArea, ruleKeys: keys, everywhere: everywhere, method: method(settings, weight: weight))
    }

    /// Builds the grid, vets it and aggregates: what `zoneplan grid` does.
    public static func run(plan: PlanData, settings: GridSettings, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                           progress: ProgressReporter? = nil) throws -> (report: GridReport, cells: [GridCellResult]) {
        let grid = try cells(plan: plan, settings: settings)
        let results = try vet(grid, plan: plan, settings: settings, workers: workers, progress: progress)
        let counties = plan.features(kind: .county).map { (code: $0.counties.first ?? $0.id, name: $0.name) }
        let cityFeature = plan.features(kind: .city).first
        let report = aggregate(results, settings: settings, counties: counties,
                               city: (cityFeature?.id ?? "city", cityFeature?.name ?? "city"),
                               ruleOrder: plan.rulePack.rules.map(\.id), weight: plan.features(kind: .land).isEmpty ? "city" : "land",
                               industryName: plan.industries.name(of: settings.industry),
                               rulePackVersion: plan.rulePack.version, geodataVersion: plan.geodataVersion)
        return (report, results)
    }

    static func method(_ s: GridSettings, weight: String) -> String {
        "square sites of \(fmt(s.cellMu)) 亩 (\(fmt(s.sideM, 1)) m a side) centred every \(fmt(s.spacingM, 0)) m on EPSG:4549, "
            + "centre inside the city; each vetted with the rule pack and weighted by its overlap with "
            + (weight == "land" ? "land (layer kind `land`; cells without land are sea, not vetted)" : "the city (no land layer)")
            + "; figures per 亩: investment \(fmt(s.investmentPerMu)) 万元, output \(fmt(s.outputPerMu)) 万元/年, "
            + "value added \(fmt(s.valueAddedPerMu)) 万元/年, energy \(fmt(s.energyPerValueAdded, 3)) tce/万元 value added "
            + "(\(fmt(s.energyTcePerCell, 0)) tce/年 per site)"
    }

    // MARK: Output

    /// The vetted cells as GeoJSON features (RFC 7946 via `GeoJSON.encode`): verdict, fail_rules,
    /// warn_rules (comma-separated), county, land_mu, industry. Sea cells are left out.
    public static func features(_ results: [GridCellResult], settings: GridSettings, countyNames: [String: String] = [:]) -> [Feature] {
        results.filter { !$0.isSea }.map { r in
            var p: [String: JSONValue] = [
                "cell": .number(Double(r.index)),
                "verdict": .string(r.verdict!.rawValue),
                "fail_rules": .string(r.failRules.joined(separator: ",")),
                "warn_rules": .string(r.warnRules.joined(separator: ",")),
                "unverifiable_rules": .string(r.unverifiableRules.joined(separator: ",")),
                "county": r.county.map { .string($0) } ?? .null,
                "land_mu": .number((Mu.fromSquareMetres(r.landM2) * 100).rounded() / 100),
                "industry": .string(settings.industry),
            ]
            if let c = r.county, let n = countyNames[c] { p["county_name"] = .string(n) }
            return Feature(id: .string("cell-\(r.index)"), geometry: r.lonLat, properties: p, bbox: nil)
        }
    }

    public static func geojson(_ results: [GridCellResult], settings: GridSettings, countyNames: [String: String] = [:]) -> Data {
        GeoJSON.encode(features: features(results, settings: settings, countyNames: countyNames), decimals: 7, includeBBox: false)
    }

    static func percent(_ share: Double) -> String {
        if share == 0 { return "–" }
        if share < 0.0005 { return "<0.1%" }
        return String(format: "%.1f%%", share * 100)
    }

    static func header(_ r: GridReport) -> [String] {
        let s = r.settings
        return [
            "industry \(s.industry)\(r.industryName.map { " \($0)" } ?? "") · rule pack \(r.rulePackVersion) · GeoData \(r.geodataVersion)",
            "\(r.cells) cells in the city: \(r.vettedCells) vetted, \(r.seaCells) \(r.weight == "land" ? "sea (no land)" : "without area in the city"); "
                + "weight: \(r.weight == "land" ? "land" : "city area (no land layer)")",
            r.method,
        ]
    }

    static func verdictRows(_ r: GridReport) -> (header: [String], rows: [[String]]) {
        let header = ["county", "cells", "vetted km²", "≈ \(r.weight == "land" ? "land" : "area") km²"] + verdictOrder.map(\.rawValue)
        let rows = (r.counties + [r.city]).map { a in
            [a.name, String(a.cells), String(format: "%.1f", a.landKm2), String(format: "%.0f", a.representedKm2)] + verdictOrder.map { percent(a.verdicts[$0.rawValue] ?? 0) }
        }
        return (header, rows)
    }

    static func ruleRows(_ r: GridReport) -> (header: [String], rows: [[String]]) {
        let areas = [r.city] + r.counties
        let header = ["rule", "outcome"] + areas.map(\.name)
        var rows: [[String]] = []
        for k in r.ruleKeys {
            for (label, pick) in [("fail", \GridRuleShare.fail), ("warn", \GridRuleShare.warn), ("unverifiable", \GridRuleShare.unverifiable)] {
                guard (r.city.rules[k]?[keyPath: pick] ?? 0) > 0 else { continue }
                rows.append([k, label] + areas.map { percent($0.rules[k]?[keyPath: pick] ?? 0) })
            }
        }
        return (header, rows)
    }

    static func everywhereNote(_ r: GridReport) -> String? {
        guard !r.everywhere.isEmpty else { return nil }
        return "on all land: \(r.everywhere.joined(separator: ", ")) — from the industry, the figures or missing data, not from the place"
    }

    /// A plain-text report for the terminal.
    public static func text(_ r: GridReport) -> String {
        var out = "Rule grid 规则网格 — " + header(r).joined(separator: "\n") + "\n\n"
        out += "Verdict by share of land 各结论所占土地比例\n"
        let v = verdictRows(r)
        out += Report.table(header: v.header, rows: v.rows, indent: "  ")
        let rr = ruleRows(r)
        out += "\nRules that fail or warn, share of land 各规则不通过/警示所占土地比例\n"
        if rr.rows.isEmpty { out += "  none\n" } else { out += Report.table(header: rr.header, rows: rr.rows, indent: "  ") }
        if let note = everywhereNote(r) { out += "\n" + note + "\n" }
        return out
    }

    /// Markdown for a README: a heading, the settings, and the two tables.
    public static func markdown(_ r: GridReport, title: String? = nil) -> String {
        func table(_ h: [String], _ rows: [[String]], rightFrom: Int) -> String {
            var out = "| " + h.joined(separator: " | ") + " |\n"
            out += "|" + h.indices.map { $0 >= rightFrom ? "---:|" : "---|" }.joined() + "\n"
            for row in rows { out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
            return out
        }
        let s = r.settings
        var out = "### \(title ?? "\(s.industry)\(r.industryName.map { " \($0)" } ?? "")")\n\n"
        out += "`zoneplan grid --industry \(s.industry)` · industry \(s.industry)\(r.industryName.map { " \($0)" } ?? "") · "
            + "rule pack \(r.rulePackVersion) · GeoData \(r.geodataVersion) · \(r.vettedCells) sites vetted"
            + (r.weight == "land" ? " (\(r.seaCells) sea cells left out)" : "") + ".\n\n"
        let v = verdictRows(r)
        out += table(v.header, v.rows.map { row in row.first == r.city.name ? row.map { "**\($0)**" } : row }, rightFrom: 1)
        let rr = ruleRows(r)
        out += "\n"
        if rr.rows.isEmpty { out += "No rule fails or warns anywhere.\n" } else {
            out += "Share of land where a rule fails or warns:\n\n" + table(rr.header, rr.rows.map { row in row.enumerated().map { $0.offset < 2 ? "`\($0.element)`" : $0.element } }, rightFrom: 2)
        }
        if let note = everywhereNote(r) { out += "\n" + note.prefix(1).uppercased() + note.dropFirst() + ".\n" }
        return out
    }
}

// MARK: - Workers

/// Results and chunk hand-out shared by the grid workers (guarded by a lock).
private final class GridShared: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [GridCellResult?]
    private var error: Error?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func nextChunk(of total: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < total else { return nil }
        next += 1
        return next - 1
    }

    func store(_ results: [GridCellResult], at start: Int, progress: ProgressReporter?) {
        lock.lock(); defer { lock.unlock() }
        for (k, r) in results.enumerated() { slots[start + k] = r; progress?.advance() }
    }

    func fail(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }

    func results() throws -> [GridCellResult] {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
        return slots.map { $0! }
    }
}

/// One thread's vetting engine and the geometries that weigh a cell (land, city, counties).
private final class GridWorker {
    struct Piece { var code: String?; var geometry: Geometry; var envelope: Envelope; var prepared: PreparedGeometry }
    let engine: VettingEngine
    let settings: GridSettings
    /// The land features (kind `land`) — or, without a land layer, the city.
    let weightPieces: [Piece]
    /// Without a land layer: the counties, for the assignment.
    let countyPieces: [Piece]
    let hasLand: Bool

    init(plan: PlanData, compiled: CompiledPlanGeometry, settings: GridSettings) throws {
        engine = try VettingEngine(plan: plan, compiled: compiled)
        self.settings = settings
        let m = engine.analyzer.measurer
        func pieces(_ fs: [PlanFeature]) throws -> [Piece] {
            try fs.compactMap { f in
                let g = try m.project(f.geometry)
                guard let env = g.envelope else { return nil }
                let code = f.kind == .land ? (f.counties.first ?? String(f.id.dropFirst("land-".count))) : f.counties.first
                return Piece(code: code, geometry: g, envelope: env, prepared: try m.engine.prepare(g))
            }
        }
        let land = plan.features(kind: .land)
        hasLand = !land.isEmpty
        if hasLand {
            weightPieces = try pieces(land)
            countyPieces = []
        } else {
            var city = plan.features(kind: .city)
            if city.isEmpty { city = plan.features(kind: .county) }
            weightPieces = try pieces(city)
            countyPieces = try pieces(plan.features(kind: .county))
        }
    }

    private func overlaps(_ square: Geometry, _ env: Envelope, _ pieces: [Piece], full: Double) throws -> [(code: String?, m2: Double)] {
        let geos = engine.engine
        var out: [(String?, Double)] = []
        for p in pieces where p.envelope.intersects(env) {
            if try p.prepared.covers(square) { out.append((p.code, full)); continue }
            guard try p.prepared.intersects(square) else { continue }
            let a = try geos.area(geos.intersection(square, p.geometry))
            if a > 0 { out.append((p.code, a)) }
        }
        return out
    }

    func vet(_ cell: GridCell) throws -> GridCellResult {
        let geos = engine.engine
        let full = try geos.area(cell.square)
        let env = cell.square.envelope!
        let weights = try overlaps(cell.square, env, weightPieces, full: full)
        let landM2 = min(full, weights.reduce(0) { $0 + $1.m2 })
        let assign = hasLand ? weights : try overlaps(cell.square, env, countyPieces, full: full)
        // Largest overlap; ties go to the smaller code, so the result does not depend on layer order.
        let county = assign.max { a, b in a.m2 != b.m2 ? a.m2 < b.m2 : (a.code ?? "") > (b.code ?? "") }?.code
        guard landM2 > 0 else {
            return GridCellResult(index: cell.index, centre: cell.centre, lonLat: cell.lonLat, county: county, landM2: 0, verdict: nil)
        }
        let mu = settings.cellMu
        let va = settings.valueAddedPerMu * mu
        let app = Application(name: "grid cell \(cell.index)", industry: settings.industry,
                              investmentWan: settings.investmentPerMu * mu, outputWan: settings.outputPerMu * mu,
                              valueAddedWan: va, energyTce: settings.energyPerValueAdded * va, site: cell.lonLat)
        let r = try engine.vet(app)
        func keys(_ o: Outcome) -> [String] {
            var seen: [String] = []
            for f in r.findings where f.outcome == o {
                let k = f.check.map { "\(f.rule)/\($0)" } ?? f.rule
                if !seen.contains(k) { seen.append(k) }
            }
            return seen
        }
        return GridCellResult(index: cell.index, centre: cell.centre, lonLat: cell.lonLat, county: county, landM2: landM2,
                              verdict: r.verdict, failRules: keys(.fail), warnRules: keys(.warn), unverifiableRules: keys(.unverifiable))
    }
}

import Foundation
import ZoneGeometry

// 亩均效益 in the workspace (schema 6): a year's firm figures and parcels, stored whole.
//
// The store keeps rows, not the evaluation's types: figures are raw numbers by the evaluation
// pack's input ids, and scores are computed on reading (ZoneService maps rows to ZoneEvaluation).
// So ZoneStore does not depend on the scoring method, and a stored year can be re-scored with a
// later pack.

/// One stored evaluation year: where its files came from and the pack it was imported with.
public struct EvaluationYearRecord: Sendable, Equatable {
    public var year: Int
    public var firmsFile: String
    public var firmsSha256: String
    /// The CSV's encoding as detected on import ("UTF-8", "GBK/GB18030").
    public var firmsEncoding: String
    public var parcelsFile: String?
    public var parcelsSha256: String?
    public var packVersion: String
    /// The evaluation pack (YAML) the year was imported with, whole.
    public var packText: String
    public var firmCount: Int
    public var parcelCount: Int
    public var importedBy: String
    public var importedAt: String

    public init(year: Int, firmsFile: String, firmsSha256: String, firmsEncoding: String, parcelsFile: String?, parcelsSha256: String?,
                packVersion: String, packText: String, firmCount: Int = 0, parcelCount: Int = 0, importedBy: String, importedAt: String) {
        self.year = year; self.firmsFile = firmsFile; self.firmsSha256 = firmsSha256; self.firmsEncoding = firmsEncoding
        self.parcelsFile = parcelsFile; self.parcelsSha256 = parcelsSha256; self.packVersion = packVersion; self.packText = packText
        self.firmCount = firmCount; self.parcelCount = parcelCount; self.importedBy = importedBy; self.importedAt = importedAt
    }
}

/// A firm's figures for a stored year.
public struct StoredFirmFigures: Sendable, Equatable {
    public var creditCode: String
    public var name: String
    public var industry: String
    /// 规上 or 规下.
    public var scale: String
    public var county: String?
    public var startYear: Int?
    public var landMu: Double?
    /// Input id → value; an empty cell has no entry.
    public var figures: [String: Double]
    /// The CSV line the record started on.
    public var sourceRow: Int

    public init(creditCode: String, name: String, industry: String, scale: String, county: String?, startYear: Int?, landMu: Double?,
                figures: [String: Double], sourceRow: Int) {
        self.creditCode = creditCode; self.name = name; self.industry = industry; self.scale = scale; self.county = county
        self.startYear = startYear; self.landMu = landMu; self.figures = figures; self.sourceRow = sourceRow
    }
}

/// A firm's parcel for a stored year (lon/lat), with what was worked out on import.
public struct StoredEvaluationParcel: Sendable {
    public var parcelId: String
    public var creditCode: String?
    public var areaMu: Double
    public var county: String?
    public var platforms: [String]
    public var source: String?
    public var geometry: Geometry

    public init(parcelId: String, creditCode: String?, areaMu: Double, county: String?, platforms: [String], source: String?, geometry: Geometry) {
        self.parcelId = parcelId; self.creditCode = creditCode; self.areaMu = areaMu; self.county = county
        self.platforms = platforms; self.source = source; self.geometry = geometry
    }
}

/// The evaluation years of a workspace. Both stores implement it (`SQLWorkspaceStore`).
public protocol EvaluationStore: AnyObject {
    /// Stores a year with its firms and parcels in one write transaction; a year already stored
    /// is a conflict (nothing stored).
    func insertEvaluationYear(_ y: EvaluationYearRecord, firms: [StoredFirmFigures], parcels: [StoredEvaluationParcel]) throws
    /// The stored years, oldest first (pack text included).
    func evaluationYears() throws -> [EvaluationYearRecord]
    func evaluationYear(_ year: Int) throws -> EvaluationYearRecord?
    /// The year's firms in CSV order.
    func evaluationFirms(year: Int) throws -> [StoredFirmFigures]
    /// The year's parcels in file order.
    func evaluationParcels(year: Int) throws -> [StoredEvaluationParcel]
}

extension WorkspaceStore {
    /// The store's evaluation years (every store built on `SQLWorkspaceStore` has them).
    public var evaluation: EvaluationStore? { self as? EvaluationStore }
}

extension WorkspaceSQL {
    private var yearColumns: String {
        """
        year, firms_file, firms_sha256, firms_encoding, parcels_file, parcels_sha256, pack_version, pack_text, firm_count,
        parcel_count, imported_by, \(dialect.timeText("imported_at"))
        """
    }
    var insertEvaluationYear: String {
        dialect.render("""
          INSERT INTO zp_eval_years (year, firms_file, firms_sha256, firms_encoding, parcels_file, parcels_sha256, pack_version,
            pack_text, firm_count, parcel_count, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(dialect.timeParam))
          """)
    }
    var evaluationYears: String { "SELECT \(yearColumns) FROM zp_eval_years ORDER BY year" }
    var evaluationYear: String { dialect.render("SELECT \(yearColumns) FROM zp_eval_years WHERE year = ?") }
    var insertEvaluationFirm: String {
        dialect.render("""
          INSERT INTO zp_eval_firms (year, credit_code, name, industry, scale, county, start_year, land_mu, figures, source_row)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, \(dialect.jsonParam), ?)
          """)
    }
    var evaluationFirms: String {
        dialect.render("""
          SELECT credit_code, name, industry, scale, county, start_year, land_mu, \(dialect.jsonText("figures")), source_row
          FROM zp_eval_firms WHERE year = ? ORDER BY source_row, id
          """)
    }
    var insertEvaluationParcel: String {
        dialect.render("""
          INSERT INTO zp_eval_parcels (year, parcel_id, credit_code, area_mu, county, platforms, source, geom)
          VALUES (?, ?, ?, ?, ?, ?, ?, \(dialect.geomFromWKB()))
          """)
    }
    var evaluationParcels: String {
        dialect.render("""
          SELECT parcel_id, credit_code, area_mu, county, platforms, source, \(dialect.asBinary("geom"))
          FROM zp_eval_parcels WHERE year = ? ORDER BY id
          """)
    }
}

extension SQLDialect {
    /// A time column made after schema 5: timestamptz in PostgreSQL, ISO 8601 text in SQLite.
    var timeColumn: String { self == .spatialite ? "TEXT" : "timestamptz" }
}

extension SQLWorkspaceStore: EvaluationStore {
    public func insertEvaluationYear(_ y: EvaluationYearRecord, firms: [StoredFirmFigures], parcels: [StoredEvaluationParcel]) throws {
        try writeTransaction {
            if try executor.query(sql.evaluationYear, [.int(Int64(y.year))]).first != nil {
                throw WorkspaceError(.conflict, "evaluation year \(y.year) is already stored (a stored year is never replaced)")
            }
            let year = SQLValue.int(Int64(y.year))
            try executor.query(sql.insertEvaluationYear, [
                year, .text(y.firmsFile), .text(y.firmsSha256), .text(y.firmsEncoding), y.parcelsFile.map(SQLValue.text) ?? .null,
                y.parcelsSha256.map(SQLValue.text) ?? .null, .text(y.packVersion), .text(y.packText), .int(Int64(firms.count)),
                .int(Int64(parcels.count)), .text(y.importedBy), .text(y.importedAt)])
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try executor.executeEach(sql.insertEvaluationFirm, try firms.map { f in
                [year, .text(f.creditCode), .text(f.name), .text(f.industry), .text(f.scale), f.county.map(SQLValue.text) ?? .null,
                 f.startYear.map { .int(Int64($0)) } ?? .null, f.landMu.map(SQLValue.double) ?? .null,
                 .text(String(decoding: try encoder.encode(f.figures.filter { $0.value.isFinite }), as: UTF8.self)),
                 .int(Int64(f.sourceRow))]
            })
            try executor.executeEach(sql.insertEvaluationParcel, try parcels.map { p in
                [year, .text(p.parcelId), p.creditCode.map(SQLValue.text) ?? .null, .double(p.areaMu), p.county.map(SQLValue.text) ?? .null,
                 .text(p.platforms.joined(separator: ",")), p.source.map(SQLValue.text) ?? .null, .blob(try multiPolygonWKB(p.geometry))]
            })
        }
    }

    private func evaluationYearFrom(_ r: [SQLValue]) -> EvaluationYearRecord {
        EvaluationYearRecord(year: Int(r[0].int ?? 0), firmsFile: r[1].text ?? "", firmsSha256: r[2].text ?? "", firmsEncoding: r[3].text ?? "",
                             parcelsFile: r[4].text, parcelsSha256: r[5].text, packVersion: r[6].text ?? "", packText: r[7].text ?? "",
                             firmCount: Int(r[8].int ?? 0), parcelCount: Int(r[9].int ?? 0), importedBy: r[10].text ?? "",
                             importedAt: r[11].text ?? "")
    }

    public func evaluationYears() throws -> [EvaluationYearRecord] {
        try executor.query(sql.evaluationYears, []).map(evaluationYearFrom)
    }

    public func evaluationYear(_ year: Int) throws -> EvaluationYearRecord? {
        try executor.query(sql.evaluationYear, [.int(Int64(year))]).first.map(evaluationYearFrom)
    }

    public func evaluationFirms(year: Int) throws -> [StoredFirmFigures] {
        let decoder = JSONDecoder()
        return try executor.query(sql.evaluationFirms, [.int(Int64(year))]).map { r in
            StoredFirmFigures(creditCode: r[0].text ?? "", name: r[1].text ?? "", industry: r[2].text ?? "", scale: r[3].text ?? "",
                              county: r[4].text, startYear: r[5].int.map { Int($0) }, landMu: r[6].double,
                              figures: try decoder.decode([String: Double].self, from: Data((r[7].text ?? "{}").utf8)),
                              sourceRow: Int(r[8].int ?? 0))
        }
    }

    public func evaluationParcels(year: Int) throws -> [StoredEvaluationParcel] {
        try executor.query(sql.evaluationParcels, [.int(Int64(year))]).map { r in
            var g = try engine.geometry(wkb: r[6].blob ?? [])
            if case .multiPolygon(let ps) = g, ps.count == 1 { g = .polygon(ps[0]) }  // as it was read
            return StoredEvaluationParcel(parcelId: r[0].text ?? "", creditCode: r[1].text, areaMu: r[2].double ?? 0, county: r[3].text,
                                   platforms: (r[4].text ?? "").split(separator: ",").map(String.init), source: r[5].text,
                                   geometry: g)
        }
    }
}

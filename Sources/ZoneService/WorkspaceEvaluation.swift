import Foundation
import ZoneEvaluation
import ZoneGeometry
import ZonePlan
import ZoneStore

/// 亩均效益 on a workspace, the one place the CLI and the service share: a year's firm figures and
/// parcels imported whole (read and checked first, then stored in one transaction), and a stored
/// year evaluated, compared with the nearest earlier stored year.
public enum WorkspaceEvaluation {
    public struct Imported: Sendable {
        public var year: Int
        public var firms: Int
        public var parcels: Int
        public var encoding: String
        public var packVersion: String
    }

    /// A stored year, scored and classed.
    public struct Evaluated: Sendable {
        public var record: EvaluationYearRecord
        public var pack: EvaluationPack
        public var result: EvaluationResult

        public func output(plan: PlanData) -> EvaluationOutput {
            EvaluationOutput(result: result, pack: pack, geography: EvaluationGeography(plan: plan),
                             industryName: { plan.industries.name(of: $0) })
        }
        /// What `zoneplan evaluate --format json` prints.
        public func json(plan: PlanData) -> String { output(plan: plan).json() }
        /// The parcels by class (RFC 7946).
        public func geojson(plan: PlanData) -> Data { output(plan: plan).geojson() }
    }

    static func store(_ s: WorkspaceStore) throws -> EvaluationStore {
        guard let e = s.evaluation else { throw WorkspaceError(.notInitialized, "\(s.backendName) workspace has no evaluation tables") }
        guard try s.schemaVersion() >= 6 else {
            throw WorkspaceError(.notInitialized, "\(s.location) has schema version \(try s.schemaVersion()); evaluation years need 6: run `zoneplan ledger migrate`")
        }
        return e
    }

    /// Reads `firms` (CSV) and `parcels` (GeoJSON) with the pack, refusing the whole year on the
    /// first bad row (`EvaluationInputError`), then stores it in one transaction. `parcelsRead`:
    /// the parcels already read from `parcels` (a 报部 TXT or Shapefile, `EvaluationParcelFile`);
    /// the file's bytes are then only fingerprinted.
    public static func importYear(_ store: WorkspaceStore, year: Int, firms: Data, firmsName: String, parcels: Data?, parcelsName: String?,
                                  parcelsRead: [Parcel]? = nil,
                                  packText: String, packName: String, geography: EvaluationGeography, official: String) throws -> Imported {
        let pack = try EvaluationPack.load(ConfigDocument(file: packName, text: packText))
        let table = try FirmTable.read(firms, file: firmsName, pack: pack)
        let parcelList = try parcelsRead ?? parcels.map { try ParcelReader.read($0, file: parcelsName ?? "parcels", geography: geography) } ?? []
        let rows = table.firms.map { f in
            var figures: [String: Double] = [:]
            for (id, i) in table.fieldIndex where i < f.values.count && f.values[i].isFinite { figures[id] = f.values[i] }
            return StoredFirmFigures(creditCode: f.creditCode, name: f.name, industry: f.industry, scale: f.scale.rawValue, county: f.county,
                                     startYear: f.startYear, landMu: f.landMu, figures: figures, sourceRow: f.row)
        }
        let parcelRows = parcelList.map {
            StoredEvaluationParcel(parcelId: $0.id, creditCode: $0.creditCode, areaMu: $0.areaMu, county: $0.county,
                                   platforms: $0.platforms, source: $0.source, geometry: $0.geometry)
        }
        let record = EvaluationYearRecord(year: year, firmsFile: firmsName, firmsSha256: sha256Hex(firms), firmsEncoding: table.encoding.rawValue,
                                          parcelsFile: parcels == nil ? nil : parcelsName, parcelsSha256: parcels.map(sha256Hex),
                                          packVersion: pack.version, packText: packText, importedBy: official, importedAt: nowISO())
        try self.store(store).insertEvaluationYear(record, firms: rows, parcels: parcelRows)
        return Imported(year: year, firms: rows.count, parcels: parcelRows.count, encoding: table.encoding.rawValue, packVersion: pack.version)
    }

    /// The stored years, oldest first.
    public static func years(_ store: WorkspaceStore) throws -> [Int] {
        guard store.evaluation != nil, try store.schemaVersion() >= 6 else { return [] }
        return try self.store(store).evaluationYears().map(\.year)
    }

    /// A stored year's inputs, read in one snapshot: what evaluating needs, without the store.
    public struct StoredInputs: Sendable {
        public var record: EvaluationYearRecord
        public var pack: EvaluationPack
        public var firms: FirmTable
        public var parcels: [Parcel]
        public var previous: FirmTable?
        public var previousYear: Int?
        /// The ledger's approved projects, for land far below its own approval commitments.
        public var commitments: [CommittedProject]

        public func evaluate() -> Evaluated {
            Evaluated(record: record, pack: pack, result: Evaluator(pack: pack).evaluate(firms, parcels: parcels, year: record.year,
                                                                                       previous: previous, previousYear: previousYear,
                                                                                       commitments: commitments))
        }
    }

    /// A stored year's inputs (nil when it is not stored), with `pack`, or else the pack it was
    /// imported with, and the nearest earlier stored year's firms for the class changes.
    public static func load(_ store: WorkspaceStore, year: Int, pack override: EvaluationPack? = nil) throws -> StoredInputs? {
        let es = try self.store(store)
        return try store.readTransaction { () -> StoredInputs? in
            guard let record = try es.evaluationYear(year) else { return nil }
            let pack = try override ?? EvaluationPack.load(ConfigDocument(file: "evaluation pack of \(year) (workspace)", text: record.packText))
            let parcels = try es.evaluationParcels(year: year).map {
                Parcel(id: $0.parcelId, creditCode: $0.creditCode, areaMu: $0.areaMu, county: $0.county, platforms: $0.platforms,
                       source: $0.source, geometry: $0.geometry)
            }
            let previous = try es.evaluationYears().filter { $0.year < year }.last
            return StoredInputs(record: record, pack: pack, firms: try firmTable(es, record, pack: pack), parcels: parcels,
                                previous: try previous.map { try firmTable(es, $0, pack: pack) }, previousYear: previous?.year,
                                commitments: try committedProjects(store))
        }
    }

    /// The ledger's approve and conditional decisions not superseded, with the application's
    /// properties (its committed figures and `credit_code`), by decision id: what `zoneplan audit`
    /// checks and what `evaluate` measures land against (its own approval commitments, 000:360).
    public static func committedProjects(_ store: WorkspaceStore) throws -> [CommittedProject] {
        let superseded = Set(try store.decisionLinks().compactMap(\.supersedes))
        return try store.decisions(limit: nil).compactMap { d -> CommittedProject? in
            guard let id = d.id, !superseded.contains(id), d.verdict == .approve || d.verdict == .conditional else { return nil }
            return CommittedProject(decisionId: id, name: d.name, verdict: d.verdict.rawValue, year: d.quotaYear,
                                    properties: d.application["properties"]?.objectValue ?? [:])
        }.sorted { $0.decisionId < $1.decisionId }
    }

    /// Evaluates a stored year (nil when it is not stored); see `load`.
    public static func evaluate(_ store: WorkspaceStore, year: Int, pack override: EvaluationPack? = nil) throws -> Evaluated? {
        try load(store, year: year, pack: override)?.evaluate()
    }

    static func firmTable(_ es: EvaluationStore, _ record: EvaluationYearRecord, pack: EvaluationPack) throws -> FirmTable {
        let firms = try es.evaluationFirms(year: record.year).map { f in
            Firm(creditCode: f.creditCode, name: f.name, industry: f.industry, scale: Firm.Scale(rawValue: f.scale) ?? .below, county: f.county,
                 startYear: f.startYear, landMu: f.landMu, values: pack.inputs.map { f.figures[$0.id] ?? .nan }, row: f.sourceRow)
        }
        return FirmTable(file: record.firmsFile, encoding: ChineseText.Encoding(rawValue: record.firmsEncoding) ?? .utf8, firms: firms, pack: pack)
    }
}

import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneService
@testable import ZoneStore

/// Schema 6: a 亩均效益 year (firm figures and parcels) stored whole, on both backends.
@Suite("schema 6: evaluation years in the workspace")
struct EvaluationStoreTests {
    static func year(_ y: Int) -> EvaluationYearRecord {
        EvaluationYearRecord(year: y, firmsFile: "firms-\(y).csv", firmsSha256: String(repeating: "a", count: 64), firmsEncoding: "GBK/GB18030",
                             parcelsFile: "parcels.geojson", parcelsSha256: String(repeating: "b", count: 64), packVersion: "2026.11.1",
                             packText: "version: 2026.11.1\n", importedBy: "测试员", importedAt: "2026-11-30T04:00:00.000Z")
    }

    static let firms = [
        StoredFirmFigures(creditCode: "91330402MA2BXXXX1A", name: "嘉兴某精密机械有限公司", industry: "C34", scale: "规上", county: "330402",
                          startYear: 2015, landMu: 30.5, figures: ["tax_wan": 612.25, "value_added_wan": 4100, "rd_wan": 0.1 + 0.2], sourceRow: 2),
        StoredFirmFigures(creditCode: "91330481MA2BYYYY2B", name: "海宁某纺织有限公司", industry: "C17", scale: "规下", county: nil,
                          startYear: nil, landMu: nil, figures: [:], sourceRow: 3),
    ]

    static func parcels() throws -> [StoredEvaluationParcel] {
        let a = try #require(plan.feature(id: "platform-prov-jxip")), b = try #require(plan.feature(id: "platform-nat-jxepz"))
        return [
            StoredEvaluationParcel(parcelId: "P-1", creditCode: firms[0].creditCode, areaMu: 30.5, county: "330402",
                                   platforms: ["platform-prov-jxip", "platform-nat-jxepz"], source: "synthetic", geometry: a.geometry),
            StoredEvaluationParcel(parcelId: "P-2", creditCode: nil, areaMu: 12, county: nil, platforms: [], source: nil, geometry: b.geometry),
        ]
    }

    @Test("a year reads back as stored (figures exact, parcels in lon/lat); a year is stored once", arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let store = try #require(t.workspace.store.evaluation)
        #expect(try store.evaluationYears().isEmpty)
        let parcels = try Self.parcels()
        try store.insertEvaluationYear(Self.year(2024), firms: Self.firms, parcels: parcels)
        try store.insertEvaluationYear(Self.year(2025), firms: [Self.firms[1]], parcels: [])

        var expected = Self.year(2024)
        expected.firmCount = 2; expected.parcelCount = 2
        #expect(try store.evaluationYear(2024) == expected)
        #expect(try store.evaluationYears().map(\.year) == [2024, 2025])
        #expect(try store.evaluationFirms(year: 2024) == Self.firms)
        #expect(try store.evaluationFirms(year: 2025) == [Self.firms[1]])
        let back = try store.evaluationParcels(year: 2024)
        #expect(back.map(\.parcelId) == ["P-1", "P-2"] && back[0].platforms == parcels[0].platforms && back[1].creditCode == nil)
        let measurer = try PlanarMeasurer()
        for (b, p) in zip(back, parcels) {
            #expect(abs(try measurer.areaMu(lonLat: b.geometry) - (try measurer.areaMu(lonLat: p.geometry))) < 1e-6)
        }

        #expect(throws: WorkspaceError.self) { try store.insertEvaluationYear(Self.year(2024), firms: [], parcels: []) }
        #expect(try store.evaluationFirms(year: 2024).count == 2)
        #expect(try t.workspace.verify().isEmpty)
        // QGIS and GDAL open the parcels as a layer with its spatial index.
        #expect(try t.spatiallyIndexedTables().contains("zp_eval_parcels"))
        let info = try run("ogrinfo", ["-ro", "-so", t.gdalSource, "zp_eval_parcels"])
        #expect(info.status == 0 && info.out.contains("Feature Count: 2"), "\(info.err)")
    }

    @Test("a year that fails part-way stores nothing; a stored year cannot be edited", arguments: Backend.allCases)
    func allOrNothingAndAppendOnly(_ backend: Backend) throws {
        let t = try TempWorkspace(backend)
        let store = try #require(t.workspace.store.evaluation)
        // The second firm repeats the first's credit code: refused by the schema after the year row and one firm went in.
        #expect(throws: (any Error).self) {
            try store.insertEvaluationYear(Self.year(2025), firms: [Self.firms[0], Self.firms[0]], parcels: try Self.parcels())
        }
        #expect(try store.evaluationYear(2025) == nil)
        #expect(try t.text("SELECT CAST(count(*) AS text) FROM zp_eval_firms") == "0")
        #expect(try t.text("SELECT CAST(count(*) AS text) FROM zp_eval_parcels") == "0")

        try store.insertEvaluationYear(Self.year(2025), firms: Self.firms, parcels: try Self.parcels())
        for intrusion in ["UPDATE zp_eval_firms SET land_mu = 1", "DELETE FROM zp_eval_parcels", "UPDATE zp_eval_years SET firm_count = 0",
                          "DELETE FROM zp_eval_years"] {
            #expect(throws: (any Error).self, "\(intrusion) was allowed") { try t.execute(intrusion) }
        }
        #expect(try store.evaluationFirms(year: 2025) == Self.firms)
    }
}

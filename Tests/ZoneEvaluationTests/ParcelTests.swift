import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneEvaluation

/// The plan's counties and platforms, loaded once.
let shippedGeography: EvaluationGeography = {
    EvaluationGeography(plan: try! VettingEngine.loadPlan(from: geodata))
}()

@Suite struct ParcelTests {
    /// A rectangle w × h metres at (e, n) on EPSG:4549, as lon/lat.
    func rectangle(_ e: Double, _ n: Double, _ w: Double, _ h: Double) throws -> Geometry {
        let t = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        let ring = [Coordinate(e, n), Coordinate(e + w, n), Coordinate(e + w, n + h), Coordinate(e, n + h), Coordinate(e, n)]
        return try t.inverse(.polygon(Polygon(exterior: ring)))
    }

    func collection(_ parcels: [(String, String?, Geometry)]) -> Data {
        GeoJSON.encode(features: parcels.map { id, code, g in
            Feature(id: .string(id), geometry: g, properties: ["parcel_id": .string(id), "统一社会信用代码": code.map(JSONValue.string) ?? .null])
        }, decimals: 9)
    }

    /// In 海宁市, about 120.68°E 30.53°N: easting/northing on EPSG:4549.
    func haining() throws -> Coordinate {
        try CoordinateTransformer(from: .wgs84, to: .gaussKruger120).transform(Coordinate(120.68, 30.53))
    }

    @Test func areaIsComputedOnEPSG4549InMuAndAFirmOnTwoParcelsSumsThem() throws {
        let o = try haining()
        let code = "91330481690702930G"
        let data = collection([("A", code, try rectangle(o.x, o.y, 200, 100)),          // 20 000 m² = 30 亩
                               ("B", code, try rectangle(o.x + 500, o.y, 100, 100)),    // 10 000 m² = 15 亩
                               ("C", nil, try rectangle(o.x + 1000, o.y, 100, 50))])    // no firm: 7.5 亩
        let parcels = try ParcelReader.read(data, file: "p.geojson", geography: shippedGeography)
        #expect(abs(parcels[0].areaMu - 30) < 0.001)
        #expect(parcels.allSatisfy { $0.county == "330481" })
        let pack = try loadShippedPack()
        let table = try FirmTable.read(contentsOf: fixture("small.csv"), displayName: "small.csv", pack: pack)
        let r = Evaluator(pack: pack).evaluate(table, parcels: parcels, year: 2025)
        let firm = try #require(r.firms.first { $0.creditCode == code })
        #expect(abs(firm.landMu! - 45) < 0.002)               // parcels win over the CSV's 30 亩
        #expect(firm.landSource == "parcels" && firm.parcelIds == ["A", "B"])
        let unclaimed = r.lowEfficiency.filter { $0.reason == "unclaimed" }
        #expect(unclaimed.map(\.parcelId) == ["C"] && abs(unclaimed[0].areaMu - 7.5) < 0.001)
    }

    @Test func aFirmWithoutEmissionsGetsTheCapForThatIndicator() throws {
        let o = try haining()
        let code = "91330481405608655F"   // 测试癸: 主要污染物排放当量 0, no 用地面积 in the CSV
        let parcels = try ParcelReader.read(collection([("A", code, try rectangle(o.x, o.y, 200, 100))]), file: "p.geojson", geography: shippedGeography)
        let pack = try loadShippedPack()
        let table = try FirmTable.read(contentsOf: fixture("small.csv"), displayName: "small.csv", pack: pack)
        let r = Evaluator(pack: pack).evaluate(table, parcels: parcels, year: 2025)
        let firm = try #require(r.firms.first { $0.creditCode == code })
        let emission = try #require(firm.indicators.first { $0.id == "value_added_per_emission" })
        #expect(emission.value == nil && emission.term == 1.5 * 10)
        #expect(firm.firmClass != nil)
    }

    @Test func badParcelsRefuseTheFileNamingTheParcel() throws {
        let o = try haining()
        func message(_ data: Data) -> String {
            do { _ = try ParcelReader.read(data, file: "p.geojson", geography: shippedGeography); return "read" } catch { return "\(error)" }
        }
        let badCode = collection([("A", "91330481690702930H", try rectangle(o.x, o.y, 100, 100))])
        #expect(message(badCode) == "p.geojson: parcel A (features[0]): 统一社会信用代码: '91330481690702930H' check character is 'H', expected 'G' (GB 32100-2015)")
        let bowtie = Geometry.polygon(Polygon(exterior: [Coordinate(120.68, 30.53), Coordinate(120.69, 30.54), Coordinate(120.69, 30.53),
                                                         Coordinate(120.68, 30.54), Coordinate(120.68, 30.53)]))
        #expect(message(collection([("Z", nil, bowtie)])).hasPrefix("p.geojson: parcel Z (features[0]): geometry: invalid: Self-intersection"))
        let projected = Geometry.polygon(Polygon(exterior: [Coordinate(o.x, o.y), Coordinate(o.x + 9, o.y), Coordinate(o.x + 9, o.y + 9), Coordinate(o.x, o.y)]))
        #expect(message(collection([("P", nil, projected)])).contains("is not lon/lat in China"))
        let twice = collection([("A", nil, try rectangle(o.x, o.y, 100, 100)), ("A", nil, try rectangle(o.x + 300, o.y, 100, 100))])
        #expect(message(twice) == "p.geojson: parcel A (features[1]): parcel_id: listed twice (also features[0])")
    }
}

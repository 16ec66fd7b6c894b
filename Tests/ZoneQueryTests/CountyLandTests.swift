import Foundation
import Testing
import ZonePlan
@testable import ZoneQuery

@Suite struct CountyLandTests {
    @Test func haiyanLandIsFarSmallerThanItsJurisdictionAndInlandCountiesAreAllLand() throws {
        let rows = try SpatialQuery(plan: Fixture.plan).countyLand()
        #expect(rows.count == 7)
        let byCode = Dictionary(uniqueKeysWithValues: rows.map { ($0.adcode ?? "", $0) })
        // 海盐: the polygon reaches ~14 km into Hangzhou Bay (945 km²); the land is near the yearbook's ~585 km².
        let haiyan = try #require(byCode["330424"])
        #expect(haiyan.polygonKm2 > 900)
        #expect(try #require(haiyan.landKm2) > 480 && haiyan.landKm2! < 600)
        // Counties without a shore: land equals the polygon.
        for code in ["330402", "330411", "330421", "330483"] {
            let r = try #require(byCode[code])
            #expect(abs(r.polygonKm2 - (r.landKm2 ?? 0)) < 0.5, "\(r.name)")
        }
        // stats carries the same table.
        let stats = try SpatialQuery(plan: Fixture.plan).stats()
        #expect(stats.counties == rows)
        #expect(QueryText.stats(stats).contains("land km²"))
    }

    @Test func withoutALandLayerTheLandColumnIsEmptyNotGuessed() throws {
        var plan = Fixture.plan
        plan.layers.removeAll { $0.name == "land" }
        let rows = try SpatialQuery(plan: plan).countyLand()
        #expect(rows.allSatisfy { $0.landKm2 == nil })
        #expect(QueryText.countyLand(rows).contains("no land layer"))
    }
}

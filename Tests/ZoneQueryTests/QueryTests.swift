import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneQuery

@Suite("where, query, stats")
struct QueryTests {
    let plan = Fixture.plan

    func inside(_ id: String) throws -> Coordinate {
        let f = try #require(plan.feature(id: id))
        return try GeometryEngine().pointOnSurface(f.geometry)
    }

    @Test("where: a point in the national ETDZ lists county, layout, platform, zone, with rules and guidance")
    func place() throws {
        let q = try SpatialQuery(plan: plan)
        let r = try q.place(try inside("platform-nat-jxetdz"))
        let ids = r.features.map(\.id)
        #expect(ids.contains("platform-nat-jxetdz"))
        #expect(r.inJiaxing)
        #expect(r.features.contains { $0.kind == "county" })
        #expect(r.features.contains { $0.kind == "function_zone" })
        // Ordered: county before platform before functional zone before clusters.
        let kinds = r.features.map(\.kind)
        if let c = kinds.firstIndex(of: "county"), let p = kinds.firstIndex(of: "platform"), let z = kinds.firstIndex(of: "function_zone") {
            #expect(c < p && p < z)
        }
        let platformRule = try #require(r.rules.first { $0.rule == "platform" })
        #expect(platformRule.effect == "pass")
        #expect(platformRule.citation.contains("000:336"))
        #expect(r.nearestPlatforms.isEmpty)
        #expect(r.rules.contains { $0.rule == "jurisdiction" && $0.effect == "pass" })
    }

    @Test("where: a point in a prohibited zone says no industry; outside platforms names the nearest")
    func prohibited() throws {
        let q = try SpatialQuery(plan: plan)
        let r = try q.place(try inside("fz-prohibited-nanhu"))
        #expect(r.rules.contains { $0.rule == "function-zone" && $0.effect == "fail" && $0.citation.contains("000:314") })
        if !r.features.contains(where: { $0.kind == "platform" }) {
            #expect(r.nearestPlatforms.count == 3)
            #expect(r.rules.contains { $0.rule == "platform" && $0.effect == "warn" })
        }
    }

    @Test("where: a point outside Jiaxing lists no county and fails jurisdiction")
    func outside() throws {
        let r = try SpatialQuery(plan: plan).place(Coordinate(120.1, 30.3))  // Hangzhou
        #expect(!r.inJiaxing)
        #expect(r.rules.contains { $0.rule == "jurisdiction" && $0.effect == "fail" })
    }

    @Test("query: bbox intersects; overlap areas and shares add up; within ⊆ intersects; covers")
    func query() throws {
        let q = try SpatialQuery(plan: plan)
        let box = Geometry.polygon(try CoordinateInput.bbox("120.70,30.70,120.80,30.78").polygon)
        let all = try q.query(box, layer: "platforms")
        #expect(!all.hits.isEmpty)
        #expect(all.hits.allSatisfy { $0.feature.layer == "platforms" })
        for h in all.hits {
            #expect(h.overlapMu <= h.featureAreaMu + 1e-3)
            #expect(h.overlapMu <= all.queryAreaMu + 1e-3)
            #expect(abs((h.shareOfQuery ?? 0) * all.queryAreaMu - h.overlapMu) < 0.5)
        }
        let within = try q.query(box, predicate: .within, layer: "platforms")
        #expect(Set(within.hits.map(\.feature.id)).isSubset(of: Set(all.hits.map(\.feature.id))))
        #expect(within.hits.allSatisfy { $0.shareOfFeature == 1 })
        // The box lies in Jiaxing: the city covers it, and the overlap is the whole box.
        let covers = try q.query(box, predicate: .covers, layer: "admin")
        let city = try #require(covers.hits.first { $0.feature.id == "city-330400" })
        #expect(city.shareOfQuery == 1)
    }

    @Test("query: a buffer grows the area; unknown layer is not found (exit 5); bad buffer is bad input")
    func bufferAndErrors() throws {
        let q = try SpatialQuery(plan: plan)
        let pt = Geometry.point(try inside("platform-prov-jxip"))
        let a = try q.query(pt, bufferM: 1000)
        // π r² = 3.1416 km² ≈ 4712 亩 (16 segments per quadrant: slightly less).
        #expect(a.queryAreaMu > 4690 && a.queryAreaMu < 4713, "\(a.queryAreaMu)")
        #expect(a.hits.contains { $0.feature.id == "platform-prov-jxip" })
        let p0 = try q.query(pt)
        #expect(p0.queryAreaMu == 0 && p0.hits.allSatisfy { $0.shareOfQuery == nil })
        #expect(throws: QueryError.notFound("unknown layer 'parcels' (layers: admin, layout, platforms, function_zones, clusters, land)")) {
            try q.query(pt, layer: "parcels")
        }
        do { _ = try q.query(pt, bufferM: -1); Issue.record("negative buffer accepted") } catch let e as QueryError { #expect(e.exitCode == 2) }
    }

    @Test("readGeometry refuses swapped coordinates and non-GeoJSON")
    func readGeometry() throws {
        let swapped = Data(#"{"type":"Point","coordinates":[30.7,120.7]}"#.utf8)
        #expect(throws: QueryError.self) { try SpatialQuery.readGeometry(swapped, label: "g.json") }
        #expect(throws: QueryError.self) { try SpatialQuery.readGeometry(Data("nope".utf8), label: "g.json") }
        let ok = Data(#"{"type":"Point","coordinates":[120.7,30.7]}"#.utf8)
        #expect(try SpatialQuery.readGeometry(ok, label: "g.json") == .point(Coordinate(120.7, 30.7)))
    }

    @Test("stats: tier totals against the 2015 targets of 000:492–540 (40/150/160/350 km²)")
    func stats() throws {
        let s = try SpatialQuery(plan: plan).stats()
        #expect(s.layers.map(\.layer) == plan.layers.map(\.name))
        let targets = Dictionary(uniqueKeysWithValues: s.tiers.map { ($0.key, $0.targetKm2) })
        #expect(targets["national"] == 40 && targets["provincial"] == 150 && targets["town_regional"] == 160 && targets["total"] == 350)
        let total = try #require(s.tiers.first { $0.key == "total" })
        #expect(total.citation == ["000:501", "000:508"])
        let parts = s.tiers.filter { ["national", "provincial", "town_regional"].contains($0.key) }
        #expect(total.areaMu <= parts.reduce(0) { $0 + $1.areaMu } + 1e-3, "union ≤ sum")
        #expect(abs(total.areaMu / 1500 - total.areaKm2) < 1e-3)
        // The admin layer's union is the city (the counties tile it).
        let admin = try #require(s.layers.first { $0.layer == "admin" })
        #expect(abs(admin.sumMu - 2 * admin.unionMu) / admin.unionMu < 1e-3)
        #expect(s.schematicNote.contains("Schematic"))
    }

    @Test("stats --by county: seven counties; each county's layers lie within its area")
    func statsByCounty() throws {
        let s = try SpatialQuery(plan: plan).stats(by: .county)
        #expect(s.rows.count == 7)
        for r in s.rows {
            let county = try #require(r.areasMu["county"])
            #expect((r.areasMu["platforms"] ?? 0) <= county + 1e-3)
            let zones = FunctionZoneCategory.allCases.reduce(0.0) { $0 + (r.areasMu["zone_\($1.rawValue)"] ?? 0) }
            #expect(abs(zones - county) / county < 0.01, "zones tile \(r.name): \(zones) vs \(county)")
        }
        #expect(try SpatialQuery(plan: plan).stats(by: .platform).rows.count == plan.features(kind: .platform).count)
        #expect(try SpatialQuery(plan: plan).stats(by: .zone).rows.count == plan.features(kind: .functionZone).count)
    }
}

import Foundation
import Testing
import ZoneGeometry
import ZonePlan
import ZoneVetting
@testable import ZoneQuery

@Suite("rule grid: what the rule pack does to the city")
struct RuleGridTests {
    static let coarse = GridSettings(industry: "C3971", spacingM: 5000)

    @Test("a coarse grid covers the city: cell centres inside it, cells × spacing² ≈ the city's area")
    func coverage() throws {
        let plan = Fixture.plan
        let m = try PlanarMeasurer()
        let cells = try RuleGrid.cells(plan: plan, settings: Self.coarse, measurer: m)
        #expect(cells.count > 100)
        let city = try m.engine.unaryUnion(plan.features(kind: .city).map { try m.project($0.geometry) })
        let cityM2 = try m.engine.area(city)
        let gridM2 = Double(cells.count) * 5000 * 5000
        #expect(abs(gridM2 - cityM2) / cityM2 < 0.1, "grid \(gridM2 / 1e6) km² vs city \(cityM2 / 1e6) km²")
        for c in cells {
            #expect(try m.engine.covers(city, .point(c.centre)))
            #expect(c.centre.x.truncatingRemainder(dividingBy: 5000) == 0 && c.centre.y.truncatingRemainder(dividingBy: 5000) == 0)
            // The lon/lat square is the projected one, back and forth within a millimetre.
            let back = try m.project(c.lonLat)
            #expect(abs(try m.engine.area(back) - Mu.toSquareMetres(50)) < 0.01)
        }
        #expect(cells.map(\.index) == Array(cells.indices))
    }

    @Test("shares per county add up to 1; counties add up to the city; workers do not change the result")
    func sharesAddUp() throws {
        let plan = Fixture.plan
        let cells = try RuleGrid.cells(plan: plan, settings: Self.coarse)
        let one = try RuleGrid.vet(cells, plan: plan, settings: Self.coarse, workers: 1)
        let (report, results) = try RuleGrid.run(plan: plan, settings: Self.coarse, workers: 2)
        #expect(results == one, "2 workers gave other results than 1")
        #expect(report.cells == cells.count)
        #expect(report.vettedCells + report.seaCells == report.cells)
        #expect(report.vettedCells > 0)
        for a in report.counties + [report.city] where a.landKm2 > 0 {
            let sum = RuleGrid.verdictOrder.reduce(0.0) { $0 + (a.verdicts[$1.rawValue] ?? 0) }
            #expect(abs(sum - 1) < 1e-9, "\(a.name): verdict shares add up to \(sum)")
            for (k, s) in a.rules {
                for x in [s.fail, s.warn, s.unverifiable] { #expect(x >= 0 && x <= 1 + 1e-12, "\(a.name) \(k)") }
            }
        }
        #expect(report.counties.count == plan.features(kind: .county).count)
        #expect(report.counties.allSatisfy { $0.cells > 0 }, "every county gets cells")
        #expect(report.counties.reduce(0) { $0 + $1.cells } == report.city.cells)
        let countyLand = report.counties.reduce(0.0) { $0 + $1.landKm2 }
        #expect(abs(countyLand - report.city.landKm2) < 1e-9)
        // A rule's city-wide share is the land-weighted mean of the counties'.
        for k in report.ruleKeys {
            let weighted = report.counties.reduce(0.0) { $0 + ($1.rules[k]?.warn ?? 0) * $1.landKm2 } / report.city.landKm2
            #expect(abs(weighted - (report.city.rules[k]?.warn ?? 0)) < 1e-9, "\(k)")
        }
        #expect(report.rulePackVersion == plan.rulePack.version && report.geodataVersion == plan.geodataVersion)
        // Robust facts: most of the city is outside the platforms, so the platform rule warns somewhere.
        #expect((report.city.rules["platform"]?.warn ?? 0) > 0.5)
    }

    @Test("a site in a prohibited zone is reject")
    func prohibitedIsReject() throws {
        let plan = Fixture.plan
        let m = try PlanarMeasurer()
        let zone = try #require(plan.features(kind: .functionZone).first { $0.category == .prohibited })
        let centre = try m.engine.pointOnSurface(m.project(zone.geometry))
        let settings = GridSettings(industry: "C3971", cellMu: 1, spacingM: 500)
        let h = settings.sideM / 2
        let square = Geometry.polygon(Polygon(exterior: [Coordinate(centre.x - h, centre.y - h), Coordinate(centre.x + h, centre.y - h),
                                                         Coordinate(centre.x + h, centre.y + h), Coordinate(centre.x - h, centre.y + h),
                                                         Coordinate(centre.x - h, centre.y - h)]))
        let cell = GridCell(index: 0, centre: centre, square: square, lonLat: try m.unproject(square))
        let r = try #require(try RuleGrid.vet([cell], plan: plan, settings: settings, workers: 1).first)
        #expect(r.verdict == .reject, "\(zone.id): \(String(describing: r.verdict)) fail \(r.failRules)")
        #expect(r.failRules.contains { $0.hasPrefix("function-zone") }, "fail rules: \(r.failRules)")
        #expect(r.landM2 > 0 && r.county != nil)
    }

    @Test("aggregation on a handmade input")
    func aggregation() throws {
        let sq = Geometry.polygon(Polygon(exterior: [Coordinate(120, 30), Coordinate(120.001, 30), Coordinate(120.001, 30.001), Coordinate(120, 30)]))
        func cell(_ i: Int, _ county: String?, _ land: Double, _ v: Verdict?, fail: [String] = [], warn: [String] = []) -> GridCellResult {
            GridCellResult(index: i, centre: Coordinate(Double(i), 0), lonLat: sq, county: county, landM2: land, verdict: v, failRules: fail, warnRules: warn)
        }
        let cells = [
            cell(0, "1", 100, .approve),
            cell(1, "1", 300, .reject, fail: ["b/x"], warn: ["a"]),
            cell(2, "2", 200, .conditional, warn: ["a"]),
            cell(3, nil, 0, nil),
            cell(4, "9", 400, .incomplete, warn: ["zz"]),
        ]
        let s = GridSettings(industry: "C3971", cellMu: 15, spacingM: 100)  // 15 亩 = 10000 m², each cell stands for 100×100 m
        let r = RuleGrid.aggregate(cells, settings: s, counties: [("1", "一县"), ("2", "二县"), ("3", "三县")], city: ("c", "市"),
                                   ruleOrder: ["a", "b"], weight: "land", industryName: nil, rulePackVersion: "r", geodataVersion: "g")
        #expect(r.cells == 5 && r.vettedCells == 4 && r.seaCells == 1)
        #expect(r.ruleKeys == ["a", "b/x", "zz"])
        #expect(r.counties.map(\.id) == ["1", "2", "3", "9"], "unlisted county gets its own row after the listed ones")
        let c1 = r.counties[0], c2 = r.counties[1], c3 = r.counties[2], city = r.city
        #expect(c1.cells == 2 && abs(c1.landKm2 - 400e-6) < 1e-15)
        #expect(abs(c1.representedKm2 - 400.0 / 10000 * 100 * 100 / 1e6) < 1e-15)
        #expect(c1.verdicts["approve"] == 0.25 && c1.verdicts["reject"] == 0.75 && c1.verdicts["conditional"] == 0)
        #expect(c1.rules["b/x"] == GridRuleShare(fail: 0.75, warn: 0, unverifiable: 0))
        #expect(c1.rules["a"]?.warn == 0.75 && c1.rules["zz"]?.warn == 0)
        #expect(c2.verdicts["conditional"] == 1 && c2.rules["a"]?.warn == 1)
        #expect(c3.cells == 0 && c3.landKm2 == 0 && c3.verdicts.values.allSatisfy { $0 == 0 })
        #expect(abs(city.landKm2 - 1000e-6) < 1e-15)
        #expect(city.verdicts["approve"] == 0.1 && city.verdicts["reject"] == 0.3)
        #expect(city.verdicts["conditional"] == 0.2 && city.verdicts["incomplete"] == 0.4)
        #expect(city.rules["a"]?.warn == 0.5 && city.rules["b/x"]?.fail == 0.3 && city.rules["zz"]?.warn == 0.4)
        #expect(r.everywhere.isEmpty)

        let all = RuleGrid.aggregate([cell(0, "1", 100, .conditional, warn: ["a"]), cell(1, "2", 50, .conditional, warn: ["a"])],
                                     settings: s, counties: [], city: ("c", "市"), ruleOrder: [], weight: "city",
                                     industryName: nil, rulePackVersion: "r", geodataVersion: "g")
        #expect(all.everywhere == ["a warn"])

        let text = RuleGrid.text(r)
        #expect(text.contains("rule pack r") && text.contains("GeoData g") && text.contains("b/x") && text.contains("75.0%"))
        let md = RuleGrid.markdown(r)
        #expect(md.hasPrefix("### C3971"))
        #expect(md.contains("| **市** |") && md.contains("| `b/x` | `fail` |"))
    }

    @Test("GeoJSON of the cells: sea cells left out, properties as comma-separated strings, counter-clockwise rings")
    func geojson() throws {
        let sq = Geometry.polygon(Polygon(exterior: [Coordinate(120, 30), Coordinate(120, 30.001), Coordinate(120.001, 30.001), Coordinate(120.001, 30), Coordinate(120, 30)]))
        let cells = [
            GridCellResult(index: 0, centre: Coordinate(0, 0), lonLat: sq, county: "330402", landM2: 2000, verdict: .reject, failRules: ["a", "b/c"], warnRules: ["d"]),
            GridCellResult(index: 1, centre: Coordinate(0, 0), lonLat: sq, county: nil, landM2: 0, verdict: nil),
        ]
        let data = RuleGrid.geojson(cells, settings: GridSettings(industry: "C1713"), countyNames: ["330402": "南湖区"])
        let root = try JSONValue.parse(data)
        #expect(root["crs"] == nil)
        let fs = try #require(root["features"]?.arrayValue)
        #expect(fs.count == 1)
        let p = fs[0]["properties"]
        #expect(p?["verdict"]?.stringValue == "reject")
        #expect(p?["fail_rules"]?.stringValue == "a,b/c" && p?["warn_rules"]?.stringValue == "d")
        #expect(p?["county"]?.stringValue == "330402" && p?["county_name"]?.stringValue == "南湖区")
        #expect(p?["industry"]?.stringValue == "C1713" && p?["land_mu"]?.doubleValue == 3)
        let ring = try #require(fs[0]["geometry"]?["coordinates"]?.arrayValue?.first?.arrayValue)
        let coords = ring.compactMap { c -> Coordinate? in
            guard let a = c.arrayValue, a.count == 2, let x = a[0].doubleValue, let y = a[1].doubleValue else { return nil }
            return Coordinate(x, y)
        }
        #expect(coords.count == 5 && Winding.isCounterClockwise(coords))
    }
}

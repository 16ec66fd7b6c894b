import Foundation
import Testing
import ZoneGeometry
@testable import ZonePlan

/// A feature is "in" a county when it covers more than this much of it (1 ha, on EPSG:4549);
/// the same tolerance as scripts/check_geodata.py (COUNTY_TOL_KM2 = 0.01).
let countyToleranceM2 = 10_000.0

/// GeoData's `county` property against the geometry, and the Binhai / bay-belt / land placement
/// (000:282, 000:296, 000:298). Uses `realPlan` (GeoDataTests.swift) and GEOS on EPSG:4549.
@Suite struct GeoDataCountyTests {
    /// Counties (adcode → geometry on EPSG:4549).
    static func projectedCounties(_ m: PlanarMeasurer) throws -> [(String, Geometry)] {
        try realPlan.features(kind: .county).map { ($0.counties[0], try m.project($0.geometry)) }
    }

    static func feature(_ id: String) -> PlanFeature {
        realPlan.allFeatures.first { $0.id == id }!
    }

    @Test func everyFeatureNamesExactlyTheCountiesItOverlaps() throws {
        let m = try PlanarMeasurer()
        let counties = try Self.projectedCounties(m)
        #expect(counties.count == 7)
        var checked = 0
        for f in realPlan.allFeatures where f.kind != .city && f.kind != .county {
            let g = try m.project(f.geometry)
            var got: [String] = []
            for (code, cg) in counties where try m.engine.area(m.engine.intersection(g, cg)) > countyToleranceM2 {
                got.append(code)
            }
            #expect(Set(got) == Set(f.counties), "\(f.id): county \(f.counties.sorted()) but overlaps \(got.sorted())")
            checked += 1
        }
        #expect(checked >= 90)
    }

    @Test func binhaiClustersRunEastToWestDushanZhapuDaqiao() throws {
        let m = try PlanarMeasurer()
        let ids = ["layout-binhai-dushan", "layout-binhai-zhapu", "layout-binhai-daqiao"]
        let xs = try ids.map { try m.engine.centroid(Self.feature($0).geometry).x }
        #expect(xs[0] > xs[1] && xs[1] > xs[2], "centroid longitudes \(xs)")
        // Each cluster contains its named place (anchor_lonlat).
        for id in ids {
            let f = Self.feature(id)
            let a = f.properties["anchor_lonlat"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(a.count == 2, "\(id) anchor")
            if a.count == 2 {
                #expect(try m.engine.contains(f.geometry, .point(Coordinate(a[0], a[1]))), "\(id) does not contain its anchor")
            }
        }
    }

    @Test func binhaiIsInPinghuAndHaiyanOnLandAndTheBayBeltSpansThreeCounties() throws {
        let m = try PlanarMeasurer()
        let binhai = Self.feature("layout-district-binhai")
        #expect(Set(binhai.counties).isSubset(of: ["330482", "330424"]))
        #expect(!binhai.counties.contains("330481"))
        let bh = try m.project(binhai.geometry)
        let counties = Dictionary(uniqueKeysWithValues: try Self.projectedCounties(m))
        #expect(try m.engine.area(m.engine.intersection(bh, counties["330481"]!)) < countyToleranceM2)
        let pinghuHaiyan = try m.engine.union(counties["330482"]!, counties["330424"]!)
        let bhArea = try m.engine.area(bh)
        #expect(try m.engine.area(m.engine.intersection(bh, pinghuHaiyan)) / bhArea > 0.999)

        let land = realPlan.features(kind: .land)
        #expect(land.count == 7)
        let landU = try m.engine.unaryUnion(land.map { try m.project($0.geometry) })
        #expect(try m.engine.area(m.engine.intersection(bh, landU)) / bhArea >= 0.99, "滨海新区 strip not on land")

        let belt = try m.project(Self.feature("layout-belt-bay").geometry)
        for c in ["330481", "330424", "330482"] {
            #expect(try m.engine.area(m.engine.intersection(belt, counties[c]!)) > 10e6, "bay belt misses \(c)")
        }
    }

    @Test func landIsPartOfEachCountyAndHaiyanIsMostlySea() throws {
        let m = try PlanarMeasurer()
        for f in realPlan.features(kind: .land) {
            #expect(f.id == "land-\(f.counties[0])")
            #expect(!f.schematic)
            let county = realPlan.features(kind: .county).first { $0.counties == f.counties }!
            let la = try m.areaSquareMetres(lonLat: f.geometry), ca = try m.areaSquareMetres(lonLat: county.geometry)
            #expect(la <= ca * 1.0001, "\(f.id)")
            if f.id == "land-330424" {
                // 海盐's polygon (945 km²) runs far into the bay; its land is ~500-600 km² (yearbook ~585).
                #expect((450e6...620e6).contains(la), "海盐 land \(la / 1e6) km²")
            }
        }
    }
}

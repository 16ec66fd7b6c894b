import Foundation
import Testing
@testable import ZoneGeometry

@Suite struct ProjectionTests {
    /// Jiaxing sample points (lon, lat): city, Jiashan, Pinghu, Haiyan, Haining, Tongxiang, Zhapu.
    static let jiaxing: [Coordinate] = [
        Coordinate(120.755, 30.746), Coordinate(120.92, 30.84), Coordinate(121.015, 30.70),
        Coordinate(120.945, 30.525), Coordinate(120.68, 30.51), Coordinate(120.565, 30.63), Coordinate(121.09, 30.60),
    ]

    @Test func centralMeridianHasFalseEasting500000() throws {
        let t = try CoordinateTransformer(from: .cgcs2000, to: .gaussKruger120)
        let p = try t.transform(Coordinate(120.0, 30.75))
        #expect(abs(p.x - 500_000) < 1e-6)
        // Meridian arc length to 30.75°N on CGCS2000 ≈ 3 403 km.
        #expect(p.y > 3_400_000 && p.y < 3_410_000)
        let equator = try t.transform(Coordinate(120.0, 0.0))
        #expect(abs(equator.x - 500_000) < 1e-6 && abs(equator.y) < 1e-6)
    }

    @Test func zone40EastingHasZonePrefix() throws {
        let gk = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        let z40 = try CoordinateTransformer(from: .wgs84, to: .gaussKrugerZone40)
        for c in Self.jiaxing {
            let a = try gk.transform(c), b = try z40.transform(c)
            #expect(abs(b.x - (a.x + 40_000_000)) < 1e-6)
            #expect(abs(b.y - a.y) < 1e-6)
            #expect(Int(b.x / 1_000_000) == 40)
        }
    }

    @Test func roundTripUnderOneMillimetre() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        for c in Self.jiaxing {
            let p = try t.transform(c)
            // Jiaxing lies east of 120°E: easting > 500 km, in the ~530–620 km band.
            #expect(p.x > 500_000 && p.x < 650_000)
            let back = try t.inverse(p)
            let again = try t.transform(back)
            #expect(hypot(again.x - p.x, again.y - p.y) < 0.001)
            // 1 mm ≈ 1e-8° of latitude.
            #expect(abs(back.x - c.x) < 1e-8 && abs(back.y - c.y) < 1e-8)
        }
    }

    @Test func squareOf100MetresIs15Mu() throws {
        let engine = GeometryEngine()
        let sq = Geometry.polygon(square(560_000, 3_400_000, 100))
        let m2 = try engine.area(sq)
        #expect(m2 == 10_000)
        #expect(Mu.fromSquareMetres(m2) == 15)
        #expect(Mu.toSquareMetres(15) == 10_000)
        #expect(abs(Mu.squareMetres - 666.6666666666666) < 1e-12)
    }

    @Test func planarMeasurerAreaOfUnprojectedSquare() throws {
        let m = try PlanarMeasurer()
        for origin in [Coordinate(560_000, 3_400_000), Coordinate(595_000, 3_390_000)] {
            let gk = Geometry.polygon(square(origin.x, origin.y, 100))
            let lonLat = try m.unproject(gk)
            let env = try #require(lonLat.envelope)
            #expect(env.minX > 120.5 && env.maxX < 121.1 && env.minY > 30.6 && env.maxY < 30.8)
            #expect(abs(try m.areaMu(lonLat: lonLat) - 15.0) < 1e-6)
            #expect(abs(try m.areaSquareMetres(lonLat: lonLat) - 10_000) < 1e-3)
            let back = try m.project(lonLat)
            for (a, b) in zip(back.allCoordinates, gk.allCoordinates) { #expect(hypot(a.x - b.x, a.y - b.y) < 0.001) }
        }
    }

    @Test func geographicCRSsAreLonLat() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .cgcs2000)
        let c = try t.transform(Coordinate(120.755, 30.746))
        // WGS 84 and CGCS2000 agree to well under a metre (ballpark / null transformation).
        #expect(abs(c.x - 120.755) < 1e-5 && abs(c.y - 30.746) < 1e-5)
    }

    @Test func invalidCoordinateThrowsPROJError() throws {
        let t = try CoordinateTransformer(from: .gaussKruger120, to: .wgs84)
        #expect(throws: PROJError.self) { try t.transform(Coordinate(.nan, 3_400_000)) }
        let f = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        #expect(throws: PROJError.self) { try f.transform(Coordinate(120, 95)) }
    }

    @Test func crsParsing() throws {
        #expect(try CRS.parse("EPSG:4549") == .gaussKruger120)
        #expect(try CRS.parse("epsg:4528") == .gaussKrugerZone40)
        #expect(try CRS.parse(" 4326 ") == .wgs84)
        #expect(try CRS.parse("urn:ogc:def:crs:EPSG::4490") == .cgcs2000)
        #expect(try CRS.parse("OGC:CRS84") == .wgs84)
        #expect(throws: CRSError.self) { try CRS.parse("EPSG:3857") }
        #expect(throws: CRSError.self) { try CRS.parse("") }
        let e = CRSError(input: "EPSG:3857")
        #expect(e.description.contains("EPSG:3857") && e.description.contains("EPSG:4549"))
    }

    @Test func transformGeometryKeepsStructure() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        let g = Geometry.geometryCollection([.point(Coordinate(120.8, 30.7)),
                                             .polygon(Polygon(exterior: [Coordinate(120.8, 30.7), Coordinate(120.81, 30.7),
                                                                         Coordinate(120.81, 30.71), Coordinate(120.8, 30.7)]))])
        let p = try t.transform(g)
        #expect(p.typeName == "GeometryCollection" && p.coordinateCount == 5)
        let back = try t.inverse(p)
        for (a, b) in zip(back.allCoordinates, g.allCoordinates) { #expect(abs(a.x - b.x) < 1e-9 && abs(a.y - b.y) < 1e-9) }
    }
}

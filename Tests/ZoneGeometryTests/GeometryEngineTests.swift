import Foundation
import Testing
@testable import ZoneGeometry

@Suite struct GeometryEngineTests {
    let engine = GeometryEngine()

    @Test func bowTieIsInvalidWithSelfIntersection() throws {
        let bowTie = Geometry.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(10, 10), Coordinate(10, 0),
                                                         Coordinate(0, 10), Coordinate(0, 0)]))
        let r = try engine.validity(bowTie)
        #expect(!r.isValid)
        #expect(r.reason.contains("Self-intersection"))
        let loc = try #require(r.location)
        #expect(abs(loc.x - 5) < 1e-9 && abs(loc.y - 5) < 1e-9)

        let ok = try engine.validity(.polygon(square(0, 0, 10)))
        #expect(ok.isValid && ok.location == nil)
        // makeValid splits the bow-tie into two triangles of 25 each.
        let fixed = try engine.makeValid(bowTie)
        #expect(try engine.isValid(fixed))
        #expect(abs(try engine.area(fixed) - 50) < 1e-9)
    }

    @Test func coversVersusContainsOnTheBoundary() throws {
        let a = Geometry.polygon(square(0, 0, 10))
        let edgePoint = Geometry.point(Coordinate(10, 5))
        #expect(try engine.covers(a, edgePoint))
        #expect(try !engine.contains(a, edgePoint))
        #expect(try engine.isCovered(edgePoint, by: a))
        #expect(try engine.intersects(a, edgePoint))

        // A polygon touching the edge from inside: covered and contained; the outside neighbour only touches.
        let inner = Geometry.polygon(square(5, 0, 5))
        #expect(try engine.covers(a, inner))
        #expect(try engine.contains(a, inner))
        let neighbour = Geometry.polygon(square(10, 0, 5))
        #expect(try engine.touches(a, neighbour))
        #expect(try engine.intersects(a, neighbour))
        #expect(try !engine.covers(a, neighbour))
        #expect(try engine.area(engine.intersection(a, neighbour)) == 0)
    }

    @Test func overlayAreas() throws {
        let a = Geometry.polygon(square(0, 0, 10)), b = Geometry.polygon(square(5, 5, 10))
        #expect(try engine.area(engine.intersection(a, b)) == 25)
        #expect(try engine.area(engine.union(a, b)) == 175)
        #expect(try engine.area(engine.difference(a, b)) == 75)
        #expect(try engine.area(engine.symmetricDifference(a, b)) == 150)
        let u = try engine.unaryUnion([a, b, .polygon(square(100, 100, 1))])
        #expect(u.typeName == "MultiPolygon" && u.polygons.count == 2)
        #expect(try engine.area(u) == 176)
        #expect(try engine.unaryUnion([]).isEmpty)
        #expect(try engine.length(a) == 40)
        #expect(try engine.distance(a, .point(Coordinate(13, 14))) == 5)
        // Disjoint intersection is an empty polygonal result.
        let none = try engine.intersection(a, .polygon(square(50, 50, 1)))
        #expect(none.isEmpty)
    }

    @Test func bufferOfPointAndPolygon() throws {
        let r = 10.0
        let disc = try engine.buffer(.point(Coordinate(0, 0)), distance: r, quadrantSegments: 8)
        // A regular 32-gon inscribed in the circle.
        let expected = 0.5 * 32 * r * r * sin(2 * Double.pi / 32)
        #expect(abs(try engine.area(disc) - expected) < 1e-9)
        #expect(disc.polygons.first?.exterior.count == 33)
        let sq = Geometry.polygon(square(0, 0, 10))
        #expect(abs(try engine.area(engine.buffer(sq, distance: -2)) - 36) < 1e-9)
        let grown = try engine.area(engine.buffer(sq, distance: 1, quadrantSegments: 64))
        #expect(abs(grown - (100 + 40 + Double.pi)) < 0.01)
        #expect(throws: GeometryError.self) { try engine.buffer(sq, distance: .infinity) }
    }

    @Test func centroidPointOnSurfaceSimplify() throws {
        #expect(try engine.centroid(.polygon(square(0, 0, 10))) == Coordinate(5, 5))
        // U shape: centroid falls outside, pointOnSurface never does.
        let u = Geometry.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(30, 0), Coordinate(30, 30), Coordinate(20, 30),
                                                    Coordinate(20, 10), Coordinate(10, 10), Coordinate(10, 30), Coordinate(0, 30),
                                                    Coordinate(0, 0)]))
        let c = try engine.centroid(u)
        #expect(try !engine.intersects(u, .point(c)))
        #expect(try engine.covers(u, .point(engine.pointOnSurface(u))))
        #expect(throws: GeometryError.self) { try engine.centroid(.multiPolygon([])) }

        let wiggly = Geometry.lineString((0...100).map { Coordinate(Double($0), $0 % 2 == 0 ? 0 : 0.01) })
        let s = try engine.simplify(wiggly, tolerance: 0.1)
        #expect(s == .lineString([Coordinate(0, 0), Coordinate(100, 0)]))
    }

    @Test func holesAreKept() throws {
        let donut = Geometry.polygon(Polygon(exterior: square(0, 0, 10).exterior, holes: [square(2, 2, 2).exterior]))
        #expect(try engine.area(donut) == 96)
        #expect(try !engine.covers(donut, .point(Coordinate(3, 3))))
        #expect(donut.coordinateCount == 10)
        #expect(try engine.geometry(wkb: engine.wkb(donut)) == donut)
    }

    @Test func wktRoundTrip() throws {
        let gs: [Geometry] = [
            .point(Coordinate(120.5, 30.25)),
            .lineString([Coordinate(0, 0), Coordinate(1, 1.5)]),
            .polygon(square(0, 0, 10)),
            .multiPolygon([square(0, 0, 1), square(5, 5, 1)]),
            .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]),
            .multiLineString([[Coordinate(0, 0), Coordinate(1, 0)], [Coordinate(2, 2), Coordinate(3, 3)]]),
            .geometryCollection([.point(Coordinate(1, 1)), .polygon(square(0, 0, 2))]),
            .lineString([]), .multiPolygon([]), .geometryCollection([]), .polygon(Polygon(exterior: [])),
        ]
        for g in gs {
            let text = try engine.wkt(g)
            #expect(try engine.geometry(wkt: text) == g, "\(text)")
        }
        #expect(try engine.wkt(.polygon(square(0, 0, 10))) == "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))")
        #expect(try engine.wkt(.point(Coordinate(1.23456789, 2)), decimals: 3) == "POINT (1.235 2)")
        #expect(try engine.geometry(wkt: "POINT Z (1 2 3)") == .point(Coordinate(1, 2)))
        #expect(try engine.geometry(wkt: "POINT EMPTY") == .multiPoint([]))
    }

    @Test func wkbRoundTripIsoLittleEndian() throws {
        let gs: [Geometry] = [.point(Coordinate(120.123456789, 30.987654321)), .polygon(square(0, 0, 10)),
                              .multiPolygon([square(0, 0, 1), square(5, 5, 1)]),
                              .geometryCollection([.lineString([Coordinate(0, 0), Coordinate(1, 1)])])]
        for g in gs {
            let bytes = try engine.wkb(g)
            #expect(bytes.first == 1)  // NDR
            #expect(try engine.geometry(wkb: bytes) == g)
        }
        let point = try engine.wkb(.point(Coordinate(1, 2)))
        #expect(point.count == 21 && Array(point[1...4]) == [1, 0, 0, 0])
    }

    @Test func inputErrorsAreNotGEOSErrors() throws {
        let e = #expect(throws: WKTError.self) { try engine.geometry(wkt: "POLYGON ((0 0, 1 0") }
        #expect(e?.description.contains("POLYGON") == true)
        #expect(throws: WKBError.self) { try engine.geometry(wkb: [1, 3, 0]) }
        let unclosed = Geometry.multiPolygon([square(0, 0, 1),
                                              Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1)])])
        let g = #expect(throws: GeometryError.self) { try engine.area(unclosed) }
        #expect(g?.path == "[1].exterior")
        #expect(g?.reason.contains("not closed") == true)
        let short = Geometry.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(0, 0)]))
        #expect(throws: GeometryError.self) { try engine.area(short) }
        #expect(throws: GeometryError.self) { try engine.area(.point(Coordinate(.nan, 0))) }
        #expect(throws: GeometryError.self) { try engine.length(.lineString([Coordinate(0, 0)])) }
    }

    @Test func preparedGeometryAgreesWithPlainPredicates() throws {
        let zone = Geometry.polygon(Polygon(exterior: [Coordinate(100, 100), Coordinate(800, 150), Coordinate(700, 800),
                                                       Coordinate(150, 700), Coordinate(100, 100)],
                                            holes: [square(400, 400, 100).exterior]))
        let prepared = try engine.prepare(zone)
        #expect(prepared.geometry == zone)
        let items = randomGeometries(count: 400, seed: 42)
        var counts = (covers: 0, intersects: 0)
        for g in items {
            let cov = try engine.covers(zone, g), inter = try engine.intersects(zone, g)
            #expect(try prepared.covers(g) == cov)
            #expect(try prepared.intersects(g) == inter)
            #expect(try prepared.contains(g) == engine.contains(zone, g))
            #expect(try prepared.isCovered(by: g) == engine.isCovered(zone, by: g))
            if try prepared.containsProperly(g) { #expect(cov) }
            counts.covers += cov ? 1 : 0
            counts.intersects += inter ? 1 : 0
        }
        // The sample exercises both outcomes.
        #expect(counts.covers > 20 && counts.intersects > counts.covers && counts.intersects < 400)
    }
}

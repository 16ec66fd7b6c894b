import Foundation
import Testing
@testable import ZoneGeometry

@Suite struct GeometryValueTests {
    @Test func envelopeAndCounts() {
        let g = Geometry.geometryCollection([.point(Coordinate(-1, 2)), .polygon(square(0, 0, 10))])
        #expect(g.envelope == Envelope(minX: -1, minY: 0, maxX: 10, maxY: 10))
        #expect(g.coordinateCount == 6)
        #expect(g.typeName == "GeometryCollection")
        #expect(!g.isPolygonal)
        #expect(g.polygons == [square(0, 0, 10)])
        #expect(Geometry.geometryCollection([.polygon(square(0, 0, 1)), .multiPolygon([square(2, 2, 1)])]).isPolygonal)
        #expect(Geometry.multiPolygon([]).envelope == nil)
        let e = Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)
        #expect(e.intersects(Envelope(minX: 1, minY: 1, maxX: 2, maxY: 2)))
        #expect(!e.intersects(Envelope(minX: 1.01, minY: 0, maxX: 2, maxY: 1)))
        #expect(e.contains(Coordinate(1, 0.5)) && !e.contains(Coordinate(1.1, 0.5)))
        #expect(e.union(Envelope(minX: 5, minY: -1, maxX: 6, maxY: 0)) == Envelope(minX: 0, minY: -1, maxX: 6, maxY: 1))
        #expect(e.expanded(by: 1) == Envelope(minX: -1, minY: -1, maxX: 2, maxY: 2))
    }

    @Test func mapCoordinatesAndWinding() throws {
        let g = Geometry.polygon(square(0, 0, 2))
        #expect(g.mapCoordinates { Coordinate($0.x * 2, $0.y) }.envelope?.maxX == 4)
        struct Stop: Error {}
        #expect(throws: Stop.self) { try g.mapCoordinates { _ in throw Stop() } }
        let ccw = square(0, 0, 2).exterior
        #expect(Winding.signedArea(ccw) == 4)
        #expect(Winding.signedArea(ccw.reversed()) == -4)
        let cwDonut = Polygon(exterior: ccw.reversed(), holes: [square(0.5, 0.5, 1).exterior])
        let fixed = try #require(Winding.rfc7946(.polygon(cwDonut)).polygons.first)
        #expect(Winding.signedArea(fixed.exterior) > 0 && Winding.signedArea(fixed.holes[0]) < 0)
        #expect(Polygon.closing([Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1)]).count == 4)
    }

    @Test func errorsDescribeThemselvesInOneLine() {
        let errors: [any Error & CustomStringConvertible] = [
            GEOSError(function: "GEOSArea_r", message: "boom"),
            PROJError(function: "proj_trans", code: 2049, message: "Invalid coordinate"),
            GeoJSONError(path: "features[2].geometry.coordinates[0][5]", reason: "non-finite number"),
            GeometryError(path: "[0].exterior", reason: "ring is not closed"),
            WKTError(reason: "ParseException", text: "POLYGON (("),
        ]
        for e in errors { #expect(!e.description.contains("\n") && !e.description.isEmpty) }
        #expect(errors[2].description == "GeoJSON error at features[2].geometry.coordinates[0][5]: non-finite number")
    }
}

import Foundation
import Testing
import ZoneGeometry
@testable import ZoneQuery

@Suite struct BaobuExportTests {
    /// Parcels written as 报部 TXT and read back land on the same ground to the millimetre.
    @Test func parcelsRoundTripThroughBaobuTXT() throws {
        let square = Geometry.polygon(Polygon(exterior: [
            Coordinate(120.72, 30.72), Coordinate(120.723, 30.72), Coordinate(120.723, 30.7225),
            Coordinate(120.72, 30.7225), Coordinate(120.72, 30.72)]))
        let withHole = Geometry.polygon(Polygon(
            exterior: [Coordinate(120.73, 30.73), Coordinate(120.735, 30.73), Coordinate(120.735, 30.735), Coordinate(120.73, 30.735), Coordinate(120.73, 30.73)],
            holes: [[Coordinate(120.731, 30.731), Coordinate(120.731, 30.732), Coordinate(120.732, 30.732), Coordinate(120.732, 30.731), Coordinate(120.731, 30.731)]]))
        let features = [
            Feature(id: .string("parcel-A1"), geometry: square, properties: ["parcel_number": .string("A1"), "name": .string("地块一"), "land_use": .string("工业用地")]),
            Feature(id: .string("parcel-A2"), geometry: withHole, properties: ["parcel_number": .string("A2"), "name": .string("地块二")]),
        ]
        let txt = try BaobuExport.data(features)
        let file = try BaobuTXT.read(txt, fileName: "export.txt")
        #expect(file.parcels.map(\.number) == ["A1", "A2"])
        #expect(file.parcels[0].name == "地块一" && file.parcels[0].use == "工业用地")
        #expect(file.parcels[1].rings.count == 2 && file.parcels[1].rings[1].isHole)
        let toGK = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        for (f, p) in zip(features, file.parcels) {
            let want = try toGK.transform(f.geometry!).polygons.flatMap { [$0.exterior] + $0.holes }.flatMap { $0 }
            let got = p.geometryGK.polygons.flatMap { [$0.exterior] + $0.holes }.flatMap { $0 }
            #expect(want.count == got.count)
            for (a, b) in zip(want, got) {
                #expect(abs(a.x - b.x) <= 0.0005 && abs(a.y - b.y) <= 0.0005, "\(a) vs \(b)")
            }
        }
        // The text is what the Ministry format says: zone 40 prefix on the easting, X = northing first.
        let text = String(decoding: txt, as: UTF8.self)
        #expect(text.contains("[属性描述]") && text.contains("[地块坐标]") && text.contains("带号=40"))
        let firstPoint = text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("J1,") }!
        let parts = firstPoint.split(separator: ",")
        #expect(Double(parts[2])! > 3_000_000 && Double(parts[3])! > 40_000_000)
    }

    @Test func nothingPolygonalIsRefused() {
        #expect(throws: QueryError.self) {
            try BaobuExport.data([Feature(id: nil, geometry: .point(Coordinate(120.7, 30.7)), properties: [:])])
        }
    }
}

import Foundation
import Testing
import ZoneGeometry
@testable import ZoneBench

@Suite("WKB file reader")
struct WKBTests {
    let polyWithHole = Geometry.polygon(Polygon(
        exterior: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)],
        holes: [[Coordinate(2, 2), Coordinate(2, 4), Coordinate(4, 4), Coordinate(2, 2)]]))
    let multi = Geometry.multiPolygon([
        Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]),
        Polygon(exterior: [Coordinate(5, 5), Coordinate(6, 5), Coordinate(6, 6), Coordinate(5, 5)]),
    ])

    func file(_ blobs: [[UInt8]]) -> [UInt8] {
        func u32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).littleEndian) { Array($0) } }
        return u32(blobs.count) + blobs.flatMap { u32($0.count) + $0 }
    }

    @Test func roundTripThroughGEOSWriter() throws {
        let engine = GeometryEngine()
        let bytes = file([try engine.wkb(polyWithHole), try engine.wkb(multi)])
        let set = try WKBFile.parse(Data(bytes))
        #expect(set.count == 2)
        #expect(set.geometry(0) == polyWithHole)
        #expect(set.geometry(1) == multi)
        // GEOS reads back what we read.
        #expect(try engine.geometry(wkb: try engine.wkb(set.geometry(1))) == multi)
    }

    @Test func rejectsEveryTruncation() throws {
        let engine = GeometryEngine()
        let bytes = file([try engine.wkb(polyWithHole), try engine.wkb(multi)])
        for n in 0..<bytes.count {
            #expect(throws: BenchInputError.self, "prefix of \(n) bytes") { try WKBFile.parse(Data(bytes[0..<n])) }
        }
        var one = PolygonSet()
        let blob = try engine.wkb(multi)
        for n in 0..<blob.count {
            #expect(throws: BenchInputError.self) { try WKBFile.parseGeometry(Array(blob[0..<n]), into: &one) }
        }
    }

    @Test func rejectsBadInput() throws {
        let engine = GeometryEngine()
        let poly = try engine.wkb(polyWithHole)
        // Not a polygon.
        #expect(throws: BenchInputError.self) { try WKBFile.parse(Data(file([try engine.wkb(.point(Coordinate(1, 2)))]))) }
        // Record length longer than the geometry: bytes left over.
        #expect(throws: BenchInputError.self) { try WKBFile.parse(Data(file([poly + [0, 0]]))) }
        // Trailing bytes after the last record.
        #expect(throws: BenchInputError.self) { try WKBFile.parse(Data(file([poly]) + [1])) }
        // Huge counts.
        #expect(throws: BenchInputError.self) { try WKBFile.parse(Data([0xff, 0xff, 0xff, 0x7f])) }
        // Unclosed ring.
        var open = poly
        open[open.count - 1] ^= 0x40
        #expect(throws: BenchInputError.self) { try WKBFile.parse(Data(file([open]))) }
    }

    @Test func bigEndianAndZ() throws {
        // POLYGON Z, big endian (EWKB Z flag), one ring of 4 points.
        var b: [UInt8] = [0]
        func be32(_ v: UInt32) { b += withUnsafeBytes(of: v.bigEndian) { Array($0) } }
        func be64(_ v: Double) { b += withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        be32(0x8000_0003); be32(1); be32(4)
        for (x, y) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)] { be64(x); be64(y); be64(7) }
        var set = PolygonSet()
        try WKBFile.parseGeometry(b, into: &set)
        #expect(set.geometry(0) == .polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(0, 1), Coordinate(0, 0)])))
    }
}

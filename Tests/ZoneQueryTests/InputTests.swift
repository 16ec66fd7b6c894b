import Foundation
import Testing
import ZoneGeometry
@testable import ZoneQuery

@Suite("Coordinate, CRS and bbox input")
struct InputTests {
    func badInput(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch let e as QueryError {
            #expect(e.exitCode == 2, "\(e) should be bad input")
            #expect(!e.description.contains("\n"), "one line: \(e)")
            return e.description
        } catch { Issue.record("unexpected \(error)"); return nil }
    }

    @Test("lon/lat in WGS 84 passes through unchanged")
    func wgs84() throws {
        let c = try CoordinateInput.lonLat(x: 120.75, y: 30.75, crs: .wgs84)
        #expect(c == Coordinate(120.75, 30.75))
    }

    @Test("swapped, out-of-range and far-away coordinates are refused with one line")
    func badPoints() {
        #expect(badInput { try CoordinateInput.lonLat(x: 30.75, y: 120.75, crs: .wgs84) }?.contains("swapped") == true)
        #expect(badInput { try CoordinateInput.lonLat(x: 200, y: 30, crs: .wgs84) }?.contains("out of range") == true)
        #expect(badInput { try CoordinateInput.lonLat(x: 0, y: 0, crs: .wgs84) }?.contains("nowhere near") == true)
        #expect(badInput { try CoordinateInput.lonLat(x: 120.75, y: 30.75, crs: .gaussKruger120) }?.contains("look like degrees") == true)
        #expect(badInput { try CoordinateInput.number("abc", name: "x") }?.contains("not a number") == true)
    }

    @Test("unknown CRS is bad input; gcj02 and EPSG spellings are accepted")
    func crs() throws {
        #expect(try InputCRS.parse("gcj02") == .gcj02)
        #expect(try InputCRS.parse("GCJ-02") == .gcj02)
        #expect(try InputCRS.parse("EPSG:4549") == .gaussKruger120)
        #expect(try InputCRS.parse("4528") == .gaussKrugerZone40)
        #expect(badInput { try InputCRS.parse("EPSG:3857") }?.contains("unknown CRS") == true)
    }

    @Test("a GCJ-02 point read off Amap is converted back to WGS 84 (inverse of the forward formula)")
    func gcj02() throws {
        let wgs = Coordinate(120.755, 30.745)
        let amap = GCJ02.fromWGS84(wgs)
        #expect(abs(amap.x - wgs.x) > 1e-4, "GCJ-02 is shifted by hundreds of metres here")
        let back = try CoordinateInput.lonLat(x: amap.x, y: amap.y, crs: .gcj02)
        #expect(abs(back.x - wgs.x) < 1e-9 && abs(back.y - wgs.y) < 1e-9)
    }

    @Test("EPSG:4549 metres are converted to lon/lat; a zone-prefixed easting gets a hint")
    func projected() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        let xy = try t.transform(Coordinate(120.75, 30.75))
        let c = try CoordinateInput.lonLat(x: xy.x, y: xy.y, crs: .gaussKruger120)
        #expect(abs(c.x - 120.75) < 1e-8 && abs(c.y - 30.75) < 1e-8)
        let hint = badInput { try CoordinateInput.lonLat(x: 40_000_000 + xy.x, y: xy.y, crs: .gaussKruger120) }
        #expect(hint?.contains("EPSG:4528") == true, "\(hint ?? "")")
    }

    @Test("bbox: W,S,E,N parsed; malformed, empty, inverted boxes refused")
    func bbox() throws {
        let e = try CoordinateInput.bbox("120.7,30.7,120.8,30.8")
        #expect(e == Envelope(minX: 120.7, minY: 30.7, maxX: 120.8, maxY: 30.8))
        #expect(badInput { try CoordinateInput.bbox("120.8,30.7,120.7,30.8") }?.contains("west 120.8 > east 120.7") == true)
        #expect(badInput { try CoordinateInput.bbox("120.7,30.8,120.8,30.7") }?.contains("south") == true)
        #expect(badInput { try CoordinateInput.bbox("120.7,30.7,120.7,30.8") }?.contains("empty") == true)
        #expect(badInput { try CoordinateInput.bbox("120.7,30.7,120.8") }?.contains("needs 4 numbers") == true)
        #expect(badInput { try CoordinateInput.bbox("30.7,120.7,30.8,120.8") }?.contains("swapped") == true)
        #expect(badInput { try CoordinateInput.bbox("120.7,x,120.8,30.8") }?.contains("south") == true)
    }
}

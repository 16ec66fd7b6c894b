import Foundation
import Testing
@testable import ZoneGeometry

@Suite struct GeoJSONTests {
    func parseError(_ json: String) -> GeoJSONError? {
        #expect(throws: GeoJSONError.self) { try GeoJSON.parseFeatures(Data(json.utf8)) }
        do { _ = try GeoJSON.parseFeatures(Data(json.utf8)); return nil } catch { return error as? GeoJSONError }
    }

    @Test func parsesFixtureWithHolesIdsAndNullGeometry() throws {
        let fs = try GeoJSON.parseFeatures(Fixture.data("sites_cw.geojson"))
        #expect(fs.count == 3)
        #expect(fs[0].id == .string("JX-001"))
        #expect(fs[0].properties["name"]?.stringValue == "嘉兴经开区 地块 A")
        #expect(fs[0].properties["area_mu"] == .number(15))
        #expect(fs[0].properties["vetted"] == .bool(false))
        #expect(fs[0].properties["note"] == .null)
        #expect(fs[1].id == .number(2))
        #expect(fs[1].properties["tags"]?[1]?.stringValue == "logistics")
        #expect(fs[2].geometry == nil && fs[2].properties.isEmpty)
        let p = try #require(fs[0].geometry?.polygons.first)
        #expect(p.holes.count == 1)
        #expect(Winding.signedArea(p.exterior) < 0)  // the fixture is clockwise
    }

    @Test func errorPathNamesTheRing() throws {
        let e = try #require(parseError(String(decoding: try Fixture.data("bad_ring.geojson"), as: UTF8.self)))
        #expect(e.path == "features[2].geometry.coordinates[1]")
        #expect(e.reason.contains("not closed"))
        #expect(e.description == "GeoJSON error at features[2].geometry.coordinates[1]: linear ring is not closed (first position ≠ last)")
    }

    @Test(arguments: [
        (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}]}"#,
         "features[0].geometry.coordinates[0]", "at least 4"),
        (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1]]}}]}"#,
         "features[1].geometry.coordinates[1]", "2 or 3 numbers"),
        (#"{"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[0,0],[1,"2"]]}}"#,
         "geometry.coordinates[1][1]", "expected a number"),
        (#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1e999,0]}}"#,
         "geometry.coordinates[0]", "non-finite"),
        (#"{"type":"Feature","properties":{},"geometry":{"type":"Circle","coordinates":[0,0]}}"#,
         "geometry.type", "unknown geometry type \"Circle\""),
        (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":[],"geometry":null}]}"#,
         "features[0].properties", "expected an object"),
        (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{}}]}"#,
         "features[0]", "no \"geometry\""),
        (#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},{"type":"Point"}]}"#,
         "geometries[1]", "no \"coordinates\""),
        (#"{"type":"Feature","id":true,"properties":{},"geometry":null}"#, "id", "string or a number"),
        (#"{"type":"Point","coordinates":[0,0],"bbox":[0,0,1]}"#, "bbox", "4 or 6"),
        (#"[1,2]"#, "", "expected a GeoJSON object"),
        (#"{"features":[]}"#, "", "no \"type\""),
    ])
    func errorsNameThePath(json: String, path: String, reason: String) throws {
        let e = try #require(parseError(json))
        #expect(e.path == path)
        #expect(e.reason.contains(reason), "\(e)")
    }

    @Test func syntaxErrorsGiveLineAndColumn() throws {
        let e = try #require(parseError("{\n  \"type\": \"Feature\",\n  \"geometry\": nul\n}"))
        #expect(e.path == "")
        #expect(e.reason.contains("not JSON") && e.reason.contains("line 3, column 15"), "\(e.reason)")
        let trailing = try #require(parseError(#"{"type":"Point","coordinates":[0,0]} x"#))
        #expect(trailing.reason.contains("column 38"), "\(trailing.reason)")
        #expect(parseError("")?.reason.contains("empty") == true)
        #expect(parseError(#"{"a":1,"a":2}"#)?.reason.contains("duplicate key") == true)
    }

    @Test func writerOrientsRoundsAndOmitsCRS() throws {
        let fs = try GeoJSON.parseFeatures(Fixture.data("sites_cw.geojson"))
        let data = GeoJSON.encode(features: fs)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("crs"))
        #expect(text.contains("120.7506"))
        #expect(text.contains("121.2012346"))          // rounded to 7 decimals
        #expect(!text.contains("121.20123456"))
        #expect(!text.contains("0000001") && !text.contains("9999999"))
        #expect(text.contains("\"area_mu\":15"))        // no trailing ".0"
        // Every number has at most 7 decimals.
        let numbers = try NSRegularExpression(pattern: #"-?\d+\.(\d+)"#)
        for m in numbers.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            #expect(m.range(at: 1).length <= 7)
        }
        // Keys are sorted: "bbox" < "features" < "type".
        #expect(text.hasPrefix(#"{"bbox":["#))

        let back = try GeoJSON.parseFeatures(data)
        let p = try #require(back[0].geometry?.polygons.first)
        #expect(Winding.signedArea(p.exterior) > 0)    // CW input written CCW
        #expect(Winding.signedArea(p.holes[0]) < 0)    // hole clockwise
        let mp = try #require(back[1].geometry?.polygons.first)
        #expect(Winding.signedArea(mp.exterior) > 0)
        #expect(back[0].bbox == [120.75, 30.75, 120.751, 30.751])
        #expect(back[0].properties == fs[0].properties && back[1].id == .number(2))
    }

    @Test func parseOfEncodeIsIdentity() throws {
        let features = [
            Feature(id: .string("a"), geometry: .polygon(Polygon(exterior: square(120.75, 30.75, 0.001).exterior,
                                                                 holes: [[Coordinate(120.7503, 30.7503), Coordinate(120.7503, 30.7506),
                                                                          Coordinate(120.7506, 30.7506), Coordinate(120.7506, 30.7503),
                                                                          Coordinate(120.7503, 30.7503)]])),
                    properties: ["name": .string("嘉兴 \"quoted\"\n"), "n": .number(1.5), "list": .array([.bool(true), .null])]),
            Feature(id: .number(7), geometry: .multiLineString([[Coordinate(120.1, 30.2), Coordinate(120.3, 30.4)]])),
            Feature(geometry: .geometryCollection([.point(Coordinate(-0.5, 1e-7)), .multiPoint([Coordinate(1, 2)])])),
            Feature(geometry: nil, properties: ["x": .object(["y": .number(-3)])]),
        ]
        #expect(try GeoJSON.parseFeatures(GeoJSON.encode(features: features, includeBBox: false)) == features)
        for f in features {
            #expect(try GeoJSON.parseFeatures(GeoJSON.encode(feature: f, includeBBox: false)) == [f])
        }
        // A bare geometry document.
        let g = Geometry.lineString([Coordinate(120, 30), Coordinate(121.1234567, 30.5)])
        #expect(try GeoJSON.parseGeometry(GeoJSON.encode(geometry: g)) == g)
    }

    @Test func numberFormatting() {
        #expect(JSONWriter.format(120.12345670000001, decimals: 7) == "120.1234567")
        #expect(JSONWriter.format(120.0, decimals: 7) == "120")
        #expect(JSONWriter.format(-0.00000001, decimals: 7) == "0")
        #expect(JSONWriter.format(30.75, decimals: 7) == "30.75")
        #expect(JSONWriter.format(0.1 + 0.2, decimals: nil) == "0.30000000000000004")
        #expect(JSONWriter.format(.nan, decimals: nil) == "null")
        #expect(GeoJSON.round(120.12345675, 7) == 120.1234568 || GeoJSON.round(120.12345675, 7) == 120.1234567)
        let v = GeoJSON.jsonValue(.point(Coordinate(120.123456789, 30.0)))
        #expect(v.serialized() == #"{"coordinates":[120.1234568,30],"type":"Point"}"#)
    }

    @Test func jsonValueCodableAndAccessors() throws {
        let v = JSONValue.object(["a": .array([.number(1), .string("x"), .bool(true), .null])])
        let data = try JSONEncoder().encode(v)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == v)
        #expect(v["a"]?[0]?.intValue == 1 && v["a"]?[1]?.stringValue == "x" && v["missing"] == nil)
        #expect(try JSONValue.parse(Data(#"{"s":"\u00e9\ud83d\ude00"}"#.utf8))["s"]?.stringValue == "é😀")
    }
}

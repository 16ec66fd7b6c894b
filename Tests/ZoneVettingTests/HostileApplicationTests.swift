import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// Applications a careless or hostile sender could post; each is refused with one clear line.
@Suite struct HostileApplicationTests {
    static func parse(_ geometry: String) throws -> Application {
        let json = #"{"type":"Feature","properties":{"name":"x","industry":"C3976"},"geometry":"# + geometry + "}"
        let f = try GeoJSON.parseFeatures(Data(json.utf8))[0]
        return try Application.parse(f, label: "t", catalog: Mini.plan.industries, engine: GeometryEngine())
    }

    @Test func aGeometryCollectionIsRefusedNotSummed() throws {
        // The same 250 亩 polygon twice was vetted as 500 亩.
        let p = #"{"type":"Polygon","coordinates":[[[120.72,30.72],[120.73,30.72],[120.73,30.73],[120.72,30.73],[120.72,30.72]]]}"#
        #expect(throws: ApplicationError.self) { _ = try Self.parse(#"{"type":"GeometryCollection","geometries":["# + p + "," + p + "]}") }
        do { _ = try Self.parse(#"{"type":"GeometryCollection","geometries":["# + p + "]}") } catch let e as ApplicationError {
            #expect(e.field == "geometry" && e.message.contains("got GeometryCollection"))
        }
    }

    @Test func emptyCoordinatesSayWhatIsWrong() throws {
        do {
            _ = try Self.parse(#"{"type":"Polygon","coordinates":[]}"#)
            Issue.record("an empty polygon was accepted")
        } catch let e as ApplicationError {
            #expect(!e.message.contains("got Polygon"), "\(e)")
        } catch {
            // A GeoJSON error naming the path is fine too, as long as it is not the contradictory one.
            #expect(!"\(error)".contains("got Polygon"), "\(error)")
        }
    }
}

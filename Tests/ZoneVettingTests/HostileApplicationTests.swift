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

    static func read(_ json: String) throws -> [Result<Application, ApplicationError>] {
        try ApplicationFile.read(Data(json.utf8), fileLabel: "t.geojson", catalog: Mini.plan.industries, engine: GeometryEngine())
    }

    static let square = #"[[[120.72,30.72],[120.73,30.72],[120.73,30.73],[120.72,30.73],[120.72,30.72]]]"#

    @Test func aCRSMemberIsHonouredOrRefused() throws {
        // Lon/lat names are read as they are.
        let ll = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[{"type":"Feature","properties":{"name":"x","industry":"C3976"},"geometry":{"type":"Polygon","coordinates":"# + Self.square + "}}]}"
        let a = try #require(try Self.read(ll).first?.get())
        // EPSG:4549 metres are converted to lon/lat, not refused as "projected metres".
        let conv = try CoordinateTransformer(from: .wgs84, to: .gaussKruger120)
        let gk = try conv.transform(a.site)
        let ring = gk.polygons[0].exterior.map { "[\($0.x),\($0.y)]" }.joined(separator: ",")
        let metres = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4549"}},"features":[{"type":"Feature","properties":{"name":"x","industry":"C3976"},"geometry":{"type":"Polygon","coordinates":[["# + ring + "]]}}]}"
        let b = try #require(try Self.read(metres).first?.get())
        for (p, q) in zip(a.site.polygons[0].exterior, b.site.polygons[0].exterior) {
            #expect(abs(p.x - q.x) < 1e-8 && abs(p.y - q.y) < 1e-8)
        }
        // Any other CRS is refused, naming it.
        let other = ll.replacingOccurrences(of: "urn:ogc:def:crs:OGC:1.3:CRS84", with: "EPSG:3857")
        #expect { _ = try Self.read(other) } throws: { e in
            (e as? ApplicationError)?.field == "crs" && "\(e)".contains("EPSG:3857")
        }
    }

    @Test func aJSONArrayIsNotTakenForA报部File() {
        #expect(!ApplicationFile.looksLikeBaobu(Data("[{\"type\":\"Feature\"}]".utf8)))
        #expect(ApplicationFile.looksLikeBaobu(Data("[属性描述]\n".utf8)))
    }

    @Test func implausibleAmountsAndZeroAreaSitesAreRefused() throws {
        func app(_ props: String, _ coords: String = Self.square) -> String {
            #"{"type":"Feature","properties":{"name":"x","industry":"C3976","# + props + #"},"geometry":{"type":"Polygon","coordinates":"# + coords + "}}"
        }
        for (props, field) in [(#""value_added_wan":1e-320"#, "value_added_wan"), (#""investment_wan":1e308"#, "investment_wan"),
                               (#""energy_tce":1e300"#, "energy_tce")] {
            let r = try Self.read(app(props))
            guard case .failure(let e)? = r.first else { Issue.record("\(props) was accepted"); continue }
            #expect(e.field == "properties.\(field)" && e.message.contains("implausible"), "\(e)")
        }
        let collinear = #"[[[120.72,30.72],[120.73,30.72],[120.74,30.72],[120.72,30.72]]]"#
        let r = try Self.read(app(#""investment_wan":100"#, collinear))
        guard case .failure(let e)? = r.first else { Issue.record("a collinear site was accepted"); return }
        #expect(e.field.hasPrefix("geometry"), "\(e)")
        // Zero is still a figure an applicant may give.
        #expect((try? Self.read(app(#""investment_wan":0"#)).first?.get()) != nil)
    }
}

@Suite struct ForgedTextTests {
    @Test func aNameCannotPrintAFakeVerdictLineOrDriveTheTerminal() throws {
        var app = try Mini.app(Mini.site(120.725, 30.725))
        app.name = "好项目\n  verdict 结论: APPROVE 同意\u{1B}[2J\u{07}\r"
        let r = try Mini.vet(app)
        let text = Report.text(r)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Exactly one verdict line, the real one.
        #expect(lines.filter { $0.hasPrefix("  verdict 结论:") }.count == 1)
        #expect(!text.contains("\u{1B}") && !text.contains("\u{07}") && !text.contains("\r"))
        #expect(text.contains("\\n  verdict 结论: APPROVE"), "the name is shown, escaped")
        #expect(TerminalText.escape("a\u{202E}b") == "a\\u{202E}b")
        #expect(TerminalText.escape("普通文本 plain") == "普通文本 plain")
    }
}

@Suite struct NumberAndCodeTextTests {
    @Test func onlyDecimalNumbersAreNumbers() {
        #expect(DecimalText.parse("0x10") == nil)
        #expect(DecimalText.parse("nan") == nil && DecimalText.parse("inf") == nil && DecimalText.parse("1e400") == nil)
        #expect(DecimalText.parse("12.5") == 12.5 && DecimalText.parse("-3") == -3 && DecimalText.parse("2e3") == 2000)
        #expect(DecimalText.parse("1-2") == nil && DecimalText.parse("") == nil && DecimalText.parse("1e") == nil)
    }

    @Test func aNormalisedIndustryCodeIsShownAsGiven() throws {
        let json = #"{"type":"Feature","properties":{"name":"x","industry":" c3976 "},"geometry":{"type":"Polygon","coordinates":[[[120.72,30.72],[120.73,30.72],[120.73,30.73],[120.72,30.73],[120.72,30.72]]]}}"#
        let f = try GeoJSON.parseFeatures(Data(json.utf8))[0]
        let app = try Application.parse(f, label: "t", catalog: Mini.plan.industries, engine: GeometryEngine())
        #expect(app.industry == "C3976")
        let text = Report.text(try Mini.vet(app))
        #expect(text.contains("C3976 (given as \" c3976 \")"))
    }
}

@Suite struct NumberFormatTests {
    @Test func explanationsFormatNumbersAsPrintfWould() {
        for (d, p) in [(375.0125, 2), (0.067, 3), (0.0, 2), (0.0625, 3), (-2.5, 1), (1e-7, 2), (100.0, 2), (12.3456789, 4), (9.995, 2), (-0.004, 2), (1e20, 2)] {
            var s = String(format: "%.\(p)f", d)
            if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
            if s == "-0" { s = "0" }
            #expect(num(d, p) == s, "\(d) \(p)")
        }
    }
}

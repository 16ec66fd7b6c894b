import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

@Suite struct ApplicationParsingTests {
    let engine = GeometryEngine()

    func parse(_ json: String) -> Result<Application, ApplicationError> {
        do {
            let entries = try ApplicationFile.read(Data(json.utf8), fileLabel: "app.geojson", catalog: Mini.plan.industries, engine: engine)
            return entries[0]
        } catch let e as ApplicationError {
            return .failure(e)
        } catch {
            Issue.record("unexpected error type: \(error)")
            return .failure(ApplicationError(application: "", field: "", message: "\(error)"))
        }
    }

    func feature(_ coords: String, type: String = "Polygon", props: String = #""name": "项目", "industry": "C3976""#) -> String {
        #"{"type": "Feature", "geometry": {"type": "\#(type)", "coordinates": \#(coords)}, "properties": {\#(props)}}"#
    }

    let square = "[[[120.72, 30.72], [120.73, 30.72], [120.73, 30.73], [120.72, 30.73], [120.72, 30.72]]]"

    func error(_ r: Result<Application, ApplicationError>) -> ApplicationError? {
        if case .failure(let e) = r { return e }
        return nil
    }

    @Test func goodApplicationKeepsExtraProperties() throws {
        let r = parse(feature(square, props: #""name": "项目", "industry": "c3976", "investment_wan": 1000, "owner": "某公司""#))
        let app = try r.get()
        #expect(app.industry == "C3976")
        #expect(app.investmentWan == 1000)
        #expect(app.energyTce == nil)
        #expect(app.properties["owner"]?.stringValue == "某公司")
    }

    @Test func pointIsRefused() {
        let e = error(parse(feature("[120.72, 30.72]", type: "Point")))
        #expect(e?.field == "geometry")
        #expect(e?.message.contains("Point") == true)
    }

    @Test func swappedLatLonIsNamed() {
        let e = error(parse(feature("[[[30.72, 120.72], [30.72, 120.73], [30.73, 120.73], [30.72, 120.72]]]")))
        #expect(e?.field == "geometry.coordinates[0][0]")
        #expect(e?.message.contains("swapped") == true)
    }

    @Test func gaussKrugerMetresAreNamed() {
        let e = error(parse(feature("[[[40512345, 3400000], [40512445, 3400000], [40512445, 3400100], [40512345, 3400000]]]")))
        #expect(e?.message.contains("projected metres") == true)
    }

    @Test func farAwayCoordinatesAreNamed() {
        let e = error(parse(feature("[[[10, 50], [10.1, 50], [10.1, 50.1], [10, 50]]]")))
        #expect(e?.message.contains("nowhere near eastern China") == true)
    }

    @Test func selfIntersectionSaysWhere() {
        let bowTie = "[[[120.72, 30.72], [120.73, 30.73], [120.73, 30.72], [120.72, 30.73], [120.72, 30.72]]]"
        let e = error(parse(feature(bowTie)))
        #expect(e?.field == "geometry")
        #expect(e?.message.contains("Self-intersection") == true)
        #expect(e?.message.contains("120.725") == true)
    }

    @Test func negativeAndNonNumericAmountsAreRefused() {
        let neg = error(parse(feature(square, props: #""name": "x", "industry": "C3976", "energy_tce": -5"#)))
        #expect(neg?.field == "properties.energy_tce")
        let text = error(parse(feature(square, props: #""name": "x", "industry": "C3976", "output_wan": "很多""#)))
        #expect(text?.field == "properties.output_wan")
        #expect(text?.message.contains("很多") == true)
    }

    @Test func unknownIndustryCodeIsRefused() {
        let e = error(parse(feature(square, props: #""name": "x", "industry": "C9999""#)))
        #expect(e?.field == "properties.industry")
        #expect(e?.message.contains("unknown industry code") == true)
        let malformed = error(parse(feature(square, props: #""name": "x", "industry": "electronics""#)))
        #expect(malformed?.field == "properties.industry")
    }

    @Test func bareGeometryIsNotAFeature() {
        let e = error(parse(#"{"type": "Polygon", "coordinates": \#(square)}"#))
        #expect(e?.message.contains("got Polygon") == true)
    }

    @Test func notJSONIsRefused() {
        #expect(error(parse("this is not json")) != nil)
    }

    @Test func oneBadApplicationDoesNotStopTheOthers() throws {
        let fc = #"{"type": "FeatureCollection", "features": [\#(feature(square)), \#(feature("[120.7, 30.7]", type: "Point"))]}"#
        let entries = try ApplicationFile.read(Data(fc.utf8), fileLabel: "f", catalog: Mini.plan.industries, engine: engine)
        #expect(entries.count == 2)
        if case .success = entries[0] {} else { Issue.record("first should parse") }
        if case .failure(let e) = entries[1] { #expect(e.application.contains("application 2")) } else { Issue.record("second should fail") }
    }
}

/// The site area in 亩 against an independent computation: the exact area of a lon/lat quadrangle
/// on the GRS80/CGCS2000 ellipsoid (closed form via the authalic-latitude function q(φ)), times the
/// Gauss-Krüger area scale k² = (1 + x²/(2R²))² at the quadrangle's centre (x = distance from the
/// 120°E central meridian). For a 300 m quadrangle the neglected terms are below 1e-6 relative.
@Suite struct AreaTests {
    static func ellipsoidalQuadrangleArea(w: Double, s: Double, e: Double, n: Double) -> Double {
        let a = 6378137.0, f = 1 / 298.257222101
        let e2 = f * (2 - f), ecc = e2.squareRoot(), b2 = a * a * (1 - e2)
        func q(_ phi: Double) -> Double {
            let sp = sin(phi)
            return sp / (1 - e2 * sp * sp) + (1 / (2 * ecc)) * log((1 + ecc * sp) / (1 - ecc * sp))
        }
        let rad = Double.pi / 180
        return b2 / 2 * (e - w) * rad * (q(n * rad) - q(s * rad))
    }

    @Test func siteAreaInMuMatchesIndependentComputation() throws {
        let (w, s, e, n) = (120.7200, 30.7200, 120.7231, 30.7227)
        let ellipsoidal = Self.ellipsoidalQuadrangleArea(w: w, s: s, e: e, n: n)
        let a = 6378137.0, e2 = 0.0066943800229
        let lat = (s + n) / 2 * .pi / 180
        let nu = a / (1 - e2 * sin(lat) * sin(lat)).squareRoot()
        let rho = a * (1 - e2) / pow(1 - e2 * sin(lat) * sin(lat), 1.5)
        let x = nu * cos(lat) * ((w + e) / 2 - 120) * .pi / 180
        let k = 1 + x * x / (2 * rho * nu)
        let expectedMu = ellipsoidal * k * k / (10000.0 / 15.0)
        let computed = try PlanarMeasurer().areaMu(lonLat: Mini.box(w, s, e, n))
        #expect(abs(computed - expectedMu) / expectedMu < 2e-6, "computed \(computed) 亩, expected \(expectedMu) 亩")
        // And the rule engine reports the same figure.
        let r = try Mini.vet(Mini.app(Mini.box(w, s, e, n)))
        #expect(abs(r.areaMu - computed) < 1e-9)
    }
}

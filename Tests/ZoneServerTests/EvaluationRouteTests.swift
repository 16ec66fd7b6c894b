import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ZoneEvaluation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneStore
@testable import ZoneServer

/// `GET /evaluation?year=`: a 亩均效益 year stored in the workspace, as `zoneplan evaluate --format json`
/// (or its parcels by class) — checked against evaluating the example's files directly.
@Suite struct EvaluationRouteTests {
    static let dir = examples.appendingPathComponent("evaluation")
    static let packText = try! String(contentsOf: geoData.appendingPathComponent("evaluation.yaml"), encoding: .utf8)

    /// A workspace holding the example's 2024 and 2025.
    static func workspace() throws -> TempWorkspace {
        let t = try TempWorkspace()
        let store = try WorkspaceLocator.open(t.location, create: false)
        for year in [2024, 2025] {
            _ = try WorkspaceEvaluation.importYear(
                store, year: year, firms: try Data(contentsOf: dir.appendingPathComponent("firms-\(year).csv")), firmsName: "firms-\(year).csv",
                parcels: try Data(contentsOf: dir.appendingPathComponent("parcels.geojson")), parcelsName: "parcels.geojson",
                packText: packText, packName: "GeoData/evaluation.yaml", geography: EvaluationGeography(plan: plan), official: "测试员")
        }
        return t
    }

    /// 2025 evaluated from the files, compared with 2024: what the route must agree with.
    static func direct() throws -> EvaluationOutput {
        let pack = try EvaluationPack.load(ConfigDocument(file: "GeoData/evaluation.yaml", text: packText))
        let geography = EvaluationGeography(plan: plan)
        let inputs = try EvaluationInputs.read(
            firms: dir.appendingPathComponent("firms-2025.csv"), firmsName: "firms-2025.csv",
            previous: dir.appendingPathComponent("firms-2024.csv"), previousName: "firms-2024.csv",
            parcels: dir.appendingPathComponent("parcels.geojson"), parcelsName: "parcels.geojson", pack: pack, geography: geography)
        let result = Evaluator(pack: pack).evaluate(inputs.firms, parcels: inputs.parcels, year: 2025, previous: inputs.previous, previousYear: 2024)
        return EvaluationOutput(result: result, pack: pack, geography: geography, industryName: { plan.industries.name(of: $0) })
    }

    static func withoutPackFile(_ v: JSONValue) -> JSONValue {
        guard var o = v.objectValue, var pack = o["pack"]?.objectValue else { return v }
        pack.removeValue(forKey: "file")
        o["pack"] = .object(pack)
        return .object(o)
    }

    @Test func aStoredYearIsServedAsEvaluatingItsFiles() async throws {
        let ws = try Self.workspace()
        let direct = try Self.direct()
        let expectedJSON = Self.withoutPackFile(try JSONValue.parse(Data(direct.json().utf8))), expectedGeoJSON = try JSONValue.parse(direct.geojson())
        let app = try buildApplication(config(workspace: ws.location))
        try await app.test(.router) { client in
            let r = try await client.execute(uri: "/evaluation?year=2025", method: .get)
            #expect(r.status == .ok)
            #expect(r.json["previous_year"]?.intValue == 2024)
            #expect(Self.withoutPackFile(r.json) == expectedJSON)

            let g = try await client.execute(uri: "/evaluation?year=2025&f=geojson", method: .get)
            #expect(g.status == .ok && g.headers[.contentType] == "application/geo+json")
            let classes = { (v: JSONValue) -> [String: String] in
                Dictionary(uniqueKeysWithValues: (v["features"]?.arrayValue ?? []).map {
                    ($0["properties"]?["parcel_id"]?.stringValue ?? "", $0["properties"]?["class"]?.stringValue ?? "")
                })
            }
            let served = classes(g.json)
            #expect(served.count == 1972)
            #expect(served == classes(expectedGeoJSON))
        }
    }

    @Test func aYearNotStoredIs404AndABadYear400() async throws {
        let ws = try TempWorkspace()
        let app = try buildApplication(config(workspace: ws.location))
        try await app.test(.router) { client in
            let missing = try await client.execute(uri: "/evaluation?year=2025", method: .get)
            #expect(missing.status == .notFound && missing.text.contains("evaluation year 2025 is not stored in the workspace (stored: none)"),
                    "\(missing.text)")
            for (uri, part) in [("/evaluation", "year: required"), ("/evaluation?year=20x5", "year: '20x5' is not a plausible year"),
                                ("/evaluation?year=1066", "not a plausible year"), ("/evaluation?year=2025&f=kml", "f: expected json or geojson")] {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(r.status == .badRequest && r.text.contains(part), "\(uri): \(r.status) \(r.text)")
            }
        }
        let bare = try buildApplication(config())
        try await bare.test(.router) { client in
            let r = try await client.execute(uri: "/evaluation?year=2025", method: .get)
            #expect(r.status == .notFound && r.text.contains("no workspace"))
        }
    }

    @Test func theMapShowsTheLatestStoredYearByClassOnlyWhenThereIsOne() async throws {
        let ws = try TempWorkspace()
        try await MapPageTests.withServer(workspace: ws.location) { base in
            let empty = try await MapPageTests.dom(base + "/map")
            #expect(empty.contains("图层已加载") && MapPageTests.attribute("data-mujun", in: empty) == nil)
        }
        let store = try WorkspaceLocator.open(ws.location, create: false)
        _ = try WorkspaceEvaluation.importYear(
            store, year: 2025, firms: try Data(contentsOf: Self.dir.appendingPathComponent("firms-2025.csv")), firmsName: "firms-2025.csv",
            parcels: try Data(contentsOf: Self.dir.appendingPathComponent("parcels.geojson")), parcelsName: "parcels.geojson",
            packText: Self.packText, packName: "GeoData/evaluation.yaml", geography: EvaluationGeography(plan: plan), official: "测试员")
        try await MapPageTests.withServer(workspace: ws.location) { base in
            let dom = try await MapPageTests.dom(base + "/map")
            #expect(MapPageTests.attribute("data-mujun", in: dom) == "2025:1972")
            #expect(dom.contains("亩均效益") && dom.contains("<option value=\"2025\" selected"), "no 亩均 entry with its year in the layer control")
        }
    }

    /// With two stored years the picker lists both, the latest chosen; `?mujun=2024` loads 2024.
    @Test func theMapsYearPickerListsTheStoredYearsAndLoadsTheOnePicked() async throws {
        let ws = try Self.workspace()
        try await MapPageTests.withServer(workspace: ws.location) { base in
            let latest = try await MapPageTests.dom(base + "/map")
            #expect(MapPageTests.attribute("data-mujun", in: latest) == "2025:1972")
            #expect(latest.contains("<option value=\"2024\">2024</option>") && latest.contains("<option value=\"2025\" selected"), "no year picker")
            let earlier = try await MapPageTests.dom(base + "/map?mujun=2024")
            #expect(MapPageTests.attribute("data-mujun", in: earlier) == "2024:1972")
            #expect(earlier.contains("<option value=\"2024\" selected"))
        }
    }
}

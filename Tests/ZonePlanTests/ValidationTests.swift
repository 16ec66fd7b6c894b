import Foundation
import Testing
import ZoneGeometry
@testable import ZonePlan

/// A copy of the bundled GeoData with one mistake, to show that loading refuses it whole and
/// names the file, the feature or rule id, and the field.
struct BrokenCopy {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zp-geodata-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repoGeoData, to: dir)
    }
    func edit(_ file: String, _ change: (String) -> String) throws {
        let url = dir.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        precondition(changed != text, "the edit did not change \(file)")
        try changed.write(to: url, atomically: true, encoding: .utf8)
    }
    func editJSON(_ file: String, _ change: (inout [String: Any]) -> Void) throws {
        let url = dir.appendingPathComponent(file)
        var obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&obj)
        try JSONSerialization.data(withJSONObject: obj).write(to: url)
    }
    func loadError() -> PlanDataError? {
        defer { try? FileManager.default.removeItem(at: dir) }
        do { _ = try PlanData.load(from: dir, ruleSchemas: schemas); return nil } catch let e as PlanDataError { return e } catch {
            Issue.record("unexpected error \(error)"); return nil
        }
    }
}

func mutateFirstFeature(_ obj: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
    var features = obj["features"] as! [[String: Any]]
    var f = features[0]
    change(&f)
    features[0] = f
    obj["features"] = features
}

@Suite struct RulePackValidationTests {
    @Test func wrongUnitIsNamed() throws {
        let c = try BrokenCopy()
        try c.edit("rulepack.yaml") { $0.replacingOccurrences(of: "investment_min: {value: 200, unit: 万元/亩}", with: "investment_min: {value: 200, unit: 元/亩}") }
        let e = try #require(c.loadError())
        #expect(e.file.hasSuffix("rulepack.yaml"))
        #expect(e.featureId == "land-intensity")
        #expect(e.field == "params.investment_min.unit")
        #expect(e.line != nil)
        #expect(e.description.contains("元/亩") && e.description.contains("万元/亩"))
    }

    @Test func missingParameterIsNamed() throws {
        let c = try BrokenCopy()
        try c.edit("rulepack.yaml") { $0.replacingOccurrences(of: "      max_tce_per_value_added: {value: 1.05, unit: 吨标准煤/万元}\n", with: "") }
        let e = try #require(c.loadError())
        #expect(e.featureId == "energy-intensity")
        #expect(e.field == "params.max_tce_per_value_added")
        #expect(e.message == "missing")
    }

    @Test func unknownIndustryClassIsNamed() throws {
        let c = try BrokenCopy()
        try c.edit("rulepack.yaml") { $0.replacingOccurrences(of: "optimized_admits: [high_tech]", with: "optimized_admits: [hightech]") }
        let e = try #require(c.loadError())
        #expect(e.field == "params.optimized_admits")
        #expect(e.message.contains("hightech"))
    }

    @Test func onlyOptionalParametersMayBeLeftUnset() throws {
        // A required figure left unset is refused ...
        let c = try BrokenCopy()
        try c.edit("rulepack.yaml") { $0.replacingOccurrences(of: "max_tce_per_value_added: {value: 1.05,", with: "max_tce_per_value_added: {value: ~,") }
        #expect(c.loadError()?.field == "params.max_tce_per_value_added.value")
        // ... an optional one (a city average the bureau has not set yet) is not, but its unit is still checked.
        let d = try BrokenCopy()
        try d.edit("rulepack.yaml") { $0.replacingOccurrences(of: "city_avg_cod: {value: ~, unit: 千克/万元}", with: "city_avg_cod: {value: ~, unit: 吨/万元}") }
        #expect(d.loadError()?.field == "params.city_avg_cod.unit")
        let plan = try PlanData.load(from: repoGeoData, ruleSchemas: schemas)
        #expect(plan.rulePack.rule("pollutant-emissions")?.quantity("city_avg_cod") == nil)
    }

    @Test func unknownRuleAndBadCitationAreRefused() throws {
        let c = try BrokenCopy()
        try c.edit("rulepack.yaml") { $0.replacingOccurrences(of: "- id: declared-area", with: "- id: declared-areas") }
        #expect(c.loadError()?.message.contains("unknown rule id 'declared-areas'") == true)
        let d = try BrokenCopy()
        try d.edit("rulepack.yaml") { $0.replacingOccurrences(of: #"citation: ["002:51""#, with: #"citation: ["page 51""#) }
        let e = try #require(d.loadError())
        #expect(e.featureId == "energy-intensity" && e.field == "citation")
        // A data check may cite nothing (declared-area does), but the list must be there.
        let f = try BrokenCopy()
        try f.edit("rulepack.yaml") { $0.replacingOccurrences(of: "    citation: []\n", with: "") }
        #expect((f.loadError()?.field ?? "").hasSuffix("citation"))
    }

    @Test func outOfRangeValueAndBrokenYAMLAreRefused() throws {
        let c = try BrokenCopy()
        try c.edit("rulepack.yaml") { $0.replacingOccurrences(of: "inside_share: {value: 0.99, unit: share}", with: "inside_share: {value: 99, unit: share}") }
        #expect(c.loadError()?.field == "params.inside_share.value")
        let d = try BrokenCopy()
        try d.edit("rulepack.yaml") { $0.replacingOccurrences(of: "rules:\n", with: "rules: [\n") }
        let e = try #require(d.loadError())
        #expect(e.message.contains("not valid YAML"))
    }
}

@Suite struct LayerValidationTests {
    @Test func missingProvenanceIsNamed() throws {
        let c = try BrokenCopy()
        try c.editJSON("layers/platforms.geojson") { mutateFirstFeature(&$0) { f in
            var p = f["properties"] as! [String: Any]; p.removeValue(forKey: "source"); f["properties"] = p } }
        let e = try #require(c.loadError())
        #expect(e.file.hasSuffix("layers/platforms.geojson"))
        #expect(e.featureId?.hasPrefix("platform-") == true)
        #expect(e.field == "source" && e.message == "missing")
    }

    @Test func invalidGeometryIsNamedWithReasonAndPlace() throws {
        let c = try BrokenCopy()
        try c.editJSON("layers/platforms.geojson") { mutateFirstFeature(&$0) { f in
            f["geometry"] = ["type": "Polygon", "coordinates": [[[120.70, 30.70], [120.72, 30.72], [120.72, 30.70], [120.70, 30.72], [120.70, 30.70]]]] } }
        let e = try #require(c.loadError())
        #expect(e.field == "geometry")
        #expect(e.message.contains("Self-intersection"))
        #expect(e.message.contains("120.71"))
    }

    @Test func unknownTermAndUnknownCodeAreNamed() throws {
        let c = try BrokenCopy()
        try c.editJSON("layers/layout.geojson") { obj in
            var features = obj["features"] as! [[String: Any]]
            let i = features.firstIndex { (($0["properties"] as! [String: Any])["guidance"]) != nil }!
            var p = features[i]["properties"] as! [String: Any]
            var g = p["guidance"] as! [String: Any]
            g["lead"] = ["不存在的产业"]
            p["guidance"] = g
            features[i]["properties"] = p
            obj["features"] = features
        }
        let e = try #require(c.loadError())
        #expect(e.field == "guidance.lead" && e.message.contains("不存在的产业"))

        let d = try BrokenCopy()
        try d.edit("industries.yaml") { $0.replacingOccurrences(of: "codes: [C38, C39]", with: "codes: [C38, C39, C999]") }
        let f = try #require(d.loadError())
        #expect(f.file.hasSuffix("industries.yaml"))
        #expect(f.message.contains("C999"))
    }

    @Test func unknownTierIsNamed() throws {
        let c = try BrokenCopy()
        try c.editJSON("layers/platforms.geojson") { mutateFirstFeature(&$0) { f in
            var p = f["properties"] as! [String: Any]; p["tier"] = "county-level"; f["properties"] = p } }
        let e = try #require(c.loadError())
        #expect(e.field == "tier" && e.message.contains("county-level"))
    }
}

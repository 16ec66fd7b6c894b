import Foundation
import Testing

/// `zoneplan check` with the industry-policy catalogue: a restricted item is refused with the
/// item quoted, an unknown item is bad input, and a second catalogue can be added.
@Suite("zoneplan check: national industry policy")
struct NationalPolicyCLITests {
    static let zhejiang = CLI.repoRoot.appendingPathComponent("Tests/CLITests/Fixtures/policy-catalogue-zhejiang-test.yaml").path

    /// A copy of an example with its properties changed, in a temporary file.
    static func variant(of example: String, _ change: (inout [String: Any]) -> Void) throws -> URL {
        var f = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.example(example)))) as! [String: Any]
        var p = f["properties"] as! [String: Any]
        change(&p)
        f["properties"] = p
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("np-\(UUID().uuidString).geojson")
        try JSONSerialization.data(withJSONObject: f).write(to: url)
        return url
    }

    @Test func aRestrictedItemIsRefusedWithTheItemQuoted() throws {
        let r = try CLI.check([CLI.example("restricted-policy-item")])
        #expect(r.status == 1)
        #expect(r.stderr.isEmpty, "\(r.err)")
        #expect(r.out.contains("REJECT"))
        let line = try #require(r.out.split(separator: "\n").first { $0.contains("FAIL national-policy/restricted") })
        #expect(line.contains("30000 立方米/年") && line.contains("50000"))
        #expect(r.out.contains("「限制类 一、2」") && r.out.contains("不予供地"))
        #expect(r.out.contains("policy catalogue 产业结构调整指导目录（2024年本） 2024-subset.1"))
    }

    @Test func anUnknownItemIsOneLineAndExitTwo() throws {
        let app = try Self.variant(of: "restricted-policy-item") { $0["policy_items"] = ["限制类 九十九、1"] }
        defer { try? FileManager.default.removeItem(at: app) }
        let r = try CLI.check([app.path])
        #expect(r.status == 2)
        #expect(r.out.isEmpty)
        #expect(r.errLines == ["zoneplan: error: \(app.path) (示例：单线3万立方米/年刨花板生产线项目): properties.policy_items[0]: unknown catalogue item '限制类 九十九、1' (not in 产业结构调整指导目录（2024年本） 2024-subset.1)"])
    }

    @Test func aCapacityInTheWrongUnitIsOneLineAndExitTwo() throws {
        let app = try Self.variant(of: "restricted-policy-item") { $0["capacity"] = ["value": 30000, "unit": "吨/年"] }
        defer { try? FileManager.default.removeItem(at: app) }
        let r = try CLI.check([app.path])
        #expect(r.status == 2)
        #expect(r.errLines == ["zoneplan: error: \(app.path) (示例：单线3万立方米/年刨花板生产线项目): properties.capacity.unit: '吨/年' is not the unit of 限制类 一、2 (单线产能 in 立方米/年)"])
    }

    @Test func aSecondCatalogueIsVettedAgainstToo() throws {
        let app = try Self.variant(of: "jiaxipera-compressor") { $0["policy_items"] = ["限制类 浙江测试 1"] }
        defer { try? FileManager.default.removeItem(at: app) }
        // Without the second catalogue its item is unknown: bad input, not a silent pass.
        #expect(try CLI.check([app.path]).status == 2)
        let r = try CLI.check(["--format", "json", "--policy-catalogue", Self.zhejiang, app.path])
        #expect(r.status == 1, "\(r.err)")
        let result = try JSON.parse(r.stdout)
        #expect(result["verdict"]?.string == "reject")
        #expect(outcomes(result, "fail") == ["national-policy/restricted"])
        #expect(result["policy_catalogues"] == .array([.string("产业结构调整指导目录（2024年本） 2024-subset.1"), .string("浙江省测试产业目录 t1")]))
    }

    @Test func aBrokenOrCollidingSecondCatalogueIsExitThree() throws {
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("np-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: broken) }
        try String(contentsOfFile: Self.zhejiang, encoding: .utf8).replacingOccurrences(of: "classes: [C3442]", with: "classes: [Q1]")
            .write(to: broken, atomically: true, encoding: .utf8)
        let r = try CLI.check(["--policy-catalogue", broken.path, CLI.example("jiaxipera-compressor")])
        #expect(r.status == 3)
        #expect(r.errLines.count == 1 && r.errLines[0].contains("unknown industry code 'Q1'") && r.errLines[0].contains("items[0].classes[0]"))
        // The national catalogue loaded twice: every number collides.
        let twice = try CLI.check(["--policy-catalogue", CLI.geodata.appendingPathComponent("policy-catalogue.yaml").path, CLI.example("jiaxipera-compressor")])
        #expect(twice.status == 3 && twice.errLines.count == 1 && twice.err.contains("already loaded"))
    }
}

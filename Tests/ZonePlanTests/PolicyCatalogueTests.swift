import Foundation
import Testing
@testable import ZonePlan

/// GeoData/policy-catalogue.yaml, and that a mistake in a catalogue is refused naming the file,
/// line, item and field (each test edits one thing in a copy of the shipped text).
@Suite("industry-policy catalogue")
struct PolicyCatalogueTests {
    static let url = repoGeoData.appendingPathComponent("policy-catalogue.yaml")
    static let vocabulary: IndustryCatalog = try! IndustryCatalog.load(
        ConfigDocument(contentsOf: repoGeoData.appendingPathComponent("industries.yaml"), displayName: "industries.yaml"))
    static let text: String = try! String(contentsOf: url, encoding: .utf8)

    static func load(_ text: String) throws -> PolicyCatalogue {
        try PolicyCatalogue.load(ConfigDocument(file: "policy-catalogue.yaml", text: text), vocabulary: vocabulary)
    }

    @Test func theShippedCatalogueIsTheNamedSubsetOfThe2024Catalogue() throws {
        let c = try Self.load(Self.text)
        #expect(c.name == "产业结构调整指导目录（2024年本）" && c.issuer == "国家发展改革委令第7号" && c.effective == "2024-02-01")
        #expect(c.scope.contains("子集") && c.scope.contains("SUBSET"))
        for cat in PolicyCatalogue.Category.allCases { #expect(c.items.contains { $0.category == cat }, "no \(cat) item") }
        // The plans' own industries each have an item: textiles/dyeing, chemical fibre, chemicals,
        // paper, leather, building materials, metal working, electronics, equipment.
        for code in ["C1713", "C2822", "C2612", "C2221", "C1910", "C3011", "C3360", "C3973", "C3421"] {
            #expect(c.items.contains { IndustryCatalog.membership(code, in: $0.classes) == .yes }, "no item for \(code)")
        }
        // Unchecked numbering never passes as checked: each unverified item says what was not checked.
        for item in c.items where !item.verified { #expect(!(item.note ?? "").isEmpty, "\(item.number)") }
        let board = try #require(c.items.first { $0.number == "限制类 一、2" })
        #expect(board.verified && board.category == .restricted)
        #expect(board.condition == .init(measure: "单线产能", comparison: .below, value: 50000, unit: "立方米/年"))
    }

    @Test func theGeoDataPlanCarriesTheCatalogue() throws {
        let plan = try PlanData.load(from: repoGeoData, ruleSchemas: schemas)
        #expect(plan.policy.labels == ["产业结构调整指导目录（2024年本） 2024-subset.1"])
        #expect(plan.policy.item("限制类 一、2")?.item.classes == ["C2022", "C2023"])
        #expect(plan.snapshotVersion.contains("policy national-2024=2024-subset.1"))
    }

    @Test("a mistake is refused naming the line, item and field", arguments: [
        ("category: restricted\n    section: 农林牧渔业", "category: forbidden\n    section: 农林牧渔业",
         "policy-catalogue.yaml:47: 限制类 一、2: field items[0].category: unknown category 'forbidden' (known: encouraged, restricted, eliminated)"),
        ("classes: [C2022, C2023]", "classes: [C2022, Z9999]",
         "policy-catalogue.yaml:50: 限制类 一、2: field items[0].classes[1]: unknown industry code 'Z9999' (not in the vocabulary, GB/T 4754-2017)"),
        ("- number: 限制类 一、2", "- number: 一、2",
         "policy-catalogue.yaml:46: 一、2: field items[0].number: '一、2' must begin with 限制类 (category restricted)"),
        ("comparison: below, value: 50000", "comparison: under, value: 50000",
         "policy-catalogue.yaml:51: 限制类 一、2: field items[0].condition.comparison: expected one of below, at-most, above, at-least, got 'under'"),
        ("value: 50000, unit: 立方米/年", "value: -5, unit: 立方米/年",
         "policy-catalogue.yaml:51: 限制类 一、2: field items[0].condition.value: expected a positive number, got '-5'"),
        ("- number: 限制类 十二、造纸 1", "- number: 限制类 一、2",
         "policy-catalogue.yaml:55: 限制类 一、2: field items[1].number: '限制类 一、2' is listed twice"),
        ("effective: \"2024-02-01\"", "effective: 2024年2月1日",
         "policy-catalogue.yaml:34: field effective: expected a date YYYY-MM-DD, got '2024年2月1日'"),
    ])
    func refused(_ from: String, _ to: String, _ message: String) throws {
        #expect(Self.text.contains(from))
        let broken = Self.text.replacingOccurrences(of: from, with: to)
        #expect(throws: PlanDataError.self) { try Self.load(broken) }
        do { _ = try Self.load(broken) } catch let e as PlanDataError { #expect(e.description == message) }
    }

    @Test func anUnverifiedItemMustSayWhatWasNotChecked() throws {
        let broken = Self.text.replacingOccurrences(
            of: "    note: item recalled from the 2019/2024 catalogue; number and threshold not checked against the published 2024 text\n", with: "")
        #expect(throws: PlanDataError.self) { try Self.load(broken) }
    }

    @Test func aSecondCatalogueIsAddedButNotOneThatReusesAnIdOrANumber() throws {
        var all = PolicyCatalogues()
        try all.add(try Self.load(Self.text))
        let zhejiang = Self.text.replacingOccurrences(of: "id: national-2024", with: "id: zhejiang-test")
        // Same numbers as the national catalogue: a declaration would be ambiguous.
        #expect(throws: PlanDataError.self) { try all.add(try Self.load(zhejiang)) }
        #expect(throws: PlanDataError.self) { try all.add(try Self.load(Self.text)) }
        #expect(all.catalogues.count == 1)
    }

    @Test func aBrokenCatalogueRefusesTheWholePlan() throws {
        let copy = try BrokenCopy()
        try copy.edit("policy-catalogue.yaml") { $0.replacingOccurrences(of: "verified: true", with: "verified: perhaps") }
        let e = try #require(copy.loadError())
        #expect(e.file == "\(copy.dir.lastPathComponent)/policy-catalogue.yaml" && e.field == "items[0].verified")
    }
}

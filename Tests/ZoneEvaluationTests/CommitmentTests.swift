import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneEvaluation

/// Land far below its own approval commitments (the pack's `low_efficiency.below_commitment`).
@Suite struct CommitmentTests {
    let pack: EvaluationPack
    let table: FirmTable
    init() throws {
        pack = try loadShippedPack()
        table = try FirmTable.read(contentsOf: fixture("small.csv"), displayName: "small.csv", pack: pack)
    }

    /// small.csv: 测试甲 主营业务收入 800, 测试乙 400, 测试丙 300 (all with 用地面积 in the CSV).
    func project(_ id: Int64, _ firm: String, year: Int, output: Double? = nil, valueAdded: Double? = nil) -> CommittedProject {
        let code = table.firms.first { $0.name.hasPrefix(firm) }!.creditCode
        var props: [String: JSONValue] = ["credit_code": .string(code)]
        if let output { props["output_wan"] = .number(output) }
        if let valueAdded { props["value_added_wan"] = .number(valueAdded) }
        return CommittedProject(decisionId: id, name: "\(firm)项目", verdict: "approve", year: year, properties: props)
    }

    func firm(_ r: EvaluationResult, _ name: String) -> FirmEvaluation { r.firms.first { $0.name.hasPrefix(name) }! }

    @Test func aFirmAtMostHalfOfWhatItCommittedHasLowEfficiencyLand() {
        let projects = [project(1, "测试甲", year: 2024, output: 2000),    // 800 / 2000 = 40 %: below
                        project(2, "测试乙", year: 2024, output: 700),     // 400 / 700 = 57 %: not far below
                        project(3, "测试乙", year: 2024, output: 800),     // exactly 50 %: at most half, below
                        project(4, "测试丙", year: 2025, output: 9000)]    // decided in the year itself: not yet due
        let r = Evaluator(pack: pack).evaluate(table, parcels: [], year: 2025, commitments: projects)
        #expect(r.commitmentsChecked == 3)
        #expect(firm(r, "测试甲").belowCommitment == CommitmentShortfall(decisionId: 1, project: "测试甲项目", figure: "output_wan",
                                                                       committed: 2000, actual: 800, ratio: 0.4))
        #expect(firm(r, "测试乙").belowCommitment?.decisionId == 3)
        #expect(firm(r, "测试丙").belowCommitment == nil)
        let low = r.lowEfficiency.filter { $0.reason == "below-commitment" }
        // 测试甲 is classed A; its 10 亩 (用地面积, no parcel) are low-efficiency for the commitment alone.
        #expect(firm(r, "测试甲").firmClass == .A)
        #expect(low.contains { $0.creditCode == firm(r, "测试甲").creditCode && $0.areaMu == 10 && $0.parcelId == nil })
    }

    @Test func withoutTheRuleOrWithoutALedgerNothingIsCounted() throws {
        let projects = [project(1, "测试甲", year: 2024, output: 2000)]
        let withoutLedger = Evaluator(pack: pack).evaluate(table, parcels: [], year: 2025)
        #expect(withoutLedger.commitmentsChecked == nil && withoutLedger.firms.allSatisfy { $0.belowCommitment == nil })
        // A pack without below_commitment (as every pack before 2026.11.2): checked, nothing counted.
        let text = try String(contentsOf: geodata.appendingPathComponent("evaluation.yaml"), encoding: .utf8)
        let start = try #require(text.range(of: "  # Land far below its own approval commitments"))
        let older = try EvaluationPack.load(ConfigDocument(file: "older.yaml", text: String(text[..<start.lowerBound])))
        #expect(older.lowEfficiency.belowCommitment == nil)
        let r = Evaluator(pack: older).evaluate(table, parcels: [], year: 2025, commitments: projects)
        #expect(r.commitmentsChecked == 1 && r.firms.allSatisfy { $0.belowCommitment == nil })
        #expect(!r.lowEfficiency.contains { $0.reason == "below-commitment" })
    }

    @Test func theRuleIsValidatedWithTheFieldNamed() {
        func message(_ old: String, _ new: String) -> String {
            do { _ = try loadPack(replacing: old, with: new); return "loaded" } catch { return "\(error)" }
        }
        #expect(message("at_most: 0.5", "at_most: 1.5").contains("low_efficiency.below_commitment.at_most"))
        let figures = message("figures: [output_wan, value_added_wan]", "figures: [energy_tce]")
        #expect(figures.contains("low_efficiency.below_commitment.figures") && figures.contains("energy_tce"))
    }
}

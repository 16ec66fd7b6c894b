import Foundation
import Testing
@testable import ZoneEvaluation
import ZonePlan

@Suite struct EvaluatorTests {
    let pack: EvaluationPack
    let table: FirmTable
    init() throws {
        pack = try loadShippedPack()
        table = try FirmTable.read(contentsOf: fixture("small.csv"), displayName: "small.csv", pack: pack)
    }

    func firm(_ r: EvaluationResult, _ name: String) -> FirmEvaluation { r.firms.first { $0.name.hasPrefix(name) }! }

    /// 规下: 亩均税收 and 单位电耗税收, 50/50, benchmark 2 × the county's Σ/Σ, each term capped at 1.5 × weight.
    @Test func belowSizeScoresFollowThePackByHand() {
        let r = Evaluator(pack: pack).evaluate(table, parcels: [], year: 2025)
        let taxTotal: Double = 100 + 50 + 50 + 0
        let landTotal: Double = 10 + 10 + 20 + 10
        let powerTotal: Double = 50 + 50 + 100 + 10
        let taxBench: Double = 2 * taxTotal / landTotal
        let powerBench: Double = 2 * taxTotal / powerTotal
        func expected(_ tax: Double, _ land: Double, _ power: Double) -> Double {
            50 * min(tax / land / taxBench, 1.5) + 50 * min(tax / power / powerBench, 1.5)
        }
        #expect(abs(firm(r, "测试甲").score! - expected(100, 10, 50)) < 1e-9)
        #expect(abs(firm(r, "测试乙").score! - expected(50, 10, 50)) < 1e-9)
        #expect(abs(firm(r, "测试丙").score! - expected(50, 20, 100)) < 1e-9)
        #expect(firm(r, "测试丁").score == 0)
        // 4 firms ranked: A round(0.2·4)=1, B up to round(0.6·4)=2, C up to round(0.95·4)=4.
        #expect(["测试甲", "测试乙", "测试丙", "测试丁"].map { firm(r, $0).firmClass } == [.A, .B, .C, .C])
    }

    @Test func firmsThatCannotBeJudgedSayWhy() {
        let r = Evaluator(pack: pack).evaluate(table, parcels: [], year: 2025)
        #expect(firm(r, "测试戊").notEvaluated?.contains("below the 3 亩 threshold") == true)
        #expect(firm(r, "测试己").notEvaluated?.contains("new firm: in production since 2025") == true)
        #expect(firm(r, "测试庚").notEvaluated?.hasPrefix("utility (D44)") == true)
        #expect(firm(r, "测试辛").notEvaluated?.hasPrefix("综合能耗 is 0") == true)
        #expect(firm(r, "测试壬").notEvaluated?.hasPrefix("工业增加值 not given") == true)
        #expect(firm(r, "测试癸").notEvaluated?.hasPrefix("no land") == true)
        for f in r.firms where f.notEvaluated != nil { #expect(f.firmClass == nil && f.score == nil) }
        // The one 规上 firm scored is alone in its county: each indicator is half its benchmark.
        #expect(abs(firm(r, "测试, 引号").score! - 50) < 1e-9)
        #expect(firm(r, "测试, 引号").firmClass == .B)
    }

    /// Twenty firms with distinct scores: 4 A, 8 B, 7 C, 1 D; tied scores never split a class.
    @Test func rankSharesAndTies() throws {
        var firms: [Firm] = []
        let ti = table.fieldIndex["tax_wan"]!, pi = table.fieldIndex["electricity_10k_kwh"]!
        for i in 0..<20 {
            var v = [Double](repeating: .nan, count: pack.inputs.count)
            v[ti] = Double(10 + i); v[pi] = 10
            v[table.fieldIndex["revenue_wan"]!] = 100
            let code = String(format: "913304810000%05d", i)
            let full = code + String(CreditCode.checkCharacter(for: code)!)
            firms.append(Firm(creditCode: full, name: "f\(i)", industry: "C17", scale: .below, county: "330481", startYear: 2000,
                              landMu: 10, values: v, row: i + 2))
        }
        var t = table
        t.firms = firms
        let r = Evaluator(pack: pack).evaluate(t, parcels: [], year: 2025)
        let counts = Dictionary(grouping: r.firms, by: { $0.firmClass! }).mapValues(\.count)
        #expect(counts == [.A: 4, .B: 8, .C: 7, .D: 1])
        #expect(r.firms.max { $0.score! < $1.score! }!.firmClass == .A)
        // Make the 4th and 5th best equal: both A.
        t.firms[15].values[ti] = t.firms[16].values[ti]
        let tied = Evaluator(pack: pack).evaluate(t, parcels: [], year: 2025)
        #expect(tied.firms[15].firmClass == .A && tied.firms[16].firmClass == .A)
    }

    @Test func scoreCutoffsWhenThePackSaysSo() throws {
        let byScore = try loadPack(replacing: "method: rank", with: "method: score")
        let r = Evaluator(pack: byScore).evaluate(table, parcels: [], year: 2025)
        // Cut-offs A 120, B 80, C 50: 测试甲 ≈ 115 → B, 测试乙 57.5 → C, 测试丙 28.75 → D.
        #expect(["测试甲", "测试乙", "测试丙"].map { firm(r, $0).firmClass } == [.B, .C, .D])
    }

    @Test func classChangesAgainstThePreviousYear() throws {
        let text = try String(contentsOf: fixture("small.csv"), encoding: .utf8)
        // Last year 测试丁 paid more tax than 测试甲.
        let lastYear = text.replacingOccurrences(of: "2016,10,0,,5,,10", with: "2016,10,300,,900,,60")
        let prior = try FirmTable.read(Data(lastYear.utf8), file: "prior.csv", pack: pack)
        let r = Evaluator(pack: pack).evaluate(table, parcels: [], year: 2025, previous: prior, previousYear: 2024)
        #expect(firm(r, "测试丁").previousClass == .A)
        #expect(firm(r, "测试丁").classChanged)
        #expect(firm(r, "测试甲").previousClass == .B && firm(r, "测试甲").classChanged)
        #expect(!firm(r, "测试丙").classChanged)
    }
}

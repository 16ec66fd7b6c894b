import Foundation
import Testing
import ZonePlan
@testable import ZoneEvaluation

@Suite struct EvaluationPackTests {
    @Test func shippedPackLoadsWithTheMethodsSixAndTwoIndicators() throws {
        let pack = try loadShippedPack()
        #expect(pack.scopes.map(\.id) == ["above", "below"])
        #expect(pack.scopes[0].indicators.map(\.weight) == [30, 20, 20, 10, 10, 10])
        #expect(pack.scopes[1].minLandMu == 3)
        #expect(pack.citations == ["004:114", "004:120", "000:360"])
    }
}

@Suite struct EvaluationPackValidationTests {
    func message(_ old: String, _ new: String) -> String {
        do { _ = try loadPack(replacing: old, with: new); return "loaded" } catch { return "\(error)" }
    }

    @Test func weightsMustAddUpTo100() {
        let m = message("weight: 30", "weight: 35")
        #expect(m.hasPrefix("evaluation.yaml:"))
        #expect(m.contains("field scopes[0].indicators: weights add up to 105, not 100"))
    }

    @Test func aFormulaOverAnUnknownFieldIsRefused() {
        let m = message("numerator: rd_wan", "numerator: rnd_wan")
        #expect(m.contains("scopes[0].indicators[5].numerator: unknown input field 'rnd_wan'"))
    }

    @Test func theUnitMustFollowFromTheFormula() {
        let m = message("unit: 万元/吨标准煤", "unit: 元/吨标准煤")
        #expect(m.contains("'元/吨标准煤' does not follow from value_added_wan (万元) / energy_tce (吨标准煤); expected '万元/吨标准煤'"))
    }

    @Test func rankSharesMustAddUpToOne() {
        #expect(message("D: 0.05}", "D: 0.10}").contains("classes.rank_shares: shares add up to 1.05, not 1"))
    }

    @Test func aFixedBenchmarkNeedsTheIndicatorsUnit() {
        let m = message("benchmark: {times_county_mean: 2}\n        cap: 1.5\n        source: {basis: method, text: \"指标由浙政发〔2018〕5号规定；权重30",
                        "benchmark: {value: 40, unit: 元/亩}\n        cap: 1.5\n        source: {basis: method, text: \"指标由浙政发〔2018〕5号规定；权重30")
        #expect(m.contains("benchmark.unit: wrong unit '元/亩': this indicator is in 万元/亩"))
    }

    @Test func aMisspelledOptionalFieldIsRefusedNotIgnored() {
        #expect(message("zero_denominator: cap", "zero_denominater: cap").contains("scopes[0].indicators[3].zero_denominater: unknown field"))
    }

    @Test func everyChoiceSaysItsBasis() {
        #expect(message("{basis: reading, text: \"A/B/C/D", "{basis: guess, text: \"A/B/C/D").contains("classes.source.basis: expected method or reading, got 'guess'"))
    }
}

@Suite struct NumberFormatTests {
    @Test func fixedDecimalsWithoutTrailingZerosAsPrintfWould() {
        #expect(EvaluationFormat.number(2.5) == "2.5")
        #expect(EvaluationFormat.number(1234.5678) == "1234.57")
        #expect(EvaluationFormat.number(0.001) == "0")
        #expect(EvaluationFormat.number(-3.14159, decimals: 3) == "-3.142")
        #expect(EvaluationFormat.number(10) == "10")
        #expect(EvaluationFormat.number(0.0625, decimals: 4) == "0.0625")
        #expect(EvaluationFormat.number(7.0000001, decimals: 7) == "7.0000001")
        // Against printf over many ordinary figures (none on an exact binary half).
        var x = 0.000137
        for _ in 0..<5000 {
            var p = String(format: "%.2f", x)
            while p.contains(".") && (p.hasSuffix("0") || p.hasSuffix(".")) { p.removeLast() }
            #expect(EvaluationFormat.number(x) == p, "\(x)")
            x = x * 1.0037 + 0.0113
        }
    }
}

import Foundation
import Testing
import ZoneGeometry
@testable import ZoneEvaluation
import ZonePlan

@Suite struct FirmTableTests {
    let pack: EvaluationPack
    let text: String
    init() throws {
        pack = try loadShippedPack()
        text = try String(contentsOf: fixture("small.csv"), encoding: .utf8)
    }

    func read(_ t: String) throws -> FirmTable { try FirmTable.read(Data(t.utf8), file: "small.csv", pack: pack) }

    func error(_ t: String) -> String {
        do { _ = try read(t); return "no error" } catch { return "\(error)" }
    }

    @Test func readsTheFixtureWithQuotedFieldsAndEmptyCells() throws {
        let table = try read(text)
        #expect(table.firms.count == 11)
        #expect(table.encoding == .utf8)
        #expect(table.firms[10].name == "测试, 引号\"有限公司")
        let va = try #require(table.fieldIndex["value_added_wan"])
        #expect(table.firms[0].values[va].isNaN)           // 规下: no 工业增加值
        #expect(table.firms[7].values[va] == 4000)
        #expect(table.firms[9].landMu == nil)
    }

    @Test func gbkFileIsDetectedAndReadTheSame() throws {
        let gbk = try #require(ChineseText.encodeGB18030(text))
        #expect(String(validating: gbk, as: UTF8.self) == nil)  // really not UTF-8
        let table = try FirmTable.read(Data(gbk), file: "gbk.csv", pack: pack)
        #expect(table.encoding == .gb18030)
        #expect(table.firms.map(\.name) == (try read(text)).firms.map(\.name))
    }

    @Test func aMissingRequiredColumnIsNamed() {
        let t = text.replacingOccurrences(of: "税收(万元)", with: "税金")
        #expect(error(t) == "small.csv:1: missing required column: 税收(万元)")
    }

    @Test func aHeadingInAnotherUnitIsRefused() {
        let t = text.replacingOccurrences(of: "税收(万元)", with: "税收(元)")
        #expect(error(t) == "small.csv:1: column 税收: heading says the unit is 元, the evaluation pack expects 万元")
    }

    @Test func aWrongCreditCodeNamesRowAndWhy() {
        let t = text.replacingOccurrences(of: "91330481215736816G", with: "91330481215736816H")
        #expect(error(t) == "small.csv:3: column 统一社会信用代码: '91330481215736816H' check character is 'H', expected 'G' (GB 32100-2015)")
    }

    @Test func aDuplicateFirmNamesBothLines() {
        let first = text.split(separator: "\n")[1]
        #expect(error(text + first + "\n") == "small.csv:13: column 统一社会信用代码: '913304819458073058' is listed twice (also on line 2)")
    }

    @Test func negativeAndNonNumericFiguresAreRefused() {
        let neg = text.replacingOccurrences(of: "测试乙服装有限公司,C1810,规下,330481,2012,10,50,", with: "测试乙服装有限公司,C1810,规下,330481,2012,10,-50,")
        #expect(error(neg) == "small.csv:3: column 税收: -50 is negative")
        let word = text.replacingOccurrences(of: "测试乙服装有限公司,C1810,规下,330481,2012,10,50,", with: "测试乙服装有限公司,C1810,规下,330481,2012,10,五十,")
        #expect(error(word) == "small.csv:3: column 税收: '五十' is not a number")
    }

    @Test func thousandsSeparatorsInQuotedFiguresAreRead() throws {
        let t = text.replacingOccurrences(of: "2008,40,800,4000,18000", with: "2008,40,800,4000,\"18,000\"")
        let table = try read(t)
        #expect(table.firms[7].values[table.fieldIndex["revenue_wan"]!] == 18000)
    }
}

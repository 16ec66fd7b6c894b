import Foundation
import Testing
@testable import ZoneGeometry

/// 报部 TXT files a hostile or careless sender could post: none may trap, stall or take memory
/// out of proportion to a real file.
@Suite struct BaobuHostileInputTests {
    static let head = BaobuTXTTests.attributesHead

    @Test func aHugeZonePrefixIsAnErrorNotATrap() throws {
        // Y = 9999999999999999999999999 used to reach Int(z) in the message and kill the process.
        let text = Self.head + """
            5,0.3,JX-1,test,面,,工业用地,,@
            J1,1,3401000.000,9999999999999999999999999
            J2,1,3401000.000,40556200.000
            J3,1,3400850.000,40556200.000
            J4,1,3400850.000,40556000.000
            J1,1,3401000.000,40556000.000

            """
        let e = BaobuTXTTests.baobuError { _ = try BaobuTXTTests.readText(text) }
        #expect(e?.field == "Y")
        #expect(e?.message.contains("zone prefix") == true)
        #expect((e?.message.count ?? 0) < 200, "the message is one short line")
    }

    @Test func manyAttributeLinesParseInLinearTimeAndAreCapped() throws {
        // 40,000 key=value lines: refused quickly, naming the cap (this took 95 s when each line
        // scanned every earlier one).
        var text = "[属性描述]\n"
        for i in 0..<40_000 { text += "k\(i)=v\n" }
        text += "[地块坐标]\n"
        let start = Date()
        let e = BaobuTXTTests.baobuError { _ = try BaobuTXTTests.readText(text) }
        #expect(e?.message.contains("attributes") == true)
        #expect(Date().timeIntervalSince(start) < 10, "parsing must not be quadratic")
    }

    @Test func aDuplicateAttributeIsStillNamedWithItsFirstLine() throws {
        let text = Self.head.replacingOccurrences(of: "精度=0.001\n", with: "精度=0.001\n精度=0.01\n") + "5,0.3,JX-1,test,面,,工业用地,,@\n" + BaobuTXTTests.square
        let e = BaobuTXTTests.baobuError { _ = try BaobuTXTTests.readText(text) }
        #expect(e?.field == "精度")
        #expect(e?.message.contains("duplicate attribute (first at line") == true)
    }

    @Test func anErrorEchoesOnlyAShortExcerptOfAHugeLine() {
        let text = "[" + String(repeating: "x", count: 200_000) + "\n"
        let e = BaobuTXTTests.baobuError { _ = try BaobuTXTTests.readText(text) }
        #expect(("\(e.map { "\($0)" } ?? "")").count < 500)
    }
}

import Foundation
import Testing
@testable import ZoneGeometry

/// The JSON parser's fast paths against the general ones they skip.
@Suite struct JSONFastPathTests {
    @Test("plain decimals: the fast path gives strtod's double, bit for bit; anything else goes the slow way")
    func decimalsAsStrtod() {
        var texts = ["0", "-0", "0.0", "-0.0", "1", "-1", "120.7123456", "30.7654321", "0.1", "0.3", "123456789012345",
                     "999999999999999", "9999999999999999", "1234567890.12345", "0.000000000000000000001", "0.0000000000000000000001",
                     "1.000000000000000000000000", "4.35", "2.675", "100000000000000000000000", "1e5", "1.5E-3", "-7.25e+2"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let whole = Int.random(in: 0...999, using: &rng)
            let places = Int.random(in: 0...13, using: &rng)
            var frac = ""
            for _ in 0..<places { frac += String(Int.random(in: 0...9, using: &rng)) }
            texts.append((Bool.random(using: &rng) ? "-" : "") + String(whole) + (places > 0 ? "." + frac : ""))
        }
        for t in texts {
            let reference = Double(t)!
            let got = try? JSONValue.parse(Data(t.utf8)).doubleValue
            #expect(got?.bitPattern == reference.bitPattern, "\(t)")
            if let fast = JSONParser.exactDecimal(ArraySlice(Array(t.utf8))) { #expect(fast.bitPattern == reference.bitPattern, "\(t)") }
        }
        #expect(JSONParser.exactDecimal(ArraySlice(Array("120.7123456".utf8))) != nil)
        #expect(JSONParser.exactDecimal(ArraySlice(Array("1e5".utf8))) == nil)
    }

    @Test("strings: the unescaped fast path and the escaping path read the same text; bad UTF-8 still refused")
    func stringsAsBefore() throws {
        let cases = ["plain", "中文 text", "", "with \\\"quote\\\"", "tab\\tand\\u00e9", "\\ud83d\\ude00 emoji", "😀"]
        for c in cases {
            let v = try JSONValue.parse(Data("[\"\(c)\", \"x\"]".utf8))
            let expected = try JSONSerialization.jsonObject(with: Data("[\"\(c)\", \"x\"]".utf8)) as! [String]
            #expect(v == .array(expected.map(JSONValue.string)), "\(c)")
        }
        #expect(throws: GeoJSONError.self) { try JSONValue.parse(Data([0x22, 0xC3, 0x28, 0x22])) }
        #expect(throws: GeoJSONError.self) { try JSONValue.parse(Data("\"a\u{1}b\"".utf8)) }
        #expect(throws: GeoJSONError.self) { try JSONValue.parse(Data("\"abc".utf8)) }
    }
}

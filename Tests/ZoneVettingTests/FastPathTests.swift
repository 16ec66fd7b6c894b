import Foundation
import Testing
import ZoneGeometry
import ZonePlan
@testable import ZoneVetting

/// Hand-written fast paths against what they replace.
@Suite struct FastPathTests {
    @Test("IndustryCatalog.isWellFormed answers as the regex it replaced, line terminators included")
    func industryCodeMatchesTheRegex() {
        let pattern = #"^[A-T]([0-9]{2}([0-9]{1,2})?)?$"#
        var codes = ["", "C", "C3", "C38", "C382", "C3825", "C38251", "A01", "T99", "U38", "c38", "C 38", " C38", "C38 ",
                     "Ｃ38", "C３8", "C3a", "CC38", "\n", "\r\n", "C38\n\n", "C\n", "C3\n", "中38"]
        for t in ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\t", "\n\r"] {
            codes += ["C38" + t, "C3825" + t, t + "C38", "C" + t]
        }
        for code in codes {
            let regex = code.range(of: pattern, options: .regularExpression) != nil
            #expect(IndustryCatalog.isWellFormed(code) == regex, "\(code.debugDescription)")
        }
    }
}

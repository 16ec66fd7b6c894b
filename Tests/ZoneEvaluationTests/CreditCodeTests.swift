import Testing
@testable import ZoneEvaluation
import ZonePlan

@Suite struct CreditCodeTests {
    /// Codes published on the firms' own licences (Alibaba (China), Tencent, Huawei, a public example).
    @Test(arguments: ["91330100799655058B", "91440300708461136T", "914403001922038216", "91350100M000100Y43"])
    func publishedCodesPass(_ code: String) {
        #expect(CreditCode.problem(code) == nil)
    }

    @Test func aWrongCheckCharacterSaysWhichWasExpected() {
        #expect(CreditCode.problem("91330100799655058C") == "check character is 'C', expected 'B' (GB 32100-2015)")
    }

    @Test func lengthLettersAndTheAdministrativeCodeAreChecked() {
        #expect(CreditCode.problem("9133010079965505")?.contains("16 characters") == true)
        #expect(CreditCode.problem("91330100799655058b")?.contains("use capitals") == true)
        #expect(CreditCode.problem("9133O100799655058B")?.contains("'O'") == true)   // letter O, not zero
        #expect(CreditCode.problem("91A30100799655058B")?.contains("administrative code") == true)
    }

    @Test func checkCharacterCompletesAValidCode() throws {
        let c = try #require(CreditCode.checkCharacter(for: "91330100799655058"))
        #expect(c == "B")
    }
}

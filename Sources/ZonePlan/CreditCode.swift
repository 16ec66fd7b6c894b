/// 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and the 21 letters A–Y without I, O,
/// Z, S, V; characters 3–8 are the registering authority's 6-digit administrative code; the 18th
/// is a check character over the first 17 (weights 3^(i-1) mod 31, check = 31 − Σ mod 31).
public enum CreditCode {
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let valueOf: [Character: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })

    /// Value of each ASCII byte in `alphabet`, -1 if not allowed.
    static let byteValue: [Int8] = {
        var t = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { t[Int(c.asciiValue!)] = Int8(i) }
        return t
    }()

    /// nil when the code is well formed; else why not, in a few words.
    public static func problem(_ code: String) -> String? {
        let bytes = Array(code.utf8)
        if bytes.count == 18, bytes.allSatisfy({ $0 < 128 }) {
            var sum = 0, ok = true
            for i in 0..<17 {
                let v = Int(byteValue[Int(bytes[i])])
                if v < 0 || ((2...7).contains(i) && v > 9) { ok = false; break }
                sum += v * weights[i]
            }
            if ok, byteValue[Int(bytes[17])] >= 0, Character(Unicode.Scalar(bytes[17])) == checkCharacter(sum: sum) { return nil }
        }
        return slowProblem(code)
    }

    /// The reason, character by character (only for a bad code).
    static func slowProblem(_ code: String) -> String? {
        let chars = Array(code)
        guard chars.count == 18 else { return "has \(chars.count) characters, expected 18" }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = valueOf[c] else {
                let lower = c.isLowercase ? " (use capitals)" : ""
                return "character \(i + 1) '\(c)' is not allowed (0-9 and A–Y without I, O, Z, S, V)\(lower)"
            }
            if (2...7).contains(i), v > 9 { return "characters 3–8 must be the 6-digit administrative code, found '\(c)' at \(i + 1)" }
            if i < 17 { sum += v * weights[i] }
        }
        let expected = checkCharacter(sum: sum)
        guard chars[17] == expected else { return "check character is '\(chars[17])', expected '\(expected)' (GB 32100-2015)" }
        return nil
    }

    public static func isValid(_ code: String) -> Bool { problem(code) == nil }

    /// The check character for the first 17 characters (which must be from `alphabet`).
    public static func checkCharacter(for first17: String) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = valueOf[c] else { return nil }
            sum += v * weights[i]
        }
        return checkCharacter(sum: sum)
    }

    static func checkCharacter(sum: Int) -> Character {
        let c = 31 - sum % 31
        return alphabet[c == 31 ? 0 : c]
    }
}

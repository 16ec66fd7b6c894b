/// Numbers as people write them in a form or on a command line: decimal only. Swift's
/// `Double(String)` also reads `0x10` (16), `nan`, `inf` and `1e400` (∞); a figure typed that way
/// is a mistake to refuse, not a value to repair.
public enum DecimalText {
    public static func parse(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.utf8.count <= 64 else { return nil }
        var sawDigit = false, sawDot = false, sawExp = false, expDigits = false
        for (i, c) in t.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if sawExp { expDigits = true } else { sawDigit = true }
            case UInt8(ascii: "."):
                if sawDot || sawExp { return nil }
                sawDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if sawExp || !sawDigit { return nil }
                sawExp = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let prev = i == 0 ? nil : Array(t.utf8)[i - 1]
                guard i == 0 || prev == UInt8(ascii: "e") || prev == UInt8(ascii: "E") else { return nil }
            default:
                return nil
            }
        }
        guard sawDigit, !sawExp || expDigits, let d = Double(t), d.isFinite else { return nil }
        return d
    }
}

import Foundation

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

    /// The one number formatter of ZonePlanner's texts (findings, query tables, reports): at most
    /// `places` decimals, trailing zeros dropped, ties as printf rounds them (to even), no "-0".
    /// Integer arithmetic: `String(format:)` was an eighth of batch vetting time.
    public static func format(_ d: Double, places: Int = 2) -> String {
        let places = max(0, min(places, 9))
        var p: Int64 = 1
        for _ in 0..<places { p *= 10 }
        let scaled = (abs(d) * Double(p)).rounded(.toNearestOrEven)
        guard d.isFinite, scaled < 9e15 else {
            var s = String(format: "%.\(places)f", d)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s
        }
        let n = Int64(scaled)
        var whole = String(n / p)
        if n != 0 && d < 0 { whole = "-" + whole }
        var frac = n % p
        guard frac != 0 else { return whole }
        var digits = places
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        let f = String(frac)
        return whole + "." + String(repeating: "0", count: digits - f.count) + f
    }
}

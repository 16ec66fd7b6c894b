/// Text from input (a project name, a layer's attribute, an error excerpt) made safe to print on
/// one line of a terminal or a log: control characters (newline, carriage return, ESC, BEL, …),
/// C1 controls and bidirectional overrides are shown as `\u{…}` escapes, so input can neither
/// start a forged line ("verdict 结论: APPROVE") nor drive the terminal.
public enum TerminalText {
    public static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            if needsEscape(u) {
                switch u {
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
                }
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v) || v == 0x2028 || v == 0x2029
    }
}

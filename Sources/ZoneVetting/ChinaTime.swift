import Foundation

/// Times as a person in Jiaxing reads them: China Standard Time (UTC+8, no daylight saving), with
/// the zone written out, e.g. `2026-11-30 10:55 (UTC+8)`. The ledger stores UTC ISO 8601, and
/// machine outputs (JSON, GeoJSON) keep that; only what is shown to a person goes through here.
public enum ChinaTime {
    /// UTC+8 as a fixed offset: China has not observed daylight saving since 1991.
    public static let zone = TimeZone(secondsFromGMT: 8 * 3600)!
    public static let label = "UTC+8"

    /// `2026-11-30 10:55 (UTC+8)`.
    public static func display(_ date: Date) -> String {
        let c = components(date)
        return String(format: "%04d-%02d-%02d %02d:%02d (\(label))", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// A stored ISO 8601 time (with or without fractional seconds, any offset) shown in China
    /// time; text that is not such a time is returned unchanged rather than guessed at.
    public static func display(iso: String) -> String {
        parse(iso).map(display) ?? iso
    }

    /// The calendar year in China time (a decision recorded at 2026-12-31T17:00Z is of 2027).
    public static func year(_ date: Date) -> Int { components(date).year ?? 0 }

    public static func parse(_ iso: String) -> Date? {
        if let d = parseUTC(iso) { return d }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: iso) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)
    }

    /// The form the ledger writes, `2026-11-30T02:55:12.345Z` (or without the fraction), read
    /// without making a formatter (that took ~0.2 ms, several times per answer); anything else nil.
    static func parseUTC(_ iso: String) -> Date? {
        let b = Array(iso.utf8)
        guard b.count == 20 || b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
              b.last == 0x5A else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard (0x30...0x39).contains(b[i]) else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16),
              let s = num(17..<19), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var ms = 0
        if b.count == 24 { guard b[19] == 0x2E, let f = num(20..<23) else { return nil }; ms = f }
        var t = tm()
        t.tm_year = Int32(y - 1900); t.tm_mon = Int32(mo - 1); t.tm_mday = Int32(d)
        t.tm_hour = Int32(h); t.tm_min = Int32(mi); t.tm_sec = Int32(s)
        let secs = timegm(&t)
        return Date(timeIntervalSince1970: Double(secs) + Double(ms) / 1000)
    }

    static func components(_ date: Date) -> DateComponents {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    }
}

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
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: iso) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)
    }

    static func components(_ date: Date) -> DateComponents {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    }
}

import Foundation
import Testing
import ZoneVetting

/// Times shown to a person are China time with the zone written out; a stored time that is not
/// ISO 8601 is shown as it is, never guessed at.
@Suite struct ChinaTimeTests {
    @Test func utcBecomesChinaTimeAcrossTheNewYear() throws {
        #expect(ChinaTime.display(iso: "2026-12-31T15:59:59Z") == "2026-12-31 23:59 (UTC+8)")
        #expect(ChinaTime.display(iso: "2026-12-31T17:00:00.250Z") == "2027-01-01 01:00 (UTC+8)")
        #expect(ChinaTime.display(iso: "2026-11-30T10:55:00+08:00") == "2026-11-30 10:55 (UTC+8)")
        #expect(ChinaTime.year(try #require(ChinaTime.parse("2026-12-31T17:00:00Z"))) == 2027)
        #expect(ChinaTime.display(iso: "yesterday") == "yesterday")
    }
}

import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("civil dates, times and spans", .timeLimit(.minutes(2)))
struct CivilTimeTests {
  @Test("days since the epoch round-trip and weekdays are right")
  func civil() {
    #expect(LocalDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
    #expect(LocalDate(daysSinceEpoch: 0) == LocalDate(year: 1970, month: 1, day: 1))
    #expect(LocalDate(year: 2026, month: 11, day: 26).weekday == .thursday)
    #expect(LocalDate(year: 2000, month: 2, day: 29).weekday == .tuesday)
    for days in stride(from: -800_000, to: 800_000, by: 997) {
      #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
    }
  }

  @Test(
    "wall times",
    arguments: [
      ("08:00", true), ("12:30:15", true), ("23:59:59", true), ("24:00", false), ("7:5", false), ("25:61", false),
      ("08:60", false), ("08:00:60", false), ("0800", false), ("08:00:00:00", false), ("", false), ("ab:cd", false),
    ])
  func wallTimes(text: String, valid: Bool) {
    #expect((WallTime(text) != nil) == valid)
  }

  @Test(
    "spans",
    arguments: [("90s", 90), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("3d", 259_200), ("0m", 0), ("2h", 7200)]
      as [(String, Int64)])
  func spans(text: String, seconds: Int64) {
    #expect(Span(text)?.seconds == seconds)
  }

  @Test("bad spans", arguments: ["", "30", "m", "30x", "1m1h", "1h1h", "-5m", "1.5h", "99999999999s"])
  func badSpans(text: String) {
    #expect(Span(text) == nil)
  }

  @Test(
    "dates",
    arguments: [
      ("2026-11-01", true), ("2027-02-29", false), ("2028-02-29", true), ("2026-13-01", false), ("2026-1-01", false),
    ])
  func dates(text: String, valid: Bool) {
    #expect((LocalDate(iso: text) != nil) == valid)
  }
}

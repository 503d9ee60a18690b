import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// `YYYY-MM-DDTHH:MM:SS±HH:MM` → instant, for readable expectations.
func instant(_ text: String) -> Instant {
  let date = LocalDate(iso: text.prefix(10))!
  let time = WallTime(text.dropFirst(11).prefix(8))!
  let sign: Int64 = text.dropFirst(19).first == "-" ? -1 : 1
  let offsetText = text.dropFirst(20)
  let offset = offsetText.isEmpty ? 0 : sign * (Int64(offsetText.prefix(2))! * 3600 + Int64(offsetText.suffix(2))! * 60)
  return Instant(seconds: Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsIntoDay) - offset)
}

func zone(_ name: String) -> TimeZoneRules { TimeZoneRules.named(name)! }

@Suite("time zones read from the system's zone database", .timeLimit(.minutes(2)))
struct TimeZoneRulesTests {
  static let zones = [
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kathmandu", "UTC",
    "Pacific/Chatham", "America/Santiago", "Europe/Dublin", "Africa/Casablanca", "Asia/Tehran", "Pacific/Apia",
  ]

  @Test("offsets agree with Foundation's TimeZone hour by hour around every transition, 2000-2037", arguments: zones)
  func agreesWithFoundation(name: String) throws {
    let ours = zone(name)
    let theirs = try #require(TimeZone(identifier: name))
    var t = instant("2000-01-01T00:00:00Z").seconds
    let end = instant("2037-12-31T00:00:00Z").seconds
    var mismatches: [String] = []
    while t < end {
      let expected = theirs.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
      let actual = ours.offset(at: Instant(seconds: t))
      if expected != actual { mismatches.append("@\(t): \(actual) != \(expected)") }
      t += 3 * 3600 + 17
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  @Test("the POSIX footer rule carries far-future years")
  func footerRule() {
    let berlin = zone("Europe/Berlin")
    #expect(berlin.offset(at: instant("2090-07-01T12:00:00Z")) == 7200)
    #expect(berlin.offset(at: instant("2090-01-01T12:00:00Z")) == 3600)
    // Last Sunday of March 2090 is the 26th: 01:00 UTC switches.
    #expect(berlin.offset(at: instant("2090-03-26T00:59:59Z")) == 3600)
    #expect(berlin.offset(at: instant("2090-03-26T01:00:00Z")) == 7200)
  }

  @Test("POSIX TZ strings parse, including southern-hemisphere and half-hour rules")
  func posixRules() throws {
    let lordHowe = try #require(PosixTimeZoneRule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"))
    #expect(lordHowe.offset(at: instant("2050-01-15T00:00:00Z").seconds) == 39_600)
    #expect(lordHowe.offset(at: instant("2050-06-15T00:00:00Z").seconds) == 37_800)
    let newYork = try #require(PosixTimeZoneRule("EST5EDT,M3.2.0,M11.1.0"))
    #expect(newYork.offset(at: instant("2050-07-01T00:00:00Z").seconds) == -14_400)
    #expect(PosixTimeZoneRule("UTC0") != nil)
    #expect(PosixTimeZoneRule("nonsense") == nil)
    #expect(PosixTimeZoneRule("EST5EDT,M13.1.0,M11.1.0") == nil)
  }

  @Test("TZ in the environment decides the system zone")
  func systemZone() {
    #expect(TimeZoneRules.system(environment: ["TZ": "Asia/Kathmandu"]).offset(at: Instant(seconds: 0)) == 19_800)
    #expect(TimeZoneRules.system(environment: ["TZ": ":Europe/Berlin"]).identifier == "Europe/Berlin")
    #expect(TimeZoneRules.system(environment: ["TZ": ""]).identifier == "UTC")
    #expect(TimeZoneRules.system(environment: ["TZ": "EST5"]).offset(at: Instant(seconds: 0)) == -18_000)
  }

  @Test("unknown and hostile names are refused", arguments: ["Mars/Olympus", "../etc/passwd", "/etc/localtime", ""])
  func unknownNames(name: String) {
    #expect(TimeZoneRules.named(name) == nil)
  }
}

@Suite("wall-clock times on local dates resolve as RFC 5545 asks", .timeLimit(.minutes(2)))
struct ResolutionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var zone: String
    var date: String
    var time: String
    var expected: String
    var testDescription: String { "\(zone) \(date) \(time) -> \(expected)" }
  }

  static let cases: [Case] = [
    // Europe/Berlin: gap 02:00-03:00 on 2027-03-28, repeat 02:00-03:00 on 2027-10-31.
    Case(zone: "Europe/Berlin", date: "2027-03-28", time: "02:30", expected: "2027-03-28T03:30:00+02:00"),
    Case(zone: "Europe/Berlin", date: "2027-03-28", time: "02:00", expected: "2027-03-28T03:00:00+02:00"),
    Case(zone: "Europe/Berlin", date: "2027-03-28", time: "03:00", expected: "2027-03-28T03:00:00+02:00"),
    Case(zone: "Europe/Berlin", date: "2027-03-28", time: "01:59:59", expected: "2027-03-28T01:59:59+01:00"),
    Case(zone: "Europe/Berlin", date: "2027-10-31", time: "02:30", expected: "2027-10-31T02:30:00+02:00"),
    Case(zone: "Europe/Berlin", date: "2027-10-31", time: "03:00", expected: "2027-10-31T03:00:00+01:00"),
    Case(zone: "Europe/Berlin", date: "2026-03-29", time: "02:15", expected: "2026-03-29T03:15:00+02:00"),
    Case(zone: "Europe/Berlin", date: "2026-10-25", time: "02:15", expected: "2026-10-25T02:15:00+02:00"),
    // America/New_York: 02:00 local both ways.
    Case(zone: "America/New_York", date: "2027-03-14", time: "02:30", expected: "2027-03-14T03:30:00-04:00"),
    Case(zone: "America/New_York", date: "2027-11-07", time: "01:30", expected: "2027-11-07T01:30:00-04:00"),
    Case(zone: "America/New_York", date: "2027-11-07", time: "02:30", expected: "2027-11-07T02:30:00-05:00"),
    Case(zone: "America/New_York", date: "2026-03-08", time: "02:00", expected: "2026-03-08T03:00:00-04:00"),
    Case(zone: "America/New_York", date: "2026-11-01", time: "01:59", expected: "2026-11-01T01:59:00-04:00"),
    // Australia/Lord_Howe: a 30-minute shift, +10:30 <-> +11:00.
    Case(zone: "Australia/Lord_Howe", date: "2027-10-03", time: "02:15", expected: "2027-10-03T02:45:00+11:00"),
    Case(zone: "Australia/Lord_Howe", date: "2027-10-03", time: "02:30", expected: "2027-10-03T02:30:00+11:00"),
    Case(zone: "Australia/Lord_Howe", date: "2027-04-04", time: "01:45", expected: "2027-04-04T01:45:00+11:00"),
    Case(zone: "Australia/Lord_Howe", date: "2027-04-04", time: "02:00", expected: "2027-04-04T02:00:00+10:30"),
    Case(zone: "Australia/Lord_Howe", date: "2026-10-04", time: "02:10", expected: "2026-10-04T02:40:00+11:00"),
    Case(zone: "Australia/Lord_Howe", date: "2026-04-05", time: "01:30", expected: "2026-04-05T01:30:00+11:00"),
    // America/Sao_Paulo in 2018: DST began at midnight (00:00 -> 01:00) and ended at midnight.
    Case(zone: "America/Sao_Paulo", date: "2018-11-04", time: "00:00", expected: "2018-11-04T01:00:00-02:00"),
    Case(zone: "America/Sao_Paulo", date: "2018-11-04", time: "00:30", expected: "2018-11-04T01:30:00-02:00"),
    Case(zone: "America/Sao_Paulo", date: "2018-11-03", time: "23:30", expected: "2018-11-03T23:30:00-03:00"),
    Case(zone: "America/Sao_Paulo", date: "2018-02-17", time: "23:30", expected: "2018-02-17T23:30:00-02:00"),
    Case(zone: "America/Sao_Paulo", date: "2018-02-18", time: "00:00", expected: "2018-02-18T00:00:00-03:00"),
    // Asia/Kathmandu: +05:45, no DST.
    Case(zone: "Asia/Kathmandu", date: "2027-03-28", time: "02:30", expected: "2027-03-28T02:30:00+05:45"),
    Case(zone: "Asia/Kathmandu", date: "2027-10-31", time: "23:59:59", expected: "2027-10-31T23:59:59+05:45"),
    // UTC.
    Case(zone: "UTC", date: "2027-03-28", time: "02:30", expected: "2027-03-28T02:30:00+00:00"),
    Case(zone: "UTC", date: "2028-02-29", time: "08:00", expected: "2028-02-29T08:00:00+00:00"),
  ]

  @Test("the table", arguments: cases)
  func resolves(_ c: Case) {
    let resolved = zone(c.zone).resolve(LocalDate(iso: c.date)!, WallTime(c.time)!)
    #expect(resolved == instant(c.expected))
    #expect(ISO8601.format(resolved, in: zone(c.zone)) == c.expected)
  }

  @Test(
    "every wall-clock minute of every transition day resolves to a valid instant, in order",
    arguments: TimeZoneRulesTests.zones)
  func monotone(name: String) {
    let rules = zone(name)
    for year in [2018, 2026, 2027] {
      var date = LocalDate(year: year, month: 1, day: 1)
      while date.year == year {
        let midnight = rules.resolve(date, WallTime(hour: 0, minute: 0))
        let next = rules.resolve(date.adding(days: 1), WallTime(hour: 0, minute: 0))
        if next.seconds - midnight.seconds != 86_400 {
          // A transition day: every minute reads back as itself, or, in the gap, later by the gap.
          let gap = Int64(rules.offset(at: next) - rules.offset(at: midnight.adding(seconds: -43_200)))
          for minute in stride(from: 0, to: 1440, by: 1) {
            let wall = WallTime(hour: minute / 60, minute: minute % 60)
            let resolved = rules.resolve(date, wall)
            let readBack = rules.localTime(at: resolved)
            let shift =
              Int64(readBack.date.daysSinceEpoch - date.daysSinceEpoch) * 86_400
              + Int64(readBack.secondsIntoDay - wall.secondsIntoDay)
            #expect(shift == 0 || (gap > 0 && shift == gap), "\(name) \(date) \(wall)")
          }
        }
        date = date.adding(days: 1)
      }
    }
  }
}

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

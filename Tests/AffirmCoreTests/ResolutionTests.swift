import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

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
      // The year's offset changes, found from offset(at:) alone: a resolve that ignored them
      // would find no transition day below, and this test would check nothing.
      let yearStart = Instant(seconds: Int64(LocalDate(year: year, month: 1, day: 2).daysSinceEpoch) * 86_400)
      let yearEnd = Instant(seconds: Int64(LocalDate(year: year, month: 12, day: 31).daysSinceEpoch) * 86_400)
      var changes = 0
      var after = yearStart
      while let change = nextOffsetChange(in: rules, after: after), change < yearEnd {
        changes += 1
        after = change
      }
      var transitionDays = 0
      defer { #expect((changes == 0) == (transitionDays == 0), "\(name) \(year): \(changes) offset changes") }
      var date = LocalDate(year: year, month: 1, day: 1)
      while date.year == year {
        let midnight = rules.resolve(date, WallTime(hour: 0, minute: 0))
        let next = rules.resolve(date.adding(days: 1), WallTime(hour: 0, minute: 0))
        if next.seconds - midnight.seconds != 86_400 {
          transitionDays += 1
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

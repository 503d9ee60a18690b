import Testing

@testable import AffirmCore

/// Urges and waves that passed, per local calendar week (Monday first), with an injected clock
/// and zone; the terminal chart and the SVG made from them.
@Suite("urges and waves per week", .timeLimit(.minutes(2)))
struct WeeklyStatsTests {
  func date(_ text: String) -> LocalDate { LocalDate(iso: text)! }

  @Test("twelve weeks, each starting on a Monday, the last one the week of now")
  func twelveMondays() {
    let stats = WeeklyStats(
      urges: [], passed: [], now: instant("2026-09-10T12:00:00+02:00"), zone: zone("Europe/Berlin"))
    #expect(stats.weeks.count == 12)
    #expect(stats.weeks.last?.start == date("2026-09-07"))
    #expect(stats.weeks.first?.start == date("2026-06-22"))
    #expect(stats.weeks.allSatisfy { $0.start.weekday == .monday && $0.urges == 0 && $0.passed == 0 })
    #expect(zip(stats.weeks, stats.weeks.dropFirst()).allSatisfy { $0.start.adding(days: 7) == $1.start })
  }

  @Test("the week that ends on the night Berlin falls back keeps its Sunday, both 02:30s and the late evening")
  func fallBackWeek() {
    let stats = WeeklyStats(
      urges: [
        instant("2026-10-18T23:59:00+02:00"),  // Sunday before: the week of 10-12
        instant("2026-10-25T02:30:00+02:00"),  // first 02:30, CEST
        instant("2026-10-25T02:30:00+01:00"),  // second 02:30, CET
        instant("2026-10-25T23:30:00+01:00"),  // Sunday night, still the week of 10-19
        instant("2026-10-26T00:30:00+01:00"),  // Monday: the new week
      ],
      passed: [instant("2026-10-25T23:45:00+01:00")],
      now: instant("2026-10-28T09:00:00+01:00"), zone: zone("Europe/Berlin"))
    let byStart = Dictionary(uniqueKeysWithValues: stats.weeks.map { ($0.start.description, $0) })
    #expect(byStart["2026-10-12"]?.urges == 1)
    #expect(byStart["2026-10-19"]?.urges == 3)
    #expect(byStart["2026-10-19"]?.passed == 1)
    #expect(byStart["2026-10-26"]?.urges == 1)
    #expect(stats.totalUrges == 5 && stats.totalPassed == 1)
  }

  @Test("a spring-forward week in New York counts by the local date, not by UTC's")
  func localNotUTC() {
    let newYork = zone("America/New_York")
    // Sunday 2026-03-08 (the clocks go forward) at 22:30 EDT is already Monday in UTC.
    let sunday = instant("2026-03-08T22:30:00-04:00")
    let stats = WeeklyStats(urges: [sunday], passed: [sunday], now: instant("2026-03-10T12:00:00-04:00"), zone: newYork)
    #expect(stats.weeks.last?.start == date("2026-03-09"))
    #expect(stats.weeks.last?.urges == 0)
    #expect(stats.weeks[10].start == date("2026-03-02") && stats.weeks[10].urges == 1 && stats.weeks[10].passed == 1)
    let utc = WeeklyStats(urges: [sunday], passed: [], now: instant("2026-03-10T12:00:00-04:00"), zone: .utc)
    #expect(utc.weeks.last?.urges == 1)
  }

  @Test("a week across the new year is one week; older and later urges are left out")
  func yearBoundary() {
    let stats = WeeklyStats(
      urges: [
        instant("2026-12-31T23:30:00+01:00"), instant("2027-01-01T00:30:00+01:00"),
        instant("2026-10-11T23:59:00+02:00"),  // the Sunday before the first week shown
        instant("2026-10-12T00:00:00+02:00"),  // the first minute of the first week shown
        instant("2027-01-04T00:00:00+01:00"),  // next week: not yet shown
      ],
      passed: [instant("2027-01-02T08:00:00+01:00")],
      now: instant("2027-01-02T12:00:00+01:00"), zone: zone("Europe/Berlin"))
    #expect(stats.weeks.first?.start == date("2026-10-12"))
    #expect(stats.weeks.first?.urges == 1)
    #expect(stats.weeks.last == WeeklyStats.Week(start: date("2026-12-28"), urges: 2, passed: 1))
    #expect(stats.totalUrges == 3)
  }

  @Test("the terminal chart: one row per week, bars scaled to the largest week, counts and passed waves")
  func terminalChart() {
    let weeks = [
      WeeklyStats.Week(start: date("2026-08-31"), urges: 0, passed: 0),
      WeeklyStats.Week(start: date("2026-09-07"), urges: 12, passed: 0),
      WeeklyStats.Week(start: date("2026-09-14"), urges: 3, passed: 2),
    ]
    let rows = StatsChart.text(WeeklyStats(weeks: weeks), width: 8).split(separator: "\n").map(String.init)
    #expect(
      rows == [
        "2026-08-31           0",
        "2026-09-07 ████████ 12",
        "2026-09-14 ██        3 · 2 passed",
      ])
    // A single urge in a large week still shows a sliver.
    let small = StatsChart.text(
      WeeklyStats(weeks: [
        .init(start: date("2026-09-07"), urges: 100, passed: 0), .init(start: date("2026-09-14"), urges: 1, passed: 0),
      ]),
      width: 8)
    #expect(small.hasSuffix("2026-09-14 █          1"))
  }

  @Test("the SVG: its size, a bar per week with urges, the streak band from its day, text escaped")
  func svg() {
    var weeks = (0..<12).map { WeeklyStats.Week(start: date("2026-06-22").adding(days: 7 * $0), urges: 0, passed: 0) }
    weeks[3].urges = 4
    weeks[11].urges = 2
    weeks[11].passed = 1
    let picture = StatsChart.svg(WeeklyStats(weeks: weeks), streakStart: date("2026-08-20"))
    #expect(picture.contains(#"width="640" height="360" viewBox="0 0 640 360""#))
    #expect(picture.components(separatedBy: #"<rect class="week""#).count - 1 == 2)
    #expect(picture.contains("No contact since 2026-08-20"))
    #expect(picture.contains("Waves that passed: 1"))
    #expect(picture.contains("Urges per week"))
    // 2026-08-20 is the fourth day of the ninth week shown: the band starts 8 + 3/7 slots in.
    let slot = 568.0 / 12
    #expect(picture.contains(#"<rect class="streak" x="\#(StatsChart.format(56 + (8 + 3.0 / 7) * slot))""#))
    #expect(!picture.contains("<script") && !picture.contains("href"))

    let noStreak = StatsChart.svg(WeeklyStats(weeks: weeks), streakStart: nil)
    #expect(!noStreak.contains(#"class="streak""#))
    let older = StatsChart.svg(WeeklyStats(weeks: weeks), streakStart: date("2025-01-01"))
    #expect(older.contains(#"<rect class="streak" x="56""#))

    #expect(StatsChart.escape(#"Sam & "Mum" <b>'s"#) == "Sam &amp; &quot;Mum&quot; &lt;b&gt;&apos;s")
  }
}

import Foundation
import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("the no-contact day count", .timeLimit(.minutes(2)))
struct NoContactTests {
  @Test(
    "day 1 is the start date, counted in local dates across DST",
    arguments: ["Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe", "UTC"])
  func dayCount(zoneName: String) {
    let rules = zone(zoneName)
    let count = NoContact(start: LocalDate(iso: "2027-03-01")!)
    for offset in 0..<400 {
      let date = LocalDate(iso: "2027-03-01")!.adding(days: offset)
      // 01:45 and 02:15 fall in Berlin's and Lord Howe's gaps and overlaps, 00:00 and 00:30
      // where the zones that change at midnight do.
      for time in ["00:00", "00:30", "01:45", "02:15", "12:00", "23:59"] {
        let instant = rules.resolve(date, WallTime(time)!)
        #expect(count.day(on: rules.localTime(at: instant).date) == offset + 1, "\(zoneName) \(date) \(time)")
      }
      #expect(count.day(on: date) == offset + 1)
    }
    #expect(count.day(on: LocalDate(iso: "2027-02-28")!) == nil)
  }

  @Test(
    "milestones count full days: one week is marked on day 8",
    arguments: [
      (8, "Day 8 · One full week of no contact. Look how far you've come."),
      (15, "Day 15 · Two full weeks of no contact. Look how far you've come."),
      (31, "Day 31 · Thirty full days of no contact. Look how far you've come."),
      (181, "Day 181 · Half a year of no contact. Look how far you've come."),
      (366, "Day 366 · One full year of no contact. Look how far you've come."),
      (731, "Day 731 · 2 full years of no contact. Look how far you've come."),
      (7, nil), (9, nil), (365, nil), (367, nil),
    ] as [(Int, String?)])
  func milestones(day: Int, marked: String?) {
    #expect(NoContact.isMilestone(fullDays: day - 1) == (marked != nil))
    let title = "Good morning"
    #expect(NoContact.summary(day: day, title: title, marksMilestone: true) == marked ?? "Day \(day) · Good morning")
    #expect(NoContact.summary(day: day, title: title, marksMilestone: false) == "Day \(day) · Good morning")
  }

  @Test("a reset starts the count again; the longest streak remembers")
  func resets() {
    let today = LocalDate(iso: "2026-12-31")!
    let current = NoContact.current(
      configured: LocalDate(iso: "2026-11-01")!, resets: [(LocalDate(iso: "2026-12-20")!, Instant(seconds: 0))])
    #expect(current?.day(on: today) == 12)
    #expect(
      NoContact.longestStreak(starts: [LocalDate(iso: "2026-11-01")!, LocalDate(iso: "2026-12-20")!], today: today)
        == 49)
  }
}

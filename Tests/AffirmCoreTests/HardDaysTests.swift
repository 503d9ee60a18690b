import Testing

@testable import AffirmCore

@Suite("hard days", .timeLimit(.minutes(2)))
struct HardDaysTests {
  func date(_ text: String) -> LocalDate { LocalDate(iso: text)! }

  func hardDates(_ day: HardDay, from: String, through: String) -> [String] {
    var result: [String] = []
    var current = date(from)
    while current <= date(through) {
      if day.applies(on: current) { result.append(current.description) }
      current = current.adding(days: 1)
    }
    return result
  }

  @Test("a yearly day with days_before: the days leading up count, across a new year")
  func daysBeforeAcrossNewYear() {
    let day = HardDay(name: "new year", when: .yearly(month: 1, day: 2), daysBefore: 3)
    #expect(
      hardDates(day, from: "2026-12-25", through: "2027-01-10") == [
        "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02",
      ])
    // Every year, not only one.
    #expect(hardDates(day, from: "2030-12-28", through: "2031-01-05").count == 4)
  }

  @Test("02-29 falls on Feb 28 in other years, and on Feb 29 in a leap year")
  func leapDay() {
    let day = HardDay(name: "leap", when: .yearly(month: 2, day: 29))
    #expect(hardDates(day, from: "2027-02-20", through: "2027-03-05") == ["2027-02-28"])
    #expect(hardDates(day, from: "2028-02-20", through: "2028-03-05") == ["2028-02-29"])
  }

  @Test("a full date is hard once, with its days before, and not a year later")
  func once() {
    let day = HardDay(name: "court", when: .once(LocalDate(year: 2027, month: 1, day: 1)), daysBefore: 1)
    #expect(hardDates(day, from: "2026-12-01", through: "2028-01-31") == ["2026-12-31", "2027-01-01"])
  }

  @Test("the first hard day in config order names the date")
  func firstMatch() {
    let days = HardDays([
      HardDay(name: "a", when: .yearly(month: 3, day: 2), daysBefore: 1),
      HardDay(name: "b", when: .yearly(month: 3, day: 1)),
    ])
    #expect(days.hardDay(on: date("2027-03-01"))?.name == "a")
    #expect(days.hardDay(on: date("2027-03-02"))?.name == "a")
    #expect(days.hardDay(on: date("2027-03-03")) == nil)
  }

  @Test("on a hard day a morning slot draws hard-day lines; a late-night window opens 2 hours earlier")
  func slotInForce() {
    let days = HardDays([HardDay(name: "x", when: .yearly(month: 6, day: 1))])
    let morning = Slot(name: "m", timing: .at([WallTime("08:00")!]), tags: ["morning"])
    let night = Slot(
      name: "n", timing: .every(from: WallTime("23:00")!, until: WallTime("02:00")!, interval: Span(seconds: 1800)),
      tags: ["late-night", "urge"])
    let random = Slot(
      name: "r",
      timing: .random(from: WallTime("00:30")!, until: WallTime("03:00")!, count: 2, minimumGap: Span(seconds: 0)),
      tags: ["late-night"])
    let long = Slot(
      name: "l", timing: .every(from: WallTime("20:00")!, until: WallTime("19:00")!, interval: Span(seconds: 3600)),
      tags: ["late-night"])
    let atNight = Slot(name: "a", timing: .at([WallTime("23:00")!]), tags: ["late-night"])
    let hard = date("2027-06-01")
    #expect(days.slotInForce(morning, on: hard).tags == ["hard-day"])
    #expect(days.slotInForce(morning, on: hard.adding(days: 1)) == morning)
    #expect(
      days.slotInForce(night, on: hard).timing
        == .every(from: WallTime("21:00")!, until: WallTime("02:00")!, interval: Span(seconds: 1800)))
    #expect(days.slotInForce(night, on: hard).tags == ["late-night", "urge"])
    #expect(days.slotInForce(night, on: hard.adding(days: 1)) == night)
    #expect(
      days.slotInForce(random, on: hard).timing
        == .random(from: WallTime("22:30")!, until: WallTime("03:00")!, count: 2, minimumGap: Span(seconds: 0)))
    // A window of 23 hours grows to a whole day at most: it opens where the previous one closed.
    #expect(
      days.slotInForce(long, on: hard).timing
        == .every(from: WallTime("19:00")!, until: WallTime("19:00")!, interval: Span(seconds: 3600)))
    #expect(days.slotInForce(atNight, on: hard) == atNight)
  }

  @Test("what status and next say, with the name escaped")
  func notice() {
    let night = Slot(
      name: "n", timing: .every(from: WallTime("23:00")!, until: WallTime("02:00")!, interval: Span(seconds: 1800)),
      tags: ["late-night"])
    let days = HardDays([HardDay(name: "her \u{1B}[31mbirthday", when: .yearly(month: 6, day: 1))])
    #expect(
      days.notice(on: date("2027-06-01"), slots: [night])
        == "Today is a hard day: her \\u{1B}[31mbirthday. Late-night lines start at 21:00.")
    #expect(
      days.notice(on: date("2027-06-01"), slots: [], day: "2027-06-01")
        == "2027-06-01 is a hard day: her \\u{1B}[31mbirthday.")
    #expect(days.notice(on: date("2027-06-02"), slots: [night]) == nil)
  }

  static let dstCases: [(zone: String, hard: String, start: String, nextStart: String)] = [
    // Spring forward in Berlin at 02:00 on 2027-03-28: the window opens at 21:00 CEST, the next at 23:00.
    ("Europe/Berlin", "2027-03-28", "2027-03-28T21:00:00+02:00", "2027-03-29T23:00:00+02:00"),
    // The night the clocks spring forward is itself hard: 21:00 CET, then 23:00 CEST the day after.
    ("Europe/Berlin", "2027-03-27", "2027-03-27T21:00:00+01:00", "2027-03-28T23:00:00+02:00"),
    // Fall back on 2027-10-31.
    ("Europe/Berlin", "2027-10-31", "2027-10-31T21:00:00+01:00", "2027-11-01T23:00:00+01:00"),
    ("Europe/Berlin", "2027-10-30", "2027-10-30T21:00:00+02:00", "2027-10-31T23:00:00+01:00"),
    ("America/New_York", "2027-03-14", "2027-03-14T21:00:00-04:00", "2027-03-15T23:00:00-04:00"),
  ]

  @Test(
    "the late-night window opens 2 hours earlier on the hard day and not the day after, across DST",
    arguments: dstCases)
  func lateNightAcrossDST(zone zoneName: String, hard: String, start: String, nextStart: String) {
    let night = Slot(
      name: "late-night",
      timing: .every(from: WallTime("23:00")!, until: WallTime("02:00")!, interval: Span(seconds: 1800)),
      tags: ["late-night", "urge"])
    let hardDate = date(hard)
    let schedule = Schedule(
      slots: [night], zone: zone(zoneName),
      hardDays: HardDays([HardDay(name: "x", when: .once(hardDate))]))
    let plain = Schedule(slots: [night], zone: zone(zoneName))
    let onHard = schedule.fireTimes(on: hardDate)
    #expect(onHard.first?.instant == instant(start))
    // Four more half hours than the written window, ending where it ends.
    #expect(onHard.count == plain.fireTimes(on: hardDate).count + 4)
    #expect(onHard.last == plain.fireTimes(on: hardDate).last)
    // The day after and the day before are as written.
    #expect(schedule.fireTimes(on: hardDate.adding(days: 1)) == plain.fireTimes(on: hardDate.adding(days: 1)))
    #expect(schedule.fireTimes(on: hardDate.adding(days: 1)).first?.instant == instant(nextStart))
    #expect(schedule.fireTimes(on: hardDate.adding(days: -1)) == plain.fireTimes(on: hardDate.adding(days: -1)))
    // The lazy paths the daemon uses agree with the list.
    let noon = schedule.zone.resolve(hardDate, WallTime("12:00")!)
    #expect(schedule.upcoming(after: noon, count: onHard.count) == onHard)
    #expect(schedule.nextFireTime(of: night, after: noon)?.instant == instant(start))
    let justAfter = instant(start).adding(seconds: 60)
    #expect(schedule.latestFireTime(of: night, after: noon, through: justAfter)?.instant == instant(start))
  }

  @Test("the morning fire of a hard day carries hard-day, and its title says so")
  func morningFire() {
    let morning = Slot(name: "morning", timing: .at([WallTime("08:00")!]), tags: ["morning"])
    let schedule = Schedule(
      slots: [morning], zone: zone("Europe/Berlin"),
      hardDays: HardDays([HardDay(name: "x", when: .yearly(month: 3, day: 28))]))
    #expect(schedule.fireTimes(on: date("2027-03-28")).map(\.tags) == [["hard-day"]])
    #expect(schedule.fireTimes(on: date("2027-03-29")).map(\.tags) == [["morning"]])
    #expect(Moment(tags: ["hard-day"]) == .hardDay)
    #expect(
      Moment(tags: ["hard-day"]).title(for: "Today may weigh more than most. That is allowed.")
        == "A hard day. Go gently.")
  }

  @Test("doctor's line: how many, and the next day itself (not its days before), across a new year, escaped")
  func doctorSummary() {
    let days = HardDays([
      HardDay(name: "her birthday", when: .yearly(month: 3, day: 14), daysBefore: 3),
      HardDay(name: "moving \u{1B}[2J day", when: .once(date("2027-01-02"))),
      HardDay(name: "new year", when: .yearly(month: 1, day: 1)),
    ])
    #expect(days.summary(asOf: date("2026-12-01")) == "hard days: 3 configured, next: new year on 2027-01-01")
    #expect(
      days.summary(asOf: date("2027-01-02")) == "hard days: 3 configured, next: moving \\u{1B}[2J day, today")
    #expect(days.summary(asOf: date("2027-03-12")) == "hard days: 3 configured, next: her birthday on 2027-03-14")
    #expect(days.summary(asOf: date("2027-03-15")) == "hard days: 3 configured, next: new year on 2028-01-01")
    #expect(
      HardDays([HardDay(name: "x", when: .once(date("2026-01-01")))]).summary(asOf: date("2027-01-01"))
        == "hard days: 1 configured, none ahead")
    #expect(
      HardDays([HardDay(name: "leap", when: .yearly(month: 2, day: 29))]).summary(asOf: date("2027-03-01"))
        == "hard days: 1 configured, next: leap on 2028-02-29")
    #expect(
      HardDays([HardDay(name: "far", when: .once(date("2099-02-14")))]).summary(asOf: date("2027-01-01"))
        == "hard days: 1 configured, next: far on 2099-02-14")
    #expect(HardDays().summary(asOf: date("2027-01-01")) == nil)
  }
}

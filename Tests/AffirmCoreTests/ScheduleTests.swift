import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("fire times", .timeLimit(.minutes(2)))
struct ScheduleTests {
  static let transitionDates: [(String, String)] = [
    ("Europe/Berlin", "2027-03-28"), ("Europe/Berlin", "2027-10-31"), ("Europe/Berlin", "2026-03-29"),
    ("Europe/Berlin", "2026-10-25"), ("America/New_York", "2027-03-14"), ("America/New_York", "2027-11-07"),
    ("America/New_York", "2026-03-08"), ("America/New_York", "2026-11-01"), ("Australia/Lord_Howe", "2027-10-03"),
    ("Australia/Lord_Howe", "2027-04-04"), ("Australia/Lord_Howe", "2026-10-04"), ("Australia/Lord_Howe", "2026-04-05"),
    ("America/Sao_Paulo", "2018-11-04"), ("America/Sao_Paulo", "2018-02-17"), ("America/Sao_Paulo", "2018-02-18"),
    ("Asia/Kathmandu", "2027-03-28"), ("UTC", "2027-03-28"),
  ]

  @Test("an at time fires exactly once on every date around each transition", arguments: transitionDates)
  func atFiresOncePerDate(zoneName: String, date: String) {
    let day = LocalDate(iso: date)!
    for minute in stride(from: 0, to: 1440, by: 5) {
      let time = WallTime(hour: minute / 60, minute: minute % 60)
      let schedule = Schedule.of(zoneName, Slot(name: "s", timing: .at([time])))
      for offset in -1...1 {
        let fires = schedule.fireTimes(on: day.adding(days: offset))
        #expect(fires.count == 1, "\(zoneName) \(day.adding(days: offset)) \(time)")
      }
      // Consecutive dates never fire at the same instant or out of order.
      let sequence = (-1...1).flatMap { schedule.fireTimes(on: day.adding(days: $0)) }.map(\.instant)
      #expect(sequence == sequence.sorted() && Set(sequence).count == 3)
    }
  }

  @Test("an at time across a whole year: one fire per date, 365 in all", arguments: TimeZoneRulesTests.zones)
  func wholeYear(zoneName: String) {
    let schedule = Schedule.of(zoneName, Slot(name: "s", timing: .at([WallTime("02:30")!, WallTime("00:00")!])))
    let start = schedule.zone.resolve(LocalDate(year: 2026, month: 12, day: 31), WallTime(hour: 12, minute: 0))
    let times = schedule.upcoming(after: start, count: 730)
    #expect(times.count == 730)
    #expect(Set(times.map(\.instant)).count == 730)
    #expect(Dictionary(grouping: times, by: \.date).values.allSatisfy { $0.count == 2 })
  }

  @Test("every: elapsed-time steps from the window's start, across the spring gap and the fall repeat")
  func everyAcrossTransitions() {
    let slot = Slot(
      name: "w", timing: .every(from: WallTime("01:00")!, until: WallTime("04:00")!, interval: Span(seconds: 1800)))
    let schedule = Schedule.of("Europe/Berlin", slot)
    let spring = schedule.fireTimes(on: LocalDate(iso: "2027-03-28")!).map { local($0, schedule) }
    #expect(
      spring == [
        "2027-03-28T01:00:00+01:00", "2027-03-28T01:30:00+01:00", "2027-03-28T03:00:00+02:00",
        "2027-03-28T03:30:00+02:00",
      ])
    let fall = schedule.fireTimes(on: LocalDate(iso: "2027-10-31")!).map { local($0, schedule) }
    #expect(fall.count == 8)
    #expect(fall.first == "2027-10-31T01:00:00+02:00")
    #expect(fall[3] == "2027-10-31T02:30:00+02:00")
    #expect(fall[4] == "2027-10-31T02:00:00+01:00")
    #expect(fall.last == "2027-10-31T03:30:00+01:00")
  }

  @Test("a window that crosses midnight belongs to its start date; the end is exclusive")
  func crossingMidnight() {
    let slot = Slot(
      name: "late", timing: .every(from: WallTime("23:00")!, until: WallTime("02:00")!, interval: Span(seconds: 1800)))
    let schedule = Schedule.of("UTC", slot)
    let fires = schedule.fireTimes(on: LocalDate(iso: "2027-01-05")!)
    #expect(fires.map { local($0, schedule) }.first == "2027-01-05T23:00:00+00:00")
    #expect(fires.map { local($0, schedule) }.last == "2027-01-06T01:30:00+00:00")
    #expect(fires.count == 6)
    #expect(fires.allSatisfy { $0.date == LocalDate(iso: "2027-01-05")! })
  }

  @Test("days filter the date a slot runs on")
  func daysFilter() {
    let slot = Slot(name: "fri", timing: .at([WallTime("08:00")!]), days: [.friday, .monday])
    let schedule = Schedule.of("UTC", slot)
    let times = schedule.upcoming(after: instant("2026-11-26T00:00:00Z"), count: 4).map { local($0, schedule) }
    #expect(
      times == [
        "2026-11-27T08:00:00+00:00", "2026-11-30T08:00:00+00:00", "2026-12-04T08:00:00+00:00",
        "2026-12-07T08:00:00+00:00",
      ])
  }

  @Test(
    "random times: inside the window, sorted, min_gap apart, the same for the same slot and date", arguments: 0..<50)
  func randomTimes(day: Int) {
    let slot = Slot(
      name: "daytime",
      timing: .random(from: WallTime("10:00")!, until: WallTime("20:00")!, count: 5, minimumGap: Span(seconds: 2700)))
    let schedule = Schedule.of("Europe/Berlin", slot)
    let date = LocalDate(iso: "2027-03-01")!.adding(days: day)
    let fires = schedule.fireTimes(on: date)
    #expect(fires.count == 5)
    let window = schedule.window(on: date, from: WallTime("10:00")!, until: WallTime("20:00")!)
    #expect(fires.allSatisfy { $0.instant >= window.start && $0.instant < window.end })
    #expect(zip(fires, fires.dropFirst()).allSatisfy { $1.instant.seconds - $0.instant.seconds >= 2700 })
    #expect(schedule.fireTimes(on: date) == fires)
    let other = Schedule.of("Europe/Berlin", Slot(name: "other", timing: slot.timing)).fireTimes(on: date)
    #expect(other.map(\.instant) != fires.map(\.instant))
  }

  @Test("a random draw that exactly fills its window still fits")
  func tightRandom() {
    #expect(RandomTimes.fit(count: 3, length: Span(seconds: 3600), minimumGap: Span(seconds: 1799)))
    #expect(!RandomTimes.fit(count: 3, length: Span(seconds: 3600), minimumGap: Span(seconds: 1800)))
    let draws = RandomTimes.draw(
      count: 3, in: Instant(seconds: 0)..<Instant(seconds: 3600), minimumGap: Span(seconds: 1799), seed: 7)
    #expect(draws.count == 3)
    #expect(zip(draws, draws.dropFirst()).allSatisfy { $1.seconds - $0.seconds >= 1799 })
    #expect(draws.allSatisfy { (0..<3600).contains($0.seconds) })
  }

  @Test("upcoming is strictly after, sorted, with no instant twice for one slot")
  func upcoming() {
    let schedule = Config.builtInDefault.schedule(environment: ["TZ": "America/New_York"])
    let start = instant("2027-11-06T12:00:00Z")
    let times = schedule.upcoming(after: start, count: 500)
    #expect(times.count == 500)
    #expect(times.allSatisfy { $0.instant > start })
    #expect(times == times.sorted())
    #expect(Set(times.map { "\($0.slot)@\($0.instant.seconds)" }).count == 500)
    // Starting inside the late-night window picks up the rest of it.
    let inside = schedule.upcoming(after: instant("2027-01-06T05:10:00Z"), count: 2).map { local($0, schedule) }
    #expect(inside == ["2027-01-06T00:30:00-05:00", "2027-01-06T01:00:00-05:00"])
  }
}

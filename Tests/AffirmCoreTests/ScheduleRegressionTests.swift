import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("fire times: cases the property tests found", .timeLimit(.minutes(2)))
struct ScheduleRegressionTests {
  @Test("a window ending in the spring gap stops where the next date's opens: 03:00 fires once")
  func windowIntoTheGap() {
    let slot = Slot(
      name: "w", timing: .every(from: WallTime("03:00")!, until: WallTime("02:30")!, interval: Span(seconds: 1800)))
    let schedule = Schedule.of("Europe/Berlin", slot)
    let times = schedule.upcoming(after: instant("2027-03-28T00:00:00Z"), count: 3).map { local($0, schedule) }
    // Before: 01:30, 03:00 (from the 27th's window), 03:00 again (the 28th's), 03:30.
    #expect(times == ["2027-03-28T01:30:00+01:00", "2027-03-28T03:00:00+02:00", "2027-03-28T03:30:00+02:00"])
    let window = schedule.window(on: LocalDate(iso: "2027-03-27")!, from: WallTime("03:00")!, until: WallTime("02:30")!)
    #expect(ISO8601.format(window.end, in: schedule.zone) == "2027-03-28T03:00:00+02:00")
  }

  @Test("a date the zone skipped (Pacific/Apia, 2011-12-30) fires nothing; the next date fires once")
  func skippedDate() {
    let schedule = Schedule.of("Pacific/Apia", Slot(name: "a", timing: .at([WallTime("08:00")!])))
    let times = schedule.upcoming(after: instant("2011-12-28T00:00:00Z"), count: 3)
    #expect(
      times.map { local($0, schedule) } == [
        "2011-12-28T08:00:00-10:00", "2011-12-29T08:00:00-10:00", "2011-12-31T08:00:00+14:00",
      ])
    #expect(times.map(\.date.description) == ["2011-12-28", "2011-12-29", "2011-12-31"])
  }

  @Test("random times with no min_gap never fall on the same second")
  func randomWithoutGap() {
    // Found shrunk to this: two times in a one-minute window, no min_gap; one date in sixty
    // drew the same second twice, and `affirm next` listed it twice.
    let slot = Slot(
      name: "s0",
      timing: .random(from: WallTime("00:00")!, until: WallTime("00:01")!, count: 2, minimumGap: Span(seconds: 0)))
    let schedule = Schedule.of("UTC", slot)
    for day in 0..<1000 {
      let fires = schedule.fireTimes(on: LocalDate(iso: "2031-03-27")!.adding(days: day)).map(\.instant)
      #expect(fires.count == 2 && fires[0] < fires[1], "\(fires)")
    }
    // More times than seconds: those that coincide fire once.
    let crowded = RandomTimes.draw(
      count: 100, in: Instant(seconds: 0)..<Instant(seconds: 10), minimumGap: Span(seconds: 0), seed: 3)
    #expect(crowded == crowded.sorted() && Set(crowded).count == crowded.count && !crowded.isEmpty)
  }

  @Test("random times on consecutive dates keep min_gap too, in a window of the whole day")
  func randomGapAcrossDates() {
    // Found shrunk to this: one time a day, any time of day, 1h43m apart; before, the 31st's
    // and the 1st's could fall minutes apart on either side of midnight.
    let slot = Slot(
      name: "s0",
      timing: .random(from: WallTime("00:00")!, until: WallTime("00:00")!, count: 1, minimumGap: Span(seconds: 6180)))
    let schedule = Schedule.of("UTC", slot)
    let times = schedule.upcoming(after: instant("2003-01-01T12:00:00Z"), count: 3000).map(\.instant.seconds)
    #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 >= 6180 })
    // A window with no room to spare keeps its whole length (and its count).
    let tight = Slot(
      name: "t",
      timing: .random(from: WallTime("00:00")!, until: WallTime("00:00")!, count: 12, minimumGap: Span(seconds: 7000)))
    #expect(Schedule.of("UTC", tight).fireTimes(on: LocalDate(iso: "2027-01-05")!).count == 12)
  }
}

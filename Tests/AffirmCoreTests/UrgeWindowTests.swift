import Testing

@testable import AffirmCore

@Suite("windows that follow urges", .timeLimit(.minutes(2)))
struct UrgeWindowTests {
  let berlin = zone("Europe/Berlin")
  let newYork = zone("America/New_York")

  /// The window in force of a slot written `written` ("23:00-01:30") at `now`.
  func window(
    _ written: String, urges: [String], now: String, in zone: TimeZoneRules? = nil
  ) -> UrgeWindow {
    let ends = written.split(separator: "-")
    return UrgeWindow.inForce(
      slot: "late-night", from: WallTime(ends[0])!, until: WallTime(ends[1])!, urges: urges.map(instant),
      now: instant(now), zone: zone ?? berlin)
  }

  /// `count` urges at `time` (local, with its offset) on consecutive dates from `first`.
  func daily(_ count: Int, from first: String, at time: String) -> [String] {
    let date = LocalDate(iso: first)!
    return (0..<count).map { "\(date.adding(days: $0))T\(time)" }
  }

  func span(_ window: UrgeWindow) -> String { "\(window.from)-\(window.until)" }

  @Test("seven urges keep the written window; the eighth moves it")
  func threshold() {
    let urges = daily(8, from: "2027-05-01", at: "21:40:00+02:00")
    let seven = window("23:00-01:30", urges: Array(urges.prefix(7)), now: "2027-05-20T12:00:00+02:00")
    #expect(span(seven) == "23:00-01:30")
    #expect(seven.reason == "as written: 7 urges in the last 4 weeks; it follows them from 8")
    #expect(seven.nextChange == nil)
    let eight = window("23:00-01:30", urges: urges, now: "2027-05-20T12:00:00+02:00")
    #expect(span(eight) == "21:00-01:30")
    #expect(eight.reason == "follows your urges: 8 in the last 4 weeks; written 23:00-01:30")
    #expect(eight.line == "late-night: 21:00-01:30 (follows your urges: 8 in the last 4 weeks; written 23:00-01:30)")
  }

  @Test("across midnight: urges at 21:40 open it at 21:00, urges at 02:10 close it at 03:00, up to 6 hours")
  func acrossMidnight() {
    let urges =
      daily(5, from: "2027-05-01", at: "21:40:00+02:00") + daily(3, from: "2027-05-02", at: "02:10:00+02:00")
    let both = window("23:00-01:30", urges: urges, now: "2027-05-20T12:00:00+02:00")
    #expect(span(both) == "21:00-03:00")
    #expect(both.covered == 8)
    // A window that opens after midnight widens back across it.
    let early = window(
      "00:30-02:00", urges: daily(8, from: "2027-05-01", at: "23:15:00+02:00"), now: "2027-05-20T12:00:00+02:00")
    #expect(span(early) == "23:00-02:00")
    // A start off the hour moves to the start of the urges' hour, an end to the end of theirs.
    let offHour = window(
      "23:30-01:00",
      urges: daily(4, from: "2027-05-01", at: "23:10:00+02:00") + daily(4, from: "2027-05-01", at: "01:05:00+02:00"),
      now: "2027-05-20T12:00:00+02:00")
    #expect(span(offHour) == "23:00-02:00")
  }

  @Test("never longer than 6 hours: the widening that covers the most urges wins, and the rest are named")
  func bound() {
    // 19:10 would need 23:00 → 19:00 (6.5 hours in all): out of reach; 02:10 is taken.
    let far = window(
      "23:00-01:30",
      urges: daily(4, from: "2027-05-01", at: "19:10:00+02:00") + daily(4, from: "2027-05-01", at: "02:10:00+02:00"),
      now: "2027-05-20T12:00:00+02:00")
    #expect(span(far) == "23:00-03:00")
    #expect(far.covered == 4)
    #expect(
      far.reason
        == "follows your urges: 4 of 8 in the last 4 weeks (the rest lie beyond the 6-hour bound); written 23:00-01:30")
    // Both sides fit alone, not together: the side with more urges.
    let either = window(
      "23:00-01:30",
      urges: daily(5, from: "2027-05-01", at: "20:30:00+02:00") + daily(3, from: "2027-05-01", at: "03:30:00+02:00"),
      now: "2027-05-20T12:00:00+02:00")
    #expect(span(either) == "20:00-01:30")
    // As many urges either way: the smaller widening (2.5 hours later, not 3 hours earlier).
    let tie = window(
      "23:00-01:30",
      urges: daily(4, from: "2027-05-01", at: "20:30:00+02:00") + daily(4, from: "2027-05-01", at: "03:30:00+02:00"),
      now: "2027-05-20T12:00:00+02:00")
    #expect(span(tie) == "23:00-04:00")
    // Every window in force is at most 6 hours long and holds the written one.
    for hour in 0..<24 {
      let urges = daily(8, from: "2027-05-01", at: "\(LocalDate.pad(hour, 2)):50:00+02:00")
      let moved = window("23:00-01:30", urges: urges, now: "2027-05-20T12:00:00+02:00")
      let length = Schedule.windowLength(from: moved.from, until: moved.until)
      #expect(length <= UrgeWindow.maximumLength)
      let before = (WallTime("23:00")!.secondsIntoDay - moved.from.secondsIntoDay + 86_400) % 86_400
      let after = (moved.until.secondsIntoDay - WallTime("01:30")!.secondsIntoDay + 86_400) % 86_400
      #expect(Int64(before + 9000 + after) == length.seconds)
    }
  }

  @Test("urges inside the written window, or out of reach, keep it, and say so")
  func unchanged() {
    let inside = window(
      "23:00-01:30", urges: daily(10, from: "2027-05-01", at: "23:45:00+02:00"), now: "2027-05-20T12:00:00+02:00")
    #expect(span(inside) == "23:00-01:30")
    #expect(inside.reason == "as written: your 10 urges in the last 4 weeks all fall inside it")
    let noon = window(
      "23:00-01:30", urges: daily(9, from: "2027-05-01", at: "12:00:00+02:00"), now: "2027-05-20T12:30:00+02:00")
    #expect(span(noon) == "23:00-01:30")
    #expect(
      noon.reason
        == "as written: 0 of your 9 urges in the last 4 weeks fall inside it; the rest lie beyond the 6-hour bound")
  }

  @Test("the four weeks are 28 dates back to the same wall-clock time, across a DST change; later urges do not count")
  func fourWeeksAcrossDST() {
    // Berlin springs forward on 2027-03-28. 28 × 24 hours before 2027-04-10 22:00 CEST is
    // 2027-03-13 21:00 CET; 28 dates before is 22:00 CET. An urge at 21:30 CET lies between.
    let recent = daily(7, from: "2027-04-01", at: "21:40:00+02:00")
    let now = "2027-04-10T22:00:00+02:00"
    let outside = window("23:00-01:30", urges: recent + ["2027-03-13T21:30:00+01:00"], now: now)
    #expect(outside.urges == 7)
    #expect(span(outside) == "23:00-01:30")
    let atTheEdge = window("23:00-01:30", urges: recent + ["2027-03-13T22:00:00+01:00"], now: now)
    #expect(atTheEdge.urges == 8)
    #expect(span(atTheEdge) == "21:00-01:30")
    // The window may change when the oldest urge leaves: 28 dates later, at its wall-clock time.
    #expect(atTheEdge.nextChange == instant("2027-04-10T22:00:01+02:00"))
    // An urge after now (a clock stepped back) does not count.
    let future = window("23:00-01:30", urges: recent + ["2027-04-10T22:30:00+02:00"], now: now)
    #expect(future.urges == 7)
  }

  @Test("urges count by their wall-clock hour, in winter and summer time alike")
  func wallClockHoursAcrossDST() {
    // New York springs forward on 2027-03-14: 22:30 EST and 22:30 EDT are one hour apart in UTC.
    let urges = daily(4, from: "2027-03-08", at: "22:30:00-05:00") + daily(4, from: "2027-03-15", at: "22:30:00-04:00")
    let spring = window("23:00-01:30", urges: urges, now: "2027-03-20T12:00:00-04:00", in: newYork)
    #expect(span(spring) == "22:00-01:30")
    #expect(spring.covered == 8)
    // It falls back on 2027-11-07: read with today's offset, the summer urges would fall at 21:30.
    let autumn =
      daily(4, from: "2027-10-28", at: "22:30:00-04:00") + daily(4, from: "2027-11-08", at: "22:30:00-05:00")
    let fallen = window("23:00-01:30", urges: autumn, now: "2027-11-12T12:00:00-05:00", in: newYork)
    #expect(span(fallen) == "22:00-01:30")
    // Berlin falls back on 2027-10-31: 02:30 happens twice, in CEST and in CET; both are hour 2.
    let overlap =
      [
        "2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00",
      ] + daily(6, from: "2027-10-20", at: "02:20:00+02:00")
    let fall = window("23:00-01:30", urges: overlap, now: "2027-11-05T12:00:00+01:00")
    #expect(span(fall) == "23:00-03:00")
    #expect(fall.covered == 8)
  }

  @Test("the schedule runs a slot that follows urges in its window in force; other slots as written")
  func scheduleFollows() {
    let night = Slot(
      name: "late-night",
      timing: .every(from: WallTime("23:00")!, until: WallTime("01:30")!, interval: Span(seconds: 1800)),
      followsUrges: true)
    let fixed = Slot(
      name: "other", timing: .every(from: WallTime("23:00")!, until: WallTime("01:30")!, interval: Span(seconds: 1800)))
    let schedule = Schedule(slots: [night, fixed], zone: berlin)
    #expect(schedule.followsUrges)
    let now = instant("2027-05-20T20:00:00+02:00")
    let urges = daily(8, from: "2027-05-01", at: "21:40:00+02:00").map(instant)
    #expect(schedule.followingUrges([], now: now) == schedule)
    let inForce = schedule.followingUrges(urges, now: now)
    #expect(
      inForce.upcoming(after: now, count: 1).map { local($0, inForce) + " " + $0.slot } == [
        "2027-05-20T21:00:00+02:00 late-night"
      ])
    #expect(inForce.slots[1] == fixed)
    #expect(schedule.urgeWindows(urges: urges, now: now).map(\.slot) == ["late-night"])
  }
}

import Foundation
import PropertyBased
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

// Property tests: generated slot configs, zones, start instants and pick sequences, each
// shrunk to a small failing case when a property breaks. The seeded loops in ScheduleTests
// and PickingTests pin known cases; these look for the ones nobody thought of.

// MARK: - Generators for schedules

/// The zones drawn from, read from the system's TZif files; UTC first, so that a failing case
/// shrinks towards the plainest zone that still fails.
let propertyZoneNames = ["UTC"] + TimeZoneRulesTests.zones.filter { $0 != "UTC" }
let propertyZones = propertyZoneNames.map(zone)

/// A minute of the day, half the time in 00:00-03:59 where most DST transitions fall
/// (shrinks towards 00:00).
let wallMinutes = Gen.int(in: 0...2879).map { $0 < 1440 ? $0 : ($0 - 1440) / 6 }

func wallTime(minute: Int) -> WallTime { WallTime(hour: minute / 60, minute: minute % 60) }

/// A window's nominal length in minutes (1440: from == until, the whole day), half the time
/// within 90 minutes of the whole day, where a window's end meets the next date's start.
let windowLengths = Gen.int(in: 0...2879).map { $0 < 1440 ? $0 + 1 : 1440 - ($0 - 1440) / 16 }

/// One slot of any timing; every combination is one the config parser accepts (a random
/// slot's min_gap is cut down until its count fits the nominal window).
let generatedSlots = zip(
  Gen.int(in: 0...2),  // at, every, random
  wallMinutes.array(of: 1...3),  // at times
  wallMinutes,  // from
  windowLengths,  // until, as minutes after from
  Gen.int(in: 1...180),  // every, in minutes
  Gen.int(in: 1...6),  // random count
  Gen.int(in: 0...480),  // min_gap, in minutes
  Gen.int(in: 0...127)  // days, as a bit set: 0 means every day
).map { drawn in
  let (kind, times, from, length, interval, count, gapMinutes, dayBits) = drawn
  let until = (from + length) % 1440
  let timing: Slot.Timing
  switch kind {
  case 0:
    timing = .at(times.map(wallTime(minute:)))
  case 1:
    timing = .every(
      from: wallTime(minute: from), until: wallTime(minute: until), interval: Span(seconds: Int64(interval) * 60))
  default:
    let length = Schedule.windowLength(from: wallTime(minute: from), until: wallTime(minute: until)).seconds
    let gap = count > 1 ? min(Int64(gapMinutes) * 60, (length - 1) / Int64(count - 1)) : Int64(gapMinutes) * 60
    timing = .random(
      from: wallTime(minute: from), until: wallTime(minute: until), count: count, minimumGap: Span(seconds: gap))
  }
  let days = Set(Weekday.allCases.filter { dayBits & (1 << ($0.rawValue - 1)) != 0 })
  return Slot(name: "slot", timing: timing, days: days)
}

/// A schedule (zone and one to three slots) and an instant to look ahead from.
struct ScheduleCase: Sendable, CustomTestStringConvertible {
  var schedule: Schedule
  var start: Instant

  var testDescription: String {
    "zone \(schedule.zone.identifier), from \(ISO8601.format(start, in: schedule.zone)), slots: "
      + schedule.slots.map { "\($0.name) \($0.timing) days \($0.days.map(\.shortName).sorted())" }.joined(
        separator: "; ")
  }
}

/// Start instants from 2000 to 2037, most of them within days of one of the zone's offset
/// changes, where the schedule is hardest.
let scheduleCases = zip(
  Gen.int(in: 0...(propertyZones.count - 1)),
  generatedSlots.array(of: 1...3),
  Gen.int(in: 2000...2037),
  Gen.int(in: 0...364),
  Gen.int(in: 0...3),  // 0: the plain day; otherwise near the zone's next offset change
  Gen.int(in: -3 * 86_400...86_400)
).map { drawn in
  let (zoneIndex, slots, year, day, nearTransition, offset) = drawn
  let zone = propertyZones[zoneIndex]
  let named = slots.enumerated().map { index, slot in
    var slot = slot
    slot.name = "s\(index)"
    return slot
  }
  let plain = zone.resolve(LocalDate(year: year, month: 1, day: 1).adding(days: day), WallTime(hour: 12, minute: 0))
  let anchor = nearTransition == 0 ? plain : (nextOffsetChange(in: zone, after: plain) ?? plain)
  return ScheduleCase(schedule: Schedule(slots: named, zone: zone), start: anchor.adding(seconds: Int64(offset)))
}

/// The first instant after `instant` (within about a year) at which the zone's UTC offset changes.
func nextOffsetChange(in zone: TimeZoneRules, after instant: Instant) -> Instant? {
  let step: Int64 = 6 * 3600
  var low = instant
  for _ in 0..<(400 * 4) {
    let high = low.adding(seconds: step)
    if zone.offset(at: high) != zone.offset(at: low) {
      var (a, b) = (low.seconds, high.seconds)  // offset(a) differs from offset(b)
      while b - a > 1 {
        let mid = (a + b) / 2
        if zone.offset(at: Instant(seconds: mid)) == zone.offset(at: Instant(seconds: a)) { a = mid } else { b = mid }
      }
      return Instant(seconds: b)
    }
    low = high
  }
  return nil
}

/// The instant a wall time on a date names, found from `offset(at:)` alone, never `resolve`:
/// every offset the zone has within a day of it is tried, and of the instants that show the
/// wall time, the earliest is taken (an overlap's first pass, RFC 5545's rule). A wall time the
/// clocks skip is read with the offset in force before the gap, so it lands later by the gap.
func scannedInstant(_ date: LocalDate, _ time: WallTime, in zone: TimeZoneRules) -> Instant {
  let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsIntoDay)
  let around = stride(from: local - 27 * 3600, through: local + 27 * 3600, by: 1800).map { Instant(seconds: $0) }
  let offsets = Set(around.map { Int64(zone.offset(at: $0)) })
  let showing = offsets.map { Instant(seconds: local - $0) }.filter { local - $0.seconds == Int64(zone.offset(at: $0)) }
  if let earliest = showing.min() { return earliest }
  // In a gap every instant before the jump shows an earlier wall time, every one after a later.
  guard let before = around.last(where: { $0.seconds + Int64(zone.offset(at: $0)) < local }) else {
    Issue.record("no instant before \(date) \(time) in \(zone.identifier)")
    return Instant(seconds: local)
  }
  return Instant(seconds: local - Int64(zone.offset(at: before)))
}

/// A slot's window on a date, as the README states the rule, with every wall time read by
/// `scannedInstant`: from `from` on the date until `until` (on the next date when it is not
/// later than `from`), never past the next date's opening.
func scannedWindow(_ date: LocalDate, from: WallTime, until: WallTime, in zone: TimeZoneRules) -> (
  start: Instant, end: Instant
) {
  let start = scannedInstant(date, from, in: zone)
  let end = scannedInstant(until > from ? date : date.adding(days: 1), until, in: zone)
  let nextStart = scannedInstant(date.adding(days: 1), from, in: zone)
  return (start, max(start, min(end, nextStart)))
}

/// A fire time as the oracle names it: when, which slot, and the date its slot ran on.
struct ScannedFire: Equatable, Comparable, CustomStringConvertible {
  var instant: Instant
  var slot: String
  var date: LocalDate

  init(instant: Instant, slot: String, date: LocalDate) {
    (self.instant, self.slot, self.date) = (instant, slot, date)
  }

  init(_ fire: FireTime) { self.init(instant: fire.instant, slot: fire.slot, date: fire.date) }

  static func < (a: ScannedFire, b: ScannedFire) -> Bool {
    a.instant != b.instant ? a.instant < b.instant : a.slot < b.slot
  }

  var description: String { "\(slot)@\(instant.seconds) (\(date))" }
}

/// Every fire time of the schedule's slots in (after, through], oldest first, built date by
/// date from the README's rules with each wall time read by `scannedInstant`, never from
/// `upcoming`, `nextFireTime` or `window`: an `at` time fires once on each date the slot runs
/// (two listed times that land on one instant fire once; a date the zone skipped has none);
/// an `every` slot fires from its scanned window's start, each interval, while inside it.
/// A random slot's instants are its per-date draw (`fireTimes(of:on:)`; where the draw lies
/// is `insideTheirWindows`' concern): here it is which of them are listed that is checked.
func scannedFireTimes(_ schedule: Schedule, from after: Instant, through: Instant) -> [ScannedFire] {
  let zone = schedule.zone
  // A window opens at most a day before its date ends; start two dates early to be safe.
  let first = zone.localTime(at: after).date.adding(days: -2)
  let last = zone.localTime(at: through).date
  var result: [ScannedFire] = []
  for slot in schedule.slots {
    var date = first
    while date <= last {
      defer { date = date.adding(days: 1) }
      guard slot.runs(on: date) else { continue }
      var instants: [Instant]
      switch slot.timing {
      case .at(let times):
        let resolved = times.map { scannedInstant(date, $0, in: zone) }
        let onNext = times.map { scannedInstant(date.adding(days: 1), $0, in: zone) }
        instants = Array(Set(zip(resolved, onNext).filter { $0 < $1 }.map(\.0)))
      case .every(let from, let until, let interval):
        let window = scannedWindow(date, from: from, until: until, in: zone)
        instants = Array(stride(from: window.start.seconds, to: window.end.seconds, by: Int(interval.seconds)))
          .map { Instant(seconds: $0) }
      case .random:
        instants = schedule.fireTimes(of: slot, on: date).map(\.instant)
      }
      result += instants.filter { $0 > after && $0 <= through }.map {
        ScannedFire(instant: $0, slot: slot.name, date: date)
      }
    }
  }
  return result.sorted()
}

@Suite("the scanned oracle itself", .timeLimit(.minutes(3)))
struct ScannedInstantTests {
  @Test("it agrees with the zoneinfo table at a gap, an overlap and a skipped date")
  func knownCases() {
    let berlin = zone("Europe/Berlin")
    // 2026-03-29 02:30 does not exist in Berlin: read at +01:00, it is 03:30 CEST, 01:30 UTC.
    #expect(
      scannedInstant(LocalDate(year: 2026, month: 3, day: 29), WallTime(hour: 2, minute: 30), in: berlin)
        == Instant(seconds: 1_774_747_800))
    // 2026-10-25 02:30 happens twice; the first pass is CEST, 00:30 UTC.
    #expect(
      scannedInstant(LocalDate(year: 2026, month: 10, day: 25), WallTime(hour: 2, minute: 30), in: berlin)
        == Instant(seconds: 1_792_888_200))
    // Apia skipped 2011-12-30 entirely: its noon lands on the 31st.
    let apia = zone("Pacific/Apia")
    let noon = scannedInstant(LocalDate(year: 2011, month: 12, day: 30), WallTime(hour: 12, minute: 0), in: apia)
    #expect(apia.localTime(at: noon).date == LocalDate(year: 2011, month: 12, day: 31))
  }
}

// MARK: - Schedule properties

@Suite("properties of fire times", .timeLimit(.minutes(3)))
struct SchedulePropertyTests {
  static let lookahead = 48

  @Test(
    "upcoming and the daemon's catch-up list exactly the scanned fire times after the start: none missing, none twice, in order"
  )
  func sortedAndUnique() async {
    await propertyCheck(count: 400, input: scheduleCases) { c in
      let schedule = c.schedule
      let times = schedule.upcoming(after: c.start, count: Self.lookahead)
      #expect(times.count == Self.lookahead)
      guard let last = times.last else { return }
      // The oracle lists every fire time up to a day past the last one upcoming gave; the first
      // `lookahead` of them after the start are what upcoming must give, in the same order.
      let expected = scannedFireTimes(schedule, from: c.start, through: last.instant.adding(seconds: 86_400))
      let listed = times.map(ScannedFire.init)
      #expect(listed == Array(expected.prefix(Self.lookahead)))
      // Four whole days from the start, whatever the slots' pace: past the offset change.
      let through = c.start.adding(seconds: 4 * 86_400)
      let span = schedule.fireTimes(after: c.start, through: through).map(ScannedFire.init)
      #expect(span == scannedFireTimes(schedule, from: c.start, through: through))
    }
  }

  @Test("every fire time is one of its slot's: at a listed time or inside the window, on a date the slot runs")
  func insideTheirWindows() async {
    await propertyCheck(count: 300, input: scheduleCases) { c in
      let schedule = c.schedule
      for fire in schedule.upcoming(after: c.start, count: Self.lookahead) {
        let slot = try #require(schedule.slots.first { $0.name == fire.slot })
        #expect(slot.runs(on: fire.date))
        switch slot.timing {
        case .at(let times):
          #expect(times.contains { scannedInstant(fire.date, $0, in: schedule.zone) == fire.instant })
        case .every(let from, let until, let interval):
          let window = scannedWindow(fire.date, from: from, until: until, in: schedule.zone)
          #expect(fire.instant >= window.start && fire.instant < window.end)
          #expect((fire.instant.seconds - window.start.seconds) % interval.seconds == 0)
          #expect(fire.windowEnd == window.end)
        case .random(let from, let until, _, _):
          let window = scannedWindow(fire.date, from: from, until: until, in: schedule.zone)
          #expect(fire.instant >= window.start && fire.instant < window.end)
        }
      }
    }
  }

  @Test("a slot's windows on consecutive dates never overlap, nor reach past the next date's opening")
  func windowsDoNotOverlap() async {
    await propertyCheck(count: 1000, input: scheduleCases) { c in
      let schedule = c.schedule
      let first = schedule.zone.localTime(at: c.start).date
      for slot in schedule.slots {
        let (from, until): (WallTime, WallTime)
        switch slot.timing {
        case .at: continue
        case .every(let f, let u, _), .random(let f, let u, _, _): (from, until) = (f, u)
        }
        let windows = (-1..<5).map { schedule.window(on: first.adding(days: $0), from: from, until: until) }
        for (a, b) in zip(windows, windows.dropFirst()) {
          #expect(a.start <= a.end && a.end <= b.start, "\(a) then \(b)")
        }
      }
    }
  }

  @Test("a slot with one at time fires exactly once on each date it runs, never twice at one instant")
  func atOncePerDate() async {
    let cases = zip(scheduleCases, wallMinutes).map { c, minute in
      var c = c
      c.schedule.slots = [Slot(name: "at", timing: .at([wallTime(minute: minute)]), days: c.schedule.slots[0].days)]
      return c
    }
    await propertyCheck(count: 300, input: cases) { c in
      let schedule = c.schedule
      let slot = schedule.slots[0]
      let first = schedule.zone.localTime(at: c.start).date
      var instants: [Instant] = []
      for date in (0..<14).map({ first.adding(days: $0) }) {
        let fires = schedule.fireTimes(on: date)
        // A date the zone skipped (Pacific/Apia's 2011-12-30) has no noon, and no fire time.
        let exists =
          schedule.zone.localTime(at: scannedInstant(date, WallTime(hour: 12, minute: 0), in: schedule.zone)).date
          == date
        #expect(fires.count == (slot.runs(on: date) && exists ? 1 : 0), "\(date)")
        instants += fires.map(\.instant)
      }
      #expect(zip(instants, instants.dropFirst()).allSatisfy { $0 < $1 }, "\(instants)")
    }
  }

  @Test("random: each date's times are inside the window, sorted, min_gap apart, and as many as asked where they fit")
  func randomGaps() async {
    await propertyCheck(count: 300, input: scheduleCases) { c in
      let schedule = c.schedule
      let first = schedule.zone.localTime(at: c.start).date
      for slot in schedule.slots {
        guard case .random(let from, let until, let count, let gap) = slot.timing else { continue }
        for date in (-1..<6).map({ first.adding(days: $0) }) {
          let fires = schedule.fireTimes(of: slot, on: date).map(\.instant)
          guard slot.runs(on: date) else {
            #expect(fires.isEmpty)
            continue
          }
          let window = schedule.window(on: date, from: from, until: until)
          #expect(fires.allSatisfy { $0 >= window.start && $0 < window.end })
          #expect(zip(fires, fires.dropFirst()).allSatisfy { $1.seconds - $0.seconds >= gap.seconds }, "\(date)")
          let fits = RandomTimes.fit(
            count: count, length: Span(seconds: window.end.seconds - window.start.seconds), minimumGap: gap)
          #expect(fires.count == (fits ? count : 0), "\(date)")
        }
      }
    }
  }

  @Test("consecutive fire times of a random slot are min_gap apart across dates too, where the windows leave room")
  func randomGapsAcrossDates() async {
    await propertyCheck(count: 300, input: scheduleCases) { c in
      let schedule = c.schedule
      let times = schedule.upcoming(after: c.start, count: Self.lookahead)
      for slot in schedule.slots {
        guard case .random(let from, let until, let count, let gap) = slot.timing else { continue }
        // Room: a window longer than count gaps can give up a gap's worth at its ends.
        func roomy(_ date: LocalDate) -> Bool {
          let window = schedule.window(on: date, from: from, until: until)
          return window.end.seconds - window.start.seconds > Int64(count) * gap.seconds
        }
        let fires = times.filter { $0.slot == slot.name }
        for (a, b) in zip(fires, fires.dropFirst()) where a.date == b.date || (roomy(a.date) && roomy(b.date)) {
          #expect(
            b.instant.seconds - a.instant.seconds >= gap.seconds, "\(a.date) \(a.instant), \(b.date) \(b.instant)")
        }
      }
    }
  }

  @Test("the same schedule gives the same times: recomputed, looked up from a later start, or as the daemon's catch-up")
  func reproducible() async {
    await propertyCheck(count: 200, input: zip(scheduleCases, Gen.int(in: 1...(3 * 86_400)))) { c, later in
      let schedule = c.schedule
      let times = schedule.upcoming(after: c.start, count: Self.lookahead)
      #expect(
        Schedule(slots: schedule.slots, zone: schedule.zone).upcoming(after: c.start, count: Self.lookahead) == times)
      // From a later start, the same times follow (up to the last one both lists reach).
      let from = c.start.adding(seconds: Int64(later))
      let tail = schedule.upcoming(after: from, count: Self.lookahead)
      // (Strictly before the last instant both reach: slots that fire at that same instant
      // may have been cut off either list.)
      let horizon = min(times.last!.instant, tail.last!.instant)
      #expect(tail.filter { $0.instant < horizon } == times.filter { $0.instant > from && $0.instant < horizon })
      // What the daemon catches up on over that span is what `next` listed for it.
      #expect(
        schedule.fireTimes(after: c.start, through: horizon.adding(seconds: -1))
          == times.filter { $0.instant < horizon })
      // A slot's times do not depend on the other slots.
      for slot in schedule.slots {
        let alone = Schedule(slots: [slot], zone: schedule.zone).upcoming(after: c.start, count: 8).map(\.instant)
        let within = times.filter { $0.slot == slot.name }.map(\.instant)
        let shared = min(alone.count, within.count)
        #expect(alone.prefix(shared) == within.prefix(shared))
      }
    }
  }
}

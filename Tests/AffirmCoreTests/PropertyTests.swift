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

// MARK: - Schedule properties

@Suite("properties of fire times", .timeLimit(.minutes(3)))
struct SchedulePropertyTests {
  static let lookahead = 48

  @Test("upcoming and the daemon's catch-up: strictly after the start, sorted, and no instant twice for one slot")
  func sortedAndUnique() async {
    await propertyCheck(count: 1000, input: scheduleCases) { c in
      let times = c.schedule.upcoming(after: c.start, count: Self.lookahead)
      #expect(times.count == Self.lookahead)
      #expect(times.allSatisfy { $0.instant > c.start })
      #expect(times == times.sorted())
      // Four whole days from the start, whatever the slots' pace: past the offset change.
      let through = c.start.adding(seconds: 4 * 86_400)
      let span = c.schedule.fireTimes(after: c.start, through: through)
      #expect(span.allSatisfy { $0.instant > c.start && $0.instant <= through })
      #expect(span == span.sorted())
      for slot in c.schedule.slots {
        for list in [times, span] {
          let instants = list.filter { $0.slot == slot.name }.map(\.instant)
          #expect(zip(instants, instants.dropFirst()).allSatisfy { $0 < $1 }, "\(slot.name): \(instants)")
        }
      }
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
          #expect(times.contains { schedule.zone.resolve(fire.date, $0) == fire.instant })
        case .every(let from, let until, let interval):
          let window = schedule.window(on: fire.date, from: from, until: until)
          #expect(fire.instant >= window.start && fire.instant < window.end)
          #expect((fire.instant.seconds - window.start.seconds) % interval.seconds == 0)
          #expect(fire.windowEnd == window.end)
        case .random(let from, let until, _, _):
          let window = schedule.window(on: fire.date, from: from, until: until)
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
          schedule.zone.localTime(at: schedule.zone.resolve(date, WallTime(hour: 12, minute: 0))).date == date
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

// MARK: - The picker

@Suite("properties of the shuffle bag", .timeLimit(.minutes(3)))
struct ShuffleBagPropertyTests {
  /// ids, what was shown this cycle, the last shown, what is on cooldown, and a seed.
  struct BagCase: Sendable, CustomTestStringConvertible {
    var ids: [EntryID]
    var shown: Set<EntryID>
    var last: EntryID?
    var cooldown: Set<EntryID>
    var seed: UInt64
    var testDescription: String {
      let name = { (id: EntryID) in "e\(id.rawValue)" }
      return "ids \(ids.map(name)), shown \(shown.map(name).sorted()), last \(last.map(name) ?? "none"), "
        + "cooldown \(cooldown.map(name).sorted()), seed \(seed)"
    }
    func isFresh(_ id: EntryID) -> Bool { !shown.contains(id) && !cooldown.contains(id) }
    func history() -> ShuffleBag.History {
      ShuffleBag.History(shownThisCycle: shown, lastShown: last, onCooldown: cooldown)
    }
  }

  static let cases = zip(
    Gen.int(in: 1...12), Gen.int(in: 0...4095), Gen.int(in: 0...12), Gen.int(in: 0...4095), Gen.uint64()
  ).map { drawn in
    let (count, shownBits, lastIndex, cooldownBits, seed) = drawn
    let ids = (0..<count).map { EntryID(rawValue: UInt64($0 + 1)) }
    return BagCase(
      ids: ids, shown: Set(ids.indices.filter { shownBits & (1 << $0) != 0 }.map { ids[$0] }),
      last: lastIndex < count ? ids[lastIndex] : nil,
      cooldown: Set(ids.indices.filter { cooldownBits & (1 << $0) != 0 }.map { ids[$0] }), seed: seed)
  }

  @Test(
    "one pick: from the bag while it holds anything; a new bag only when empty, not starting with the last; cooldown waits"
  )
  func onePick() async {
    await propertyCheck(count: 1000, input: Self.cases) { c in
      var generator = SplitMix64(seed: c.seed)
      let pick = try #require(
        ShuffleBag.pick(ids: c.ids, isFresh: c.isFresh, history: c.history, using: &generator))
      let chosen = c.ids[pick.index]
      let bag = c.ids.filter { !c.shown.contains($0) }
      #expect(pick.startsNewCycle == bag.isEmpty)
      let candidates = bag.isEmpty ? (c.ids.count > 1 ? c.ids.filter { $0 != c.last } : c.ids) : bag
      #expect(candidates.contains(chosen))
      if c.cooldown.contains(chosen) {
        #expect(candidates.allSatisfy(c.cooldown.contains), "an entry on cooldown while a rested one was left")
      }
      var again = SplitMix64(seed: c.seed)
      let repeated = ShuffleBag.pick(ids: c.ids, isFresh: c.isFresh, history: c.history, using: &again)
      #expect(repeated?.index == pick.index)
    }
  }
}

/// One step of a run of sends against a real state database.
enum BagStep: Sendable, Equatable, CustomStringConvertible {
  /// A send through the bag of every entry (`t`) or of the entries also tagged `u`; shown or failed.
  case send(narrow: Bool, shown: Bool)
  /// The corpus loses one of its entries (never its last).
  case remove(Int)
  /// The corpus gains the next new entry.
  case add
  /// Hours pass (so a cooldown runs out).
  case wait(hours: Int)

  var description: String {
    switch self {
    case .send(let narrow, let shown): "send(\(narrow ? "u" : "t")\(shown ? "" : ", fails"))"
    case .remove(let index): "remove(\(index))"
    case .add: "add"
    case .wait(let hours): "wait(\(hours)h)"
    }
  }
}

struct BagRun: Sendable, CustomTestStringConvertible {
  var initial: Int
  var cooldownHours: Int
  var steps: [BagStep]
  var seed: UInt64
  var testDescription: String {
    "\(initial) entries, cooldown \(cooldownHours)h, seed \(seed), steps \(steps)"
  }
}

@Suite("properties of picking through the state database", .serialized, .timeLimit(.minutes(3)))
struct PickingPropertyTests {
  static let steps = zip(Gen.int(in: 0...9), Gen.int(in: 0...15)).map { kind, parameter -> BagStep in
    switch kind {
    case 0...4: .send(narrow: false, shown: true)
    case 5: .send(narrow: true, shown: true)
    case 6: .send(narrow: parameter % 2 == 1, shown: false)
    case 7: .remove(parameter)
    case 8: .add
    default: .wait(hours: parameter)
    }
  }

  static let runs = zip(Gen.int(in: 1...8), Gen.int(in: 0...6), Self.steps.array(of: 1...40), Gen.uint64())
    .map { drawn in BagRun(initial: drawn.0, cooldownHours: drawn.1, steps: drawn.2, seed: drawn.3) }

  /// Every entry that may ever join the corpus; those at multiples of 3 also carry `u`.
  static let pool = (0..<60).map {
    Affirmation(
      text: "entry \($0)", tags: $0 % 3 == 0 ? ["t", "u"] : ["t"], location: SourceLocation(file: "c", line: $0))
  }

  /// Runs the steps against a fresh database and checks each pick against the rules of the
  /// bag, kept here independently of the store: a bag's cycle is the deliveries since it last
  /// began afresh, and any delivery (through either bag) counts as shown in both. Returns the
  /// texts picked, in order.
  static func check(_ run: BagRun) throws -> [String] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-prop-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try StateStore.open(
      path: directory.path + "/state.sqlite", now: Instant(seconds: 1_800_000_000), logger: quietLogger)
    var generator = SplitMix64(seed: run.seed)
    var corpus = Array(0..<run.initial)  // indices into the pool, ascending
    var nextNew = run.initial
    var now = Instant(seconds: 1_800_000_000)
    let cooldown = run.cooldownHours == 0 ? nil : Span(seconds: Int64(run.cooldownHours) * 3600)
    var delivered: [(entry: EntryID, at: Instant)] = []
    var cycleStart: [Bool: Int] = [false: 0, true: 0]  // per bag: index into `delivered` where its cycle began
    var picked: [String] = []

    for step in run.steps {
      switch step {
      case .remove(let index):
        if corpus.count > 1 { corpus.remove(at: index % corpus.count) }
      case .add:
        corpus.append(nextNew)
        nextNew += 1
      case .wait(let hours):
        now = now.adding(seconds: Int64(hours) * 3600)
      case .send(let narrow, let shown):
        let entries = corpus.map { pool[$0] }
        let eligible = entries.filter { !narrow || $0.tags.contains("u") }.map(\.id)
        guard !eligible.isEmpty else { continue }
        let catalog = Corpus(files: [CorpusFile(path: "c", entries: entries, diagnostics: [])])
        let positions = try TagSelection(narrow ? ["u"] : ["t"]).eligiblePositions(in: catalog)
        let reservation = try store.reserve(
          from: catalog, positions: positions, tags: narrow ? ["u"] : ["t"], source: .send, now: now,
          milestoneHours: Instant(seconds: 0)..<Instant(seconds: 4_000_000_000), cooldown: cooldown, using: &generator)
        let chosen = reservation.entry.id
        picked.append(reservation.entry.text)

        // The rules, from the record of what was shown.
        let inCycle = Set(delivered[cycleStart[narrow]!...].map(\.entry))
        let bag = eligible.filter { !inCycle.contains($0) }
        let last = delivered.last?.entry
        let candidates = bag.isEmpty ? (eligible.count > 1 ? eligible.filter { $0 != last } : eligible) : bag
        #expect(eligible.contains(chosen))
        #expect(candidates.contains(chosen), "picked \(reservation.entry.text) again before its bag was empty")
        // A line rests for the cooldown, and through the night whatever the cooldown.
        let since = now.seconds - max(Int64(cooldown?.seconds ?? 0), IdeaSpacing.window)
        let onCooldown = Set(delivered.filter { $0.at.seconds > since }.map(\.entry))
        if onCooldown.contains(chosen) {
          #expect(candidates.allSatisfy(onCooldown.contains), "\(reservation.entry.text) came off cooldown too early")
        }
        try store.complete(reservation, failure: shown ? nil : "the server said no")
        if bag.isEmpty { cycleStart[narrow] = delivered.count }
        if shown { delivered.append((chosen, now)) }
        now = now.adding(seconds: 60)
      }
    }
    return picked
  }

  @Test("no entry twice in a bag, across a corpus that shrinks and grows, failed sends, two bags and a cooldown")
  func noRepeatWithinABag() async {
    await propertyCheck(count: 150, input: Self.runs) { run in
      _ = try Self.check(run)
    }
  }

  @Test("the same seed and steps pick the same entries")
  func sameSeedSamePicks() async {
    await propertyCheck(count: 40, input: Self.runs) { run in
      let first = try Self.check(run)
      let second = try Self.check(run)
      #expect(first == second)
    }
  }
}

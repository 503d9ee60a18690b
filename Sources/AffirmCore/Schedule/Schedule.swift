/// Turns slots, a date and a time zone into fire times. DST rules live here and in
/// `TimeZoneRules.resolve`, nowhere else.
public struct Schedule: Sendable, Equatable {
  public var slots: [Slot]
  public var zone: TimeZoneRules
  /// Dates on which the morning slot draws `hard-day` lines and the late-night window opens earlier.
  public var hardDays: HardDays

  public init(slots: [Slot], zone: TimeZoneRules, hardDays: HardDays = HardDays()) {
    self.slots = slots
    self.zone = zone
    self.hardDays = hardDays
  }

  /// The fire times of every slot on `date`, sorted. A window that crosses midnight belongs
  /// wholly to the date it opens on.
  public func fireTimes(on date: LocalDate) -> [FireTime] {
    slots.flatMap { fireTimes(of: $0, on: date) }.sorted()
  }

  public func fireTimes(of slot: Slot, on date: LocalDate) -> [FireTime] {
    guard slot.runs(on: date) else { return [] }
    return fireTimes(inForce: hardDays.slotInForce(slot, on: date), on: date)
  }

  /// The fire times of `slot` on `date`, the slot already as it runs on that date.
  func fireTimes(inForce slot: Slot, on date: LocalDate) -> [FireTime] {
    func fire(_ instant: Instant, windowEnd: Instant? = nil) -> FireTime {
      FireTime(
        instant: instant, slot: slot.name, date: date, urgency: slot.urgency, tags: slot.tags, windowEnd: windowEnd)
    }
    switch slot.timing {
    case .at(let times):
      // One instant per listed time per date; two times that resolve alike (in a gap) fire once.
      // A date the zone skipped altogether (Pacific/Apia's 2011-12-30) has none: its times
      // resolve onto the next date's, which fire them.
      let next = date.adding(days: 1)
      return Set(times.filter { zone.resolve(date, $0) < zone.resolve(next, $0) }.map { zone.resolve(date, $0) })
        .sorted().map { fire($0) }
    case .every(let from, let until, let interval):
      let (start, end) = window(on: date, from: from, until: until)
      guard interval.seconds > 0 else { return [] }
      return stride(from: start.seconds, to: end.seconds, by: Int(interval.seconds)).map {
        fire(Instant(seconds: $0), windowEnd: end)
      }
    case .random(let from, let until, let count, let minimumGap):
      return RandomTimes.draw(
        count: count, in: drawingWindow(on: date, from: from, until: until, count: count, minimumGap: minimumGap),
        minimumGap: minimumGap, seed: RandomTimes.seed(slot: slot.name, date: date)
      ).map { fire($0) }
    }
  }

  /// [from, until) on `date`; `until` falls on the next date when it is not after `from`.
  ///
  /// A window ends at the latest where the next date's opens: one whose `until` falls in a
  /// spring-forward gap would otherwise reach into it (03:00 until 02:30 in Europe/Berlin
  /// on 2027-03-27 would end at 03:30 CEST, half an hour after the 28th's opens), and a date
  /// the zone skipped altogether has an empty window.
  public func window(on date: LocalDate, from: WallTime, until: WallTime) -> (start: Instant, end: Instant) {
    let start = zone.resolve(date, from)
    let end = zone.resolve(until > from ? date : date.adding(days: 1), until)
    let nextStart = zone.resolve(date.adding(days: 1), from)
    return (start, max(start, min(end, nextStart)))
  }

  /// The part of a random slot's window its times are drawn from, so that `minimumGap` holds
  /// between dates too: where the previous or the next date's window comes closer than the
  /// gap (a window of most of the day), each of the two gives up half of the shortfall. A
  /// window too short to give it up and still fit `count` times keeps its whole length.
  func drawingWindow(on date: LocalDate, from: WallTime, until: WallTime, count: Int, minimumGap: Span)
    -> Range<Instant>
  {
    let (start, end) = window(on: date, from: from, until: until)
    let previous = window(on: date.adding(days: -1), from: from, until: until)
    let next = window(on: date.adding(days: 1), from: from, until: until)
    let shortBefore = max(0, minimumGap.seconds - (start.seconds - previous.end.seconds))
    let shortAfter = max(0, minimumGap.seconds - (next.start.seconds - end.seconds))
    let trimmedStart = start.adding(seconds: (shortBefore + 1) / 2)
    let trimmedEnd = end.adding(seconds: -(shortAfter / 2))
    guard
      trimmedStart < trimmedEnd,
      RandomTimes.fit(
        count: count, length: Span(seconds: trimmedEnd.seconds - trimmedStart.seconds), minimumGap: minimumGap)
    else { return start..<end }
    return trimmedStart..<trimmedEnd
  }

  /// The next `count` fire times strictly after `instant`, sorted; no instant twice for one slot.
  ///
  /// Lazy: each slot keeps only its own next fire time, and the earliest of them is taken and
  /// replaced by that slot's following one, so memory grows with `count` and the number of
  /// slots, never with how often a slot fires.
  public func upcoming(after instant: Instant, count: Int) -> [FireTime] {
    guard count > 0 else { return [] }
    var heads = slots.map { nextFireTime(of: $0, after: instant) }
    var result: [FireTime] = []
    while result.count < count {
      var earliest: Int?
      for index in heads.indices {
        guard let head = heads[index] else { continue }
        if let best = earliest, let current = heads[best], !(head < current) { continue }
        earliest = index
      }
      guard let index = earliest, let fire = heads[index] else { break }
      result.append(fire)
      heads[index] = nextFireTime(of: slots[index], after: fire.instant)
    }
    return result
  }

  /// The first fire time of `slot` strictly after `instant`, or nil when it has none in the
  /// next 800 days. Looks at a date or two, never at every time of a day.
  public func nextFireTime(of slot: Slot, after instant: Instant) -> FireTime? {
    // A window that opened yesterday may still be open, so start a day early.
    var date = zone.localTime(at: instant).date.adding(days: -1)
    for _ in 0..<Self.searchDays {
      if let found = firstFireTime(of: slot, on: date, after: instant) {
        // Dates' times do not interleave; the next date is looked at anyway, so that an
        // order broken by some zone's history cannot put a later time first.
        if let following = firstFireTime(of: slot, on: date.adding(days: 1), after: instant), following < found {
          return following
        }
        return found
      }
      date = date.adding(days: 1)
    }
    return nil
  }

  /// The newest fire time of `slot` in (after, through], or nil when there is none: what a
  /// daemon catching up delivers. Older ones in the span are never computed, so a mark a year
  /// old costs what a mark an hour old does.
  public func latestFireTime(of slot: Slot, after: Instant, through: Instant) -> FireTime? {
    guard through > after else { return nil }
    let horizon = through.adding(seconds: -Int64(Self.searchDays + 1) * 86_400)
    let first = zone.localTime(at: max(after, horizon)).date.adding(days: -1)
    var date = zone.localTime(at: through).date
    while date >= first {
      if let found = lastFireTime(of: slot, on: date, through: through), found.instant > after {
        if let previous = lastFireTime(of: slot, on: date.adding(days: -1), through: through), found < previous {
          return previous.instant > after ? previous : found
        }
        return found
      }
      date = date.adding(days: -1)
    }
    return nil
  }

  /// How many dates a search for a slot's next or newest fire time looks at before it gives up.
  static let searchDays = 800

  /// The first of `slot`'s fire times on `date` (the date its window opens) after `instant`.
  func firstFireTime(of slot: Slot, on date: LocalDate, after instant: Instant) -> FireTime? {
    guard slot.runs(on: date) else { return nil }
    let slot = hardDays.slotInForce(slot, on: date)
    if case .every(let from, let until, let interval) = slot.timing {
      let (start, end) = window(on: date, from: from, until: until)
      guard interval.seconds > 0 else { return nil }
      let candidate =
        instant < start
        ? start : start.adding(seconds: ((instant.seconds - start.seconds) / interval.seconds + 1) * interval.seconds)
      guard candidate < end else { return nil }
      return FireTime(
        instant: candidate, slot: slot.name, date: date, urgency: slot.urgency, tags: slot.tags, windowEnd: end)
    }
    return fireTimes(inForce: slot, on: date).first { $0.instant > instant }
  }

  /// The last of `slot`'s fire times on `date` at or before `instant`.
  func lastFireTime(of slot: Slot, on date: LocalDate, through instant: Instant) -> FireTime? {
    guard slot.runs(on: date) else { return nil }
    let slot = hardDays.slotInForce(slot, on: date)
    if case .every(let from, let until, let interval) = slot.timing {
      let (start, end) = window(on: date, from: from, until: until)
      guard interval.seconds > 0, start < end, start <= instant else { return nil }
      let last = min(instant.seconds, end.seconds - 1)
      let candidate = start.adding(seconds: (last - start.seconds) / interval.seconds * interval.seconds)
      return FireTime(
        instant: candidate, slot: slot.name, date: date, urgency: slot.urgency, tags: slot.tags, windowEnd: end)
    }
    return fireTimes(inForce: slot, on: date).last { $0.instant <= instant }
  }

  /// Fire times of every slot in (after, through], oldest first. It lists every one, so it is
  /// for short spans (tests, simulations); the daemon asks `latestFireTime` instead.
  public func fireTimes(after: Instant, through: Instant) -> [FireTime] {
    guard through > after else { return [] }
    var result: [FireTime] = []
    var date = zone.localTime(at: after).date.adding(days: -1)
    let last = zone.localTime(at: through).date
    while date <= last {
      result += fireTimes(on: date).filter { $0.instant > after && $0.instant <= through }
      date = date.adding(days: 1)
    }
    return result.sorted()
  }
}

/// Random fire times that `affirm next` and `affirm run` agree on: seeded by slot and date.
public enum RandomTimes {
  /// A stable seed from the slot's name and the local date (FNV-1a over both).
  public static func seed(slot: String, date: LocalDate) -> UInt64 {
    FNV1a.hash("\(slot)|\(date)".utf8)
  }

  /// `count` instants in `window`, sorted, consecutive ones at least `minimumGap` apart, no
  /// two alike.
  ///
  /// Draws `count` offsets uniformly in the window shortened by the gaps, sorts them, then
  /// spreads them by one gap each: uniform over all arrangements that respect the gap. No
  /// gap counts as a gap of one second where the window has room, so that two draws never
  /// fall on the same second (one notification where the slot asked for two); where it has
  /// not (more times than seconds), times that coincide fire once.
  public static func draw(count: Int, in window: Range<Instant>, minimumGap: Span, seed: UInt64) -> [Instant] {
    let length = window.upperBound.seconds - window.lowerBound.seconds
    let gaps = Int64(max(0, count - 1))
    let spacing = minimumGap.seconds > 0 || length - gaps <= 0 ? minimumGap.seconds : 1
    let slack = length - gaps * spacing
    guard count > 0, slack > 0 else { return [] }
    var generator = SplitMix64(seed: seed)
    let offsets = (0..<count).map { _ in Int64.random(in: 0..<slack, using: &generator) }.sorted()
    let instants = offsets.enumerated().map { index, offset in
      window.lowerBound.adding(seconds: offset + Int64(index) * spacing)
    }
    return spacing > 0
      ? instants : zip(instants.indices, instants).filter { $0 == 0 || instants[$0 - 1] != $1 }.map(\.1)
  }

  /// Whether `count` times `minimumGap` apart fit in a window of `length`.
  public static func fit(count: Int, length: Span, minimumGap: Span) -> Bool {
    count >= 1 && length.seconds - Int64(count - 1) * minimumGap.seconds > 0
  }
}

/// The window a slot with `follow_urges = true` runs in, and why.
///
/// Once at least `minimumUrges` urges (`affirm sos`, "I want to reach out") were logged in the
/// last four weeks, the written window widens, by whole hours on the clock, to cover the local
/// hours where they fell: it opens earlier, closes later, or both, and the widening that covers
/// the most urges is taken (the smaller one when two cover as many). It never grows past
/// `maximumLength`, never gets narrower than the written window and never moves away from it;
/// with fewer urges it is the written window. Urges count by their wall-clock hour, so one at
/// 22:30 in winter and one at 22:30 in summer fall in the same hour, and the four weeks end at
/// the same wall-clock time 28 dates ago, across a DST change too.
public struct UrgeWindow: Sendable, Equatable {
  /// The slot's name.
  public var slot: String
  /// The window in force.
  public var from: WallTime
  public var until: WallTime
  /// The window as the config writes it.
  public var writtenFrom: WallTime
  public var writtenUntil: WallTime
  /// How many urges were logged in the four weeks up to now.
  public var urges: Int
  /// How many of them fall inside the window in force.
  public var covered: Int
  /// When the four weeks next let go of an urge, so the window may change then without a new
  /// one: nil while the window is the written one for too few urges.
  public var nextChange: Instant?

  /// How many urges in the four weeks it takes for the window to follow them.
  public static let minimumUrges = 8
  /// The longest a window that follows urges gets, on the clock: 6 hours.
  public static let maximumLength = Span(seconds: 6 * 3600)
  /// How far back urges count: four weeks, as 28 local dates.
  public static let days = 28

  /// Whether enough urges were logged for the window to follow them.
  public var follows: Bool { urges >= Self.minimumUrges }
  /// Whether the window in force differs from the written one.
  public var moved: Bool { from != writtenFrom || until != writtenUntil }

  /// The window in force of a slot written as [from, until) at `now`, from the instants of
  /// every urge logged (any order; those outside the last four weeks are ignored).
  public static func inForce(
    slot: String, from: WallTime, until: WallTime, urges: [Instant], now: Instant, zone: TimeZoneRules
  ) -> UrgeWindow {
    let local = zone.localTime(at: now)
    let since = zone.resolve(local.date.adding(days: -days), wallTime(local.secondsIntoDay))
    let recent = urges.filter { since <= $0 && $0 <= now }
    let hours = recent.map { zone.localTime(at: $0).secondsIntoDay }
    var window = UrgeWindow(
      slot: slot, from: from, until: until, writtenFrom: from, writtenUntil: until, urges: recent.count,
      covered: 0, nextChange: nil)
    let start = from.secondsIntoDay
    let length = Int(Schedule.windowLength(from: from, until: until).seconds)
    func covers(_ second: Int, start: Int, length: Int) -> Bool { (second - start + 2 * day) % day < length }
    window.covered = hours.count { covers($0, start: start, length: length) }
    guard window.follows else { return window }
    // The urge that leaves the four weeks first: the oldest, 28 dates after it.
    if let oldest = recent.min() {
      let when = zone.localTime(at: oldest)
      window.nextChange = zone.resolve(when.date.adding(days: days), wallTime(when.secondsIntoDay)).adding(seconds: 1)
    }
    let room = Int(maximumLength.seconds) - length
    guard room > 0 else { return window }
    // Each urge outside the window could be reached by opening earlier, at the start of its
    // hour, or by closing later, at the end of its hour.
    let end = (start + length) % day
    var earlier: Set<Int> = [0]
    var later: Set<Int> = [0]
    for second in hours where !covers(second, start: start, length: length) {
      let hour = second - second % 3600
      earlier.insert((start - hour + day) % day)
      later.insert((hour + 3600 - end + day) % day)
    }
    var best = (covered: window.covered, earlier: 0, later: 0)
    for before in earlier.sorted() where before <= room {
      for after in later.sorted() where before + after <= room {
        let count = hours.count { covers($0, start: start - before, length: length + before + after) }
        let better =
          count > best.covered
          || (count == best.covered && before + after < best.earlier + best.later)
        if better { best = (count, before, after) }
      }
    }
    window.covered = best.covered
    window.from = wallTime((start - best.earlier + day) % day)
    window.until = wallTime((end + best.later) % day)
    return window
  }

  /// Why the window in force is what it is: "follows your urges: 12 in the last 4 weeks;
  /// written 23:00-01:30", or "as written: 3 urges in the last 4 weeks; it follows them from 8".
  public var reason: String {
    let weeks = "in the last \(Self.days / 7) weeks"
    let bound = "the \(Self.maximumLength.seconds / 3600)-hour bound"
    guard follows else {
      return "as written: \(urges) urge\(urges == 1 ? "" : "s") \(weeks); it follows them from \(Self.minimumUrges)"
    }
    let outside = urges - covered
    if moved {
      let count = outside == 0 ? "\(urges)" : "\(covered) of \(urges)"
      let rest = outside == 0 ? "" : " (the rest lie beyond \(bound))"
      return "follows your urges: \(count) \(weeks)\(rest); written \(writtenFrom)-\(writtenUntil)"
    }
    if outside == 0 { return "as written: your \(urges) urges \(weeks) all fall inside it" }
    return "as written: \(covered) of your \(urges) urges \(weeks) fall inside it; the rest lie beyond \(bound)"
  }

  /// One line for `status`, `next` and `doctor`: "late-night: 22:00-01:30 (follows your
  /// urges: 12 in the last 4 weeks; written 23:00-01:30)". The slot's name is escaped.
  public var line: String { "\(TerminalText.visible(slot)): \(from)-\(until) (\(reason))" }

  private static let day = 86_400

  private static func wallTime(_ seconds: Int) -> WallTime {
    WallTime(hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60)
  }
}

extension Schedule {
  /// The window in force of each slot that follows urges, in the order of the slots.
  public func urgeWindows(urges: [Instant], now: Instant) -> [UrgeWindow] {
    slots.compactMap { slot in
      guard slot.followsUrges, let (from, until) = slot.window else { return nil }
      return UrgeWindow.inForce(slot: slot.name, from: from, until: until, urges: urges, now: now, zone: zone)
    }
  }

  /// This schedule with each slot that follows urges in its window in force at `now`.
  public func followingUrges(_ urges: [Instant], now: Instant) -> Schedule {
    applying(urgeWindows(urges: urges, now: now))
  }

  /// This schedule with each slot named in `windows` moved to its window in force.
  public func applying(_ windows: [UrgeWindow]) -> Schedule {
    guard !windows.isEmpty else { return self }
    var schedule = self
    schedule.slots = slots.map { slot in
      guard let window = windows.first(where: { $0.slot == slot.name }) else { return slot }
      return slot.withWindow(from: window.from, until: window.until)
    }
    return schedule
  }

  /// Whether any slot follows urges: only then are they read.
  public var followsUrges: Bool { slots.contains(where: \.followsUrges) }
}

/// A date the person marked as hard: an anniversary, their birthday, a holiday.
public struct HardDay: Sendable, Equatable {
  /// When the day falls.
  public enum When: Sendable, Equatable {
    /// Every year on this month and day. February 29 falls on February 28 in other years.
    case yearly(month: Int, day: Int)
    /// Once, on this date.
    case once(LocalDate)
  }

  /// The person's own words for the day; user text, shown escaped.
  public var name: String
  public var when: When
  /// How many days leading up to the day count as hard too (0 to `maximumDaysBefore`).
  public var daysBefore: Int

  /// The most days before a hard day that may count as hard: a week.
  public static let maximumDaysBefore = 7
  /// The longest name, in characters: it is shown in a status line.
  public static let maximumNameLength = 60

  public init(name: String, when: When, daysBefore: Int = 0) {
    self.name = name
    self.when = when
    self.daysBefore = daysBefore
  }

  /// The day's date in `year`, or nil when a one-off day falls in another year.
  public func date(in year: Int) -> LocalDate? {
    switch when {
    case .yearly(let month, let day):
      return LocalDate(year: year, month: month, day: min(day, LocalDate.daysIn(month: month, year: year)))
    case .once(let date):
      return date.year == year ? date : nil
    }
  }

  /// Whether `date` is the day itself or one of the `daysBefore` days leading up to it
  /// (across a new year too: a January 2 day with three days before makes December 30 hard).
  public func applies(on date: LocalDate) -> Bool {
    (0...max(0, daysBefore)).contains { offset in
      let target = date.adding(days: offset)
      return self.date(in: target.year) == target
    }
  }

  /// How the config writes `when`: "MM-DD" for a yearly day, a bare date for a one-off.
  public var writtenDate: String {
    switch when {
    case .yearly(let month, let day): LocalDate.pad(month, 2) + "-" + LocalDate.pad(day, 2)
    case .once(let date): date.description
    }
  }
}

/// The config's hard days, and what a hard day changes in the schedule.
public struct HardDays: Sendable, Equatable {
  public var days: [HardDay]

  public init(_ days: [HardDay] = []) { self.days = days }

  /// How much earlier a slot tagged `late-night` opens its window on a hard day: two hours.
  public static let lateNightAdvance = Span(seconds: 2 * 3600)
  /// The tag a hard day's morning lines carry; a slot tagged `morning` draws these instead.
  public static let tag = Moment.Tag.hardDay

  /// The first hard day (in config order) that makes `date` hard, or nil.
  public func hardDay(on date: LocalDate) -> HardDay? {
    days.first { $0.applies(on: date) }
  }

  /// `slot` as it runs on `date`: on a hard day a slot tagged `morning` draws `hard-day`
  /// lines, and a slot tagged `late-night` with a window opens `lateNightAdvance` earlier
  /// (never so early that it meets the previous date's window: at most a whole day long).
  /// An `at` slot tagged `late-night` keeps its times. Other dates and slots are unchanged.
  public func slotInForce(_ slot: Slot, on date: LocalDate) -> Slot {
    guard !days.isEmpty, hardDay(on: date) != nil else { return slot }
    var slot = slot
    if slot.tags.contains(Moment.Tag.morning) {
      slot.tags = [Self.tag]
    } else if slot.tags.contains(Moment.Tag.lateNight) {
      switch slot.timing {
      case .at: break
      case .every(let from, let until, let interval):
        slot.timing = .every(from: Self.earlier(from, until: until), until: until, interval: interval)
      case .random(let from, let until, let count, let gap):
        slot.timing = .random(from: Self.earlier(from, until: until), until: until, count: count, minimumGap: gap)
      }
    }
    return slot
  }

  /// `from` moved `lateNightAdvance` earlier, or to `until` (a whole day) when that would
  /// make the window longer than a day.
  static func earlier(_ from: WallTime, until: WallTime) -> WallTime {
    let length = Schedule.windowLength(from: from, until: until).seconds
    guard length + lateNightAdvance.seconds < 86_400 else { return until }
    let seconds = (from.secondsIntoDay - Int(lateNightAdvance.seconds) + 86_400) % 86_400
    return WallTime(hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60)
  }
}

extension HardDays {
  /// What `status` and `next` say when `date` is hard, or nil: "Today is a hard day: <name>.
  /// Late-night lines start at 21:00." (the earliest late-night window in force that date).
  /// `day` names the date ("Today", or the date itself). The name is escaped for the terminal.
  public func notice(on date: LocalDate, slots: [Slot], day: String = "Today") -> String? {
    guard let hard = hardDay(on: date) else { return nil }
    var text = "\(day) is a hard day: \(TerminalText.visible(hard.name))."
    let starts = slots.filter { $0.tags.contains(Moment.Tag.lateNight) && $0.runs(on: date) }.compactMap {
      slot -> WallTime? in
      switch slotInForce(slot, on: date).timing {
      case .at: nil
      case .every(let from, _, _), .random(let from, _, _, _): from
      }
    }
    if let start = starts.min() { text += " Late-night lines start at \(start.description)." }
    return text
  }
}

extension HardDays {
  /// The next date on or after `date` that one of the days falls on (the day itself, not the
  /// days before it), with the day; of several on that date, the first in the file. nil when
  /// none is ahead (only one-off days, all past).
  public func next(onOrAfter date: LocalDate) -> (day: HardDay, date: LocalDate)? {
    var best: (day: HardDay, date: LocalDate)?
    for day in days {
      let upcoming: LocalDate?
      switch day.when {
      case .once(let once): upcoming = once >= date ? once : nil
      case .yearly: upcoming = [date.year, date.year + 1].lazy.compactMap { day.date(in: $0) }.first { $0 >= date }
      }
      guard let upcoming else { continue }
      if best == nil || upcoming < best!.date { best = (day, upcoming) }
    }
    return best
  }

  /// What `affirm doctor` says of the hard days, as of `date`: "hard days: 2 configured, next:
  /// her birthday on 2027-03-14" (the name escaped for the terminal); nil when there are none.
  public func summary(asOf date: LocalDate) -> String? {
    guard !days.isEmpty else { return nil }
    let count = "hard days: \(days.count) configured"
    guard let (day, when) = next(onOrAfter: date) else { return count + ", none ahead" }
    let on = when == date ? ", today" : " on \(when)"
    return count + ", next: \(TerminalText.visible(day.name))\(on)"
  }
}

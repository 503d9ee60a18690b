/// One entry of the schedule: when it fires, which entries it may show, how urgently.
public struct Slot: Sendable, Equatable {
  /// When within its day a slot fires.
  public enum Timing: Sendable, Equatable {
    /// At each of these wall-clock times.
    case at([WallTime])
    /// From `from`, every `interval` of elapsed time, while before `until`.
    case every(from: WallTime, until: WallTime, interval: Span)
    /// `count` times a day at random inside [from, until), at least `minimumGap` apart.
    case random(from: WallTime, until: WallTime, count: Int, minimumGap: Span)
  }

  public var name: String
  public var timing: Timing
  /// The weekdays of the dates the slot runs on (a window's start date); empty means every day.
  public var days: Set<Weekday>
  /// Entries carrying any of these tags are eligible; empty means every entry.
  public var tags: [String]
  public var urgency: Urgency
  /// How late a missed `at` or `random` time may still be delivered.
  public var grace: Span
  /// Whether the window widens to the hours of the person's urges (`follow_urges = true`;
  /// `every` and `random` slots only): see `UrgeWindow`.
  public var followsUrges: Bool

  public static let defaultGrace = Span(seconds: 2 * 3600)

  public init(
    name: String, timing: Timing, days: Set<Weekday> = [], tags: [String] = [], urgency: Urgency = .normal,
    grace: Span = Slot.defaultGrace, followsUrges: Bool = false
  ) {
    self.name = name
    self.timing = timing
    self.days = days
    self.tags = tags
    self.urgency = urgency
    self.grace = grace
    self.followsUrges = followsUrges
  }

  /// The written window of an `every` or `random` slot; nil for an `at` slot.
  public var window: (from: WallTime, until: WallTime)? {
    switch timing {
    case .at: nil
    case .every(let from, let until, _), .random(let from, let until, _, _): (from, until)
    }
  }

  /// The slot with its window moved to [from, until); an `at` slot is returned unchanged.
  public func withWindow(from: WallTime, until: WallTime) -> Slot {
    var slot = self
    switch timing {
    case .at: break
    case .every(_, _, let interval): slot.timing = .every(from: from, until: until, interval: interval)
    case .random(_, _, let count, let gap):
      slot.timing = .random(from: from, until: until, count: count, minimumGap: gap)
    }
    return slot
  }

  /// Whether the slot runs on `date` (its `days` filter).
  public func runs(on date: LocalDate) -> Bool { days.isEmpty || days.contains(date.weekday) }
}

/// One moment a slot fires.
public struct FireTime: Sendable, Hashable, Comparable {
  public var instant: Instant
  public var slot: String
  /// The local date the slot ran on (for a window past midnight, the date it opened).
  public var date: LocalDate
  public var urgency: Urgency
  public var tags: [String]
  /// For `every` slots, when the window closes: later times of a closed window are dropped.
  public var windowEnd: Instant?

  public static func < (lhs: FireTime, rhs: FireTime) -> Bool {
    lhs.instant != rhs.instant ? lhs.instant < rhs.instant : lhs.slot < rhs.slot
  }
}

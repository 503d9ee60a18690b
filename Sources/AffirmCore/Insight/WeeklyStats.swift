/// Urges and waves that passed, counted per local calendar week (Monday first) for the last
/// few weeks up to and including the week of `now`.
public struct WeeklyStats: Sendable, Equatable {
  public struct Week: Sendable, Equatable {
    /// The Monday the week starts on, in the zone's calendar.
    public var start: LocalDate
    public var urges: Int
    /// Presses of "It passed" (once "I stayed strong").
    public var passed: Int

    public init(start: LocalDate, urges: Int, passed: Int) {
      self.start = start
      self.urges = urges
      self.passed = passed
    }
  }

  /// Oldest first; the last one is the week of `now`.
  public var weeks: [Week]

  public init(weeks: [Week]) { self.weeks = weeks }

  /// Buckets `urges` and `passed` into the `count` weeks that end with the week of `now`, by the
  /// local date each instant has in `zone`. Instants outside those weeks are left out.
  public init(urges: [Instant], passed: [Instant], now: Instant, zone: TimeZoneRules, count: Int = 12) {
    let current = Self.weekStart(of: zone.localTime(at: now).date)
    let first = current.adding(days: -7 * (count - 1))
    weeks = (0..<count).map { Week(start: first.adding(days: 7 * $0), urges: 0, passed: 0) }
    func index(_ instant: Instant) -> Int? {
      let start = Self.weekStart(of: zone.localTime(at: instant).date)
      let index = (start.daysSinceEpoch - first.daysSinceEpoch) / 7
      return start >= first && index < count ? index : nil
    }
    for urge in urges { if let i = index(urge) { weeks[i].urges += 1 } }
    for wave in passed { if let i = index(wave) { weeks[i].passed += 1 } }
  }

  /// The Monday on or before `date`.
  public static func weekStart(of date: LocalDate) -> LocalDate {
    date.adding(days: -(date.weekday.rawValue - 1))
  }

  public var totalUrges: Int { weeks.map(\.urges).reduce(0, +) }
  public var totalPassed: Int { weeks.map(\.passed).reduce(0, +) }
}

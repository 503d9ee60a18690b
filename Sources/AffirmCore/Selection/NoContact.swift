/// The no-contact day count: day 1 is the start date, counted in local dates (so a DST
/// change never adds or loses a day), and the milestones worth marking.
public struct NoContact: Sendable, Equatable {
  public var start: LocalDate

  public init(start: LocalDate) { self.start = start }

  /// The effective start: the latest `affirm reset`, else the config's `no_contact_since`.
  public static func current(configured: LocalDate?, resets: [(started: LocalDate, at: Instant)]) -> NoContact? {
    if let last = resets.last { return NoContact(start: last.started) }
    return configured.map(NoContact.init(start:))
  }

  /// Day N on `today`; nil before the start.
  public func day(on today: LocalDate) -> Int? {
    let day = today.daysSinceEpoch - start.daysSinceEpoch + 1
    return day >= 1 ? day : nil
  }

  /// Days 7, 14, 30, 60, 90, 100, 180, 365 and every year after.
  public static func isMilestone(_ day: Int) -> Bool {
    [7, 14, 30, 60, 90, 100, 180].contains(day) || (day >= 365 && day % 365 == 0)
  }

  /// The notification's summary on `day`; the first notification of a milestone day marks it.
  public static func summary(day: Int, marksMilestone: Bool) -> String {
    let base = "Day \(day) of no contact"
    guard marksMilestone && isMilestone(day) else { return base }
    let span: String
    switch day {
    case 7: span = "one week"
    case 14: span = "two weeks"
    case 30: span = "one month"
    case 60: span = "two months"
    case 90: span = "three months"
    case 100: span = "one hundred days"
    case 180: span = "half a year"
    default: span = day == 365 ? "one year" : "\(day / 365) years"
    }
    return "\(base): \(span). Look how far you have come."
  }

  /// The longest run of days between the recorded starts (each reset ends a streak), up to today.
  public static func longestStreak(starts: [LocalDate], today: LocalDate) -> Int {
    let ordered = starts.sorted()
    var longest = 0
    for (index, start) in ordered.enumerated() {
      let end = index + 1 < ordered.count ? ordered[index + 1].adding(days: -1) : today
      longest = max(longest, end.daysSinceEpoch - start.daysSinceEpoch + 1)
    }
    return longest
  }
}

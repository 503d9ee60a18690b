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

  /// Full days behind the person worth marking: 7, 14, 30, 60, 90, 100, 180, 365 and every
  /// year after. Day N has N - 1 full days behind it, so "one week" is marked on day 8.
  public static func isMilestone(fullDays: Int) -> Bool {
    [7, 14, 30, 60, 90, 100, 180].contains(fullDays) || (fullDays >= 365 && fullDays % 365 == 0)
  }

  /// The hours in which a milestone may be marked: the day's first notification of a
  /// non-night line between 05:00 and 21:00, never a late-night nudge.
  public static let milestoneHours = (from: WallTime(hour: 5, minute: 0), until: WallTime(hour: 21, minute: 0))

  /// The notification's summary on `day`: the day count before the title of the moment, or
  /// on a milestone (when `marksMilestone`) the span of full days behind the person.
  public static func summary(day: Int, title: String, marksMilestone: Bool) -> String {
    let fullDays = day - 1
    guard marksMilestone && isMilestone(fullDays: fullDays) else { return "Day \(day) · \(title)" }
    let span: String
    switch fullDays {
    case 7: span = "one full week"
    case 14: span = "two full weeks"
    case 30: span = "thirty full days"
    case 60: span = "sixty full days"
    case 90: span = "ninety full days"
    case 100: span = "one hundred full days"
    case 180: span = "half a year"
    default: span = fullDays == 365 ? "one full year" : "\(fullDays / 365) full years"
    }
    return "Day \(day) · \(span.prefix(1).uppercased() + span.dropFirst()) of no contact. Look how far you've come."
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

/// A calendar date without a time zone (proleptic Gregorian), as a slot or a day count sees it.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int

  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Whether the fields name a real date (February 30 does not).
  public var isValid: Bool {
    (1...12).contains(month) && day >= 1 && day <= LocalDate.daysIn(month: month, year: year)
  }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

  /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
  public var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date `days` after 1970-01-01 (Hinnant's civil_from_days).
  public init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    day = dayOfYear - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }

  public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

  public var weekday: Weekday { Weekday(daysSinceEpoch: daysSinceEpoch) }

  public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// ISO 8601: `2027-03-28`.
  public var description: String {
    "\(LocalDate.pad(year, 4))-\(LocalDate.pad(month, 2))-\(LocalDate.pad(day, 2))"
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// Parses `YYYY-MM-DD`; nil when it is not a real date.
  public init?(iso text: some StringProtocol) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    self.init(year: year, month: month, day: day)
    guard isValid else { return nil }
  }
}

/// A day of the week; raw values follow ISO 8601 (Monday 1 … Sunday 7).
public enum Weekday: Int, Sendable, CaseIterable, Comparable {
  case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

  init(daysSinceEpoch days: Int) {
    // 1970-01-01 was a Thursday.
    let index = ((days % 7) + 7 + 3) % 7  // 0 = Monday
    self = Weekday(rawValue: index + 1)!
  }

  /// The three-letter name the config uses: `mon` … `sun`.
  public var shortName: String {
    switch self {
    case .monday: "mon"
    case .tuesday: "tue"
    case .wednesday: "wed"
    case .thursday: "thu"
    case .friday: "fri"
    case .saturday: "sat"
    case .sunday: "sun"
    }
  }

  public init?(shortName: String) {
    guard let day = Weekday.allCases.first(where: { $0.shortName == shortName.lowercased() }) else { return nil }
    self = day
  }

  public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A wall-clock time of day, to the second.
public struct WallTime: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var hour: Int
  public var minute: Int
  public var second: Int

  public init(hour: Int, minute: Int, second: Int = 0) {
    self.hour = hour
    self.minute = minute
    self.second = second
  }

  public var secondsIntoDay: Int { hour * 3600 + minute * 60 + second }

  /// Parses `HH:MM` or `HH:MM:SS` (two digits each, 00:00:00 to 23:59:59).
  public init?(_ text: some StringProtocol) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 || parts.count == 3,
      parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) })
    else { return nil }
    let numbers = parts.map { Int($0)! }
    guard numbers[0] < 24, numbers[1] < 60, numbers.count == 2 || numbers[2] < 60 else { return nil }
    self.init(hour: numbers[0], minute: numbers[1], second: numbers.count == 3 ? numbers[2] : 0)
  }

  public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.secondsIntoDay < rhs.secondsIntoDay }

  public var description: String {
    let base = "\(LocalDate.pad(hour, 2)):\(LocalDate.pad(minute, 2))"
    return second == 0 ? base : base + ":" + LocalDate.pad(second, 2)
  }
}

extension Character {
  /// Only the ten ASCII digits: `("0"..."9").contains` would also take "0" plus a combining mark.
  var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
}

/// A point in time: whole seconds since the Unix epoch, UTC. Calendar time, not a clock.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var seconds: Int64

  public init(seconds: Int64) { self.seconds = seconds }

  public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.seconds < rhs.seconds }

  public func adding(seconds delta: Int64) -> Instant { Instant(seconds: seconds + delta) }

  public var description: String { "@\(seconds)" }
}

/// A length of time in whole seconds, written in the config as `90s`, `30m`, `1h30m`, `3d`.
public struct Span: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var seconds: Int64

  public init(seconds: Int64) { self.seconds = seconds }

  public static func < (lhs: Span, rhs: Span) -> Bool { lhs.seconds < rhs.seconds }

  /// Parses one or more `<number><unit>` parts, units d, h, m, s, each at most once and in that order.
  public init?(_ text: some StringProtocol) {
    let units: [(Character, Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
    var total: Int64 = 0
    var digits = ""
    var nextUnit = 0
    var sawPart = false
    for character in text {
      if character.isASCIIDigit {
        digits.append(character)
        guard digits.count <= 9 else { return nil }
        continue
      }
      guard !digits.isEmpty, let index = units.firstIndex(where: { $0.0 == character }), index >= nextUnit else {
        return nil
      }
      total += Int64(digits)! * units[index].1
      digits = ""
      nextUnit = index + 1
      sawPart = true
    }
    guard sawPart, digits.isEmpty else { return nil }
    seconds = total
  }

  /// The shortest spelling: `1h30m`, `90s` is `1m30s`, zero is `0s`.
  public var description: String {
    if seconds == 0 { return "0s" }
    var rest = seconds
    var text = ""
    for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
      text += "\(rest / size)\(unit)"
      rest %= size
    }
    return text
  }
}

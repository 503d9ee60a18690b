/// A POSIX TZ rule such as `CET-1CEST,M3.5.0,M10.5.0/3`: the footer of a TZif file, which
/// gives the offsets for every year after the file's last listed transition.
public struct PosixTimeZoneRule: Sendable, Equatable {
  /// Offsets east of UTC, in seconds (POSIX writes them west-positive; this is flipped).
  let standardOffset: Int
  let daylight: Daylight?

  struct Daylight: Sendable, Equatable {
    let offset: Int
    let start: DateRule
    let startTime: Int
    let end: DateRule
    let endTime: Int
  }

  enum DateRule: Sendable, Equatable {
    /// `Jn`: day 1…365, February 29 never counted.
    case julianNoLeap(Int)
    /// `n`: day 0…365, February 29 counted.
    case zeroBased(Int)
    /// `Mm.w.d`: weekday d (0 = Sunday) of week w (5 = last) of month m.
    case monthWeekDay(month: Int, week: Int, weekday: Int)

    func date(in year: Int) -> LocalDate {
      switch self {
      case .julianNoLeap(let n):
        let january1 = LocalDate(year: year, month: 1, day: 1).daysSinceEpoch
        let leapShift = LocalDate.isLeap(year) && n >= 60 ? 1 : 0
        return LocalDate(daysSinceEpoch: january1 + n - 1 + leapShift)
      case .zeroBased(let n):
        return LocalDate(daysSinceEpoch: LocalDate(year: year, month: 1, day: 1).daysSinceEpoch + n)
      case .monthWeekDay(let month, let week, let weekday):
        let first = LocalDate(year: year, month: month, day: 1)
        // Weekday raw values: Monday 1 … Sunday 7; POSIX: Sunday 0 … Saturday 6.
        let firstPosixWeekday = first.weekday.rawValue % 7
        var day = 1 + (weekday - firstPosixWeekday + 7) % 7 + (week - 1) * 7
        let length = LocalDate.daysIn(month: month, year: year)
        while day > length { day -= 7 }
        return LocalDate(year: year, month: month, day: day)
      }
    }
  }

  /// The offset at `t` (seconds since the epoch, UTC).
  func offset(at t: Int64) -> Int {
    guard let daylight else { return standardOffset }
    let year = LocalDate(daysSinceEpoch: Int(floorDiv(t + Int64(standardOffset), 86_400))).year
    // Transition times are local: the start in standard time, the end in daylight time.
    let start =
      Int64(daylight.start.date(in: year).daysSinceEpoch) * 86_400 + Int64(daylight.startTime - standardOffset)
    let end = Int64(daylight.end.date(in: year).daysSinceEpoch) * 86_400 + Int64(daylight.endTime - daylight.offset)
    let inDaylight = start < end ? (t >= start && t < end) : !(t >= end && t < start)
    return inDaylight ? daylight.offset : standardOffset
  }

  /// Parses a TZ string; nil when it is not one.
  public init?(_ text: String) {
    var scanner = Scanner(Array(text.utf8))
    guard scanner.name(), let standard = scanner.offset() else { return nil }
    standardOffset = -standard
    if scanner.atEnd {
      daylight = nil
      return
    }
    guard scanner.name() else { return nil }
    var daylightOffset = standardOffset + 3600
    if !scanner.atEnd && scanner.peek != UInt8(ascii: ",") {
      guard let parsed = scanner.offset() else { return nil }
      daylightOffset = -parsed
    }
    var start = DateRule.monthWeekDay(month: 3, week: 2, weekday: 0)
    var startTime = 7200
    var end = DateRule.monthWeekDay(month: 11, week: 1, weekday: 0)
    var endTime = 7200
    if scanner.consume(UInt8(ascii: ",")) {
      guard let s = scanner.dateRule() else { return nil }
      start = s
      if scanner.consume(UInt8(ascii: "/")) {
        guard let time = scanner.offset(allowsLargeHours: true) else { return nil }
        startTime = time
      }
      guard scanner.consume(UInt8(ascii: ",")), let e = scanner.dateRule() else { return nil }
      end = e
      if scanner.consume(UInt8(ascii: "/")) {
        guard let time = scanner.offset(allowsLargeHours: true) else { return nil }
        endTime = time
      }
    }
    guard scanner.atEnd else { return nil }
    daylight = Daylight(offset: daylightOffset, start: start, startTime: startTime, end: end, endTime: endTime)
  }

  private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func consume(_ byte: UInt8) -> Bool {
      guard peek == byte else { return false }
      index += 1
      return true
    }

    /// `ABC` (three or more letters) or `<+0545>`.
    mutating func name() -> Bool {
      if consume(UInt8(ascii: "<")) {
        let start = index
        while let byte = peek, byte != UInt8(ascii: ">") { index += 1 }
        guard index - start >= 3, consume(UInt8(ascii: ">")) else { return false }
        return true
      }
      let start = index
      while let byte = peek, (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") { index += 1 }
      return index - start >= 3
    }

    mutating func number(maxDigits: Int) -> Int? {
      let start = index
      var value = 0
      while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), index - start < maxDigits {
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
        index += 1
      }
      return index > start ? value : nil
    }

    /// `[+-]hh[:mm[:ss]]` in seconds; hours up to 24, or 167 for transition times (RFC 8536).
    mutating func offset(allowsLargeHours: Bool = false) -> Int? {
      var sign = 1
      if consume(UInt8(ascii: "-")) { sign = -1 } else { _ = consume(UInt8(ascii: "+")) }
      guard let hours = number(maxDigits: 3), hours <= (allowsLargeHours ? 167 : 24) else { return nil }
      var seconds = hours * 3600
      if consume(UInt8(ascii: ":")) {
        guard let minutes = number(maxDigits: 2), minutes < 60 else { return nil }
        seconds += minutes * 60
        if consume(UInt8(ascii: ":")) {
          guard let secs = number(maxDigits: 2), secs < 60 else { return nil }
          seconds += secs
        }
      }
      return sign * seconds
    }

    mutating func dateRule() -> DateRule? {
      if consume(UInt8(ascii: "J")) {
        guard let n = number(maxDigits: 3), (1...365).contains(n) else { return nil }
        return .julianNoLeap(n)
      }
      if consume(UInt8(ascii: "M")) {
        guard let month = number(maxDigits: 2), (1...12).contains(month), consume(UInt8(ascii: ".")),
          let week = number(maxDigits: 1), (1...5).contains(week), consume(UInt8(ascii: ".")),
          let weekday = number(maxDigits: 1), (0...6).contains(weekday)
        else { return nil }
        return .monthWeekDay(month: month, week: week, weekday: weekday)
      }
      guard let n = number(maxDigits: 3), (0...365).contains(n) else { return nil }
      return .zeroBased(n)
    }
  }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
  a >= 0 ? a / b : (a - b + 1) / b
}

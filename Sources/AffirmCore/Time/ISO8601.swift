/// ISO 8601 date-times as affirm prints and reads them, with the zone's local offset.
public enum ISO8601 {
  /// `2027-03-28T03:30:00+02:00`.
  public static func format(_ instant: Instant, in zone: TimeZoneRules) -> String {
    let offset = zone.offset(at: instant)
    let local = zone.localTime(at: instant)
    let time = WallTime(
      hour: local.secondsIntoDay / 3600, minute: local.secondsIntoDay / 60 % 60, second: local.secondsIntoDay % 60)
    let sign = offset < 0 ? "-" : "+"
    let hours = LocalDate.pad(abs(offset) / 3600, 2)
    let minutes = LocalDate.pad(abs(offset) / 60 % 60, 2)
    return
      "\(local.date)T\(LocalDate.pad(time.hour, 2)):\(LocalDate.pad(time.minute, 2)):\(LocalDate.pad(time.second, 2))\(sign)\(hours):\(minutes)"
  }

  /// Reads `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` with an optional `Z` or `±HH:MM`; without an
  /// offset the time is local in `zone`, resolved as any slot time is. A bare date is its midnight.
  public static func parse(_ text: String, in zone: TimeZoneRules) -> Instant? {
    if let date = LocalDate(iso: text) { return zone.resolve(date, WallTime(hour: 0, minute: 0)) }
    guard text.count >= 16, let date = LocalDate(iso: text.prefix(10)) else { return nil }
    let separator = text[text.index(text.startIndex, offsetBy: 10)]
    guard separator == "T" || separator == "t" || separator == " " else { return nil }
    var rest = text.dropFirst(11)
    var offset: Int?
    if rest.hasSuffix("Z") || rest.hasSuffix("z") {
      offset = 0
      rest = rest.dropLast()
    } else if let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
      let offsetText = rest[rest.index(after: signIndex)...]
      guard let offsetTime = WallTime(offsetText), offsetTime.second == 0, offsetText.count == 5 else { return nil }
      offset = (rest[signIndex] == "-" ? -1 : 1) * offsetTime.secondsIntoDay
      rest = rest[..<signIndex]
    }
    guard let time = WallTime(rest) else { return nil }
    let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsIntoDay)
    if let offset { return Instant(seconds: local - Int64(offset)) }
    return zone.resolve(localSeconds: local)
  }
}

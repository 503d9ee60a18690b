/// When urges come, by local hour of day, and whether the late-night window covers them.
public struct UrgePattern: Sendable, Equatable {
  /// Urge counts for hours 0…23.
  public var byHour: [Int]

  public init(byHour: [Int]) { self.byHour = byHour }

  public init(urges: [Instant], zone: TimeZoneRules) {
    var counts = [Int](repeating: 0, count: 24)
    for urge in urges { counts[zone.localTime(at: urge).secondsIntoDay / 3600] += 1 }
    byHour = counts
  }

  public var total: Int { byHour.reduce(0, +) }

  /// The hours a window [from, until) touches, crossing midnight where it does.
  public static func hours(from: WallTime, until: WallTime) -> Set<Int> {
    var hours: Set<Int> = []
    var minute = from.hour * 60 + from.minute
    let end = until.hour * 60 + until.minute
    repeat {
      hours.insert(minute / 60)
      minute = (minute + 1) % 1440
    } while minute != end
    return hours
  }

  /// A window that covers where the urges cluster, when at least five were logged and most of
  /// them fall outside `covered`: the shortest run of whole hours (crossing midnight where it
  /// must) that holds at least 80% of them.
  public func suggestedWindow(covered: Set<Int>) -> (from: WallTime, until: WallTime)? {
    guard total >= 5 else { return nil }
    let outside = byHour.enumerated().filter { !covered.contains($0.offset) }.map(\.element).reduce(0, +)
    guard outside * 2 > total else { return nil }
    let needed = (total * 4 + 4) / 5
    for length in 1...24 {
      var best: (start: Int, count: Int)?
      for start in 0..<24 {
        let count = (0..<length).map { byHour[(start + $0) % 24] }.reduce(0, +)
        if count >= needed && count > (best?.count ?? -1) { best = (start, count) }
      }
      if let best {
        return (WallTime(hour: best.start, minute: 0), WallTime(hour: (best.start + length) % 24, minute: 0))
      }
    }
    return nil
  }

  /// A small bar chart, one row per hour: `23 ████████ 4`.
  public func chart(width: Int = 30) -> String {
    let largest = max(1, byHour.max() ?? 1)
    return byHour.enumerated().map { hour, count in
      let bar = String(repeating: "█", count: count == 0 ? 0 : max(1, count * width / largest))
      return "\(LocalDate.pad(hour, 2)) \(bar)\(count > 0 ? " \(count)" : "")"
    }.joined(separator: "\n")
  }
}

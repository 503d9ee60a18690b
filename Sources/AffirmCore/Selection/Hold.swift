/// Whether the daemon holds a notification back: while paused, or in quiet hours. Critical
/// late-night nudges go through unless `pause_includes_critical` says otherwise, because
/// those are the moments affirm is for.
public struct Hold: Sendable, Equatable {
  public var pausedUntil: Instant?
  public var quiet: [QuietHours]
  public var includesCritical: Bool

  public init(pausedUntil: Instant?, quiet: [QuietHours], includesCritical: Bool) {
    self.pausedUntil = pausedUntil
    self.quiet = quiet
    self.includesCritical = includesCritical
  }

  /// Why a notification of `urgency` at `now` is held, or nil when it may be shown.
  public func reason(for urgency: Urgency, at now: Instant, zone: TimeZoneRules) -> String? {
    if urgency == .critical && !includesCritical { return nil }
    if let pausedUntil, now < pausedUntil { return "paused until \(ISO8601.format(pausedUntil, in: zone))" }
    let seconds = zone.localTime(at: now).secondsIntoDay
    if let hours = quiet.first(where: { $0.contains(secondsIntoDay: seconds) }) { return "quiet hours \(hours)" }
    return nil
  }
}

/// A daily range of wall-clock time, `09:00-17:00`; it may cross midnight (`22:00-07:00`).
public struct QuietHours: Sendable, Equatable, CustomStringConvertible {
  public var from: WallTime
  public var until: WallTime

  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let from = WallTime(parts[0]), let until = WallTime(parts[1]), from != until else {
      return nil
    }
    self.from = from
    self.until = until
  }

  public func contains(secondsIntoDay seconds: Int) -> Bool {
    from < until
      ? (from.secondsIntoDay..<until.secondsIntoDay).contains(seconds)
      : seconds >= from.secondsIntoDay || seconds < until.secondsIntoDay
  }

  public var description: String { "\(from)-\(until)" }
}

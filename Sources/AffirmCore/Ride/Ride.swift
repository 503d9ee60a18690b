/// How long one round of a ride lasts: whole minutes within `allowed`.
public struct RideLength: Sendable, Equatable, CustomStringConvertible {
  public static let defaultMinutes = 20
  /// Shorter is not a wave ridden out; longer is a bubble nobody should have to watch.
  public static let allowed = 5...60

  public var minutes: Int

  public init(minutes: Int) { self.minutes = minutes }

  /// Parses `--for`: a duration like `20m`, `1h` or `900s` that is whole minutes within `allowed`.
  public static func parse(_ text: String) -> Result<RideLength, RideLengthError> {
    guard let span = Span(text) else { return .failure(.notADuration(text)) }
    guard span.seconds % 60 == 0 else { return .failure(.notWholeMinutes(text)) }
    let minutes = span.seconds / 60
    guard minutes >= allowed.lowerBound && minutes <= allowed.upperBound else {
      return .failure(.outOfRange(text))
    }
    return .success(RideLength(minutes: Int(minutes)))
  }

  public var description: String { "\(minutes) minutes" }
}

/// Why `--for` was refused, as a sentence a person can act on.
public enum RideLengthError: Error, Equatable, CustomStringConvertible {
  case notADuration(String)
  case notWholeMinutes(String)
  case outOfRange(String)

  public var description: String {
    let range = "between \(RideLength.allowed.lowerBound)m and \(RideLength.allowed.upperBound)m"
    switch self {
    case .notADuration(let text): return "--for takes a duration like 20m or 1h, \(range); got \"\(text)\""
    case .notWholeMinutes(let text): return "--for takes whole minutes, \(range); got \"\(text)\""
    case .outOfRange(let text): return "--for must be \(range); got \"\(text)\""
    }
  }
}

/// Where in the wave a minute falls: the first third rises, the last third eases off.
public enum WavePhase: String, Sendable, CaseIterable, Equatable {
  case rising, peak, easing

  /// The corpus tag the phase's lines carry.
  public var tag: String { "wave-\(rawValue)" }

  /// The phase of minute `minute` (0 at the start) of a round of `minutes`: rising while
  /// minute < minutes/3, easing from minute >= 2·minutes/3, the peak between.
  public init(minute: Int, of minutes: Int) {
    if 3 * minute < minutes {
      self = .rising
    } else if 3 * minute >= 2 * minutes {
      self = .easing
    } else {
      self = .peak
    }
  }

  /// The bubble's title in this phase.
  public var title: String {
    switch self {
    case .rising: "Riding the wave: it is rising"
    case .peak: "Riding the wave: this is the peak"
    case .easing: "Riding the wave: it is easing off"
    }
  }
}

/// How a ride ended, as the state database records it.
public enum RideOutcome: String, Sendable, Equatable, CaseIterable {
  /// "It passed" at the end.
  case passed
  /// "Still hard" at the end: another round runs (the outcome of a ride still going).
  case stillHard = "still-hard"
  /// No answer within `Ride.answerMinutes`, or the question closed unanswered.
  case unanswered
  /// Ended before its time: SIGTERM/SIGINT, the bubble closed mid-ride, the daemon stopped.
  case stopped
}

/// One ride of a wave: a notification that stays for `length` and is updated in place once a
/// minute, then asks whether the wave passed. Pure: the caller passes the time in, shows what
/// `display` says and reports answers; the minute is `minuteSeconds` long (60, but for tests).
public struct Ride: Sendable, Equatable {
  /// How long the closing question waits for an answer, in minutes.
  public static let answerMinutes = 10

  public enum State: Sendable, Equatable {
    /// Minutes are ticking; the next update is due at `Ride.nextDeadline`.
    case riding
    /// The round is over; the question waits for an answer until the deadline.
    case asking
    case ended(RideOutcome)
  }

  public let length: RideLength
  public let minuteSeconds: Int64
  public let started: Instant
  public private(set) var roundStarted: Instant
  /// 1 for the first round; each "Still hard" adds one.
  public private(set) var rounds = 1
  public private(set) var state = State.riding
  /// The minute last shown (0 when the ride starts).
  public private(set) var shownMinute = 0

  public init(length: RideLength, started: Instant, minuteSeconds: Int64 = 60) {
    self.length = length
    self.started = started
    self.roundStarted = started
    self.minuteSeconds = max(1, minuteSeconds)
  }

  /// The seconds one round lasts.
  public var plannedSeconds: Int64 { Int64(length.minutes) * minuteSeconds }

  /// When the current round ends and the question is asked.
  public var roundEnd: Instant { roundStarted.adding(seconds: plannedSeconds) }

  /// When the question stops waiting.
  public var answerDeadline: Instant { roundEnd.adding(seconds: Int64(Self.answerMinutes) * minuteSeconds) }

  /// The minute of the round at `now`: whole minutes since it started, at most its length.
  public func minute(at now: Instant) -> Int {
    let elapsed = max(0, now.seconds - roundStarted.seconds)
    return Int(min(Int64(length.minutes), elapsed / minuteSeconds))
  }

  /// When the caller must next call `advance(to:)`; nil once the ride ended.
  public var nextDeadline: Instant? {
    switch state {
    case .riding: roundStarted.adding(seconds: Int64(shownMinute + 1) * minuteSeconds)
    case .asking: answerDeadline
    case .ended: nil
    }
  }

  /// What changed at `now`: the next minute to show (`.update`), the question (`.ask`) or, past
  /// the answer's deadline, the ride ended unanswered. Nothing when no deadline has passed.
  /// Minutes missed (a suspend) are skipped: only the latest is shown.
  public mutating func advance(to now: Instant) -> Step? {
    switch state {
    case .riding:
      let minute = minute(at: now)
      guard minute > shownMinute else { return nil }
      shownMinute = minute
      if minute >= length.minutes {
        state = .asking
        return .ask
      }
      return .update
    case .asking:
      guard now >= answerDeadline else { return nil }
      state = .ended(.unanswered)
      return .ended(.unanswered)
    case .ended:
      return nil
    }
  }

  public enum Step: Sendable, Equatable {
    /// Show `display` in place of the bubble.
    case update
    /// Show the question with its buttons.
    case ask
    /// Record the outcome; withdraw the bubble.
    case ended(RideOutcome)
  }

  /// The person answered the question. "Still hard" starts another round of the same length
  /// at `now`. An answer while no question is asked changes nothing (false).
  @discardableResult
  public mutating func answer(passed: Bool, at now: Instant) -> Bool {
    guard state == .asking else { return false }
    if passed {
      state = .ended(.passed)
    } else {
      rounds += 1
      roundStarted = now
      shownMinute = 0
      state = .riding
    }
    return true
  }

  /// Ends the ride before its time (signal, bubble closed, daemon stopping).
  public mutating func stop() {
    if case .ended = state { return }
    state = .ended(.stopped)
  }

  /// The outcome so far: still-hard while a later round runs, nil while the first one does.
  public var outcome: RideOutcome? {
    switch state {
    case .ended(let outcome): outcome
    case .riding, .asking: rounds > 1 ? .stillHard : nil
    }
  }

  /// The progress bar's value: the share of the round gone, 0 to 100, 100 at its last minute.
  public var percent: Int { shownMinute * 100 / length.minutes }

  /// The phase of the minute shown.
  public var phase: WavePhase { WavePhase(minute: shownMinute, of: length.minutes) }

  /// The line servers that draw no progress bar get: "7 of 20 minutes".
  public var progressLine: String { "\(shownMinute) of \(length.minutes) minutes" }

  /// The tag the line of the minute shown is drawn from; in a later round's rising third, a
  /// line about leaning on someone (see `leanOnPeopleIdea`) instead.
  public var drawsLeanOnPeople: Bool { rounds > 1 && phase == .rising }

  /// The idea of the lines a later round opens with.
  public static let leanOnPeopleIdea = "lean-on-people"

  /// Which line the minute shown wants: a new one when this changes (a new phase, a new round).
  public var lineKey: String { "\(rounds) \(phase.rawValue)" }

  /// The request for the minute shown, with `line` as its text. Critical and without expiry:
  /// it stays until the ride ends.
  public func update(line: String) -> NotificationRequest {
    var request = NotificationRequest(
      summary: rounds > 1 ? "\(phase.title) (round \(rounds))" : phase.title, body: line, urgency: .critical,
      expireTimeout: 0, tags: [phase.tag])
    request.progress = RideProgress(percent: percent, line: progressLine)
    request.keepsOwnBubble = true
    return request
  }

  /// The question at the round's end, with its two buttons.
  public var question: NotificationRequest {
    let total = rounds == 1 ? "\(length.minutes) minutes" : "\(length.minutes) more minutes"
    var request = NotificationRequest(
      summary: "Did the wave pass?", body: "\(total). You stayed with it. Has it passed?", urgency: .critical,
      expireTimeout: 0, tags: [], responses: [.ridePassed, .stillHard])
    request.progress = RideProgress(percent: 100, line: progressLine)
    request.keepsOwnBubble = true
    return request
  }

  /// The thank-you after "It passed": short, gone by itself, kept nowhere.
  public static let thanks: NotificationRequest = {
    var request = NotificationRequest(
      summary: "It passed", body: "You rode the wave out. Thank you for staying with yourself.", urgency: .low,
      expireTimeout: 8_000, tags: [])
    request.transient = true
    return request
  }()

  /// The line a later round opens with when the corpus has no lean-on-people line.
  public static let leanOnPeopleFallback = "Still hard is allowed. Text someone who is on your side and tell them."
}

/// A progress bar for servers that draw one (the spec's `value` hint, 0 to 100) and the same
/// progress in words for those that do not (see `ServerQuirks.drawsProgress`).
public struct RideProgress: Sendable, Equatable {
  public var percent: Int
  public var line: String

  public init(percent: Int, line: String) {
    self.percent = percent
    self.line = line
  }
}

extension Ride {
  /// The median length in whole minutes of the rides given by their ridden seconds (the mean of
  /// the middle two for an even count, half a minute rounded up); nil for none.
  public static func medianMinutes(ofSeconds lengths: [Int64]) -> Int? {
    guard !lengths.isEmpty else { return nil }
    let sorted = lengths.sorted()
    let middle = sorted.count / 2
    let doubled = sorted.count % 2 == 1 ? 2 * sorted[middle] : sorted[middle - 1] + sorted[middle]
    // doubled / 120 minutes, rounded half up.
    return Int((doubled + 60) / 120)
  }
}

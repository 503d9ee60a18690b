public import AffirmCore
public import Logging

/// Carries one ride of a wave: shows what `Ride` says (one bubble, updated in place each
/// minute, then the question), hears its buttons, records it in the state database. Shared by
/// `affirm sos --ride` in the foreground and by the daemon, so both ride alike. Time is passed in.
public struct RideCarrier {
  public private(set) var ride: Ride
  /// The ride's row in the state database; nil without one (nothing is recorded).
  public let id: Int64?
  public var corpus: any EntryCatalog
  public var store: StateStore?
  var logger: Logger
  /// The server's id for the ride's bubble, while it shows.
  public private(set) var bubble: UInt32?
  /// The line shown, and which phase and round it was drawn for.
  public private(set) var line = ""
  var lineKey: String?

  public init(ride: Ride, id: Int64?, corpus: any EntryCatalog, store: StateStore?, logger: Logger) {
    self.ride = ride
    self.id = id
    self.corpus = corpus
    self.store = store
    self.logger = logger
  }

  /// When `advance(to:)` is due next; nil once the ride ended.
  public var nextDeadline: Instant? { ride.nextDeadline }

  public var isOver: Bool {
    if case .ended = ride.state { return true }
    return false
  }

  /// Shows the first minute; throws when it could not be shown (nothing to ride with).
  public mutating func start(
    notifier: some ServerAwareNotifier, using generator: inout some RandomNumberGenerator
  ) throws(DeliveryError) {
    line = drawLine(using: &generator)
    lineKey = ride.lineKey
    bubble = try notifier.deliver(ride.update(line: line))
  }

  /// Shows what is due at `now`: the next minute, the question, or ends an unanswered ride.
  public mutating func advance(
    to now: Instant, notifier: some ServerAwareNotifier, using generator: inout some RandomNumberGenerator
  ) {
    switch ride.advance(to: now) {
    case nil: return
    case .update: showMinute(notifier: notifier, using: &generator)
    case .ask: show(ride.question, notifier: notifier)
    case .ended(let outcome): end(outcome, at: now, notifier: notifier)
    }
  }

  /// Acts on `event` if it concerns the ride's bubble; returns whether it did.
  @discardableResult
  public mutating func handle(
    _ event: NotificationEvent, at now: Instant, notifier: some ServerAwareNotifier,
    using generator: inout some RandomNumberGenerator
  ) -> Bool {
    guard let bubble, event.id == bubble, !isOver else { return false }
    switch event {
    case .answered(_, .ridePassed):
      guard ride.answer(passed: true, at: now) else { return false }
      self.bubble = nil  // the notifier closes an answered bubble itself
      record(at: now)
      logger.info("the ride ended: passed", metadata: ["rounds": "\(ride.rounds)"])
      do {
        _ = try notifier.deliver(Ride.thanks)
      } catch {
        logger.warning("the thank-you was not shown: \(error)")
      }
    case .answered(_, .stillHard):
      guard ride.answer(passed: false, at: now) else { return false }
      // The answered bubble is closed: the next round comes as a new one.
      self.bubble = nil
      record(at: now)
      showMinute(notifier: notifier, using: &generator)
    case .answered:
      return false
    case .closed:
      // Closed by the person (or the server) before the end: the ride ends there.
      self.bubble = nil
      if ride.state == .asking {
        ride.stop()
        end(.unanswered, at: now, notifier: notifier)
      } else {
        ride.stop()
        end(.stopped, at: now, notifier: notifier)
      }
    }
    return true
  }

  /// Ends the ride before its time (SIGTERM, the daemon stopping): recorded as stopped, the
  /// bubble withdrawn.
  public mutating func stop(at now: Instant, notifier: some ServerAwareNotifier) {
    guard !isOver else { return }
    ride.stop()
    end(.stopped, at: now, notifier: notifier)
  }

  mutating func showMinute(notifier: some ServerAwareNotifier, using generator: inout some RandomNumberGenerator) {
    if lineKey != ride.lineKey {
      line = drawLine(using: &generator)
      lineKey = ride.lineKey
    }
    show(ride.update(line: line), notifier: notifier)
  }

  /// A line for the minute shown: the phase's tag, or in a later round's first third a line
  /// about leaning on someone.
  func drawLine(using generator: inout some RandomNumberGenerator) -> String {
    if ride.drawsLeanOnPeople {
      let positions = corpus.positions(forAnyOf: Set(Moment.Tag.sosDraws)).filter {
        corpus.idea(at: $0) == Ride.leanOnPeopleIdea
      }
      return positions.randomElement(using: &generator).flatMap { corpus.entry(at: $0)?.text }
        ?? Ride.leanOnPeopleFallback
    }
    for tags in [[ride.phase.tag], Moment.Tag.sosDraws] {
      let positions = corpus.positions(forAnyOf: Set(tags))
      if let text = positions.randomElement(using: &generator).flatMap({ corpus.entry(at: $0)?.text }) {
        return text
      }
    }
    return "This is a wave. It rises, peaks and passes. Stay with it."
  }

  mutating func show(_ request: NotificationRequest, notifier: some ServerAwareNotifier) {
    var request = request
    request.replacing = bubble
    do {
      bubble = try notifier.deliver(request)
    } catch {
      logger.warning("the ride's bubble was not shown: \(error)")
    }
  }

  mutating func end(_ outcome: RideOutcome, at now: Instant, notifier: some ServerAwareNotifier) {
    if outcome != .passed, let bubble, let server = notifier.server {
      try? notifier.withdraw(LiveNotification(id: bubble, server: server))
    }
    bubble = nil
    record(at: now)
    logger.info("the ride ended: \(outcome.rawValue)", metadata: ["rounds": "\(ride.rounds)"])
  }

  func record(at now: Instant) {
    guard let id, let store else { return }
    do {
      try store.updateRide(id, rounds: ride.rounds, outcome: ride.outcome, ended: isOver ? now : nil)
    } catch {
      logger.error("\(error)")
    }
  }
}

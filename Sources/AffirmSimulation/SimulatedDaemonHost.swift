public import AffirmCore

/// A host with an injected clock: waiting jumps straight to the deadline, and scripted
/// events (suspends, clock steps, reloads, zone changes, a pause) happen at given instants. It
/// runs the real daemon loop over days or years in milliseconds, for the tests and for
/// `affirm-bench`.
public struct SimulatedDaemonHost: DaemonHost {
  public enum Event {
    /// The machine sleeps from `at` until `until`: the wait ends late.
    case suspend(at: Instant, until: Instant)
    /// The wall clock is set to `to` when it reaches `at`.
    case step(at: Instant, to: Instant)
    /// SIGHUP at `at`; the host's reload then gives this (read, or failed to read).
    case reload(at: Instant, Result<DaemonSettings, ConfigError>)
    /// A button is pressed on a notification at `at`.
    case interaction(at: Instant)
    /// The system's zone file is replaced at `at`; the host's reload then gives `to`.
    case zoneChange(at: Instant, to: DaemonSettings)
    /// Another affirm process pokes the daemon (SIGUSR1) at `at`.
    case stateChange(at: Instant)
  }

  public var clock: Instant
  public let end: Instant
  public var events: [Event]
  public var delivered: [FireTime] = []
  /// Every delivery asked of the host, shown or not, in order.
  public var attempts: [FireTime] = []
  /// Slots whose every delivery fails.
  public var failing: Set<String> = []
  /// Slots whose next deliveries fail, and how many of them.
  public var failingNext: [String: Int] = [:]
  public var savedMarks: [String: Instant] = [:]
  public var reloadResult: Result<DaemonSettings, ConfigError>?
  /// Every set of settings the loop took, in order.
  public var adopted: [DaemonSettings] = []
  /// What the state database says of `affirm pause`: held until then.
  public var pausedUntil: Instant?
  public var interactions: [Instant] = []
  /// When the loop asked the host to read the state database again.
  public var stateChanges: [Instant] = []
  /// The urges logged, at any time: the loop is given those at or before the clock.
  public var urges: [Instant] = []
  /// The host's own timed work (a ride's minutes): due at these instants, soonest first.
  public var timedWork: [Instant] = []
  /// When the loop ran timed work that was due, and the instant it was due at.
  public var timedWorkDone: [(at: Instant, due: Instant)] = []
  /// Every deadline the loop waited for, in order: its plan, as the waiter would see it.
  public var waits: [Instant?] = []

  public init(start: Instant, end: Instant, events: [Event] = []) {
    clock = start
    self.end = end
    self.events = events
  }

  public mutating func now() -> Instant { clock }

  public mutating func wait(until deadline: Instant?) -> WakeReason {
    waits.append(deadline)
    let target = min(deadline ?? end, end)
    if let index = events.firstIndex(where: { eventTime($0) <= target }) {
      let event = events.remove(at: index)
      switch event {
      case .suspend(let at, let until):
        clock = max(clock, at)
        clock = until
        return .deadline
      case .step(let at, let to):
        clock = to
        _ = at
        return .clockChanged
      case .reload(let at, let result):
        clock = max(clock, at)
        reloadResult = result
        return .reload
      case .interaction(let at):
        clock = max(clock, at)
        return .interaction
      case .zoneChange(let at, let settings):
        clock = max(clock, at)
        reloadResult = .success(settings)
        return .zoneChanged
      case .stateChange(let at):
        clock = max(clock, at)
        return .stateChanged
      }
    }
    if target >= end { return .terminate }
    // A deadline already passed ends the wait at once, as the real waiter's does: the clock
    // never goes back but for a step.
    clock = max(clock, target)
    return .deadline
  }

  func eventTime(_ event: Event) -> Instant {
    switch event {
    case .suspend(let at, _), .step(let at, _), .reload(let at, _), .interaction(let at), .zoneChange(let at, _),
      .stateChange(let at):
      at
    }
  }

  public mutating func pausedUntil(at now: Instant) -> Instant? { pausedUntil }

  public mutating func deliver(_ fire: FireTime) -> Bool {
    attempts.append(fire)
    if failing.contains(fire.slot) { return false }
    if let left = failingNext[fire.slot], left > 0 {
      failingNext[fire.slot] = left - 1
      return false
    }
    delivered.append(fire)
    return true
  }

  /// Nothing scripted to reload: the loop keeps its settings, as after a config that fails.
  public struct NoReload: Error {}

  public mutating func reloadSettings() throws -> DaemonSettings {
    guard let reloadResult else { throw NoReload() }
    return try reloadResult.get()
  }

  public mutating func adopt(_ settings: DaemonSettings) { adopted.append(settings) }

  public mutating func saveMarks(_ marks: [String: Instant]) throws { savedMarks = marks }

  public mutating func handleInteraction() { interactions.append(clock) }

  public mutating func handleStateChange() { stateChanges.append(clock) }

  public mutating func urgeInstants() -> [Instant] { urges.filter { $0 <= clock } }
  public mutating func runTimedWork(at now: Instant) -> Instant? {
    while let due = timedWork.first, due <= now {
      timedWorkDone.append((now, due))
      timedWork.removeFirst()
    }
    return timedWork.first
  }
}

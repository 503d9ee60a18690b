import AffirmCore
public import AffirmNotify
import AffirmState
public import AffirmSystem
import Logging

/// The daemon's real surroundings: the wall clock, the system waiter, the dispatcher (state
/// database and libnotify) and the config file. Plumbing only: what is held and whether a
/// reloaded config is taken, `DaemonLoop` decides.
struct LiveDaemonHost: DaemonHost {
  let waiter: SystemWaiter
  var dispatcher: Dispatcher
  let notifier: SessionNotifier
  /// Reads the config and the corpus again (SIGHUP, a new system zone).
  let reload: () throws -> DaemonSettings
  let logger: Logger
  /// Runs GLib's main context inside the waiter's poll, for the buttons' callbacks.
  let pump: MainContextPump
  var generator = SystemRandomNumberGenerator()

  /// `pump` is what shows that libnotify loaded: a daemon without it could never deliver.
  init(
    waiter: SystemWaiter, pump: MainContextPump, dispatcher: Dispatcher, notifier: SessionNotifier, logger: Logger,
    reload: @escaping () throws -> DaemonSettings
  ) {
    self.waiter = waiter
    self.pump = pump
    self.dispatcher = dispatcher
    self.notifier = notifier
    self.logger = logger
    self.reload = reload
  }

  mutating func now() -> Instant { WallClock.system.now() }

  mutating func wait(until deadline: Instant?) -> WakeReason {
    let notifier = notifier
    return waiter.wait(until: deadline, pump: pump, interacted: { notifier.hasEvents })
  }

  mutating func handleInteraction() {
    for event in notifier.takeEvents() {
      guard case .answered(_, let response) = event else { continue }
      logger.info("answered: \(response.label)")
      let outcome = dispatcher.respond(
        response, now: now(), offeringResponses: true, notifier: notifier, using: &generator)
      if case .failure(let error) = outcome.recording { logger.error("\(error)") }
      if case .notShown(let error) = outcome.delivery { logger.warning("not delivered: \(error)") }
    }
  }

  mutating func pausedUntil(at now: Instant) -> Instant? {
    (try? dispatcher.store?.pausedUntil(now: now)) ?? nil
  }

  mutating func deliver(_ fire: FireTime) -> Bool {
    let now = now()
    do {
      let outcome = try dispatcher.deliver(
        tags: fire.tags, urgency: fire.urgency, source: .slot(fire.slot), now: now, offeringResponses: true,
        notifier: notifier, using: &generator)

      if case .failure(let error) = outcome.recording { logger.error("\(error)") }
      if case .notShown(let error) = outcome.delivery {
        logger.warning("not delivered: \(error)", metadata: ["slot": "\(fire.slot)"])
        return false
      }
      return true
    } catch {
      logger.warning("not delivered: \(error)", metadata: ["slot": "\(fire.slot)"])
      return false
    }
  }

  /// Buttons left on screen after the daemon stops would record nothing: withdraw them.
  mutating func stopping() { notifier.withdrawButtons() }

  mutating func reloadSettings() throws -> DaemonSettings { try reload() }

  mutating func adopt(_ settings: DaemonSettings) {
    dispatcher.config = settings.config
    dispatcher.corpus = settings.corpus
    dispatcher.zone = settings.schedule.zone
  }

  mutating func urgeInstants() -> [Instant] {
    do {
      return try dispatcher.store?.urgeInstants() ?? []
    } catch {
      logger.error("cannot read the urges; windows that follow them are as written: \(error)")
      return []
    }
  }

  mutating func saveMarks(_ marks: [String: Instant]) throws {
    try dispatcher.store?.saveMarks(marks)
  }
}

/// The waiter polls GLib's main context alongside its own descriptors.
extension MainContextPump: PollParticipant {}

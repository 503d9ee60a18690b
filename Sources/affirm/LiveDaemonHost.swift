import AffirmCore
public import AffirmNotify
import AffirmState
public import AffirmSystem
import Logging

/// The daemon's real surroundings: the wall clock, the system waiter, the dispatcher (state
/// database and libnotify) and the config file.
struct LiveDaemonHost: DaemonHost {
  let waiter: SystemWaiter
  var dispatcher: Dispatcher
  let notifier: SessionNotifier
  /// Reads the config and the corpus again (SIGHUP).
  let reload: () throws -> (Config, Schedule, any EntryCatalog)
  let logger: Logger
  /// Runs GLib's main context inside the waiter's poll, for the buttons' callbacks.
  let pump: MainContextPump
  var generator = SystemRandomNumberGenerator()

  /// `pump` is what shows that libnotify loaded: a daemon without it could never deliver.
  init(
    waiter: SystemWaiter, pump: MainContextPump, dispatcher: Dispatcher, notifier: SessionNotifier, logger: Logger,
    reload: @escaping () throws -> (Config, Schedule, any EntryCatalog)
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
      let (outcome, stateError) = dispatcher.respond(
        response, now: now(), offeringResponses: true, notifier: notifier, using: &generator)
      if let error = stateError ?? outcome?.stateError { logger.error("\(error)") }
      if let error = outcome?.deliveryError { logger.warning("not delivered: \(error)") }
    }
  }

  mutating func deliver(_ fire: FireTime) -> Bool {
    let now = now()
    let paused = (try? dispatcher.store?.pausedUntil(now: now)) ?? nil
    let hold = Hold(
      pausedUntil: paused, quiet: dispatcher.config.quiet, includesCritical: dispatcher.config.pauseIncludesCritical)
    if let reason = hold.reason(for: fire.urgency, at: now, zone: dispatcher.zone) {
      logger.info("held: \(reason)", metadata: ["slot": "\(fire.slot)"])
      return false
    }
    do {
      let outcome = try dispatcher.deliver(
        tags: fire.tags, urgency: fire.urgency, source: .slot(fire.slot), now: now, offeringResponses: true,
        notifier: notifier, using: &generator)

      if let error = outcome.stateError { logger.error("\(error)") }
      if let error = outcome.deliveryError {
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

  mutating func reloadSchedule() throws -> Schedule {
    let (config, schedule, corpus) = try reload()
    dispatcher.config = config
    dispatcher.corpus = corpus
    dispatcher.zone = schedule.zone
    return schedule
  }

  mutating func saveMarks(_ marks: [String: Instant]) throws {
    try dispatcher.store?.saveMarks(marks)
  }
}

/// The waiter polls GLib's main context alongside its own descriptors.
extension MainContextPump: PollParticipant {}

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
  /// The rides of a wave this daemon carries (`affirm sos --ride`, "I want to reach out").
  var rides: [RideCarrier] = []
  /// The length of a ride's minute: 60 seconds but in tests (`AFFIRM_RIDE_MINUTE_SECONDS`).
  var rideMinuteSeconds: Int64 = 60

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
      // A ride's buttons and bubble are its own.
      if rides.indices.contains(where: { rides[$0].handle(event, at: now(), notifier: notifier, using: &generator) }) {
        continue
      }
      guard case .answered(_, let response) = event else { continue }
      logger.info("answered: \(response.label)")
      if response == .reachOut && startReachOutRide() { continue }
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

  /// Buttons left on screen after the daemon stops would record nothing: withdraw them. A ride
  /// nobody will carry on ends as stopped.
  mutating func stopping() {
    for index in rides.indices { rides[index].stop(at: now(), notifier: notifier) }
    rides = []
    notifier.withdrawButtons()
  }

  /// `affirm sos --ride` asked for a ride and poked the daemon: take on every request nobody
  /// carries yet.
  mutating func handleStateChange() {
    guard let store = dispatcher.store else { return }
    do {
      for request in try store.pendingRideRequests(at: now())
      where try store.claimRide(request.id, carrier: .daemon, at: now()) {
        startRide(id: request.id, length: RideLength(minutes: Int(request.plannedSeconds / 60)))
      }
    } catch {
      logger.error("\(error)")
    }
  }

  /// Each ride's next minute, question or end, as due; when the next is due.
  mutating func runTimedWork(at now: Instant) -> Instant? {
    for index in rides.indices { rides[index].advance(to: now, notifier: notifier, using: &generator) }
    rides.removeAll { $0.isOver }
    return rides.compactMap(\.nextDeadline).min()
  }

  /// "I want to reach out": the urge is recorded and a ride of the default length starts, in
  /// place of the single urge line shown before rides existed. False when the ride could not
  /// be shown (the caller answers as before).
  mutating func startReachOutRide() -> Bool {
    let length = RideLength(minutes: RideLength.defaultMinutes)
    var id: Int64?
    do {
      id = try dispatcher.store?.startRide(plannedSeconds: Int64(length.minutes) * 60, carrier: .daemon, at: now())
    } catch {
      logger.error("\(error)")
    }
    guard startRide(id: id, length: length) else {
      if let id { try? dispatcher.store?.updateRide(id, rounds: 1, outcome: .stopped, ended: now()) }
      return false
    }
    do {
      try dispatcher.store?.recordUrge(at: now(), note: Response.reachOutNote)
    } catch {
      logger.error("\(error)")
    }
    return true
  }

  @discardableResult
  mutating func startRide(id: Int64?, length: RideLength) -> Bool {
    var carrier = RideCarrier(
      ride: Ride(length: length, started: now(), minuteSeconds: rideMinuteSeconds), id: id,
      corpus: dispatcher.corpus, store: dispatcher.store, logger: logger)
    do throws(DeliveryError) {
      try carrier.start(notifier: notifier, using: &generator)
    } catch {
      logger.warning("the ride could not be shown: \(error)")
      carrier.stop(at: now(), notifier: notifier)
      return false
    }
    logger.info("riding a wave", metadata: ["minutes": "\(length.minutes)", "ride": "\(id.map(String.init) ?? "-")"])
    rides.append(carrier)
    return true
  }

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

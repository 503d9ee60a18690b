public import Logging

/// Why the daemon's wait ended.
public enum WakeReason: Sendable, Equatable {
  /// The fire time waited for has come.
  case deadline
  /// The wall clock was stepped (settimeofday, NTP step) or the machine resumed: recompute.
  case clockChanged
  /// The system time zone changed (`/etc/localtime` replaced): reload the zone, recompute.
  case zoneChanged
  /// SIGHUP: reload the config.
  case reload
  /// SIGTERM or SIGINT: stop.
  case terminate
  /// The person pressed a button on a notification, or one closed: the host has answers to act on.
  case interaction
  /// SIGUSR1: another affirm process changed the state database (an urge logged, a ride asked
  /// for): the host reads what concerns it, then the loop plans again.
  case stateChanged
}

/// What the daemon runs by: the config in force, its schedule and the corpus its slots draw
/// from. The host reads it (at start, on SIGHUP, when the system's zone changes); the loop
/// judges it and acts on it.
public struct DaemonSettings: Sendable {
  public var config: Config
  /// The config's slots in its zone (or the system's, when it names none).
  public var schedule: Schedule
  public var corpus: any EntryCatalog
  /// How the corpus is named in the log (`CorpusChoice.label`).
  public var corpusLabel: String

  public init(config: Config, schedule: Schedule, corpus: any EntryCatalog, corpusLabel: String) {
    self.config = config
    self.schedule = schedule
    self.corpus = corpus
    self.corpusLabel = corpusLabel
  }

  /// Why the daemon must not run by these settings, or nil: a slot whose tags no corpus
  /// entry carries, or whose every line names a person while the config lists no people,
  /// would fire and find nothing to show.
  public var problem: ConfigError? { Picker(corpus: corpus).slotProblems(in: config).first }
}

/// Everything the daemon loop learns from the world and does to it, so that a test can run a
/// simulated week in milliseconds with an injected clock. The host reports facts and performs
/// effects; what to make of them (which fire times are due, what is held, whether a reloaded
/// config is taken) the loop decides.
public protocol DaemonHost {
  /// The current wall-clock time.
  mutating func now() -> Instant
  /// Blocks until `deadline` (nil: until something else happens) or an event.
  mutating func wait(until deadline: Instant?) -> WakeReason
  /// Until when `affirm pause` holds notifications, as the state database says at `now`; nil
  /// when not paused or when it cannot be read.
  mutating func pausedUntil(at now: Instant) -> Instant?
  /// Shows one fire time's notification; returns whether the server accepted it. Only asked
  /// for fire times the loop does not hold.
  mutating func deliver(_ fire: FireTime) -> Bool
  /// The config and the corpus read again (on SIGHUP, or for the system's new zone); throws
  /// when either cannot be read or parsed. Nothing changes until `adopt` is called.
  mutating func reloadSettings() throws -> DaemonSettings
  /// Delivers by `settings` from now on: the loop has accepted them.
  mutating func adopt(_ settings: DaemonSettings)
  /// Persists the last fire time handled for each slot.
  mutating func saveMarks(_ marks: [String: Instant]) throws
  /// Acts on what the notification server reported since the last call (buttons pressed,
  /// notifications closed). Never held by a pause: the person asked for it.
  mutating func handleInteraction()
  /// Another affirm process changed the state database and said so (SIGUSR1): read what
  /// concerns the host. The loop plans again afterwards.
  mutating func handleStateChange()
  /// Does the host's own timed work due at `now` (a ride's next minute) and says when it is
  /// due next; nil when it has none. The loop calls it every round and waits for the earlier
  /// of this and the next fire time.
  mutating func runTimedWork(at now: Instant) -> Instant?
  /// Called once before the daemon stops: withdraw what nobody will hear any more (buttons).
  mutating func stopping()
  /// The instants of every urge logged (the state database's journal), for the slots that
  /// follow urges (`follow_urges`). Asked at every wake while such a slot exists; empty when
  /// they cannot be read.
  mutating func urgeInstants() -> [Instant]
}

extension DaemonHost {
  public mutating func handleStateChange() {}
  public mutating func runTimedWork(at now: Instant) -> Instant? { nil }
  public mutating func stopping() {}
  public mutating func urgeInstants() -> [Instant] { [] }
}

/// The daemon: next fire time → wait → hold or deliver → record. All of its policy lives here:
/// missed times (caught up within grace, else dropped), holds (a pause, quiet hours) and
/// whether a reloaded config is taken.
public struct DaemonLoop {
  /// The schedule as the config writes it.
  public private(set) var schedule: Schedule
  /// The schedule the loop fires by: `schedule` with each slot that follows urges in its
  /// window in force, recomputed at every wake (`followUrges`).
  public private(set) var inForce: Schedule
  /// The windows in force of the slots that follow urges, as last computed.
  public private(set) var urgeWindows: [UrgeWindow] = []
  /// Daily hours in which fire times below critical are held (the config's `quiet`).
  public private(set) var quiet: [QuietHours]
  /// Whether a pause or quiet hours hold critical fire times too.
  public private(set) var pauseIncludesCritical: Bool
  /// The last fire time handled (delivered, failed or dropped) per slot: nothing at or before
  /// it fires again, so a restart or a clock stepped back never repeats a delivered time.
  public private(set) var marks: [String: Instant]
  var logger: Logger

  /// Per slot, a fire time this daemon handled that lies ahead again because the clock was
  /// stepped back while it ran: the one fire time not shown a second time when it comes round.
  var handledAhead: [String: Instant] = [:]

  /// A loop over `schedule` that holds nothing but for a pause (critical fire times never).
  public init(schedule: Schedule, marks: [String: Instant], logger: Logger) {
    self.schedule = schedule
    self.inForce = schedule
    self.quiet = []
    self.pauseIncludesCritical = false
    self.marks = marks
    self.logger = logger
  }

  /// A loop that runs by `settings` (already judged: see `DaemonSettings.problem`).
  public init(settings: DaemonSettings, marks: [String: Instant], logger: Logger) {
    self.init(schedule: settings.schedule, marks: marks, logger: logger)
    quiet = settings.config.quiet
    pauseIncludesCritical = settings.config.pauseIncludesCritical
  }

  /// Clamps every mark later than `now` to `now`, with one log line.
  ///
  /// A mark is a fire time already handled, so one in the future is impossible: the clock was
  /// ahead when it was saved (a dual boot whose other system keeps the hardware clock in local
  /// time, until NTP corrects it) or has been stepped back since. Trusted, it would silence
  /// the slot until real time caught up with it while `next` and `status` list times that do
  /// not fire. Marks read from the state database are clamped outright (`rememberingHandled`
  /// false); after a step back this daemon saw, the newest fire time it handled is still not
  /// shown twice.
  public mutating func distrustFutureMarks(at now: Instant, rememberingHandled: Bool) {
    let ahead = marks.filter { $0.value > now }.sorted { $0.key < $1.key }
    guard !ahead.isEmpty else { return }
    for (slot, mark) in ahead {
      marks[slot] = now
      if rememberingHandled { handledAhead[slot] = mark }
    }
    let latest = ahead.map(\.value).max()!
    logger.warning(
      "a saved fire time lies in the future (the clock was ahead); not trusted: counting from now",
      metadata: [
        "slots": "\(ahead.map(\.key).joined(separator: ", "))",
        "ahead": "\(Span(seconds: latest.seconds - now.seconds))",
      ])
  }

  /// What to deliver at `now`: for each slot, at most its newest passed fire time, and only
  /// while it is fresh (an `at` or `random` time within the slot's grace, an `every` time
  /// while its window is open). Older ones are dropped; several coalesce into one. Only the
  /// newest is ever computed, however long the daemon was away.
  public mutating func takeDue(at now: Instant) -> [FireTime] {
    distrustFutureMarks(at: now, rememberingHandled: true)
    var due: [FireTime] = []
    let schedule = inForce
    for slot in schedule.slots {
      guard let mark = marks[slot.name] else {
        // A slot never seen before starts now: nothing from before it existed fires.
        marks[slot.name] = now
        continue
      }
      guard let newest = schedule.latestFireTime(of: slot, after: mark, through: now) else { continue }
      marks[slot.name] = newest.instant
      if let handled = handledAhead[slot.name], handled <= newest.instant {
        handledAhead[slot.name] = nil
        // Shown once already, before the clock was stepped back.
        if handled == newest.instant { continue }
      }
      let lateness = now.seconds - newest.instant.seconds
      let fresh: Bool
      if case .every = slot.timing {
        fresh = newest.windowEnd.map { now < $0 } ?? false
      } else {
        fresh = lateness <= slot.grace.seconds
      }
      if fresh {
        if lateness > 1 {
          logger.info(
            "catching up on a missed fire time",
            metadata: ["slot": "\(slot.name)", "late": "\(Span(seconds: lateness))"])
        }
        due.append(newest)
      } else {
        logger.info(
          "dropping missed fire times",
          metadata: ["slot": "\(slot.name)", "late": "\(Span(seconds: lateness))"])
      }
    }
    return due.sorted()
  }

  /// The earliest fire time still to come, after `now` and after each slot's mark.
  public func nextFire(after now: Instant) -> FireTime? {
    inForce.slots.compactMap { slot -> FireTime? in
      inForce.nextFireTime(of: slot, after: max(now, marks[slot.name] ?? now))
    }.min()
  }

  /// Recomputes the window in force of each slot that follows urges from the host's urges at
  /// `now`, and logs each window that changed. Returns when the four weeks next let go of an
  /// urge (a window may change then without a new one), or nil.
  ///
  /// A window that moves while the daemon runs counts from now: the times it gained before
  /// now are not caught up (an urge just logged with `affirm sos` has had its line; the next
  /// one comes at the window's next time, not at once).
  @discardableResult
  public mutating func followUrges(_ host: inout some DaemonHost, at now: Instant) -> Instant? {
    guard schedule.followsUrges else {
      inForce = schedule
      urgeWindows = []
      return nil
    }
    let windows = schedule.urgeWindows(urges: host.urgeInstants(), now: now)
    for window in windows {
      let previous = urgeWindows.first { $0.slot == window.slot }
      guard previous?.from != window.from || previous?.until != window.until else { continue }
      if previous != nil, let mark = marks[window.slot], mark < now.adding(seconds: -1) {
        // Nothing before now: a time due exactly now still fires.
        marks[window.slot] = now.adding(seconds: -1)
      }
      logger.info(
        "window in force",
        metadata: ["slot": "\(window.slot)", "window": "\(window.from)-\(window.until)", "why": "\(window.reason)"])
    }
    urgeWindows = windows
    inForce = schedule.applying(windows)
    return windows.compactMap(\.nextChange).filter { $0 > now }.min()
  }

  /// Runs until terminated. Returns the process exit status.
  public mutating func run(host: inout some DaemonHost) -> Int32 {
    let start = host.now()
    distrustFutureMarks(at: start, rememberingHandled: false)
    followUrges(&host, at: start)
    let upcoming = inForce.upcoming(after: start, count: 3)
    logger.info(
      "started",
      metadata: [
        "zone": "\(schedule.zone.identifier)",
        "next":
          "\(upcoming.map { "\(ISO8601.format($0.instant, in: schedule.zone)) \($0.slot)" }.joined(separator: ", "))",
      ])
    while true {
      let now = host.now()
      // A window that follows urges is as the urges are now: a new one (a poke, a button) or
      // one the four weeks let go of moves it, and the wait ends when the latter can happen.
      let windowsChange = followUrges(&host, at: now)
      let due = takeDue(at: now)
      // The marks reach the disk before the deliveries: a crash in the middle of one (the
      // server may already be showing it) must not repeat it after a restart.
      save(&host)
      for fire in due {
        let at = host.now()
        if let reason = holdReason(for: fire, at: at, pausedUntil: host.pausedUntil(at: at)) {
          logger.info("held: \(reason)", metadata: ["slot": "\(fire.slot)"])
          continue
        }
        if host.deliver(fire) {
          logger.info(
            "delivered", metadata: ["slot": "\(fire.slot)", "at": "\(ISO8601.format(fire.instant, in: schedule.zone))"])
        }
      }
      let next = nextFire(after: now)
      let timed = host.runTimedWork(at: host.now())
      switch host.wait(until: [next?.instant, windowsChange, timed].compactMap { $0 }.min()) {
      case .deadline:
        continue
      case .interaction:
        host.handleInteraction()
      case .stateChanged:
        logger.info("told the state database changed; reading it again")
        host.handleStateChange()
      case .clockChanged:
        logger.info("the wall clock changed; recomputing fire times")
      case .zoneChanged, .reload:
        reload(&host)
      case .terminate:
        logger.info("stopping")
        host.stopping()
        return 0
      }
    }
  }

  /// Why `fire` is not shown at `now`, or nil when it is: a pause until a later time, or quiet
  /// hours read in the schedule's zone. Critical fire times go through both unless
  /// `pause_includes_critical` says otherwise, because those are the moments affirm is for.
  public func holdReason(for fire: FireTime, at now: Instant, pausedUntil: Instant?) -> String? {
    Hold(pausedUntil: pausedUntil, quiet: quiet, includesCritical: pauseIncludesCritical)
      .reason(for: fire.urgency, at: now, zone: schedule.zone)
  }

  /// Takes the config and corpus the host reads again, or keeps the ones in force (and says
  /// why) when they cannot be read or a slot would find nothing to show. Marks are kept: a
  /// slot still present fires nothing it already handled, a new one starts now.
  mutating func reload(_ host: inout some DaemonHost) {
    let settings: DaemonSettings
    do {
      settings = try host.reloadSettings()
    } catch {
      logger.error("keeping the previous config: \(error)")
      return
    }
    if let problem = settings.problem {
      logger.error("keeping the previous config: \(problem)")
      return
    }
    logger.info("corpus: \(settings.corpusLabel), \(settings.corpus.count) entries")
    host.adopt(settings)
    schedule = settings.schedule
    followUrges(&host, at: host.now())
    quiet = settings.config.quiet
    pauseIncludesCritical = settings.config.pauseIncludesCritical
    let next = nextFire(after: host.now())
    logger.info(
      "reloaded",
      metadata: [
        "zone": "\(schedule.zone.identifier)", "slots": "\(schedule.slots.count)",
        "next": "\(next.map { ISO8601.format($0.instant, in: schedule.zone) + " " + $0.slot } ?? "none")",
      ])
  }

  private func save(_ host: inout some DaemonHost) {
    do {
      try host.saveMarks(marks)
    } catch {
      logger.error("cannot save the last fire times: \(error)")
    }
  }
}

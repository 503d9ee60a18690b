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
}

/// Everything the daemon loop does to the world, so that a test can run a simulated week
/// in milliseconds with an injected clock.
public protocol DaemonHost {
  /// The current wall-clock time.
  mutating func now() -> Instant
  /// Blocks until `deadline` (nil: until something else happens) or an event.
  mutating func wait(until deadline: Instant?) -> WakeReason
  /// Shows one fire time's notification; returns whether the server accepted it.
  mutating func deliver(_ fire: FireTime) -> Bool
  /// The schedule from a freshly read config (on SIGHUP) or the system's new zone.
  mutating func reloadSchedule() throws -> Schedule
  /// Persists the last fire time handled for each slot.
  mutating func saveMarks(_ marks: [String: Instant]) throws
  /// Acts on what the notification server reported since the last call (buttons pressed,
  /// notifications closed). Never held by a pause: the person asked for it.
  mutating func handleInteraction()
  /// Called once before the daemon stops: withdraw what nobody will hear any more (buttons).
  mutating func stopping()
}

extension DaemonHost {
  public mutating func stopping() {}
}

/// The daemon: next fire time → wait → deliver → record, with the missed-time policy.
public struct DaemonLoop {
  public private(set) var schedule: Schedule
  /// The last fire time handled (delivered, failed or dropped) per slot: nothing at or before
  /// it fires again, so a restart or a clock stepped back never repeats a delivered time.
  public private(set) var marks: [String: Instant]
  var logger: Logger

  public init(schedule: Schedule, marks: [String: Instant], logger: Logger) {
    self.schedule = schedule
    self.marks = marks
    self.logger = logger
  }

  /// What to deliver at `now`: for each slot, at most its newest passed fire time, and only
  /// while it is fresh (an `at` or `random` time within the slot's grace, an `every` time
  /// while its window is open). Older ones are dropped; several coalesce into one.
  public mutating func takeDue(at now: Instant) -> [FireTime] {
    var due: [FireTime] = []
    for slot in schedule.slots {
      guard let mark = marks[slot.name] else {
        // A slot never seen before starts now: nothing from before it existed fires.
        marks[slot.name] = now
        continue
      }
      let passed = Schedule(slots: [slot], zone: schedule.zone).fireTimes(after: mark, through: now)
      guard let newest = passed.last else { continue }
      marks[slot.name] = newest.instant
      let lateness = now.seconds - newest.instant.seconds
      let fresh: Bool
      if case .every = slot.timing {
        fresh = newest.windowEnd.map { now < $0 } ?? false
      } else {
        fresh = lateness <= slot.grace.seconds
      }
      let skipped = passed.count - 1
      if fresh {
        if skipped > 0 || lateness > 1 {
          logger.info(
            "catching up on a missed fire time",
            metadata: ["slot": "\(slot.name)", "late": "\(Span(seconds: lateness))", "coalesced": "\(skipped)"])
        }
        due.append(newest)
      } else {
        logger.info(
          "dropping missed fire times",
          metadata: ["slot": "\(slot.name)", "count": "\(passed.count)", "late": "\(Span(seconds: lateness))"])
      }
    }
    return due.sorted()
  }

  /// The earliest fire time still to come, after `now` and after each slot's mark.
  public func nextFire(after now: Instant) -> FireTime? {
    schedule.slots.compactMap { slot -> FireTime? in
      let from = max(now, marks[slot.name] ?? now)
      return Schedule(slots: [slot], zone: schedule.zone).upcoming(after: from, count: 1).first
    }.min()
  }

  /// Runs until terminated. Returns the process exit status.
  public mutating func run(host: inout some DaemonHost) -> Int32 {
    let start = host.now()
    let upcoming = schedule.upcoming(after: start, count: 3)
    logger.info(
      "started",
      metadata: [
        "zone": "\(schedule.zone.identifier)",
        "next":
          "\(upcoming.map { "\(ISO8601.format($0.instant, in: schedule.zone)) \($0.slot)" }.joined(separator: ", "))",
      ])
    while true {
      let now = host.now()
      let due = takeDue(at: now)
      // The marks reach the disk before the deliveries: a crash in the middle of one (the
      // server may already be showing it) must not repeat it after a restart.
      save(&host)
      for fire in due {
        if host.deliver(fire) {
          logger.info(
            "delivered", metadata: ["slot": "\(fire.slot)", "at": "\(ISO8601.format(fire.instant, in: schedule.zone))"])
        }
      }
      let next = nextFire(after: now)
      switch host.wait(until: next?.instant) {
      case .deadline:
        continue
      case .interaction:
        host.handleInteraction()
      case .clockChanged:
        logger.info("the wall clock changed; recomputing fire times")
      case .zoneChanged, .reload:
        do {
          schedule = try host.reloadSchedule()
          let next = nextFire(after: host.now())
          logger.info(
            "reloaded",
            metadata: [
              "zone": "\(schedule.zone.identifier)", "slots": "\(schedule.slots.count)",
              "next": "\(next.map { ISO8601.format($0.instant, in: schedule.zone) + " " + $0.slot } ?? "none")",
            ])
        } catch {
          logger.error("keeping the previous config: \(error)")
        }
      case .terminate:
        logger.info("stopping")
        host.stopping()
        return 0
      }
    }
  }

  private func save(_ host: inout some DaemonHost) {
    do {
      try host.saveMarks(marks)
    } catch {
      logger.error("cannot save the last fire times: \(error)")
    }
  }
}

import AffirmCore
import AffirmNotify
import AffirmState
import AffirmSystem
import ArgumentParser
import Logging
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The signal (SIGTERM, SIGINT) that asked a ride carried in the foreground to stop; 0: none.
private let stopSignal = Atomic<Int32>(0)

extension AffirmCommand.Sos {
  /// How long the daemon has to take a ride on before this command carries it itself.
  static let daemonPatience = 3.0

  /// `sos --ride`: asks the daemon to carry the ride, or carries it here.
  func rideTheWave(context: CommandContext, length: RideLength, recordError: StateError?) throws {
    let store = context.dispatcher.store
    // What the ride does is said on stdout; the log is for what went wrong.
    var logger = Logger(label: "sos")
    logger.logLevel = .warning
    let planned = Int64(length.minutes) * 60
    var rideID: Int64?
    if let store {
      do {
        let id = try store.requestRide(plannedSeconds: planned, at: context.now)
        rideID = id
        if let pid = InstanceLock.poke(paths: InstanceLock.candidatePaths(context.paths)),
          waitForDaemon(store: store, ride: id)
        {
          say("affirm run (pid \(pid)) carries the ride: \(length). You can close this terminal; it stays with you.")
          if let recordError { try reportingFailures { throw recordError } }
          return
        }
        // Nobody took it: carry it here, unless the daemon took it at the last moment.
        guard try store.claimRide(id, carrier: .command, at: WallClock.system.now()) else {
          say("affirm run carries the ride: \(length). You can close this terminal; it stays with you.")
          return
        }
      } catch {
        printError("affirm: \(error); riding without recording it")
        rideID = nil
      }
    }
    let minuteSeconds = Self.minuteSeconds(environment: context.environment)
    let notifier = SessionNotifier(environment: context.environment)
    var generator = SystemRandomNumberGenerator()
    var carrier = RideCarrier(
      ride: Ride(length: length, started: WallClock.system.now(), minuteSeconds: minuteSeconds), id: rideID,
      corpus: context.dispatcher.corpus, store: rideID == nil ? nil : store, logger: logger)
    for signalNumber in [SIGTERM, SIGINT] {
      signal(signalNumber) { stopSignal.store($0, ordering: .relaxed) }
    }
    do throws(DeliveryError) {
      try carrier.start(notifier: notifier, using: &generator)
    } catch {
      carrier.stop(at: WallClock.system.now(), notifier: notifier)
      try reportingFailures { throw error }
    }
    say("Riding the wave with you: \(length). The notification stays and changes as the wave does.")
    var round = 1
    while !carrier.isOver {
      if stopSignal.load(ordering: .relaxed) != 0 {
        carrier.stop(at: WallClock.system.now(), notifier: notifier)
        say("Stopped. The ride is in your history as stopped.")
        return
      }
      if let deadline = carrier.nextDeadline {
        let left = deadline.seconds - WallClock.system.now().seconds
        if left > 0 {
          for event in notifier.events(within: min(1, Double(left))) {
            carrier.handle(event, at: WallClock.system.now(), notifier: notifier, using: &generator)
          }
        }
      }
      carrier.advance(to: WallClock.system.now(), notifier: notifier, using: &generator)
      if carrier.ride.rounds > round {
        round = carrier.ride.rounds
        say("Still hard. Another \(length), and lean on someone: \(TerminalText.visible(carrier.line))")
      }
    }
    switch carrier.ride.outcome {
    case .passed: say("It passed. Thank you for staying with yourself.")
    case .unanswered: say("No answer came; the ride is in your history as unanswered.")
    default: say("The notification was closed; the ride is in your history as stopped.")
    }
    if let recordError { try reportingFailures { throw recordError } }
  }

  /// Waits until the daemon has taken ride `id` on, at most `daemonPatience` seconds.
  func waitForDaemon(store: StateStore, ride id: Int64) -> Bool {
    var waited = 0.0
    while waited < Self.daemonPatience {
      if (try? store.ride(id))??.started != nil { return true }
      var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
      nanosleep(&pause, nil)
      waited += 0.05
    }
    return (try? store.ride(id))??.started != nil
  }

  /// The length of a ride's minute: 60 seconds, or `AFFIRM_RIDE_MINUTE_SECONDS` (for tests only).
  static func minuteSeconds(environment: [String: String]) -> Int64 {
    guard let text = environment["AFFIRM_RIDE_MINUTE_SECONDS"], let seconds = Int64(text), seconds > 0 else {
      return 60
    }
    return seconds
  }
}

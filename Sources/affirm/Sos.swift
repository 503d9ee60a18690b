import AffirmCore
import AffirmNotify
import AffirmState
import AffirmSystem
import ArgumentParser

#if canImport(Glibc)
  import Glibc
#endif

extension AffirmCommand {
  struct Sos: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sos",
      abstract: "For the moment you want to reach out: notes the urge and shows a line for it now.",
      discussion: """
        Bind it to a key. It records the urge (see affirm stats for when they come), shows an \
        entry tagged urge or sos with critical urgency (never one shown earlier that night), and \
        with --follow-up stays and shows one more after that time, when the wave has had a moment \
        to pass. While it stays, its notification carries the buttons "It passed" and "I want to \
        reach out" where the server shows them. When a slot has follow_urges, it tells a running \
        daemon (SIGUSR1), so that slot's window moves at once. \
        With --ride it rides the wave with you: one notification that stays for --for (20 \
        minutes unless you say; 5m to 60m) and is updated in place once a minute, with a \
        progress bar (or "7 of 20 minutes" where the server draws none) and lines that follow \
        the wave as it rises, peaks and eases off. At the end it asks whether the wave passed: \
        "It passed" is recorded and thanked for, "Still hard" rides another round. While \
        affirm run is running, the daemon carries the ride, so closing the terminal does not \
        end it; otherwise this command carries it and SIGTERM or Ctrl-C stops it (recorded as \
        stopped). affirm history and affirm stats show each ride.
        """
    )

    @Flag(help: "Ride the wave: one notification that stays and follows the wave, then asks whether it passed.")
    var ride = false

    @Option(
      name: .customLong("for"),
      help: ArgumentHelp("With --ride: how long one round lasts, 5m to 60m (default 20m).", valueName: "duration"))
    var rideFor: String?

    @Option(help: ArgumentHelp("What is happening, in your words (kept in the history).", valueName: "text"))
    var note: String?

    @Option(
      name: .customLong("follow-up"),
      help: ArgumentHelp("Show one more urge entry after this long (like 10m).", valueName: "duration"))
    var followUp: String?

    @OptionGroup var corpus: CorpusOptions
    @OptionGroup var config: ConfigOptions

    func validate() throws {
      if let note, let (_, hazard) = TerminalText.hazard(in: note) {
        throw ValidationError("--note holds \(hazard); write plain, visible text")
      }
      if rideFor != nil && !ride { throw ValidationError("--for goes with --ride: affirm sos --ride --for 20m") }
      if ride && followUp != nil { throw ValidationError("--follow-up and --ride cannot go together; choose one") }
      if let rideFor, case .failure(let error) = RideLength.parse(rideFor) {
        throw ValidationError(error.description)
      }
      if let followUp {
        guard let span = Span(followUp), span.seconds > 0 else {
          throw ValidationError("--follow-up takes a duration like 90s, 10m or 1h; got \"\(followUp)\"")
        }
      }
    }

    func run() throws {
      StandardOutput.lineBuffered()
      var generator = SystemRandomNumberGenerator()
      let context = try reportingFailures { try CommandContext(config: config, corpus: corpus) }
      var recordError = context.stateError
      if let store = context.dispatcher.store {
        do {
          try store.recordUrge(at: context.now, note: note)
          // A ride pokes the daemon with its request, and the daemon reads the urges at every wake.
          if !ride { context.pokeDaemonAfterUrge() }
        } catch {
          recordError = error
        }
      }
      if ride {
        let length =
          rideFor.flatMap { try? RideLength.parse($0).get() } ?? RideLength(minutes: RideLength.defaultMinutes)
        try rideTheWave(context: context, length: length, recordError: recordError)
        return
      }
      let notifier = SessionNotifier(environment: context.environment)
      // Staying for the follow-up, it can hear the buttons meanwhile.
      let first = try reportingFailures {
        try context.dispatcher.deliver(
          tags: context.dispatcher.sosTags, urgency: .critical, source: .sos, now: context.now,
          offeringResponses: followUp != nil,
          notifier: notifier, using: &generator)
      }
      say(TerminalText.visible(first.request?.body ?? ""))
      say("Noted in your history. Stay with yourself for a minute; this will pass.")
      if let followUp, let span = Span(followUp), case .shown = first.delivery {
        say("One more line in \(span). Breathe.")
        let end = WallClock.system.now().adding(seconds: span.seconds)
        while case let left = end.seconds - WallClock.system.now().seconds, left > 0 {
          for case .answered(_, let response) in notifier.events(within: Double(left)) {
            let answer = context.dispatcher.respond(
              response, now: WallClock.system.now(), offeringResponses: false, notifier: notifier, using: &generator)
            if case .failure(let error) = answer.recording { printError("affirm: \(error)") }
            if response == .reachOut { context.pokeDaemonAfterUrge() }
            say(
              response == .stayedStrong
                ? "It passed. Thank you for staying with yourself."
                : "Noted. \(TerminalText.visible(answer.request?.body ?? ""))")
          }
        }
        notifier.withdrawButtons()  // nobody will hear them once the follow-up is out
        let second = try reportingFailures {
          try context.dispatcher.deliver(
            tags: context.dispatcher.sosTags, urgency: .critical, source: .sos, now: WallClock.system.now(),
            notifier: notifier,
            using: &generator)
        }
        try reportingFailures { try second.check() }
      }
      try reportingFailures { try first.recordingAlsoFailed(recordError).check() }
    }

    /// One line, flushed at once, also into a pipe or a file: a SIGTERM while it stays for
    /// the follow-up must not lose what it said (stdio would hold it in a block buffer).
    func say(_ line: String) {
      print(line)
      fflush(nil)
    }
  }
}

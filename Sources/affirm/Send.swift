import AffirmCore
import AffirmNotify
import AffirmSystem
public import ArgumentParser
import FoundationEssentials

extension AffirmCommand {
  struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "send",
      abstract: "Show one affirmation now (for cron, a hotkey or a script).",
      discussion: """
        Picks an entry carrying any of the given tags (every entry when no tag is given) from the \
        shuffle bag, so no line repeats until the others have been shown, shows it through the \
        desktop's notification server and records it. Exit status: 64 unknown tag, 65 no eligible \
        entry or a bad config, 66 unreadable corpus, 69 no bus or notification server, 75 shown \
        but not recorded.
        """
    )

    @Option(
      name: .customLong("tag"),
      help: ArgumentHelp("Pick only entries carrying this tag (repeatable: any of them).", valueName: "tag"))
    var tags: [String] = []

    @Option(help: "How insistent the notification is: low, normal or critical.")
    var urgency: Urgency = .normal

    @Option(
      help: ArgumentHelp(
        "Seconds until the notification closes itself; 0 keeps it until dismissed. Default: the server's.",
        valueName: "seconds"))
    var timeout: Int?

    @OptionGroup var corpus: CorpusOptions
    @OptionGroup var config: ConfigOptions

    @Flag(help: "Print what would be shown; deliver and record nothing.")
    var dryRun = false

    @Flag(help: "With --dry-run, print one JSON object.")
    var json = false

    @Flag(
      help: ArgumentHelp(
        "Stay until the notification is answered or closed, and print how: stayed-strong, reach-out or closed.",
        discussion: "Late-night and urge lines then carry two buttons, where the server shows buttons: "
          + "\"I stayed strong\" (recorded) and \"I want to reach out\" (logs an urge and shows an urge line)."))
    var wait = false

    @Option(help: .hidden) var seed: UInt64?

    func validate() throws {
      if let timeout, timeout < 0 || timeout > Int(Int32.max / 1000) {
        throw ValidationError("--timeout takes whole seconds from 0 (never close) up; got \(timeout)")
      }
      if json && !dryRun { throw ValidationError("--json goes with --dry-run") }
      if wait && dryRun { throw ValidationError("--wait shows a notification; it cannot go with --dry-run") }
    }

    func run() throws {
      var generator = SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max))
      let expireTimeout = timeout.map { Int32($0 * 1000) } ?? -1
      let context = try reportingFailures { try CommandContext(config: config, corpus: corpus, readOnly: dryRun) }
      if dryRun {
        let request = try reportingFailures {
          try context.dispatcher.preview(
            tags: tags, urgency: urgency, expireTimeout: expireTimeout, now: context.now, using: &generator)
        }
        print(json ? DryRunReport(request).jsonLine() : DryRunReport(request).text)
        return
      }
      let notifier = SessionNotifier(environment: context.environment)
      try reportingFailures {
        let outcome = try context.dispatcher.deliver(
          tags: tags, urgency: urgency, expireTimeout: expireTimeout, source: .send, now: context.now,
          offeringResponses: wait, notifier: notifier, using: &generator)
        if let error = outcome.deliveryError { throw error }
        var stateError = outcome.stateError ?? context.stateError
        if wait, let id = outcome.id {
          let event = try notifier.waitForAnswer(to: id)
          guard case .answered(_, let response) = event else {
            print("closed")
            try outcome.check(openError: stateError)
            return
          }
          print(response.rawValue)
          let answer = context.dispatcher.respond(
            response, now: SystemWaiter.now(), offeringResponses: false, notifier: notifier, using: &generator)
          stateError = stateError ?? answer.stateError ?? answer.outcome?.stateError
          if let error = answer.outcome?.deliveryError { throw error }
        }

        try outcome.check(openError: stateError)
      }
    }

  }
}

extension Urgency: ExpressibleByArgument {}

extension Dispatcher.Outcome {
  /// Throws what went wrong: not shown (69) before not recorded (75).
  func check(openError: StateError?) throws {
    if let deliveryError { throw deliveryError }
    if let error = stateError ?? openError { throw ShownButNotRecorded(underlying: error) }
  }
}

/// The notification was shown, but the state database could not record it.
struct ShownButNotRecorded: UserFacingError {
  var underlying: StateError
  var exitStatus: Int32 { ExitStatus.temporaryFailure }
  var description: String { "shown, but not recorded: \(underlying)" }
}

/// What `--dry-run` prints.
struct DryRunReport: Encodable {
  var summary: String
  var body: String
  var tags: [String]
  var urgency: Urgency

  init(_ request: NotificationRequest) {
    summary = request.summary
    body = request.body
    tags = request.tags
    urgency = request.urgency
  }

  var text: String { "\(summary)\n\(body)\n(tags: \(tags.joined(separator: ", ")); urgency: \(urgency.rawValue))" }

  func jsonLine() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try! encoder.encode(self), as: UTF8.self)
  }
}

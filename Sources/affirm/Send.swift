import AffirmCore
import AffirmNotify
import AffirmState
import AffirmSystem
public import ArgumentParser

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
        "Stay until the notification is answered or closed, and print how: stayed-strong, reach-out, closed, or expired (nobody answered within --timeout + 5 s, or 10 minutes without --timeout).",
        discussion: "Late-night and urge lines then carry two buttons, where the server shows buttons: "
          + "\"It passed\" (recorded) and \"I want to reach out\" (logs an urge and shows an urge line)."))
    var wait = false

    @Option(help: .hidden) var seed: UInt64?

    /// The options as one plain value, which is what runs.
    var request: SendRequest {
      SendRequest(
        tags: tags, urgency: urgency, timeout: timeout, corpusPaths: corpus.paths, configPath: config.path,
        dryRun: dryRun, json: json, wait: wait, seed: seed)
    }

    func validate() throws {
      if let problem = request.problem { throw ValidationError(problem) }
    }

    func run() throws { try request.run() }
  }
}

/// What `affirm send` was asked to do, whichever parser read the command line: argument-parser
/// through `Send`, or `init(quickParsing:)` for the plain command lines cron and hotkeys use.
struct SendRequest: Equatable {
  var tags: [String] = []
  var urgency: Urgency = .normal
  var timeout: Int?
  var corpusPaths: [String] = []
  var configPath: String?
  var dryRun = false
  var json = false
  var wait = false
  var seed: UInt64?

  /// Why these options do not go together; nil when they do.
  var problem: String? {
    if let timeout, timeout < 0 || timeout > Int(Int32.max / 1000) {
      return "--timeout takes whole seconds from 0 (never close) up; got \(timeout)"
    }
    if json && !dryRun { return "--json goes with --dry-run" }
    if wait && dryRun { return "--wait shows a notification; it cannot go with --dry-run" }
    return nil
  }

  /// How long `--wait` waits at most, in seconds: the expire timeout and 5 s more for the
  /// server's news when one is given, else `longestWait`. Some servers never say that an
  /// expired notification closed (those that list `persistence`).
  var waitLimit: Double { timeout.flatMap { $0 > 0 ? Double($0) + 5 : nil } ?? Self.longestWait }

  /// What `--wait` waits at most without a `--timeout`: 10 minutes.
  static let longestWait: Double = 600

  func run() throws {
    var generator = SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max))
    let expireTimeout = timeout.map { Int32($0 * 1000) } ?? -1
    let context = try reportingFailures {
      try CommandContext(configPath: configPath, corpusPaths: corpusPaths, readOnly: dryRun)
    }
    if dryRun {
      let request = try reportingFailures {
        try context.dispatcher.preview(
          tags: tags, urgency: urgency, expireTimeout: expireTimeout, now: context.now, using: &generator)
      }
      print(json ? JSONOutput.line(DryRunReport(request)) : DryRunReport(request).text)
      return
    }
    let notifier = SessionNotifier(environment: context.environment)
    try reportingFailures {
      var outcome = try context.dispatcher.deliver(
        tags: tags, urgency: urgency, expireTimeout: expireTimeout, source: .send, now: context.now,
        offeringResponses: wait, notifier: notifier, using: &generator)
      if case .notShown(let error) = outcome.delivery { throw error }
      outcome = outcome.recordingAlsoFailed(context.stateError)
      if wait, case .shown(let id) = outcome.delivery {
        guard let event = try notifier.waitForAnswer(to: id, within: waitLimit) else {
          // Nobody answered in time: withdraw it, so no button is left that nobody hears.
          print("expired")
          if let server = notifier.server { try? notifier.withdraw(LiveNotification(id: id, server: server)) }
          try outcome.check()
          return
        }
        guard case .answered(_, let response) = event else {
          print("closed")
          try outcome.check()
          return
        }
        print(response.rawValue)
        let answer = context.dispatcher.respond(
          response, now: WallClock.system.now(), offeringResponses: false, notifier: notifier, using: &generator)
        if case .notShown(let error) = answer.delivery { throw error }
        if case .failure(let error) = answer.recording { outcome = outcome.recordingAlsoFailed(error) }
        if response == .reachOut { context.pokeDaemonAfterUrge() }
      }

      try outcome.check()
    }
  }
}

extension Urgency: ExpressibleByArgument {}

extension Dispatcher.Outcome {
  /// Throws the outcome's `failure`: not shown as it is, not recorded as `ShownButNotRecorded`.
  func check() throws {
    switch failure {
    case .notShown(let error): throw error
    case .notRecorded(let error): throw ShownButNotRecorded(underlying: error)
    case nil: return
    }
  }
}

/// The notification was shown, but the state database could not record it.
struct ShownButNotRecorded: UserFacingError {
  var underlying: StateError
  var description: String { "shown, but not recorded: \(underlying)" }
}

/// What `--dry-run` prints; `--json` has its keys in this order.
struct DryRunReport: Encodable {
  var body: String
  var summary: String
  var tags: [String]
  var urgency: Urgency

  init(_ request: NotificationRequest) {
    summary = request.summary
    body = request.body
    tags = request.tags
    urgency = request.urgency
  }

  var text: String {
    "\(summary)\n\(TerminalText.visible(body))\n(tags: \(tags.joined(separator: ", ")); urgency: \(urgency.rawValue))"
  }

}

extension SendRequest {
  /// Reads the plain `send` command lines that cron jobs, hotkeys and scripts use, without
  /// argument-parser, whose reflection costs more at start-up than the whole send.
  ///
  /// It takes only what it is sure of: each option at most once (`--tag` and `--corpus` may
  /// repeat), as `--name value` or `--name=value`, with a value that does not start with `-`,
  /// and options that go together. Anything else, `--help` and every mistake included, gives
  /// nil, and argument-parser reads the line instead, with its usual messages. Tests check that
  /// whatever this accepts, argument-parser reads the same way.
  ///
  /// It earns its place: `send --dry-run --tag morning`, release build, 150 runs each, took
  /// 5.5 ms of CPU and 23 ms wall with it against 7.6 ms and 36 ms through argument-parser.
  init?(quickParsing arguments: some Collection<String>) {
    var request = SendRequest()
    var seen: [Substring] = []
    var remaining = arguments[...]
    while let argument = remaining.popFirst() {
      guard argument.hasPrefix("--") else { return nil }
      let name: Substring
      var inlineValue: Substring?
      if let equals = argument.firstIndex(of: "=") {
        name = argument[..<equals]
        inlineValue = argument[argument.index(after: equals)...]
      } else {
        name = argument[...]
      }
      guard let kind = Self.quickOptions.first(where: { $0.name == name })?.kind else { return nil }
      if kind != .repeatable {
        guard !seen.contains(name) else { return nil }
        seen.append(name)
      }
      if kind == .flag {
        guard inlineValue == nil else { return nil }
        switch name {
        case "--dry-run": request.dryRun = true
        case "--json": request.json = true
        default: request.wait = true
        }
        continue
      }
      let value: String
      if let inlineValue {
        value = String(inlineValue)
      } else if let next = remaining.popFirst() {
        value = next
      } else {
        return nil
      }
      guard let first = value.first, first != "-" else { return nil }
      switch name {
      case "--tag": request.tags.append(value)
      case "--corpus": request.corpusPaths.append(value)
      case "--config": request.configPath = value
      case "--urgency":
        guard let urgency = Urgency(rawValue: value) else { return nil }
        request.urgency = urgency
      case "--timeout":
        guard let timeout = Int(value) else { return nil }
        request.timeout = timeout
      default:
        guard let seed = UInt64(value) else { return nil }
        request.seed = seed
      }
    }
    guard request.problem == nil else { return nil }
    self = request
  }

  enum QuickOptionKind { case flag, single, repeatable }

  /// Every option and flag of `send` by its long name; the tests hold this list to `Send`'s own.
  /// A short list searched in order: a Set would cost more to set up than it saves.
  static let quickOptions: [(name: String, kind: QuickOptionKind)] = [
    ("--tag", .repeatable), ("--urgency", .single), ("--timeout", .single), ("--corpus", .repeatable),
    ("--config", .single), ("--dry-run", .flag), ("--json", .flag), ("--wait", .flag), ("--seed", .single),
  ]
}

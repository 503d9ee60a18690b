import AffirmCore
import AffirmNotify
public import ArgumentParser
import FoundationEssentials

extension AffirmCommand {
  struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show one affirmation now (for cron, a hotkey or a script).",
      discussion: """
        Picks an entry carrying any of the given tags (every entry when no tag is given) and \
        shows it through the desktop's notification server. Exit status: 64 unknown tag, \
        65 no eligible entry, 66 unreadable corpus, 69 no bus or notification server.
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

    @Flag(help: "Print what would be shown; deliver nothing.")
    var dryRun = false

    @Flag(help: "With --dry-run, print one JSON object.")
    var json = false

    @Option(help: .hidden) var seed: UInt64?

    func validate() throws {
      if let timeout, timeout < 0 || timeout > Int(Int32.max / 1000) {
        throw ValidationError("--timeout takes whole seconds from 0 (never close) up; got \(timeout)")
      }
      if json && !dryRun { throw ValidationError("--json goes with --dry-run") }
    }

    func run() throws {
      let request = try reportingFailures {
        let eligible = try TagSelection(tags).eligibleEntries(in: corpus.load())
        var generator = SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max))
        let entry = eligible.randomElement(using: &generator)!
        return NotificationRequest(
          entry: entry, urgency: urgency, expireTimeout: timeout.map { Int32($0 * 1000) } ?? -1)
      }
      if dryRun {
        print(json ? DryRunReport(request).jsonLine() : DryRunReport(request).text)
        return
      }
      try reportingFailures {
        let bus = try BusDiscovery.locate(
          environment: ProcessInfo.processInfo.environment, userID: BusDiscovery.currentUserID)
        _ = try LibNotifyNotifier(bus: bus).deliver(request)
      }
    }
  }
}

extension Urgency: ExpressibleByArgument {}

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

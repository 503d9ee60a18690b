import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

extension AffirmCommand {
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "List deliveries, urges, resets, waves you let pass and rides, newest first.")

    @Option(help: ArgumentHelp("Only from this local date on (YYYY-MM-DD).", valueName: "date"))
    var since: String?

    @Flag(help: "Print a JSON array.")
    var json = false

    @OptionGroup var config: ConfigOptions

    func validate() throws {
      if let since, LocalDate(iso: since) == nil {
        throw ValidationError("--since takes a date like 2026-11-01; got \"\(since)\"")
      }
    }

    func run() throws {
      let context = try reportingFailures { try CommandContext(config: config, readOnly: true) }
      let from = since.flatMap { LocalDate(iso: $0) }.map { context.zone.resolve($0, WallTime(hour: 0, minute: 0)) }
      let store = try reportingFailures { try context.readableStore() }
      // Printed as read, newest first: a long history never sits in memory whole.
      var stream = JSONOutput.ArrayStream()
      var count = 0
      try reportingFailures {
        try store?.forEachHistoryItem(since: from) { item in
          if json {
            print(stream.next(HistoryReport(item, zone: context.zone)), terminator: "")
          } else {
            print(line(item, zone: context.zone), terminator: "")
          }
          count += 1
        }
      }
      if json { print(stream.end) }
      if !json && count == 0 { print("nothing yet") }
    }

    func line(_ item: HistoryItem, zone: TimeZoneRules) -> String {
      let at = ISO8601.format(item.at, in: zone)
      var output: String
      switch item.kind {
      case .delivery(let source, let slot, let body, let status, let reason):
        let origin = slot.map { "slot \($0)" } ?? source
        // What the database holds is printed, never obeyed: control characters show as \u{1B}.
        output = "\(at)  \(status.padding(9))  \(origin.padding(16))  \(TerminalText.visible(body))"
        if let reason { output += "  (\(TerminalText.visible(reason)))" }
      case .urge(let note):
        output = "\(at)  \("urge".padding(9))  \("sos".padding(16))  \(TerminalText.visible(note ?? ""))"
      case .reset(let started):
        output = "\(at)  \("reset".padding(9))  \("".padding(16))  day 1 is \(started)"
      case .stayedStrong:
        output = "\(at)  \("strong".padding(9))  \("button".padding(16))  the wave passed"
      case .ride(let minutes, let rounds, let outcome):
        let length = rounds == 1 ? "\(minutes) minutes" : "\(rounds) rounds of \(minutes) minutes"
        output = "\(at)  \("ride".padding(9))  \("sos --ride".padding(16))  \(length), \(outcome?.rawValue ?? "riding")"
      }
      return output + "\n"
    }
  }
}

/// One row of `history --json`: `at` and `kind`, then what that kind holds.
struct HistoryReport: Encodable {
  var at: String
  var kind: HistoryItem.Kind

  init(_ item: HistoryItem, zone: TimeZoneRules) {
    at = ISO8601.format(item.at, in: zone)
    kind = item.kind
  }

  enum CodingKeys: String, CodingKey {
    case at, kind, source, slot, status, body, reason, note, started, minutes, rounds, outcome
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(at, forKey: .at)
    switch kind {
    case .delivery(let source, let slot, let body, let status, let reason):
      try container.encode("delivery", forKey: .kind)
      try container.encode(source, forKey: .source)
      try container.encode(slot, forKey: .slot)
      try container.encode(status, forKey: .status)
      try container.encode(body, forKey: .body)
      try container.encode(reason, forKey: .reason)
    case .urge(let note):
      try container.encode("urge", forKey: .kind)
      try container.encode(note, forKey: .note)
    case .reset(let started):
      try container.encode("reset", forKey: .kind)
      try container.encode("\(started)", forKey: .started)
    case .stayedStrong:
      try container.encode("stayed-strong", forKey: .kind)
    case .ride(let minutes, let rounds, let outcome):
      try container.encode("ride", forKey: .kind)
      try container.encode(minutes, forKey: .minutes)
      try container.encode(rounds, forKey: .rounds)
      try container.encode(outcome?.rawValue, forKey: .outcome)
    }
  }
}

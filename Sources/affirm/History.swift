import AffirmState
import AffirmSystem
import AffirmCore
import ArgumentParser

extension AffirmCommand {
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "List deliveries, urges, resets and waves you let pass, newest first.")

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
      var count = 0
      try reportingFailures {
        try store?.forEachHistoryItem(since: from) { item in
          print(line(item, index: count, zone: context.zone), terminator: "")
          count += 1
        }
      }
      if json { print(count == 0 ? "[]" : "\n]") }
      if !json && count == 0 { print("nothing yet") }
    }

    func line(_ item: HistoryItem, index: Int, zone: TimeZoneRules) -> String {
      let at = ISO8601.format(item.at, in: zone)
      if json { return (index == 0 ? "[\n  " : ",\n  ") + jsonObject(item, at: at) }
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
      }
      return output + "\n"
    }

    func jsonObject(_ item: HistoryItem, at: String) -> String {
      switch item.kind {
      case .delivery(let source, let slot, let body, let status, let reason):
        return
          "{\"at\": \"\(at)\", \"kind\": \"delivery\", \"source\": \(jsonString(source)), \"slot\": \(slot.map(jsonString) ?? "null"), "
          + "\"status\": \(jsonString(status)), \"body\": \(jsonString(body)), \"reason\": \(reason.map(jsonString) ?? "null")}"
      case .urge(let note):
        return "{\"at\": \"\(at)\", \"kind\": \"urge\", \"note\": \(note.map(jsonString) ?? "null")}"
      case .reset(let started):
        return "{\"at\": \"\(at)\", \"kind\": \"reset\", \"started\": \"\(started)\"}"
      case .stayedStrong:
        return "{\"at\": \"\(at)\", \"kind\": \"stayed-strong\"}"
      }
    }
  }
}

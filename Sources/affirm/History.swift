import AffirmCore
import ArgumentParser

extension AffirmCommand {
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "List deliveries, urges, resets and times you stayed strong, newest first.")

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
      let items = try reportingFailures { try context.dispatcher.store?.history(since: from) ?? [] }
      var output = json ? "[" : ""
      for (index, item) in items.enumerated() {
        let at = ISO8601.format(item.at, in: context.zone)
        if json {
          output += (index == 0 ? "\n  " : ",\n  ") + jsonObject(item, at: at)
          continue
        }
        switch item.kind {
        case .delivery(let source, let slot, let body, let status, let reason):
          let origin = slot.map { "slot \($0)" } ?? source
          // What the database holds is printed, never obeyed: control characters show as \u{1B}.
          output += "\(at)  \(status.padding(9))  \(origin.padding(16))  \(TerminalText.visible(body))"
          if let reason { output += "  (\(TerminalText.visible(reason)))" }
        case .urge(let note):
          output += "\(at)  \("urge".padding(9))  \("sos".padding(16))  \(TerminalText.visible(note ?? ""))"
        case .reset(let started):
          output += "\(at)  \("reset".padding(9))  \("".padding(16))  day 1 is \(started)"
        case .stayedStrong:
          output += "\(at)  \("strong".padding(9))  \("button".padding(16))  you stayed strong"
        }
        output += "\n"
      }
      if json { output += items.isEmpty ? "]\n" : "\n]\n" }
      if !json && items.isEmpty { output = "nothing yet\n" }
      print(output, terminator: "")
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

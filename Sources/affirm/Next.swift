import AffirmState
import AffirmSystem
import AffirmCore
import ArgumentParser
import FoundationEssentials

extension AffirmCommand {
  struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "next",
      abstract: "List the next fire times of the schedule.",
      discussion: "Pure computation from the config: needs no bus and changes nothing."
    )

    @OptionGroup var config: ConfigOptions

    @Option(help: "How many fire times to list.")
    var count = 10

    @Option(
      help: ArgumentHelp(
        "List times strictly after this ISO 8601 date-time (default: now); without an offset it is local time in the config's zone.",
        valueName: "datetime"))
    var from: String?

    @Flag(help: "Print a JSON array of {at, slot, urgency, tags}.")
    var json = false

    func validate() throws {
      guard count >= 0 && count <= 1_000_000 else { throw ValidationError("--count takes 0 to 1000000; got \(count)") }
    }

    func run() throws {
      let loaded = try reportingFailures { try config.load() }
      let schedule = loaded.config.schedule(environment: config.environment)
      var start = Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down)))
      if let from {
        guard let parsed = ISO8601.parse(from, in: schedule.zone) else {
          printError(
            "affirm: --from \"\(from)\" is not an ISO 8601 date-time like 2027-03-28T08:00 or 2027-03-28T08:00:00+02:00"
          )
          throw ExitCode(ExitStatus.usage)
        }
        start = parsed
      }
      let times = schedule.upcoming(after: start, count: count)
      var output = ""
      if json {
        output += "["
        for (index, fire) in times.enumerated() {
          output += index == 0 ? "\n" : ",\n"
          output +=
            "  {\"at\": \"\(ISO8601.format(fire.instant, in: schedule.zone))\", \"slot\": \(jsonString(fire.slot)), "
          output +=
            "\"urgency\": \"\(fire.urgency.rawValue)\", \"tags\": [\(fire.tags.map(jsonString).joined(separator: ", "))]}"
        }
        output += times.isEmpty ? "]\n" : "\n]\n"
      } else {
        let width = schedule.slots.map(\.name.count).max() ?? 0
        for fire in times {
          let name = fire.slot + String(repeating: " ", count: width - fire.slot.count)
          let tags = fire.tags.isEmpty ? "any tag" : fire.tags.joined(separator: ", ")
          output +=
            "\(ISO8601.format(fire.instant, in: schedule.zone))  \(name)  \(fire.urgency.rawValue.padding(8))  \(tags)\n"
        }
      }
      print(output, terminator: "")
    }
  }
}

/// A JSON string literal (RFC 8259): the same escaping as a TOML basic string.
func jsonString(_ text: String) -> String { quotedString(text) }

extension String {
  func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

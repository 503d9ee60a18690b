import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser
import FoundationEssentials

extension AffirmCommand {
  struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "next",
      abstract: "List the next fire times of the schedule.",
      discussion: """
        Computed from the config (and, for a slot with follow_urges, the urges in the state database): needs no \
        bus and changes nothing. On a hard day ([[hard_day]] in the config) the text output starts with a line \
        that says so; each window that follows your urges gets a line with the window in force and why \
        ("window late-night: 22:00-01:30 (follows your urges: ...)"). With --from, the windows are those in \
        force then.
        """
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
      let written = loaded.config.schedule(environment: config.environment)
      let zone = written.zone
      var start = WallClock.system.now()
      if let from {
        guard let parsed = ISO8601.parse(from, in: zone) else {
          printError(
            "affirm: --from \"\(from)\" is not an ISO 8601 date-time like 2027-03-28T08:00 or 2027-03-28T08:00:00+02:00"
          )
          throw ExitCode(ExitStatus.usage)
        }
        start = parsed
      }
      // A window that follows urges is the one in force at `start`; a state database that
      // cannot be read leaves the written windows, and says so.
      var schedule = written
      var windows: [UrgeWindow] = []
      do {
        (schedule, windows) = try followingUrges(written, now: start, store: config.readOnlyStore)
      } catch {
        printError("affirm: cannot read the urges (\(error)); the windows are listed as written")
      }
      let times = schedule.upcoming(after: start, count: count)
      var output = ""
      if json {
        output = JSONOutput.array(times.map { NextFireReport($0, zone: schedule.zone) }) + "\n"
      } else {
        let date = schedule.zone.localTime(at: start).date
        if let notice = schedule.hardDays.notice(
          on: date, slots: schedule.slots, day: from == nil ? "Today" : date.description)
        {
          output += notice + "\n"
        }
        for window in windows { output += "window \(window.line)\n" }
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

/// One fire time in `next --json`.
struct NextFireReport: Encodable {
  /// ISO 8601 with the offset in force then, such as 2027-03-28T03:30:00+02:00.
  var at: String
  var slot: String
  var urgency: Urgency
  var tags: [String]

  init(_ fire: FireTime, zone: TimeZoneRules) {
    at = ISO8601.format(fire.instant, in: zone)
    slot = fire.slot
    urgency = fire.urgency
    tags = fire.tags
  }
}

extension String {
  func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

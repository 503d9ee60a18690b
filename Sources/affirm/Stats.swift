import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

extension AffirmCommand {
  struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "stats",
      abstract: "Show the day count, the longest streak, what was shown, and when urges come.",
      discussion: """
        Also shows the last 12 weeks (calendar weeks in the config's time zone, Monday first): \
        urges per week as a small chart, and how many waves passed ("It passed", once \
        "I stayed strong") each week. --svg FILE writes the same weeks as a small SVG picture \
        you can keep, with the current no-contact streak shaded.
        """)

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(
      name: .customLong("svg"),
      help: ArgumentHelp(
        "Also write a chart of urges per week, with the current streak marked, to this SVG file.",
        valueName: "file"))
    var svgPath: String?

    @OptionGroup var config: ConfigOptions

    func validate() throws {
      if svgPath?.isEmpty == true { throw ValidationError("--svg needs a file name, such as urges.svg.") }
    }

    func run() throws {
      let context = try reportingFailures { try CommandContext(config: config, readOnly: true) }
      let store = try reportingFailures { try context.readableStore() }
      let (resets, urges, shown, strong, pressed, rides) = try reportingFailures {
        (
          try store?.resets() ?? [], try store?.urgeInstants() ?? [], try store?.deliveredCount() ?? 0,
          try store?.strengthCount() ?? 0, try store?.strengthInstants() ?? [], try store?.startedRides() ?? []
        )
      }
      // A wave passed: "It passed" on a notification, or a ride that ended with it.
      let passedRides = rides.filter { $0.outcome == .passed }
      let passed = (pressed + passedRides.map { $0.ended ?? $0.started ?? $0.requested }).sorted()
      let wavesPassed = strong + passedRides.count
      let medianWave = Ride.medianMinutes(ofSeconds: passedRides.map(\.riddenSeconds))
      let count = NoContact.current(configured: context.loaded.config.noContactSince, resets: resets)
      let day = count?.day(on: context.today)
      let starts = (context.loaded.config.noContactSince.map { [$0] } ?? []) + resets.map(\.started)
      let longest = starts.isEmpty ? 0 : NoContact.longestStreak(starts: starts, today: context.today)
      let pattern = UrgePattern(urges: urges, zone: context.zone)
      let window = lateNightHours(context.loaded.config)
      let suggestion = pattern.suggestedWindow(covered: window)
      let weekly = WeeklyStats(urges: urges, passed: passed, now: context.now, zone: context.zone)

      if let svgPath {
        let picture = StatsChart.svg(weekly, streakStart: count?.start)
        try reportingFailures {
          do {
            try AtomicFile.write(Array(picture.utf8), to: svgPath, mode: 0o644)
          } catch let error as FileWriteError {
            throw ChartWriteError(path: svgPath, reason: error.reason)
          }
        }
      }

      if json {
        print(
          JSONOutput.line(
            StatsReport(
              day: day, longestStreak: longest, shown: shown, stayedStrong: strong, urges: pattern.total,
              urgesByHour: pattern.byHour,
              suggestedWindow: suggestion.map { .init(from: "\($0.from)", until: "\($0.until)") },
              weeks: weekly.weeks.map { .init(start: "\($0.start)", urges: $0.urges, passed: $0.passed) },
              wavesPassed: wavesPassed, medianWaveMinutes: medianWave)))
        return
      }
      if let day {
        print("Day \(day) of no contact. Longest streak: \(longest) day\(longest == 1 ? "" : "s").")
      } else {
        print("No day count yet: set no_contact_since in the config, or run affirm reset.")
      }
      print("Notifications shown: \(shown). Urges logged: \(pattern.total).")
      if wavesPassed > 0 {
        print(
          "Waves you let pass (\"It passed\"): \(wavesPassed) in all, \(weekly.totalPassed) of them in the last "
            + "\(weekly.weeks.count) weeks. Each one counts.")
      }
      if let medianWave {
        print("Waves you rode out with affirm sos --ride: \(passedRides.count), \(medianWave) minutes long (median).")
      }

      print("\nUrges per week, last \(weekly.weeks.count) weeks (each row starts on a Monday):")
      print(StatsChart.text(weekly))

      if pattern.total > 0 {
        print("\nUrges by hour of day:")
        print(pattern.chart())
      }
      if let suggestion {
        print(
          "\nMost urges come outside the late-night window. A slot from \(suggestion.from) until \(suggestion.until) "
            + "would cover them:\n\n[[slot]]\nname = \"urges\"\nfrom = \"\(suggestion.from)\"\nuntil = \"\(suggestion.until)\"\n"
            + "every = \"30m\"\ntags = [\"urge\"]\nurgency = \"critical\"")
      }
      if let svgPath { print("\nThe chart is saved in \(svgPath).") }
    }

    /// The hours the late-night nudges cover: windows of slots whose tags make night lines.
    func lateNightHours(_ config: Config) -> Set<Int> {
      var hours: Set<Int> = []
      for slot in config.slots where Moment(tags: slot.tags).isNight {
        switch slot.timing {
        case .every(let from, let until, _), .random(let from, let until, _, _):
          hours.formUnion(UrgePattern.hours(from: from, until: until))
        case .at(let times):
          hours.formUnion(times.map(\.hour))
        }
      }
      return hours
    }
  }
}

/// What `stats --json` prints.
struct StatsReport: Encodable {
  /// The day of no contact today; nil without a start date.
  var day: Int?
  var longestStreak: Int
  /// Notifications the server accepted.
  var shown: Int
  /// Presses of "It passed".
  var stayedStrong: Int
  var urges: Int
  /// Urges logged in each local hour, 0 to 23.
  var urgesByHour: [Int]
  /// A slot's window that would cover most urges, when the late-night slots do not.
  var suggestedWindow: Window?

  /// The last 12 local calendar weeks, oldest first.
  var weeks: [Week]
  /// Waves that passed in all: presses of "It passed" on a notification (`stayed_strong`) and
  /// rides (`affirm sos --ride`) that ended with "It passed".
  var wavesPassed: Int
  /// The median length in minutes of the rides that passed (all their rounds); null before one.
  var medianWaveMinutes: Int?

  struct Week: Encodable {
    /// The week's Monday, `YYYY-MM-DD`.
    var start: String
    var urges: Int
    /// Waves that passed that week: presses of "It passed" and rides that passed.
    var passed: Int
  }

  struct Window: Encodable {
    var from: String
    var until: String
  }

  enum CodingKeys: String, CodingKey {
    case day
    case longestStreak = "longest_streak"
    case shown
    case stayedStrong = "stayed_strong"
    case urges
    case urgesByHour = "urges_by_hour"
    case suggestedWindow = "suggested_window"
    case weeks
    case wavesPassed = "waves_passed"
    case medianWaveMinutes = "median_wave_minutes"
  }
}

/// The SVG chart could not be written; nothing was left half-written.
struct ChartWriteError: UserFacingError {
  var path: String
  var reason: String
  var description: String { "cannot write the chart to \(path): \(reason)" }
}

import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

extension AffirmCommand {
  struct Reset: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reset",
      abstract: "Start the no-contact count again (a slip is a step on the way, not a failure).",
      discussion: "Earlier streaks stay in the history; affirm stats shows the longest."
    )

    @Option(help: ArgumentHelp("Day 1 of the new count (YYYY-MM-DD); default: today.", valueName: "date"))
    var date: String?

    @OptionGroup var config: ConfigOptions

    func validate() throws {
      if let date, LocalDate(iso: date) == nil {
        throw ValidationError("--date takes a date like 2026-11-01; got \"\(date)\"")
      }
    }

    func run() throws {
      let context = try reportingFailures { try CommandContext(config: config) }
      let start = date.flatMap { LocalDate(iso: $0) } ?? context.today
      if start > context.today {
        // A count that starts tomorrow would make every day count and streak a lie.
        printError("affirm: --date \(start) is after today (\(context.today)); day 1 of no contact is today or earlier")
        throw ExitCode(ExitStatus.usage)
      }
      let previous = context.dispatcher.noContact()
      try reportingFailures {
        let store = try context.requireStore()
        try store.recordReset(to: start, at: context.now)
      }
      if let previous, let days = previous.day(on: start.adding(days: -1)), days > 0 {
        print("You held no contact for \(days) day\(days == 1 ? "" : "s"). That still counts; it is in your history.")
      }
      print("Day 1 is \(start). A slip is a step on the way, not a failure. Keep letting go.")
    }
  }
}

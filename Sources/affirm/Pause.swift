import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

extension AffirmCommand {
  struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pause",
      abstract: "Hold the daemon's notifications for a while (critical late-night nudges still come).",
      discussion: "Stored in the state database, so the running daemon sees it at once. affirm resume ends it."
    )

    @Argument(help: ArgumentHelp("How long, like 30m, 2h or 1d.", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Until this local time (HH:MM), today or tomorrow.", valueName: "time"))
    var until: String?

    @OptionGroup var config: ConfigOptions

    func validate() throws {
      switch (duration, until) {
      case (nil, nil): throw ValidationError("say how long: affirm pause 2h, or affirm pause --until 18:00")
      case (.some, .some): throw ValidationError("give a duration or --until, not both")
      case (let text?, nil):
        guard let span = Span(text), span.seconds > 0 else {
          throw ValidationError("\"\(text)\" is not a duration; write it like 30m, 2h or 1d")
        }
      case (nil, let text?):
        guard WallTime(text) != nil else { throw ValidationError("--until takes a time like 18:00; got \"\(text)\"") }
      }
    }

    func run() throws {
      let context = try reportingFailures { try CommandContext(config: config) }
      let end: Instant
      if let duration, let span = Span(duration) {
        end = context.now.adding(seconds: span.seconds)
      } else {
        let time = WallTime(until!)!
        let today = context.zone.resolve(context.today, time)
        end = today > context.now ? today : context.zone.resolve(context.today.adding(days: 1), time)
      }
      try reportingFailures { try context.requireStore().pause(until: end, at: context.now) }
      let critical = context.loaded.config.pauseIncludesCritical ? "" : " Critical late-night nudges still come."
      print("Paused until \(ISO8601.format(end, in: context.zone)).\(critical)")
    }
  }
}

import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

extension AffirmCommand {
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract:
        "Show whether notifications are paused, the quiet hours, a hard day, the windows that follow your urges, and the next fire times."
    )

    @OptionGroup var config: ConfigOptions

    func run() throws {
      let context = try reportingFailures { try CommandContext(config: config, readOnly: true) }
      let settings = context.loaded.config
      let store = try reportingFailures { try context.readableStore() }
      // Read here, not through the dispatcher (which words a summary without the count rather
      // than fail a delivery): a count that cannot be read is an error, never left out.
      let (paused, resets) = try reportingFailures {
        (try store?.pausedUntil(now: context.now), try store?.resets() ?? [])
      }
      if let paused {
        let critical = settings.pauseIncludesCritical ? "all notifications" : "all but critical ones"
        print("Paused until \(ISO8601.format(paused, in: context.zone)) (\(critical)).")
      } else {
        print("Not paused.")
      }
      if !settings.quiet.isEmpty {
        print("Quiet hours: \(settings.quiet.map(\.description).joined(separator: ", ")).")
      }
      if let count = NoContact.current(configured: settings.noContactSince, resets: resets),
        let day = count.day(on: context.today)
      {
        print("Day \(day) of no contact.")
      }
      let (schedule, windows) = try reportingFailures {
        try followingUrges(settings.schedule(in: context.zone), now: context.now, store: context.readableStore)
      }
      if let notice = settings.hardDays.notice(on: context.today, slots: schedule.slots) { print(notice) }
      for window in windows { print("window \(window.line)") }
      let next = schedule.upcoming(after: context.now, count: 3)
      for fire in next {
        print("next: \(ISO8601.format(fire.instant, in: context.zone))  \(fire.slot)  \(fire.urgency.rawValue)")
      }
    }
  }
}

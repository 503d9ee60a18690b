import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

extension AffirmCommand {
  struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "resume", abstract: "End a pause: the daemon's notifications come again.")

    @OptionGroup var config: ConfigOptions

    func run() throws {
      let context = try reportingFailures { try CommandContext(config: config) }
      try reportingFailures { try context.requireStore().resume() }
      print("Resumed.")
    }
  }
}

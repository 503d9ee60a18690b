import AffirmCore
import ArgumentParser

extension AffirmCommand {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Check the corpus and the config.",
      discussion: """
        Corpus: empty or unclosed tag lines, duplicates, entries over 160 characters, invalid UTF-8. \
        Config: every value, and slot tags that no corpus entry carries. Prints one line per problem \
        as file:line[:column]: message. The config's corpus paths are checked with the built-in lines. \
        Exit status 66 for a corpus path that cannot be read, 65 for a bad config, 1 for corpus problems.
        """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var corpus: CorpusOptions

    func run() throws {
      var configProblems: [String] = []
      var configSummary = ""
      var settings: LoadedConfig?
      do {
        settings = try config.load()
      } catch .invalid(let error) {
        configProblems = [error.description]
      } catch {
        printError("affirm: \(error)")
        throw ExitCode(error.exitStatus)
      }
      // The config's own corpus paths are checked together with the built-in lines; one that
      // cannot be read is reported at its place in the config, and the rest are still checked.
      let choice = corpus.choice(config: settings?.config ?? .builtInDefault)
      let (loaded, unreadable) = try reportingFailures { try choice.loadSkippingUnreadable() }
      for diagnostic in loaded.diagnostics { print(diagnostic) }
      for problem in unreadable { print(problem) }
      if let settings {
        configProblems = Picker(corpus: loaded).unknownSlotTags(in: settings.config).map(\.description)
        configSummary = "; config \(settings.path ?? "built-in default"): \(settings.config.slots.count) slots"
      }
      for problem in configProblems { print(problem) }
      // Nothing to show is a problem of the corpus as a whole: no line to point at.
      let emptiness =
        loaded.entries.isEmpty && loaded.diagnostics.isEmpty && unreadable.isEmpty
        ? [
          "\(choice.label): no entries (only blank lines and comments); "
            + "add one affirmation per line"
        ]
        : []
      for problem in emptiness { print(problem) }

      if loaded.diagnostics.isEmpty && configProblems.isEmpty && emptiness.isEmpty && unreadable.isEmpty {
        let tags = loaded.knownTags.map { tag in "\(tag) \(loaded.entries.count { $0.tags.contains(tag) })" }
        print("ok: \(loaded.entries.count) entries (\(tags.joined(separator: ", ")))\(configSummary)")
        return
      }
      let count = loaded.diagnostics.count + configProblems.count + emptiness.count + unreadable.count

      printError("affirm: \(count) problem\(count == 1 ? "" : "s") found")
      throw ExitCode(
        !unreadable.isEmpty ? ExitStatus.noInput : configProblems.isEmpty ? 1 : ExitStatus.dataError)
    }
  }
}

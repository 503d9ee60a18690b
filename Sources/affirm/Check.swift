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
        as file:line[:column]: message. Exit status 65 for a bad config, 1 for corpus problems.
        """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var corpus: CorpusOptions

    func run() throws {
      let loaded = try reportingFailures { try corpus.load() }
      for diagnostic in loaded.diagnostics { print(diagnostic) }

      var configProblems: [String] = []
      var configSummary = ""
      do {
        let settings = try config.load()
        let unknownTags = Picker(corpus: loaded).unknownSlotTags(in: settings.config)
        configSummary = "; config \(settings.path ?? "built-in default"): \(settings.config.slots.count) slots"
        if let path = settings.path {
          configProblems = unknownTags.map(\.description)
          if settings.config.slots.isEmpty {
            print("warning: \(path): no slots, so affirm run shows nothing (add a [[slot]]; see affirm config init)")
          }
        } else {
          // No config file: no line of one to blame. The built-in schedule just needs those tags.
          for error in unknownTags {
            print(
              "warning: no config file; the built-in schedule's \(error.message); write one with affirm config init")
          }
        }
      } catch .invalid(let error) {
        configProblems = [error.description]
      } catch {
        printError("affirm: \(error)")
        throw ExitCode(error.exitStatus)
      }
      for problem in configProblems { print(problem) }
      // Nothing to show is a problem of the corpus as a whole: no line to point at.
      let emptiness =
        loaded.entries.isEmpty && loaded.diagnostics.isEmpty
        ? [
          "\(corpus.paths.joined(separator: ", ")): no entries (only blank lines and comments); "
            + "add one affirmation per line"
        ]
        : []
      for problem in emptiness { print(problem) }

      if loaded.diagnostics.isEmpty && configProblems.isEmpty && emptiness.isEmpty {
        let tags = loaded.knownTags.map { tag in "\(tag) \(loaded.entries.count { $0.tags.contains(tag) })" }
        print("ok: \(loaded.entries.count) entries (\(tags.joined(separator: ", ")))\(configSummary)")
        return
      }
      let count = loaded.diagnostics.count + configProblems.count + emptiness.count

      printError("affirm: \(count) problem\(count == 1 ? "" : "s") found")
      throw ExitCode(configProblems.isEmpty ? 1 : ExitStatus.dataError)
    }
  }
}

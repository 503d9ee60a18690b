import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

extension AffirmCommand {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Check the corpus and the config.",
      discussion: """
        Corpus: empty or unclosed tag lines, bad idea keys, duplicates, entries over 160 characters, \
        invalid UTF-8. Config: every value, and slot tags that no corpus entry carries. Prints one \
        line per problem as file:line[:column]: message. Then warnings about the voice (see \
        affirmations/VOICE.md): unknown idea keys, lines that say what another says in other words, \
        words a scheduled line must not say, lines nothing draws, ideas with too few lines; and a \
        table of lines per idea and tag. The config's corpus paths are checked with the built-in \
        lines. Exit status 66 for a corpus path that cannot be read, 65 for a bad config, 1 for \
        corpus problems (and for warnings with --strict), 0 otherwise.
        """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var corpus: CorpusOptions

    @Flag(help: "Exit with status 1 when there are warnings, as for problems (for a corpus you ship).")
    var strict = false

    func run() throws {
      var configProblems: [String] = []
      var configSummary = ""
      var settings: LoadedConfig?
      do {
        settings = try config.load()
      } catch .invalid(let error) {
        // One line for each error, as for the corpus, not only the first one.
        let all = LoadedConfig.allErrors(path: error.location.file, paths: config.paths)
        configProblems = (all.isEmpty ? [error] : all)
          .sorted { ($0.location.line, $0.location.column ?? 0) < ($1.location.line, $1.location.column ?? 0) }
          .map(\.description)
      } catch {
        printError("affirm: \(error)")
        throw ExitCode(ExitStatus(for: error))
      }
      // The config's own corpus paths are checked together with the built-in lines; one that
      // cannot be read is reported at its place in the config, and the rest are still checked.
      let choice = corpus.choice(config: settings?.config ?? .builtInDefault)
      let (loaded, unreadable) = try reportingFailures { try choice.loadSkippingUnreadable() }
      let problems = loaded.diagnostics.filter { !$0.isWarning }
      for diagnostic in problems { print(diagnostic) }
      for problem in unreadable { print(problem) }
      var configWarnings: [String] = []
      if let settings {
        let slotProblems = Picker(corpus: loaded).slotProblems(in: settings.config)
        let slots = settings.config.slots.count
        configSummary = "; config \(settings.path ?? "built-in default"): \(slots) slot\(slots == 1 ? "" : "s")"
        if let path = settings.path {
          configProblems = slotProblems.map(\.description)
          if slots == 0 {
            configWarnings.append(
              "warning: \(path): no slots, so affirm run shows nothing (add a [[slot]]; see affirm config init)")
          }
        } else {
          // No config file: no line of one to blame. The built-in schedule just needs those tags.
          configWarnings += slotProblems.map {
            "warning: no config file; the built-in schedule's \($0.message); write one with affirm config init"
          }
        }
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

      // The voice: warnings, reported whatever the corpus, failing only with --strict.
      let linter = CorpusLinter(config: settings?.config ?? .builtInDefault, corpus: loaded)
      let warnings =
        configWarnings + loaded.diagnostics.filter(\.isWarning).map { "\($0.location): warning: \($0.message)" }
        + linter.findings(in: loaded).map(\.description)
      for warning in warnings { print(warning) }

      if problems.isEmpty && configProblems.isEmpty && emptiness.isEmpty && unreadable.isEmpty {
        let tags = loaded.knownTags.map { tag in "\(tag) \(loaded.entries.count { $0.tags.contains(tag) })" }
        let entries = loaded.entries.count
        print("ok: \(entries) entr\(entries == 1 ? "y" : "ies") (\(tags.joined(separator: ", ")))\(configSummary)")
        if !loaded.entries.isEmpty { print(coverageTable(loaded)) }
        guard warnings.isEmpty else {
          printError("affirm: \(warnings.count) warning\(warnings.count == 1 ? "" : "s")")
          if strict { throw ExitCode(1) }
          return
        }
        return
      }
      let count = problems.count + configProblems.count + emptiness.count + unreadable.count

      printError("affirm: \(count) problem\(count == 1 ? "" : "s") found")
      throw !unreadable.isEmpty
        ? ExitCode(ExitStatus.noInput) : configProblems.isEmpty ? ExitCode.failure : ExitCode(ExitStatus.dataErr)
    }

    /// Lines per idea and tag: where the corpus is thin, at a glance.
    func coverageTable(_ corpus: Corpus) -> String {
      let coverage = CorpusLinter.coverage(of: corpus)
      let width = max(coverage.rows.map(\.idea.count).max() ?? 0, 4)
      let headers = coverage.tags + ["lines"]
      let widths = headers.indices.map { column in
        max(
          headers[column].count,
          coverage.rows.map { String(column < $0.counts.count ? $0.counts[column] : $0.total).count }.max() ?? 0)
      }
      func row(_ name: String, _ cells: [String]) -> String {
        let padded = name + String(repeating: " ", count: width - name.count)
        let columns = zip(cells, widths).map { cell, width in
          String(repeating: " ", count: max(width - cell.count, 0)) + cell
        }
        return ([padded] + columns).joined(separator: "  ")
      }
      var lines = [row("idea", coverage.tags + ["lines"])]
      for entry in coverage.rows {
        lines.append(row(entry.idea, entry.counts.map(String.init) + [String(entry.total)]))
      }
      return lines.joined(separator: "\n")
    }
  }
}

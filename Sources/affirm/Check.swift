import AffirmCore
import ArgumentParser

extension AffirmCommand {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check corpus files: empty tag lines, duplicates, entries too long, invalid UTF-8.",
      discussion: "Prints one line per problem as file:line: message. Exit status 1 when any is found."
    )

    @OptionGroup var corpus: CorpusOptions

    func run() throws {
      let loaded = try reportingFailures { try corpus.load() }
      for diagnostic in loaded.diagnostics { print(diagnostic) }
      let tags = loaded.knownTags.map { tag in "\(tag) \(loaded.entries.count { $0.tags.contains(tag) })" }
      if loaded.diagnostics.isEmpty {
        print("corpus ok: \(loaded.entries.count) entries; tags: \(tags.joined(separator: ", "))")
      } else {
        let count = loaded.diagnostics.count
        printError("affirm: \(count) problem\(count == 1 ? "" : "s") in the corpus")
        throw ExitCode(1)
      }
    }
  }
}

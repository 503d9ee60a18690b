import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("the shipped corpus", .timeLimit(.minutes(2)))
struct ShippedCorpusTests {
  let corpus = Corpus.builtin()

  @Test("it passes the linter and has at least 120 entries")
  func lintClean() {
    #expect(corpus.diagnostics.isEmpty, "\(corpus.diagnostics)")
    #expect(corpus.entries.count >= 120)
  }

  @Test("each core tag is on at least 15 entries", arguments: ["morning", "late-night", "urge", "healing"])
  func tagCoverage(tag: String) {
    #expect(corpus.entries.count { $0.tags.contains(tag) } >= 15)
  }

  @Test("every entry carries a tag and fits a notification")
  func everyEntryTagged() {
    for entry in corpus.entries {
      #expect(!entry.tags.isEmpty, "\(entry.location)")
      #expect(entry.text.count <= 160, "\(entry.location)")
    }
  }

  @Test("the compiled-in copy matches affirmations/ (run scripts/embed-corpus after editing)")
  func embeddedCopyIsCurrent() throws {
    let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let files = BuiltinCorpus.files
    #expect(!files.isEmpty)
    for file in files {
      let onDisk = try TextFiles.read("/" + root + "/" + file.name)
      #expect(
        String(decoding: onDisk, as: UTF8.self) == file.text + "\n", "\(file.name) differs from its embedded copy")
    }
    let names = try TextFiles.names(in: "/" + root + "/affirmations").filter { $0.hasSuffix(".txt") }
    #expect(Set(names.map { "affirmations/" + $0 }) == Set(files.map(\.name)))
  }
}

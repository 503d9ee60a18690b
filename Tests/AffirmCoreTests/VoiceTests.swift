import Testing

@testable import AffirmCore
@testable import TOML
@testable import AffirmState
@testable import AffirmSystem

@Suite("idea keys on tag lines", .timeLimit(.minutes(2)))
struct IdeaKeyTests {
  func parse(_ text: String) -> CorpusFile { CorpusParser().parse(Array(text.utf8), file: "c.txt") }

  @Test("a key names the idea of the entries below; a tag line without one clears it")
  func keysApply() {
    let file = parse("[late-night] idea: waves\nOne.\n[morning]  idea:Gets-Easier \nTwo.\n[morning]\nThree.\n")
    #expect(file.diagnostics.isEmpty)
    #expect(file.entries.map(\.idea) == ["waves", "gets-easier", nil])
    #expect(file.entries.map(\.tags) == [["late-night"], ["morning"], ["morning"]])
  }

  @Test(
    "a bad key is reported at its column; the entries keep their tags",
    arguments: [
      ("[morning] idea:\nx\n", 11, CorpusDiagnostic.Problem.emptyIdeaKey, nil as String?),
      ("[morning] idea: wave$\nx\n", 17, .invalidIdeaKey("wave$"), nil),
      ("[morning] idea: my_idea\nx\n", 17, .invalidIdeaKey("my_idea"), nil),
      ("[morning] waves\nx\n", 11, .unexpectedAfterTagLine, nil),
      ("  [morning]] idea: waves\nx\n", 12, .unexpectedAfterTagLine, nil),
      ("[morning] idea: sunsets\nx\n", 17, .unknownIdeaKey("sunsets"), "sunsets"),
    ] as [(String, Int, CorpusDiagnostic.Problem, String?)])
  func badKeys(text: String, column: Int, problem: CorpusDiagnostic.Problem, idea: String?) {
    let file = parse(text)
    #expect(file.diagnostics == [CorpusDiagnostic(at: SourceLocation(file: "c.txt", line: 1, column: column), problem)])
    #expect(file.entries.map(\.text) == ["x"])
    #expect(file.entries.first?.tags == ["morning"])
    #expect(file.entries.first?.idea == idea)
  }

  @Test("a key on a tag line with no tag is reported; the entries below carry neither")
  func keyWithoutTags() {
    let file = parse("[] idea: waves\nx\n")
    #expect(file.diagnostics == [CorpusDiagnostic(at: SourceLocation(file: "c.txt", line: 1), .ideaWithoutTags)])
    #expect(file.entries.first?.tags == [])
    #expect(file.entries.first?.idea == nil)
  }

  @Test("only an unknown key is a warning: its entries still count")
  func warnings() {
    let unknown = parse("[a] idea: sunsets\nx\n").diagnostics.map(\.isWarning)
    let empty = parse("[a] idea:\nx\n").diagnostics.map(\.isWarning)
    #expect(unknown == [true])
    #expect(empty == [false])
  }
}

@Suite("picking keeps ideas apart", .timeLimit(.minutes(2)))
struct IdeaSpacingTests {
  @Test("a pool too large to drain idea by idea still never picks tonight's ideas", arguments: 0..<20)
  func largePoolProbes(seed: UInt64) throws {
    let ideas = ["waves", "safety", "coach"]
    let count = IdeaSpacing.balancedPoolLimit + 1_000
    let ids = (0..<count).map { EntryID(rawValue: UInt64($0) + 1) }
    var generator = SplitMix64(seed: seed)
    var readHistory = false
    let pick = try #require(
      ShuffleBag.pick(
        ids: ids, ideas: { ideas[$0 % 3] }, isFresh: { _ in true }, recentIdeas: { ["waves", "safety"] },
        history: {
          readHistory = true
          return ShuffleBag.History(
            shownThisCycle: [], lastShown: nil, onCooldown: [], recentIdeas: ["waves", "safety"])
        }, using: &generator))
    #expect(ideas[pick.index % 3] == "coach")
    #expect(!readHistory, "a large pool with fresh lines answers from its probes")
  }

  @Test("a small pool drains the idea with the most lines left first")
  func smallPoolDrainsFullestIdea() throws {
    // Ten lines of "waves", two of "coach": the first picks all come from "waves".
    let ideas = Array(repeating: "waves", count: 10) + ["coach", "coach"]
    let ids = ideas.indices.map { EntryID(rawValue: UInt64($0) + 1) }
    var shown: Set<EntryID> = []
    var generator = SplitMix64(seed: 7)
    for _ in 0..<8 {
      let pick = try #require(
        ShuffleBag.pick(
          ids: ids, ideas: { ideas[$0] }, isFresh: { !shown.contains($0) },
          history: { ShuffleBag.History(shownThisCycle: shown, lastShown: nil, onCooldown: []) },
          using: &generator))
      #expect(ideas[pick.index] == "waves")
      shown.insert(ids[pick.index])
    }
  }
}

@Suite("the corpus linter", .timeLimit(.minutes(2)))
struct CorpusLinterTests {
  func corpus(_ text: String) -> Corpus {
    Corpus(files: [CorpusParser().parse(Array(text.utf8), file: "c.txt")])
  }

  let linter = CorpusLinter(
    slotTags: [("morning", ["morning"]), ("late-night", ["late-night", "urge"])], sosTags: ["urge", "sos"])

  @Test("I/you twins and trims are near-duplicates; lines that only share a word are not")
  func nearDuplicates() {
    let findings = linter.findings(
      in: corpus(
        """
        [morning] idea: deserve-better
        You deserve someone who puts in the effort that you need.
        I deserve someone who puts in the effort I need.
        Choose yourself.
        Today I choose myself.
        [late-night] idea: deserve-better
        You do deserve better.
        The effort you need is not a text at midnight.
        """))
    #expect(findings.map(\.location.line) == [3, 5])
    #expect(findings.first?.message.hasPrefix("says what c.txt:2 says, in other words") == true)
  }

  @Test("a scheduled line never says a message came; a line only sos draws may")
  func scheduledWords() {
    let findings = linter.findings(
      in: corpus(
        """
        [late-night] idea: hey-is-not-effort
        Their message arrived. Leave it.
        [sos] idea: hey-is-not-effort
        Their message can wait. Put the phone down.
        [urge] idea: waves
        If it's meant to be, let it be.
        """)
    ).filter { $0.location.column != nil }  // leaves out the thin ideas of this small corpus
    #expect(
      findings.map(\.location) == [
        SourceLocation(file: "c.txt", line: 2, column: 15), SourceLocation(file: "c.txt", line: 6, column: 9),
      ])
    #expect(findings.map(\.description).allSatisfy { $0.contains(": warning: ") })
  }

  @Test("a line no slot and no sos draws is unreachable")
  func unreachable() {
    let findings = linter.findings(in: corpus("[healing]\nIt gets easier.\n[sos]\nBreathe.\n"))
    #expect(findings.map(\.location.line) == [2])
    #expect(findings.first?.message.contains("no slot and no affirm sos draws this line (tags healing)") == true)
  }

  @Test("an idea with one line in a slot's pool is thin")
  func thinIdea() {
    let findings = linter.findings(
      in: corpus(
        "[morning] idea: waves\nIt comes in waves.\n[morning] idea: safety\nSafe first.\nBeing safe matters.\n"))
    #expect(findings.map(\.location.line) == [2])
    #expect(findings.first?.message.contains("idea \"waves\" has 1 line in slot \"morning\"'s pool") == true)
  }
}

@Suite("the shipped corpus speaks in the voice VOICE.md describes", .timeLimit(.minutes(2)))
struct ShippedVoiceTests {
  let corpus = Corpus.builtin()
  let config = Config.builtInDefault

  @Test("the linter finds nothing with the default schedule")
  func noWarnings() {
    let findings = CorpusLinter(config: config, corpus: corpus).findings(in: corpus)
    #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    #expect(corpus.diagnostics.isEmpty, "\(corpus.diagnostics)")
  }

  @Test("every entry says one of the guide's ideas")
  func everyEntryHasAnIdea() {
    for entry in corpus.entries {
      #expect(entry.idea.map(Idea.keys.contains) == true, "\(entry.location): \(entry.text)")
    }
    #expect(Set(corpus.entries.compactMap(\.idea)) == Idea.keys)
  }

  @Test("the late-night slot reaches at least 100 lines over at least 12 ideas; the morning slot 60")
  func poolSizes() throws {
    let night = try #require(config.slots.first { $0.name == "late-night" })
    let morning = try #require(config.slots.first { $0.name == "morning" })
    let nightPool = corpus.positions(forAnyOf: Set(night.tags)).map { corpus.entries[$0] }
    #expect(nightPool.count >= 100)
    #expect(Set(nightPool.compactMap(\.idea)).count >= 12)
    #expect(corpus.positions(forAnyOf: Set(morning.tags)).count >= 60)
  }

  @Test("breadcrumbs, investing in yourself, a coach, the future and safety each have night lines")
  func thinIdeasHaveNightLines() {
    for idea in ["breadcrumbs", "invest-in-yourself", "coach", "future", "safety"] {
      let lines = corpus.entries.filter { $0.idea == idea && $0.tags.contains("late-night") }
      #expect(lines.count >= 4, "\(idea): \(lines.count)")
    }
  }

  @Test("VOICE.md lists exactly the ideas the code knows")
  func voiceGuideMatches() throws {
    let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let text = String(decoding: try TextFiles.read("/" + root + "/affirmations/VOICE.md"), as: UTF8.self)
    // The rows of the table under "## The ideas": | `key` | what the guide says |
    let section = try #require(text.split(separator: "## ").first { $0.hasPrefix("The ideas") })
    let keys = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.map {
      String($0.dropFirst(3).prefix { $0 != "`" })
    }
    #expect(keys == Idea.all.map(\.key))
  }
}

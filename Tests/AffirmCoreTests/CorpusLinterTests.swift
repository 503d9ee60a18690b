import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

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

  @Test("a line naming {person} is long with the longest name in it, and drawn by the slots its tags meet")
  func personLines() {
    let short = "Call {person}. " + String(repeating: "a", count: 73)  // 88, and 120 with a 40-character name
    let findings = linter.findings(
      in: corpus(
        """
        [late-night, urge, person] idea: lean-on-people
        \(short)
        \(short)b
        Text {person} instead. Say plainly that tonight is hard.
        """))
    #expect(
      findings.map(\.description) == [
        "c.txt:3: warning: 121 characters with a 40-character name is long for a notification; keep it under 120"
      ])
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

import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

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

import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("text that reaches a terminal: hazards found, control characters made visible", .timeLimit(.minutes(2)))
struct TerminalTextTests {
  @Test(
    "each hazard is found where it stands",
    arguments: [
      ("a\u{1B}[2J", 1, TerminalText.Hazard.escapeSequence),
      ("bell\u{07}", 4, .controlCharacter("\u{07}")),
      ("c1 \u{9B}", 3, .controlCharacter("\u{9B}")),
      ("del\u{7F}", 3, .controlCharacter("\u{7F}")),
      ("line\u{2028}sep", 4, .controlCharacter("\u{2028}")),
      ("abc\u{202E}exe", 3, .bidiControl("\u{202E}")),
      ("x\u{2066}y", 1, .bidiControl("\u{2066}")),
      ("\u{200B}\u{200D}\u{FE0F}", 0, .invisibleOnly),
      ("\u{3164}\u{115F}", 0, .invisibleOnly),
      ("\u{2800}", 0, .invisibleOnly),
    ] as [(String, Int, TerminalText.Hazard)])
  func hazards(text: String, offset: Int, hazard: TerminalText.Hazard) {
    let found = TerminalText.hazard(in: text)
    #expect(found?.offset == offset)
    #expect(found?.hazard == hazard)
  }

  @Test(
    "ordinary text is safe: tabs, accents, emoji with joiners, right-to-left marks and scripts",
    arguments: ["Choose yourself.", "a\tb", "Été, encore", "👩‍👩‍👧 family", "שלום\u{200F}", "ok\u{200B}word", ""])
  func safe(text: String) {
    #expect(TerminalText.hazard(in: text) == nil)
    #expect(TerminalText.visible(text) == text)
  }

  @Test("visible writes control and bidirectional characters out as \\u{...}, keeps the rest")
  func visible() {
    #expect(TerminalText.visible("a\u{1B}]0;t\u{07}b") == "a\\u{1B}]0;t\\u{7}b")
    #expect(TerminalText.visible("x\u{202E}y\u{9B}z\nw\tv") == "x\\u{202E}y\\u{9B}z\\u{A}w\tv")
  }

  @Test("the corpus parser reports a hazardous entry with its column and drops it")
  func parserDropsThem() {
    let file = CorpusParser().parse(Array("[a]\nfine\n  x\u{1B}[31m\n\u{200B}\n".utf8), file: "c.txt")
    #expect(file.entries.map(\.text) == ["fine"])
    #expect(
      file.diagnostics.map(\.description) == [
        "c.txt:3:4: entry holds an escape character (U+001B), which starts a terminal control sequence; it is not shown (write plain, visible text)",
        "c.txt:4:1: entry holds only invisible characters; it is not shown (write plain, visible text)",
      ])
  }

  @Test("the built-in corpus holds no hazard")
  func builtinIsClean() {
    #expect(Corpus.builtin().diagnostics.isEmpty)
  }
}

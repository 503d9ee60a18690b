import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("parsing corpus files", .timeLimit(.minutes(2)))
struct CorpusParserTests {
  func parse(_ text: String) -> CorpusFile { CorpusParser().parse(Array(text.utf8), file: "c.txt") }

  @Test("tag lines apply to the entries below; comments and blank lines are ignored")
  func tagsApply() {
    // Tags come sorted, as the cached index gives them back.
    let file = parse("untagged\n# comment\n\n[morning, healing]\nOne.\n  Two.  \n[urge late-night]\nThree.\n")
    #expect(file.diagnostics.isEmpty)
    #expect(file.entries.map(\.text) == ["untagged", "One.", "Two.", "Three."])
    #expect(
      file.entries.map(\.tags) == [[], ["healing", "morning"], ["healing", "morning"], ["late-night", "urge"]])
    #expect(file.entries.map(\.location.line) == [1, 5, 6, 8])
  }

  @Test("tags are lowercased and repeats dropped")
  func tagNormalization() {
    #expect(parse("[Morning, MORNING,urge]\nx\n").entries.first?.tags == ["morning", "urge"])
  }

  @Test("CRLF endings and a byte-order mark are accepted")
  func crlfAndBOM() {
    let file = CorpusParser().parse([0xEF, 0xBB, 0xBF] + Array("[a]\r\nOne.\r\n".utf8), file: "c.txt")
    #expect(file.diagnostics.isEmpty)
    #expect(file.entries.map(\.text) == ["One."])
    #expect(file.entries.first?.tags == ["a"])
  }

  @Test(
    "each problem is reported with its line",
    arguments: [
      ("[]\n", 1, CorpusDiagnostic.Problem.emptyTagLine),
      ("[ , ]\n", 1, .emptyTagLine),
      ("x\n[morning\n", 2, .unclosedTagLine),
      ("[a]\n" + String(repeating: "é", count: 161) + "\n", 2, .tooLong(161)),
      ("[bad!tag]\n", 1, .invalidTag("bad!tag")),
    ] as [(String, Int, CorpusDiagnostic.Problem)])
  func problems(text: String, line: Int, problem: CorpusDiagnostic.Problem) {
    let file = parse(text)
    #expect(file.diagnostics == [CorpusDiagnostic(at: SourceLocation(file: "c.txt", line: line), problem)])
  }

  @Test("exactly 160 characters is allowed; length counts characters, not bytes")
  func lengthLimit() {
    let file = parse("[a]\n" + String(repeating: "é", count: 160) + "\n")
    #expect(file.diagnostics.isEmpty)
    #expect(file.entries.count == 1)
  }

  @Test("invalid UTF-8 is reported with the column of the first bad byte; the rest still counts")
  func invalidUTF8() {
    let bytes = Array("[a]\nok\n".utf8) + [0x61, 0x62, 0xC3, 0x28, 0x0A] + Array("fine\n".utf8)
    let file = CorpusParser().parse(bytes, file: "c.txt")
    #expect(file.diagnostics == [CorpusDiagnostic(at: SourceLocation(file: "c.txt", line: 3, column: 3), .invalidUTF8)])
    #expect(file.entries.map(\.text) == ["ok", "fine"])
  }

  @Test("a NUL byte is reported with its column")
  func nulByte() {
    let file = CorpusParser().parse(Array("[a]\n".utf8) + [0x61, 0x00, 0x62], file: "c.txt")
    #expect(file.diagnostics == [CorpusDiagnostic(at: SourceLocation(file: "c.txt", line: 2, column: 2), .nulByte)])
  }

  @Test("duplicates across files keep the first and point at it")
  func duplicates() {
    let first = CorpusParser().parse(Array("[a]\nChoose yourself.\n".utf8), file: "one.txt")
    let second = CorpusParser().parse(Array("[b]\nchoose  Yourself.\nOther.\n".utf8), file: "two.txt")
    let corpus = Corpus(files: [first, second])
    #expect(corpus.entries.map(\.text) == ["Choose yourself.", "Other."])
    #expect(
      corpus.diagnostics == [
        CorpusDiagnostic(
          at: SourceLocation(file: "two.txt", line: 2), .duplicate(of: SourceLocation(file: "one.txt", line: 2)))
      ])
    #expect(corpus.diagnostics.first?.description == "two.txt:2: duplicate entry; it already stands at one.txt:2")
  }

  @Test("an entry's id ignores case and spacing but not words")
  func entryID() {
    #expect(EntryID(text: "Choose  yourself.") == EntryID(text: "choose yourself."))
    #expect(EntryID(text: "Choose yourself.") != EntryID(text: "Choose yourself!"))
    #expect(EntryID(text: "").description == "cbf29ce484222325")
    #expect(EntryID(text: "a").description == "af63dc4c8601ec8c")  // FNV-1a 64 test vector
  }
}

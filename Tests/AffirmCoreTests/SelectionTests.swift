import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("choosing what to show", .timeLimit(.minutes(2)))
struct SelectionTests {
  let corpus = Corpus(files: [
    CorpusParser().parse(Array("[morning]\nA\n[urge, late-night]\nB\n[healing]\nC\n".utf8), file: "c.txt")
  ])

  /// The texts of the entries a send with `tags` may show.
  func eligibleTexts(_ tags: [String]) throws -> [String] {
    try TagSelection(tags).eligiblePositions(in: corpus).map { corpus.entries[$0].text }
  }

  @Test("an entry is eligible when it carries any requested tag")
  func anyTag() throws {
    #expect(try eligibleTexts(["urge"]) == ["B"])
    #expect(try eligibleTexts(["morning", "healing"]) == ["A", "C"])
    #expect(try eligibleTexts(["URGE"]) == ["B"])
  }

  @Test("no tags means every entry")
  func noTags() throws {
    #expect(try TagSelection([]).eligiblePositions(in: corpus).count == 3)
  }

  @Test("unknown tags list the known ones")
  func unknownTag() {
    #expect(throws: SelectionError.unknownTags(["evening"], known: ["healing", "late-night", "morning", "urge"])) {
      try TagSelection(["evening", "urge"]).eligiblePositions(in: corpus)
    }
    #expect(
      SelectionError.unknownTags(["evening"], known: ["a", "b"]).description
        == "unknown tag \"evening\"; known tags: a, b")
  }

  @Test("an empty corpus has no eligible entry")
  func emptyCorpus() {
    let empty = Corpus(files: [])
    #expect(throws: SelectionError.noEligibleEntry(tags: [])) { try TagSelection([]).eligiblePositions(in: empty) }
  }

  @Test("the summary fits the most pressing moment among the tags")
  func summaries() {
    #expect(Moment(tags: ["morning", "urge"]).title(for: "x") == "Breathe. You're not alone in this.")
    #expect(Moment(tags: ["sos"]).title(for: "x") == "Breathe. You're not alone in this.")
    #expect(Moment(tags: ["late-night"]).title(for: "x") == "It's late. Be gentle with yourself.")
    #expect(Moment(tags: ["healing", "morning"]).title(for: "x") == "Good morning")
    #expect(Moment(tags: ["healing"]).title(for: "x") == "It gets easier")
    #expect(Moment(tags: []).title(for: "x") == "Keep going")
  }

  @Test(
    "a title never repeats its line",
    arguments: [
      (["healing"], "It does get easier, slowly.", "Step by step"),
      (["sos"], "Breathe in, breathe out. The wave is already starting to pass.", "Stay with yourself for a minute."),
      (["late-night"], "Be gentle with yourself tonight; it's late.", "Rest now. Tonight, you come first."),
      (["morning"], "Good morning. Choose yourself.", "A new day"),
    ])
  func titleAvoidsItsLine(tags: [String], line: String, title: String) {
    #expect(Moment(tags: tags).title(for: line) == title)
    #expect(!Wording.titleRepeats(title, line: line))
  }

  @Test("markup escaping keeps text as written")
  func markup() {
    #expect(escapeMarkup("Tom & Jerry <3") == "Tom &amp; Jerry &lt;3")
    #expect(escapeMarkup("<b>bold</b> & 'quoted'") == "&lt;b&gt;bold&lt;/b&gt; &amp; 'quoted'")
    #expect(escapeMarkup("plain") == "plain")
  }

  @Test("SplitMix64 is reproducible from a seed")
  func seeded() {
    var a = SplitMix64(seed: 42)
    var b = SplitMix64(seed: 42)
    #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    var zero = SplitMix64(seed: 0)
    #expect(zero.next() == 0xE220_A839_7B1D_CDAF)  // the reference implementation's first output
  }
}

import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("the config's own corpus, with or without the built-in lines", .timeLimit(.minutes(2)))
struct CorpusChoiceTests {
  func makeDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-choice-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  func config(_ text: String, in directory: String) throws -> Config {
    try ConfigParser.parse(Array(text.utf8), file: directory + "/config.toml", home: directory)
  }

  @Test("a send's catalog (built-in + cached index) holds what the daemon's full parse holds")
  func combinedMatchesParse() throws {
    let directory = try makeDirectory()
    let builtin = Corpus.builtin()
    let repeated = try #require(builtin.entries.first)
    try "[own-tag]\nA line only I wrote.\n\(repeated.text)\n[morning]\nMy own morning.\n"
      .write(toFile: directory + "/mine.txt", atomically: true, encoding: .utf8)
    let choice = CorpusChoice(commandLine: [], config: try config("corpus = [\"~/mine.txt\"]\n", in: directory))
    let parsed = try choice.load()
    #expect(parsed.count == builtin.count + 2)  // the repeated line is kept once, where the built-in corpus has it
    for _ in 0..<2 {  // the first call writes the index, the second reads it
      let catalog = try choice.catalog(cacheDirectory: directory + "/cache")
      #expect(catalog is CombinedCatalog)
      #expect(catalog.knownTags == parsed.knownTags)
      for tags in [[], ["own-tag"], ["morning"], ["own-tag", "urge"]] as [Set<String>] {
        let ids = catalog.positions(forAnyOf: tags).map { catalog.id(at: $0) }
        #expect(ids == parsed.positions(forAnyOf: tags).map { parsed.id(at: $0) })
        #expect(Set(ids).count == ids.count)
      }
      let own = catalog.positions(forAnyOf: ["own-tag"]).compactMap { catalog.entry(at: $0)?.text }
      #expect(own == ["A line only I wrote."])
    }
    #expect((try choice.catalog(cacheDirectory: directory + "/cache") as? CombinedCatalog)?.parts.last is CorpusIndex)
  }

  @Test("builtin_corpus = false leaves only the config's lines; --corpus replaces both")
  func replacing() throws {
    let directory = try makeDirectory()
    try FileManager.default.createDirectory(atPath: directory + "/lines", withIntermediateDirectories: true)
    try "[urge]\nMine, from a directory.\n".write(toFile: directory + "/lines/a.txt", atomically: true, encoding: .utf8)
    try "[other]\nGiven on the command line.\n".write(toFile: directory + "/cli.txt", atomically: true, encoding: .utf8)
    let settings = try config("corpus = [\"lines\"]\nbuiltin_corpus = false\n", in: directory)
    let only = CorpusChoice(commandLine: [], config: settings)
    #expect(try only.load().entries.map(\.text) == ["Mine, from a directory."])
    let catalog = try only.catalog(cacheDirectory: directory + "/cache")
    #expect(catalog.count == 1 && catalog.entry(at: 0)?.text == "Mine, from a directory.")
    #expect(only.label == "lines")
    let replaced = CorpusChoice(commandLine: [directory + "/cli.txt"], config: settings)
    #expect(try replaced.load().entries.map(\.text) == ["Given on the command line."])
    #expect(try replaced.catalog(cacheDirectory: directory + "/cache").count == 1)
    #expect(CorpusChoice(commandLine: [], config: Config.builtInDefault).label == "built-in")
  }

  @Test("a missing config path is an error at its place in the config; check and doctor see the rest")
  func missingPath() throws {
    let directory = try makeDirectory()
    try "[own-tag]\nStill here.\n".write(toFile: directory + "/here.txt", atomically: true, encoding: .utf8)
    let settings = try config("corpus = [\"here.txt\",\n  \"~/gone.txt\"]\n", in: directory)
    let choice = CorpusChoice(commandLine: [], config: settings)
    let expected = CorpusChoiceError(
      source: settings.corpus[1], .unreadable(path: directory + "/gone.txt", reason: "no such file or directory"))
    #expect(throws: expected) { try choice.load() }
    #expect(throws: expected) { try choice.catalog(cacheDirectory: directory + "/cache") }
    #expect(
      expected.description
        == "\(directory)/config.toml:2:3: cannot read corpus \(directory)/gone.txt: no such file or directory "
        + "(listed in corpus as \"~/gone.txt\")")
    let (rest, unreadable) = try choice.loadSkippingUnreadable()
    #expect(unreadable == [expected])
    #expect(rest.entries.contains { $0.text == "Still here." })
  }
}

import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("the cached corpus index", .timeLimit(.minutes(2)))
struct CorpusIndexTests {
  func makeDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-index-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test("the index holds the same entries, ids, tags and places as a full parse")
  func roundTrip() throws {
    let directory = try makeDirectory()
    let file = directory + "/c.txt"
    try "[morning, urge]\nOne.\nTom & Jerry <3\n[healing]\nÉté, encore.\nuntagged? no: tagged healing\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    let first = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    #expect(first is Corpus)  // the first call parses and writes the index
    let second = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    let index = try #require(second as? CorpusIndex)
    let corpus = try Corpus.load(paths: [file])
    #expect(index.count == corpus.count)
    #expect(index.knownTags == corpus.knownTags)
    for position in 0..<corpus.count {
      #expect(index.id(at: position) == corpus.id(at: position))
      #expect(index.entry(at: position) == corpus.entry(at: position))
    }
    for tags in [[], ["urge"], ["healing"], ["urge", "healing"]] as [Set<String>] {
      #expect(index.positions(forAnyOf: tags) == corpus.positions(forAnyOf: tags))
    }
  }

  @Test("no tags draws every line but those only asked-for help shows: sos and a ride's wave lines")
  func askedForOnly() throws {
    let directory = try makeDirectory()
    let file = directory + "/c.txt"
    try
      "[morning]\nOne.\n[sos]\nThe phone.\n[wave-rising]\nRising.\n[wave-peak]\nPeak.\n[wave-easing]\nEasing.\n[urge]\nTwo.\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    _ = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    let index = try #require(
      try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache") as? CorpusIndex)
    let corpus = try Corpus.load(paths: [file])
    for catalog in [index, corpus, CombinedCatalog([corpus])] as [any EntryCatalog] {
      let drawn = catalog.positions(forAnyOf: []).compactMap { catalog.entry(at: $0)?.text }
      #expect(drawn == ["One.", "Two."], "\(type(of: catalog))")
      #expect(catalog.positions(forAnyOf: ["wave-peak"]).compactMap { catalog.entry(at: $0)?.text } == ["Peak."])
    }
    // The shipped corpus: an untagged send never shows a line that speaks of the phone.
    let builtin = Corpus.builtin()
    #expect(
      builtin.positions(forAnyOf: []).allSatisfy { position in
        builtin.entries[position].tags.allSatisfy { !Moment.Tag.askedForOnly.contains($0) }
      })
    #expect(Set(WavePhase.allCases.map(\.tag)).isSubset(of: Moment.Tag.askedForOnly))
  }

  @Test("a changed source is parsed again, never read from a stale index")
  func invalidation() throws {
    let directory = try makeDirectory()
    let file = directory + "/c.txt"
    try "[a]\nOne.\n".write(toFile: file, atomically: true, encoding: .utf8)
    _ = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    #expect(try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache") is CorpusIndex)
    try "[a]\nOne.\nTwo.\n".write(toFile: file, atomically: true, encoding: .utf8)
    let changed = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    #expect(changed is Corpus)
    #expect(changed.count == 2)
    let reindexed = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    #expect(reindexed is CorpusIndex && reindexed.count == 2)
  }

  @Test("a damaged index is ignored and rebuilt")
  func damaged() throws {
    let directory = try makeDirectory()
    let file = directory + "/c.txt"
    try "[a]\nOne.\n".write(toFile: file, atomically: true, encoding: .utf8)
    _ = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/cache")
    for name in names {
      let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/cache/" + name))
      try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: directory + "/cache/" + name))
    }
    let catalog = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    #expect(catalog.count == 1)
    #expect(catalog.entry(at: 0)?.text == "One.")
  }

  @Test("an index whose text offsets go backwards is refused and rebuilt")
  func offsetsOutOfOrder() throws {
    let directory = try makeDirectory()
    let file = directory + "/c.txt"
    try "[a]\nOne.\nTwo.\nThree.\n".write(toFile: file, atomically: true, encoding: .utf8)
    _ = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory + "/cache").first)
    let path = directory + "/cache/" + name
    let index = try CorpusIndex.load(path)
    // The second entry's text now starts after the third one's.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[index.textOffsets + 8] = 0xFF
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: CorpusIndex.Malformed.self) { try CorpusIndex.load(path) }
    let catalog = try CorpusIndex.catalog(paths: [file], cacheDirectory: directory + "/cache")
    #expect(catalog is Corpus)
    #expect((0..<catalog.count).map { catalog.entry(at: $0)?.text } == ["One.", "Two.", "Three."])
  }

  @Test("the ASCII fast path of entry ids agrees with the general normalization")
  func entryIDFastPath() {
    for text in ["Choose  yourself.", " \tLeading and trailing\n ", "MiXeD CaSe", "a\u{0B}b\u{0C}c", "", "   "] {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in EntryID.normalize(text).utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
      }
      #expect(EntryID(text: text).rawValue == hash, "\(text.debugDescription)")
    }
  }
}

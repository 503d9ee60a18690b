import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// The cached index is checked against itself and its sources before it is trusted.
@Suite("the cached corpus index: any doubt means a rebuild", .timeLimit(.minutes(2)))
struct CorpusIndexValidationTests {
  let directory: String
  let source: String
  var cache: String { directory + "/cache" }
  static let text = "[a]\nOne.\nTwo.\nThree.\n"

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-index-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    source = directory + "/c.txt"
    try Self.text.write(toFile: source, atomically: true, encoding: .utf8)
  }

  /// Builds the index, checks it is used, and returns its path.
  func indexed() throws -> String {
    _ = try CorpusIndex.catalog(paths: [source], cacheDirectory: cache)
    #expect(try CorpusIndex.catalog(paths: [source], cacheDirectory: cache) is CorpusIndex)
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first)
    return cache + "/" + name
  }

  func texts() throws -> [String?] {
    let catalog = try CorpusIndex.catalog(paths: [source], cacheDirectory: cache)
    return (0..<catalog.count).map { catalog.entry(at: $0)?.text }
  }

  @Test("a truncated index, cut anywhere, is refused and rebuilt: never \"no entries\"")
  func truncated() throws {
    let path = try indexed()
    let whole = try Data(contentsOf: URL(fileURLWithPath: path))
    for cut in [1, 2, 5, 8, 16, 17, whole.count / 2, whole.count - 8] {
      try whole.prefix(whole.count - cut).write(to: URL(fileURLWithPath: path))
      #expect(throws: CorpusIndex.Malformed.self, "cut \(cut)") { try CorpusIndex.load(path) }
      #expect(try texts() == ["One.", "Two.", "Three."], "cut \(cut)")
      #expect(
        try CorpusIndex.catalog(paths: [source], cacheDirectory: cache) is CorpusIndex, "rebuilt after cut \(cut)")
    }
  }

  @Test("a byte edited anywhere in the index is noticed: the lines shown are the source's")
  func byteEdits() throws {
    let path = try indexed()
    let whole = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    for position in 0..<whole.count {
      var bytes = whole
      bytes[position] ^= 0x20
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      #expect(throws: CorpusIndex.Malformed.self, "byte \(position)") { try CorpusIndex.load(path) }
      #expect(try texts() == ["One.", "Two.", "Three."], "byte \(position)")
    }
  }

  @Test("a same-size edit in place with the old mtime put back is still seen: the new lines are shown")
  func sameSizeOldMtime() throws {
    _ = try indexed()
    var before = stat()
    #expect(stat(source, &before) == 0)
    // Same length, same file (inode), written in place; then the old mtime back, as touch -r would.
    let edited = "[a]\nOne.\nTwo.\nTrEE.\n"
    let handle = try #require(FileHandle(forWritingAtPath: source))
    try handle.write(contentsOf: Data(edited.utf8))
    try handle.close()
    var times = [before.st_atim, before.st_mtim]
    #expect(utimensat(AT_FDCWD, source, &times, 0) == 0)
    var after = stat()
    #expect(stat(source, &after) == 0)
    #expect(after.st_size == before.st_size && after.st_ino == before.st_ino)
    #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    #expect(try texts() == ["One.", "Two.", "TrEE."])
  }

  @Test("an index without the trailer (an older build's) is rebuilt rather than read")
  func olderFormat() throws {
    let path = try indexed()
    let whole = try Data(contentsOf: URL(fileURLWithPath: path))
    try whole.dropLast(Trailer.size).write(to: URL(fileURLWithPath: path))
    #expect(try texts() == ["One.", "Two.", "Three."])
  }
}

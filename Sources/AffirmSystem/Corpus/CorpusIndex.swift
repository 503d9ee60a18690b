public import AffirmCore
import TOML

#if canImport(Glibc)
  import Glibc
#endif

/// A prepared index of corpus files, kept in the cache directory and rebuilt whenever a
/// source changes (its size, modification time or inode, or a directory's file list), the way
/// `fortune` keeps a strfile index beside its text. The index is mapped into memory, not
/// read: a send over 100,000 entries touches the header, the ids it probes and the one
/// entry it shows, instead of parsing (or even reading) every line.
///
/// Layout (little-endian): magic `AFFIRMI3`; the sources (path, size, mtime, inode); the tags;
/// the idea keys; the entry count; then arrays of ids (u64), tag masks (u64), lines (u32), file
/// numbers (u32), idea numbers (u32, 0 for none, else 1 + the key's place), text offsets (u64,
/// count + 1); then the texts; then a trailer (see `Trailer`): a check of the sources' full
/// status and a digest of every byte before it. Any doubt (a short file, an edited byte, a
/// source touched since) means a fresh parse and a new index.
///
/// Sends and the daemon both read through it. Over 100,000 entries (release build, medians
/// of 20 interleaved runs on a loaded machine): a send 105 ms and 32.7 MiB against 2,262 ms
/// and 63.8 MiB parsing the file whole; the daemon ready in 29 ms with 11.7 MiB resident
/// against 578 ms and 51.6 MiB.
public struct CorpusIndex: EntryCatalog {
  static let magic = Array("AFFIRMI3".utf8)

  struct Source: Equatable {
    var path: String
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var inode: UInt64
  }

  let file: MappedFile
  let sources: [Source]
  public let knownTags: [String]
  /// The idea keys entries carry, sorted.
  let ideas: [String]
  public let count: Int
  /// Where each array starts in the file.
  let ids: Int
  let masks: Int
  let lines: Int
  let files: Int
  let ideaNumbers: Int
  let textOffsets: Int
  let textStart: Int
  /// `Trailer.sourceCheck` of the sources when the index was written.
  let sourceCheck: UInt64

  public func positions(forAnyOf tags: Set<String>) -> EntryPositions {
    guard !tags.isEmpty else {
      // Every entry but those only `affirm sos` and its rides may show.
      var askedFor: UInt64 = 0
      for (bit, tag) in knownTags.enumerated() where Moment.Tag.askedForOnly.contains(tag) {
        askedFor |= 1 << UInt64(bit)
      }
      guard askedFor != 0 else { return .all(count) }
      return EntryPositions((0..<count).filter { mask(at: $0) & askedFor == 0 })
    }
    var wanted: UInt64 = 0
    for (bit, tag) in knownTags.enumerated() where tags.contains(tag) { wanted |= 1 << UInt64(bit) }
    return EntryPositions((0..<count).filter { mask(at: $0) & wanted != 0 })
  }

  public func id(at position: Int) -> EntryID {
    precondition(position >= 0 && position < count, "entry position out of range")
    return EntryID(rawValue: file.integer(at: ids + position * 8, as: UInt64.self))
  }

  public func entry(at position: Int) -> Affirmation? {
    precondition(position >= 0 && position < count, "entry position out of range")
    let start = textOffset(at: position)
    let end = textOffset(at: position + 1)
    guard end <= UInt64(file.count - textStart) else { return nil }
    let text = String(
      decoding: UnsafeRawBufferPointer(rebasing: file.bytes[(textStart + Int(start))..<(textStart + Int(end))]),
      as: UTF8.self)
    let mask = mask(at: position)
    let tags = knownTags.enumerated().filter { mask & (1 << UInt64($0.offset)) != 0 }.map(\.element)
    let fileNumber = Int(file.integer(at: files + position * 4, as: UInt32.self))
    let path = fileNumber < sources.count ? sources[fileNumber].path : "?"
    let line = Int(file.integer(at: lines + position * 4, as: UInt32.self))
    return Affirmation(
      text: text, tags: tags, idea: idea(at: position), location: SourceLocation(file: path, line: line))
  }

  public func idea(at position: Int) -> String? {
    let number = Int(file.integer(at: ideaNumbers + position * 4, as: UInt32.self))
    return number > 0 && number <= ideas.count ? ideas[number - 1] : nil
  }

  public var namesIdeas: Bool { !ideas.isEmpty }

  func mask(at position: Int) -> UInt64 { file.integer(at: masks + position * 8, as: UInt64.self) }

  func textOffset(at position: Int) -> UInt64 { file.integer(at: textOffsets + position * 8, as: UInt64.self) }

  // MARK: - Finding, building, writing

  /// The catalog for `paths`: the cached index when it is current, else a fresh parse, whose
  /// index is written for next time (when the cache directory is writable).
  public static func catalog(paths: [String], cacheDirectory: String) throws(CorpusLoadError) -> any EntryCatalog {
    var files: [String] = []
    for path in paths { files += try Corpus.corpusFiles(at: path) }
    let sources = files.compactMap(Self.fingerprint)
    let indexPath = cacheDirectory + "/corpus-" + EntryID(text: files.joined(separator: "\n")).description + ".index"
    let sourceCheck = Trailer.sourceCheck(files)
    if sources.count == files.count, let index = try? load(indexPath), index.sources == sources,
      index.sourceCheck == sourceCheck
    {
      return index
    }
    let corpus = try Corpus.load(paths: paths)
    if sources.count == files.count, Set(corpus.knownTags).count <= 64 {
      try? write(corpus, sources: sources, sourceCheck: sourceCheck, to: indexPath)
    }
    return corpus
  }

  static func fingerprint(_ path: String) -> Source? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Source(
      path: path, size: Int64(info.st_size), modified: Int64(info.st_mtim.tv_sec),
      modifiedNanoseconds: Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
  }

  static func write(_ corpus: Corpus, sources: [Source], sourceCheck: UInt64 = 0, to path: String) throws {
    var out = IndexWriter()
    out.bytes(magic)
    out.u32(UInt32(sources.count))
    for source in sources {
      out.string(source.path)
      out.u64(UInt64(bitPattern: source.size))
      out.u64(UInt64(bitPattern: source.modified))
      out.u64(UInt64(bitPattern: source.modifiedNanoseconds))
      out.u64(source.inode)
    }
    let tags = corpus.knownTags
    out.u32(UInt32(tags.count))
    for tag in tags { out.string(tag) }
    let ideas = Set(corpus.entries.compactMap(\.idea)).sorted()
    out.u32(UInt32(ideas.count))
    for idea in ideas { out.string(idea) }
    let ideaNumber = Dictionary(uniqueKeysWithValues: ideas.enumerated().map { ($0.element, UInt32($0.offset + 1)) })
    let bit = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($0.element, UInt64(1) << UInt64($0.offset)) })
    let fileNumber = Dictionary(
      sources.enumerated().map { ($0.element.path, UInt32($0.offset)) }, uniquingKeysWith: { a, _ in a })
    out.u32(UInt32(corpus.entries.count))
    for entry in corpus.entries { out.u64(entry.id.rawValue) }
    for entry in corpus.entries { out.u64(entry.tags.reduce(0) { $0 | (bit[$1] ?? 0) }) }
    for entry in corpus.entries { out.u32(UInt32(clamping: entry.location.line)) }
    for entry in corpus.entries { out.u32(fileNumber[entry.location.file] ?? UInt32.max) }
    for entry in corpus.entries { out.u32(entry.idea.flatMap { ideaNumber[$0] } ?? 0) }
    var offset: UInt64 = 0
    for entry in corpus.entries {
      out.u64(offset)
      offset += UInt64(entry.text.utf8.count)
    }
    out.u64(offset)
    for entry in corpus.entries { out.bytes(Array(entry.text.utf8)) }
    Trailer.append(sourceCheck: sourceCheck, to: &out.buffer)
    do {
      try Posix.makeDirectories(FilePath(path).directory.string)
    } catch {
      throw FileWriteError(error)
    }
    try AtomicFile.write(out.buffer, to: path, mode: 0o600)
  }

  struct Malformed: Error {}

  static func load(_ path: String) throws -> CorpusIndex {
    guard let file = MappedFile(path: path), let sourceCheck = Trailer.verify(file.bytes) else { throw Malformed() }
    var reader = IndexReader(file: file, end: file.count - Trailer.size)
    guard try reader.bytes(8).elementsEqual(magic) else { throw Malformed() }
    var sources: [Source] = []
    for _ in 0..<(try reader.count(limit: 1 << 20)) {
      sources.append(
        Source(
          path: try reader.string(), size: Int64(bitPattern: try reader.u64()),
          modified: Int64(bitPattern: try reader.u64()),
          modifiedNanoseconds: Int64(bitPattern: try reader.u64()), inode: try reader.u64()))
    }
    var tags: [String] = []
    for _ in 0..<(try reader.count(limit: 64)) { tags.append(try reader.string()) }
    var ideas: [String] = []
    for _ in 0..<(try reader.count(limit: 1 << 20)) { ideas.append(try reader.string()) }
    let count = try reader.count(limit: 1 << 26)
    let ids = try reader.skip(count * 8)
    let masks = try reader.skip(count * 8)
    let lines = try reader.skip(count * 4)
    let files = try reader.skip(count * 4)
    let ideaNumbers = try reader.skip(count * 4)
    let textOffsets = try reader.skip((count + 1) * 8)
    // Offsets never decrease, so every entry's text is a well-formed range (checked once
    // here, as a full read would, rather than trusted at pick time).
    let offsets = UnsafeRawBufferPointer(rebasing: file.bytes[textOffsets..<(textOffsets + (count + 1) * 8)])
    var previous: UInt64 = 0
    for position in stride(from: 0, to: offsets.count, by: 8) {
      let offset = UInt64(littleEndian: offsets.loadUnaligned(fromByteOffset: position, as: UInt64.self))
      guard previous <= offset else { throw Malformed() }
      previous = offset
    }
    // The texts end exactly where the trailer starts: nothing cut off, nothing added.
    guard UInt64(reader.end - reader.offset) == previous else { throw Malformed() }
    return CorpusIndex(
      file: file, sources: sources, knownTags: tags, ideas: ideas, count: count, ids: ids, masks: masks, lines: lines,
      files: files, ideaNumbers: ideaNumbers, textOffsets: textOffsets, textStart: reader.offset,
      sourceCheck: sourceCheck)
  }
}

/// Sequential little-endian reads from the mapped index, refusing anything truncated.
private struct IndexReader {
  let file: MappedFile
  /// Where the trailer starts: the reads stay before it.
  let end: Int
  var offset = 0

  /// Steps over `count` bytes and returns where they start.
  mutating func skip(_ count: Int) throws -> Int {
    guard count >= 0, count <= end - offset else { throw CorpusIndex.Malformed() }
    defer { offset += count }
    return offset
  }

  mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
    let start = try skip(count)
    return UnsafeRawBufferPointer(rebasing: file.bytes[start..<(start + count)])
  }

  mutating func u32() throws -> UInt32 { file.integer(at: try skip(4), as: UInt32.self) }

  mutating func u64() throws -> UInt64 { file.integer(at: try skip(8), as: UInt64.self) }

  mutating func count(limit: Int) throws -> Int {
    let value = Int(try u32())
    guard value <= limit else { throw CorpusIndex.Malformed() }
    return value
  }

  mutating func string() throws -> String {
    String(decoding: try bytes(try count(limit: 1 << 16)), as: UTF8.self)
  }
}

/// The last 16 bytes of an index: the sources' check, then a digest of every byte before.
///
/// The digest finds a truncated or edited index (a send would otherwise show no entries or
/// garbled text). The source check adds what size, mtime and inode miss: a source edited in
/// place to the same size with its old mtime put back still has a new ctime, which no one can
/// set back, so comparing device, inode, size, mtime and ctime is as good as reading it.
enum Trailer {
  static let size = 16

  static func sourceCheck(_ files: [String]) -> UInt64 {
    var values: [UInt64] = [UInt64(files.count)]
    for path in files {
      var info = stat()
      guard stat(path, &info) == 0 else { return 0 }
      values += [
        UInt64(info.st_dev), UInt64(info.st_ino), UInt64(bitPattern: Int64(info.st_size)),
        UInt64(bitPattern: Int64(info.st_mtim.tv_sec)), UInt64(bitPattern: Int64(info.st_mtim.tv_nsec)),
        UInt64(bitPattern: Int64(info.st_ctim.tv_sec)), UInt64(bitPattern: Int64(info.st_ctim.tv_nsec)),
      ]
    }
    return values.withUnsafeBytes { Trailer.digest($0) }
  }

  static func append(sourceCheck: UInt64, to buffer: inout [UInt8]) {
    withUnsafeBytes(of: sourceCheck.littleEndian) { buffer += $0 }
    let check = buffer.withUnsafeBytes { Trailer.digest($0) }
    withUnsafeBytes(of: check.littleEndian) { buffer += $0 }
  }

  /// The source check, when the digest matches the bytes before it; nil for any doubt.
  static func verify(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
    guard bytes.count >= size else { return nil }
    let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
    guard digest(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)])) == stored else { return nil }
    return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 16, as: UInt64.self))
  }

  /// A fast 64-bit digest (four independent multiply-rotate lanes over 8-byte words, then the
  /// tail and the length); it guards against damage, not against an attacker, who could as
  /// well write a new corpus.
  static func digest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let prime: UInt64 = 0x9E37_79B9_7F4A_7C15
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
    func mix(_ lane: UInt64, _ word: UInt64) -> UInt64 {
      let mixed = (lane ^ word) &* prime
      return (mixed << 31) | (mixed >> 33)
    }
    var offset = 0
    while offset + 32 <= bytes.count {
      lanes.0 = mix(lanes.0, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      lanes.1 = mix(lanes.1, bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
      lanes.2 = mix(lanes.2, bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
      lanes.3 = mix(lanes.3, bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
      offset += 32
    }
    var result = mix(mix(mix(mix(UInt64(bytes.count), lanes.0), lanes.1), lanes.2), lanes.3)
    while offset < bytes.count {
      result = mix(result, UInt64(bytes[offset]) | 0x100)
      offset += 1
    }
    result ^= result >> 29
    result &*= prime
    return result ^ (result >> 32)
  }
}

private struct IndexWriter {
  var buffer: [UInt8] = []

  mutating func bytes(_ bytes: [UInt8]) { buffer += bytes }
  mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { buffer += $0 } }
  mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { buffer += $0 } }

  mutating func string(_ text: String) {
    let utf8 = Array(text.utf8)
    u32(UInt32(utf8.count))
    buffer += utf8
  }
}

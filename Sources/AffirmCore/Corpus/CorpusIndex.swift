#if canImport(Glibc)
  import Glibc
#endif

/// A prepared index of corpus files, kept in the cache directory and rebuilt whenever a
/// source changes (its size, modification time or inode, or a directory's file list), the way
/// `fortune` keeps a strfile index beside its text. A send over 100,000 entries then reads
/// the entry ids and tag masks, picks one position, and reads that one entry's text, instead
/// of parsing every line.
///
/// Layout (little-endian): magic `AFFIRMI1`; the sources (path, size, mtime, inode); the tags;
/// the entry count; then arrays of ids (u64), tag masks (u64), lines (u32), file numbers
/// (u32), text offsets (u64, count + 1); then the texts.
public struct CorpusIndex: EntryCatalog {
  static let magic = Array("AFFIRMI1".utf8)

  struct Source: Equatable {
    var path: String
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var inode: UInt64
  }

  let path: String
  let sources: [Source]
  public let knownTags: [String]
  let ids: [UInt64]
  let masks: [UInt64]
  let lines: [UInt32]
  let files: [UInt32]
  let textOffsets: [UInt64]
  let textStart: Int64

  public var count: Int { ids.count }

  public func positions(forAnyOf tags: Set<String>) -> [Int] {
    guard !tags.isEmpty else { return Array(ids.indices) }
    var wanted: UInt64 = 0
    for (bit, tag) in knownTags.enumerated() where tags.contains(tag) { wanted |= 1 << UInt64(bit) }
    return masks.indices.filter { masks[$0] & wanted != 0 }
  }

  public func id(at position: Int) -> EntryID { EntryID(rawValue: ids[position]) }

  public func entry(at position: Int) -> Affirmation? {
    let start = textOffsets[position]
    let length = Int(textOffsets[position + 1] - start)
    guard let bytes = try? IndexFile.read(path, at: textStart + Int64(start), count: length) else { return nil }
    let text = String(decoding: bytes, as: UTF8.self)
    let tags = knownTags.enumerated().filter { masks[position] & (1 << UInt64($0.offset)) != 0 }.map(\.element)
    let file = Int(files[position]) < sources.count ? sources[Int(files[position])].path : "?"
    return Affirmation(text: text, tags: tags, location: SourceLocation(file: file, line: Int(lines[position])))
  }

  // MARK: - Finding, building, writing

  /// The catalog for `paths`: the cached index when it is current, else a fresh parse, whose
  /// index is written for next time (when the cache directory is writable).
  public static func catalog(paths: [String], cacheDirectory: String) throws(CorpusLoadError) -> any EntryCatalog {
    var files: [String] = []
    for path in paths { files += try Corpus.corpusFiles(at: path) }
    let sources = files.compactMap(Self.fingerprint)
    let indexPath = cacheDirectory + "/corpus-" + EntryID(text: files.joined(separator: "\n")).description + ".index"
    if sources.count == files.count, let index = try? load(indexPath), index.sources == sources {
      return index
    }
    let corpus = try Corpus.load(paths: paths)
    if sources.count == files.count, Set(corpus.knownTags).count <= 64 {
      try? write(corpus, sources: sources, to: indexPath)
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

  static func write(_ corpus: Corpus, sources: [Source], to path: String) throws {
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
    let bit = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($0.element, UInt64(1) << UInt64($0.offset)) })
    let fileNumber = Dictionary(
      sources.enumerated().map { ($0.element.path, UInt32($0.offset)) }, uniquingKeysWith: { a, _ in a })
    out.u32(UInt32(corpus.entries.count))
    for entry in corpus.entries { out.u64(entry.id.rawValue) }
    for entry in corpus.entries { out.u64(entry.tags.reduce(0) { $0 | (bit[$1] ?? 0) }) }
    for entry in corpus.entries { out.u32(UInt32(clamping: entry.location.line)) }
    for entry in corpus.entries { out.u32(fileNumber[entry.location.file] ?? UInt32.max) }
    var offset: UInt64 = 0
    for entry in corpus.entries {
      out.u64(offset)
      offset += UInt64(entry.text.utf8.count)
    }
    out.u64(offset)
    for entry in corpus.entries { out.bytes(Array(entry.text.utf8)) }
    if let slash = path.lastIndex(of: "/") { try AtomicFile.makeDirectories(String(path[..<slash])) }
    try AtomicFile.write(out.buffer, to: path, mode: 0o600)
  }

  struct Malformed: Error {}

  static func load(_ path: String) throws -> CorpusIndex {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw Malformed() }
    defer { close(descriptor) }
    var reader = IndexReader(descriptor: descriptor)
    guard try reader.bytes(8) == magic else { throw Malformed() }
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
    let count = try reader.count(limit: 1 << 26)
    let ids = try reader.integers(count, as: UInt64.self)
    let masks = try reader.integers(count, as: UInt64.self)
    let lines = try reader.integers(count, as: UInt32.self)
    let files = try reader.integers(count, as: UInt32.self)
    let offsets = try reader.integers(count + 1, as: UInt64.self)
    guard zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw Malformed() }
    return CorpusIndex(
      path: path, sources: sources, knownTags: tags, ids: ids, masks: masks, lines: lines, files: files,
      textOffsets: offsets,
      textStart: reader.offset)
  }
}

/// Sequential little-endian reads with pread, refusing anything truncated.
private struct IndexReader {
  let descriptor: Int32
  var offset: Int64 = 0

  mutating func bytes(_ count: Int) throws -> [UInt8] {
    let bytes = try IndexFile.read(descriptor: descriptor, at: offset, count: count)
    offset += Int64(count)
    return bytes
  }

  mutating func u32() throws -> UInt32 {
    try bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  mutating func u64() throws -> UInt64 {
    try bytes(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  mutating func count(limit: Int) throws -> Int {
    let value = Int(try u32())
    guard value <= limit else { throw CorpusIndex.Malformed() }
    return value
  }

  mutating func string() throws -> String {
    String(decoding: try bytes(try count(limit: 1 << 16)), as: UTF8.self)
  }

  /// `count` little-endian integers of type `T`, read in one go.
  mutating func integers<T: FixedWidthInteger>(_ count: Int, as type: T.Type) throws -> [T] {
    let size = MemoryLayout<T>.size
    let raw = try bytes(count * size)
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      raw.withUnsafeBytes { source in
        for index in 0..<count {
          buffer[index] = T(littleEndian: source.loadUnaligned(fromByteOffset: index * size, as: T.self))
        }
      }
      initialized = count
    }
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

enum IndexFile {
  static func read(_ path: String, at offset: Int64, count: Int) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw CorpusIndex.Malformed() }
    defer { close(descriptor) }
    return try read(descriptor: descriptor, at: offset, count: count)
  }

  static func read(descriptor: Int32, at offset: Int64, count: Int) throws -> [UInt8] {
    guard count >= 0 else { throw CorpusIndex.Malformed() }
    var bytes = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let got = bytes.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done))
      }
      guard got > 0 else { throw CorpusIndex.Malformed() }
      done += got
    }
    return bytes
  }
}

public import TOML

/// One line of the corpus, with the tags of the tag line above it.
public struct Affirmation: Sendable, Hashable {
  /// The text exactly as written in the corpus file (trimmed of surrounding white space).
  public var text: String {
    didSet { id = EntryID(text: text) }
  }
  /// Lowercased tags, sorted by name, without repeats: the same whether the corpus was parsed
  /// or read through its cached index.
  public var tags: [String]
  /// The idea of the guide the entry says (`idea:` on its tag line), lowercased; nil in a
  /// corpus written without idea keys. Picks keep the same idea apart.
  public var idea: String?
  /// Where the entry stands, for diagnostics.
  public var location: SourceLocation

  /// A stable identity derived from the normalized text, so reordering or editing
  /// other lines of the corpus keeps this entry's history. Computed once: picks compare it often.
  public private(set) var id: EntryID

  public init(text: String, tags: [String], idea: String? = nil, location: SourceLocation) {
    self.text = text
    self.tags = tags
    self.idea = idea
    self.location = location
    id = EntryID(text: text)
  }

  /// Whether the entry carries any of `wanted`; an empty set means every entry but those
  /// tagged `sos` or a ride's `wave-` tags, which speak of a moment only `affirm sos` knows has
  /// come (`Moment.Tag.askedForOnly`).
  public func isEligible(forAnyOf wanted: Set<String>) -> Bool {
    wanted.isEmpty ? !tags.contains(where: Moment.Tag.askedForOnly.contains) : tags.contains(where: wanted.contains)
  }
}

/// The 64-bit FNV-1a hash of an entry's normalized text, as 16 hex digits.
///
/// Normalizing lowercases the text and folds runs of white space, so changing case or
/// spacing does not make an entry new (and two such lines count as duplicates).
public struct EntryID: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let rawValue: UInt64

  public init(rawValue: UInt64) { self.rawValue = rawValue }

  public init(text: String) {
    let ascii = text.utf8.withContiguousStorageIfAvailable(Self.asciiHash) ?? Self.asciiHash(text.utf8)
    rawValue = ascii ?? FNV1a.hash(Self.normalize(text).utf8)
  }

  /// The common case, without allocating: lowercase ASCII and fold white space in one pass,
  /// as `normalize` would. nil when the text is not all ASCII.
  private static func asciiHash(_ utf8: some Collection<UInt8>) -> UInt64? {
    guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
    var hash = FNV1a()
    var pendingSpace = false
    var started = false
    for byte in utf8 {
      if byte == 0x20 || (0x09...0x0D).contains(byte) {
        pendingSpace = started
        continue
      }
      if pendingSpace { hash.combine(0x20) }
      pendingSpace = false
      started = true
      hash.combine((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
    }
    return hash.value
  }

  /// Lowercased, white space folded to single spaces, trimmed.
  public static func normalize(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  public var description: String {
    let hex = String(rawValue, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  public static func < (lhs: EntryID, rhs: EntryID) -> Bool { lhs.rawValue < rhs.rawValue }
}

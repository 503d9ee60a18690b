/// What a send picks from: the parsed corpus, or the on-disk index of a large one. Picking
/// works on positions and ids, so that only the chosen entry's text is ever read.
public protocol EntryCatalog: Sendable {
  /// Every tag some entry carries, sorted.
  var knownTags: [String] { get }
  var count: Int { get }
  /// Positions of the entries carrying any of `tags`; when `tags` is empty, every position
  /// but those of entries tagged `sos` (see `Affirmation.isEligible`).
  func positions(forAnyOf tags: Set<String>) -> EntryPositions
  func id(at position: Int) -> EntryID
  /// The idea key of the entry (see `Idea`); nil when it names none.
  func idea(at position: Int) -> String?
  /// Whether any entry names an idea: picks then keep ideas apart.
  var namesIdeas: Bool { get }
  /// The whole entry; nil when its text can no longer be read.
  func entry(at position: Int) -> Affirmation?
}

/// Positions in a catalog, in catalog order. "Every position" is kept as a count, so a send
/// over a 100,000-entry corpus with no tag builds no list of them.
public struct EntryPositions: RandomAccessCollection, Sendable {
  private enum Storage: Sendable {
    case all(count: Int)
    case listed([Int])
  }

  private let storage: Storage

  /// Every position of a catalog of `count` entries.
  public static func all(_ count: Int) -> EntryPositions { EntryPositions(storage: .all(count: count)) }

  public init(_ positions: [Int]) { storage = .listed(positions) }

  private init(storage: Storage) { self.storage = storage }

  public var startIndex: Int { 0 }

  public var endIndex: Int {
    switch storage {
    case .all(let count): count
    case .listed(let positions): positions.count
    }
  }

  public subscript(index: Int) -> Int {
    switch storage {
    case .all: index
    case .listed(let positions): positions[index]
    }
  }
}

extension EntryPositions: Equatable {
  public static func == (lhs: EntryPositions, rhs: EntryPositions) -> Bool { lhs.elementsEqual(rhs) }
}

extension Corpus: EntryCatalog {
  public var count: Int { entries.count }

  public func positions(forAnyOf tags: Set<String>) -> EntryPositions {
    tags.isEmpty && !knownTags.contains(where: Moment.Tag.askedForOnly.contains)
      ? .all(entries.count) : EntryPositions(entries.indices.filter { entries[$0].isEligible(forAnyOf: tags) })
  }

  public func id(at position: Int) -> EntryID { entries[position].id }

  public func idea(at position: Int) -> String? { entries[position].idea }

  public func entry(at position: Int) -> Affirmation? { entries[position] }
}

extension TagSelection {
  /// The eligible positions in `catalog`, or an error a user can act on.
  public func eligiblePositions(in catalog: some EntryCatalog) throws(SelectionError) -> EntryPositions {
    let known = catalog.knownTags
    let unknown = tags.subtracting(known).sorted()
    if !unknown.isEmpty { throw .unknownTags(unknown, known: known) }
    let eligible = catalog.positions(forAnyOf: tags)
    if eligible.isEmpty { throw .noEligibleEntry(tags: tags.sorted()) }
    return eligible
  }
}

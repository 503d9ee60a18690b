/// What a send picks from: the parsed corpus, or the on-disk index of a large one. Picking
/// works on positions and ids, so that only the chosen entry's text is ever read.
public protocol EntryCatalog: Sendable {
  /// Every tag some entry carries, sorted.
  var knownTags: [String] { get }
  var count: Int { get }
  /// Positions of the entries carrying any of `tags`; every position when `tags` is empty.
  func positions(forAnyOf tags: Set<String>) -> [Int]
  func id(at position: Int) -> EntryID
  /// The whole entry; nil when its text can no longer be read.
  func entry(at position: Int) -> Affirmation?
}

extension Corpus: EntryCatalog {
  public var count: Int { entries.count }

  public func positions(forAnyOf tags: Set<String>) -> [Int] {
    entries.indices.filter { entries[$0].isEligible(forAnyOf: tags) }
  }

  public func id(at position: Int) -> EntryID { entries[position].id }

  public func entry(at position: Int) -> Affirmation? { entries[position] }
}

extension TagSelection {
  /// The eligible positions in `catalog`, or an error a user can act on.
  public func eligiblePositions(in catalog: some EntryCatalog) throws(SelectionError) -> [Int] {
    let known = catalog.knownTags
    let unknown = tags.subtracting(known).sorted()
    if !unknown.isEmpty { throw .unknownTags(unknown, known: known) }
    let eligible = catalog.positions(forAnyOf: tags)
    if eligible.isEmpty { throw .noEligibleEntry(tags: tags.sorted()) }
    return eligible
  }
}

/// No repeats: within the entries eligible for a send, an entry is not shown again until
/// every other eligible entry has been shown since the bag was last refilled.
///
/// The bag is not stored as a list: it is what remains of the eligible entries after those
/// shown since the cycle began, so a corpus that shrinks or grows adapts by itself (a new
/// entry is in the bag at once; a removed one is simply no longer eligible).
public enum ShuffleBag {
  public struct Pick: Equatable, Sendable {
    public var entry: Affirmation
    /// The bag was empty: a new cycle begins with this pick.
    public var startsNewCycle: Bool
  }

  /// - Parameters:
  ///   - shownThisCycle: entries shown (or being shown) since the current cycle began.
  ///   - lastShown: the entry shown most recently of all, never picked first in a new cycle
  ///     so that a cycle's end and the next one's start do not repeat back to back.
  ///   - onCooldown: entries shown within the cooldown; skipped while any other remains.
  public static func pick(
    from eligible: [Affirmation], shownThisCycle: Set<EntryID>, lastShown: EntryID?, onCooldown: Set<EntryID> = [],
    using generator: inout some RandomNumberGenerator
  ) -> Pick? {
    guard
      let choice = pick(
        ids: eligible.map(\.id), shownThisCycle: shownThisCycle, lastShown: lastShown, onCooldown: onCooldown,
        using: &generator)
    else { return nil }
    return Pick(entry: eligible[choice.index], startsNewCycle: choice.startsNewCycle)
  }

  /// The same over entry ids: returns the index into `ids` of the entry to show.
  public static func pick(
    ids: [EntryID], shownThisCycle: Set<EntryID>, lastShown: EntryID?, onCooldown: Set<EntryID> = [],
    using generator: inout some RandomNumberGenerator
  ) -> (index: Int, startsNewCycle: Bool)? {
    pick(
      ids: ids, isFresh: { !shownThisCycle.contains($0) && !onCooldown.contains($0) },
      history: { History(shownThisCycle: shownThisCycle, lastShown: lastShown, onCooldown: onCooldown) },
      using: &generator)
  }

  /// What a pick needs to know of the history once the quick probes have missed.
  public struct History: Sendable {
    /// Entries shown (or being shown) since the current cycle began.
    public var shownThisCycle: Set<EntryID>
    /// The entry shown most recently of all, never picked first in a new cycle so that a
    /// cycle's end and the next one's start do not repeat back to back.
    public var lastShown: EntryID?
    /// Entries shown within the cooldown; skipped while any other remains.
    public var onCooldown: Set<EntryID>
  }

  /// The pick itself, asking the history about one entry at a time (`isFresh`: neither shown
  /// this cycle nor on cooldown) and for all of it only when every probe misses.
  ///
  /// A few random probes find a fitting entry at once while the bag is well filled (each
  /// probe is uniform, so an accepted one is uniform over the fitting entries); only a nearly
  /// empty bag pays for a full pass. This keeps a 100,000-entry corpus with a long history
  /// cheap: a send asks about an entry or two, not about every line ever shown.
  public static func pick<IDs: RandomAccessCollection<EntryID>, Failure: Error>(
    ids: IDs, isFresh: (EntryID) throws(Failure) -> Bool, history: () throws(Failure) -> History,
    using generator: inout some RandomNumberGenerator
  ) throws(Failure) -> (index: Int, startsNewCycle: Bool)? where IDs.Index == Int {
    guard !ids.isEmpty else { return nil }
    let indices = ids.startIndex..<ids.endIndex
    for _ in 0..<32 {
      let index = Int.random(in: indices, using: &generator)
      if try isFresh(ids[index]) { return (index, false) }
    }
    let history = try history()
    var remaining = indices.filter { !history.shownThisCycle.contains(ids[$0]) }
    var startsNewCycle = false
    if remaining.isEmpty {
      startsNewCycle = true
      remaining = ids.count > 1 ? indices.filter { ids[$0] != history.lastShown } : Array(indices)
    }
    let rested = remaining.filter { !history.onCooldown.contains(ids[$0]) }
    let candidates = rested.isEmpty ? remaining : rested
    return (candidates.randomElement(using: &generator)!, startsNewCycle)
  }

  /// The bag's name for a tag selection: sends with the same tags share one bag.
  public static func key(forTags tags: [String]) -> String {
    tags.isEmpty ? "*" : Set(tags.map { $0.lowercased() }).sorted().joined(separator: ",")
  }
}

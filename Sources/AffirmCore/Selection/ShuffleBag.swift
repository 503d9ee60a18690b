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
    guard !eligible.isEmpty else { return nil }
    var remaining = eligible.filter { !shownThisCycle.contains($0.id) }
    var startsNewCycle = false
    if remaining.isEmpty {
      startsNewCycle = true
      remaining = eligible.count > 1 ? eligible.filter { $0.id != lastShown } : eligible
    }
    let rested = remaining.filter { !onCooldown.contains($0.id) }
    let candidates = rested.isEmpty ? remaining : rested
    return Pick(entry: candidates.randomElement(using: &generator)!, startsNewCycle: startsNewCycle)
  }

  /// The bag's name for a tag selection: sends with the same tags share one bag.
  public static func key(forTags tags: [String]) -> String {
    tags.isEmpty ? "*" : Set(tags.map { $0.lowercased() }).sorted().joined(separator: ",")
  }
}

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

    package init(entry: Affirmation, startsNewCycle: Bool) {
      self.entry = entry
      self.startsNewCycle = startsNewCycle
    }
  }

  /// - Parameters:
  ///   - shownThisCycle: entries shown (or being shown) since the current cycle began.
  ///   - recentIdeas: ideas shown tonight; kept apart while the corpus names ideas.
  ///   - lastShown: the entry shown most recently of all, never picked first in a new cycle
  ///     so that a cycle's end and the next one's start do not repeat back to back.
  ///   - onCooldown: entries shown within the cooldown; skipped while any other remains.
  public static func pick(
    from eligible: [Affirmation], shownThisCycle: Set<EntryID>, lastShown: EntryID?, onCooldown: Set<EntryID> = [],
    recentIdeas: Set<String> = [], using generator: inout some RandomNumberGenerator
  ) -> Pick? {
    let history = History(
      shownThisCycle: shownThisCycle, lastShown: lastShown, onCooldown: onCooldown, recentIdeas: recentIdeas)
    let named = eligible.contains { $0.idea != nil }
    guard
      let choice = pick(
        ids: eligible.map(\.id), ideas: named ? { eligible[$0].idea } : nil,
        isFresh: { !shownThisCycle.contains($0) && !onCooldown.contains($0) }, history: { history },
        using: &generator)
    else { return nil }
    return Pick(entry: eligible[choice.index], startsNewCycle: choice.startsNewCycle)
  }

  /// What a pick needs to know of the history once the quick probes have missed.
  public struct History: Sendable {
    /// Entries shown (or being shown) since the current cycle began.
    public var shownThisCycle: Set<EntryID>
    /// The entry shown most recently of all, never picked first in a new cycle so that a
    /// cycle's end and the next one's start do not repeat back to back.
    public var lastShown: EntryID?
    /// Entries shown within the cooldown (or tonight, by any bag); skipped while any other remains.
    public var onCooldown: Set<EntryID>
    /// Ideas shown tonight or in the last few picks, by any bag: kept apart (see `IdeaSpacing`).
    public var recentIdeas: Set<String>

    public init(
      shownThisCycle: Set<EntryID>, lastShown: EntryID?, onCooldown: Set<EntryID>, recentIdeas: Set<String> = []
    ) {
      self.shownThisCycle = shownThisCycle
      self.lastShown = lastShown
      self.onCooldown = onCooldown
      self.recentIdeas = recentIdeas
    }
  }

  /// The pick itself, asking the history about one entry at a time (`isFresh`: neither shown
  /// this cycle nor on cooldown) and for all of it only when every probe misses.
  ///
  /// A few random probes find a fitting entry at once while the bag is well filled (each
  /// probe is uniform, so an accepted one is uniform over the fitting entries); only a nearly
  /// empty bag pays for a full pass. This keeps a 100,000-entry corpus with a long history
  /// cheap: a send asks about an entry or two, not about every line ever shown.
  ///
  /// Entries that name an idea (`idea(index)` not nil) are kept apart from the ideas shown
  /// tonight. A pool of up to `IdeaSpacing.balancedPoolLimit` lines takes the full pass: the
  /// bag is drained idea by idea, largest first, so that its last lines are spread over many
  /// ideas instead of piled in one.
  public static func pick<IDs: RandomAccessCollection<EntryID>, Failure: Error>(
    ids: IDs, ideas: ((Int) -> String?)? = nil, isFresh: (EntryID) throws(Failure) -> Bool,
    recentIdeas: (() throws(Failure) -> Set<String>)? = nil,
    history: () throws(Failure) -> History, using generator: inout some RandomNumberGenerator
  ) throws(Failure) -> (index: Int, startsNewCycle: Bool)? where IDs.Index == Int {
    guard !ids.isEmpty else { return nil }
    let indices = ids.startIndex..<ids.endIndex
    if ideas == nil || ids.count > IdeaSpacing.balancedPoolLimit {
      // A large pool (or one without ideas) probes: with many lines per idea, the bag need not
      // be drained idea by idea, and a probe only has to miss tonight's ideas too.
      var recent: Set<String> = []
      if ideas != nil, let recentIdeas { recent = try recentIdeas() }
      for _ in 0..<32 {
        let index = Int.random(in: indices, using: &generator)
        let spaced = ideas?(index).map { !recent.contains($0) } ?? true
        if spaced, try isFresh(ids[index]) { return (index, false) }
      }
    }
    let history = try history()
    var remaining = indices.filter { !history.shownThisCycle.contains(ids[$0]) }
    var startsNewCycle = false
    if remaining.isEmpty {
      startsNewCycle = true
      remaining = ids.count > 1 ? indices.filter { ids[$0] != history.lastShown } : Array(indices)
    }
    let rested = { (index: Int) in !history.onCooldown.contains(ids[index]) }
    guard let ideas else {
      let candidates = remaining.filter(rested)
      return ((candidates.isEmpty ? remaining : candidates).randomElement(using: &generator)!, startsNewCycle)
    }
    let spaced = { (index: Int) in ideas(index).map { !history.recentIdeas.contains($0) } ?? true }
    // The bag's own lines first; then, rather than say an idea twice in a night, a line shown
    // earlier in this cycle (not tonight); an idea repeats only when nothing else is left.
    let tiers: [[Int]] = [
      remaining.filter { rested($0) && spaced($0) },
      remaining.filter(spaced),
      startsNewCycle
        ? []
        : indices.filter {
          history.shownThisCycle.contains(ids[$0]) && ids[$0] != history.lastShown && rested($0) && spaced($0)
        },
      remaining.filter(rested),
      remaining,
    ]
    let candidates = tiers.first { !$0.isEmpty }!
    return (IdeaSpacing.fullestIdea(among: candidates, bag: remaining, ideas: ideas, using: &generator), startsNewCycle)
  }

  /// The bag's name for a tag selection: sends with the same tags share one bag.
  public static func key(forTags tags: [String]) -> String {
    tags.isEmpty ? "*" : Set(tags.map { $0.lowercased() }).sorted().joined(separator: ",")
  }
}

/// Keeps the same idea of the guide apart: a night that says "it comes in waves" twice says
/// one thing twice, however different the words.
public enum IdeaSpacing {
  /// How long an idea (and a line) stays apart after it is shown, by any bag: longer than any
  /// night's window, shorter than the time from one night to the next.
  public static let window: Int64 = 12 * 3600
  /// The last picks whose ideas are kept apart whatever their age.
  public static let lastPicks = 4
  /// Up to this many eligible lines, a pick drains the bag idea by idea (reading the whole
  /// cycle); a larger pool probes instead, so that a send over 100,000 lines of one's own
  /// stays as cheap as one without ideas.
  public static let balancedPoolLimit = 5_000

  /// A candidate of the idea with the most lines left in the bag (ties broken at random),
  /// then a random line of it. Entries without an idea count as one idea of their own.
  static func fullestIdea(
    among candidates: [Int], bag: [Int], ideas: (Int) -> String?, using generator: inout some RandomNumberGenerator
  ) -> Int {
    var left: [String: Int] = [:]
    for index in bag { left[ideas(index) ?? "", default: 0] += 1 }
    var byIdea: [String: [Int]] = [:]
    for index in candidates { byIdea[ideas(index) ?? "", default: []].append(index) }
    let most = byIdea.keys.map { left[$0] ?? 0 }.max()!
    let fullest = byIdea.keys.filter { (left[$0] ?? 0) == most }.sorted()
    let idea = fullest.randomElement(using: &generator)!
    return byIdea[idea]!.randomElement(using: &generator)!
  }
}

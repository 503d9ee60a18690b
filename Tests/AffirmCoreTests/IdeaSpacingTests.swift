import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("picking keeps ideas apart", .timeLimit(.minutes(2)))
struct IdeaSpacingTests {
  @Test("a pool too large to drain idea by idea still never picks tonight's ideas", arguments: 0..<20)
  func largePoolProbes(seed: UInt64) throws {
    let ideas = ["waves", "safety", "coach"]
    let count = IdeaSpacing.balancedPoolLimit + 1_000
    let ids = (0..<count).map { EntryID(rawValue: UInt64($0) + 1) }
    var generator = SplitMix64(seed: seed)
    var readHistory = false
    let pick = try #require(
      ShuffleBag.pick(
        ids: ids, ideas: { ideas[$0 % 3] }, isFresh: { _ in true }, recentIdeas: { ["waves", "safety"] },
        history: {
          readHistory = true
          return ShuffleBag.History(
            shownThisCycle: [], lastShown: nil, onCooldown: [], recentIdeas: ["waves", "safety"])
        }, using: &generator))
    #expect(ideas[pick.index % 3] == "coach")
    #expect(!readHistory, "a large pool with fresh lines answers from its probes")
  }

  @Test("a small pool drains the idea with the most lines left first")
  func smallPoolDrainsFullestIdea() throws {
    // Ten lines of "waves", two of "coach": the first picks all come from "waves".
    let ideas = Array(repeating: "waves", count: 10) + ["coach", "coach"]
    let ids = ideas.indices.map { EntryID(rawValue: UInt64($0) + 1) }
    var shown: Set<EntryID> = []
    var generator = SplitMix64(seed: 7)
    for _ in 0..<8 {
      let pick = try #require(
        ShuffleBag.pick(
          ids: ids, ideas: { ideas[$0] }, isFresh: { !shown.contains($0) },
          history: { ShuffleBag.History(shownThisCycle: shown, lastShown: nil, onCooldown: []) },
          using: &generator))
      #expect(ideas[pick.index] == "waves")
      shown.insert(ids[pick.index])
    }
  }
}

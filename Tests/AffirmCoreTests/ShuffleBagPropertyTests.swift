import Foundation
import PropertyBased
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("properties of the shuffle bag", .timeLimit(.minutes(3)))
struct ShuffleBagPropertyTests {
  /// ids, what was shown this cycle, the last shown, what is on cooldown, and a seed.
  struct BagCase: Sendable, CustomTestStringConvertible {
    var ids: [EntryID]
    var shown: Set<EntryID>
    var last: EntryID?
    var cooldown: Set<EntryID>
    var seed: UInt64
    var testDescription: String {
      let name = { (id: EntryID) in "e\(id.rawValue)" }
      return "ids \(ids.map(name)), shown \(shown.map(name).sorted()), last \(last.map(name) ?? "none"), "
        + "cooldown \(cooldown.map(name).sorted()), seed \(seed)"
    }
    func isFresh(_ id: EntryID) -> Bool { !shown.contains(id) && !cooldown.contains(id) }
    func history() -> ShuffleBag.History {
      ShuffleBag.History(shownThisCycle: shown, lastShown: last, onCooldown: cooldown)
    }
  }

  static let cases = zip(
    Gen.int(in: 1...12), Gen.int(in: 0...4095), Gen.int(in: 0...12), Gen.int(in: 0...4095), Gen.uint64()
  ).map { drawn in
    let (count, shownBits, lastIndex, cooldownBits, seed) = drawn
    let ids = (0..<count).map { EntryID(rawValue: UInt64($0 + 1)) }
    return BagCase(
      ids: ids, shown: Set(ids.indices.filter { shownBits & (1 << $0) != 0 }.map { ids[$0] }),
      last: lastIndex < count ? ids[lastIndex] : nil,
      cooldown: Set(ids.indices.filter { cooldownBits & (1 << $0) != 0 }.map { ids[$0] }), seed: seed)
  }

  @Test(
    "one pick: from the bag while it holds anything; a new bag only when empty, not starting with the last; cooldown waits"
  )
  func onePick() async {
    await propertyCheck(count: 1000, input: Self.cases) { c in
      var generator = SplitMix64(seed: c.seed)
      let pick = try #require(
        ShuffleBag.pick(ids: c.ids, isFresh: c.isFresh, history: c.history, using: &generator))
      let chosen = c.ids[pick.index]
      let bag = c.ids.filter { !c.shown.contains($0) }
      #expect(pick.startsNewCycle == bag.isEmpty)
      let candidates = bag.isEmpty ? (c.ids.count > 1 ? c.ids.filter { $0 != c.last } : c.ids) : bag
      #expect(candidates.contains(chosen))
      if c.cooldown.contains(chosen) {
        #expect(candidates.allSatisfy(c.cooldown.contains), "an entry on cooldown while a rested one was left")
      }
      var again = SplitMix64(seed: c.seed)
      let repeated = ShuffleBag.pick(ids: c.ids, isFresh: c.isFresh, history: c.history, using: &again)
      #expect(repeated?.index == pick.index)
    }
  }
}

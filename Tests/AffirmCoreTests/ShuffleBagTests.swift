import Foundation
import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("the shuffle bag, over many seeds", .timeLimit(.minutes(3)))
struct ShuffleBagTests {
  @Test("no entry repeats within a bag, and the bag boundary never repeats back to back", arguments: 0..<40)
  func noRepeatWithinBag(seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    let pool = entries(Int(seed % 9) + 2)
    var shown: Set<EntryID> = []
    var last: EntryID?
    var sequence: [EntryID] = []
    for _ in 0..<(pool.count * 5) {
      let pick = ShuffleBag.pick(from: pool, shownThisCycle: shown, lastShown: last, using: &generator)!
      if pick.startsNewCycle { shown = [] }
      #expect(!shown.contains(pick.entry.id))
      #expect(pick.entry.id != last)
      shown.insert(pick.entry.id)
      last = pick.entry.id
      sequence.append(pick.entry.id)
    }
    // Every window of pool.count picks aligned to a cycle holds each entry once.
    for cycle in stride(from: 0, to: sequence.count, by: pool.count) {
      #expect(Set(sequence[cycle..<min(cycle + pool.count, sequence.count)]).count == pool.count)
    }
  }

  @Test("the order differs between bags (random per draw)")
  func orderVaries() {
    var generator = SplitMix64(seed: 3)
    let pool = entries(8)
    var shown: Set<EntryID> = []
    var last: EntryID?
    var cycles: [[EntryID]] = [[]]
    for _ in 0..<80 {
      let pick = ShuffleBag.pick(from: pool, shownThisCycle: shown, lastShown: last, using: &generator)!
      if pick.startsNewCycle {
        shown = []
        cycles.append([])
      }
      shown.insert(pick.entry.id)
      last = pick.entry.id
      cycles[cycles.count - 1].append(pick.entry.id)
    }
    #expect(Set(cycles.filter { $0.count == 8 }).count > 5)
  }

  @Test("cooldown: a recently shown entry waits while any other is eligible")
  func cooldown() {
    var generator = SplitMix64(seed: 1)
    let pool = entries(3)
    for _ in 0..<50 {
      let pick = ShuffleBag.pick(
        from: pool, shownThisCycle: [], lastShown: nil, onCooldown: [pool[0].id, pool[1].id], using: &generator)!
      #expect(pick.entry == pool[2])
    }
    let all = ShuffleBag.pick(
      from: pool, shownThisCycle: [], lastShown: nil, onCooldown: Set(pool.map(\.id)), using: &generator)
    #expect(all != nil)
  }

  @Test("a single eligible entry is shown every time")
  func single() {
    var generator = SplitMix64(seed: 1)
    let pool = entries(1)
    let pick = ShuffleBag.pick(from: pool, shownThisCycle: [pool[0].id], lastShown: pool[0].id, using: &generator)
    #expect(pick?.entry == pool[0])
  }
}

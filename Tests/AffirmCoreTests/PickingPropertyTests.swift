import Foundation
import PropertyBased
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// One step of a run of sends against a real state database.
enum BagStep: Sendable, Equatable, CustomStringConvertible {
  /// A send through the bag of every entry (`t`) or of the entries also tagged `u`; shown or failed.
  case send(narrow: Bool, shown: Bool)
  /// The corpus loses one of its entries (never its last).
  case remove(Int)
  /// The corpus gains the next new entry.
  case add
  /// Hours pass (so a cooldown runs out).
  case wait(hours: Int)

  var description: String {
    switch self {
    case .send(let narrow, let shown): "send(\(narrow ? "u" : "t")\(shown ? "" : ", fails"))"
    case .remove(let index): "remove(\(index))"
    case .add: "add"
    case .wait(let hours): "wait(\(hours)h)"
    }
  }
}

struct BagRun: Sendable, CustomTestStringConvertible {
  var initial: Int
  var cooldownHours: Int
  var steps: [BagStep]
  var seed: UInt64
  var testDescription: String {
    "\(initial) entries, cooldown \(cooldownHours)h, seed \(seed), steps \(steps)"
  }
}

@Suite("properties of picking through the state database", .serialized, .timeLimit(.minutes(3)))
struct PickingPropertyTests {
  static let steps = zip(Gen.int(in: 0...9), Gen.int(in: 0...15)).map { kind, parameter -> BagStep in
    switch kind {
    case 0...4: .send(narrow: false, shown: true)
    case 5: .send(narrow: true, shown: true)
    case 6: .send(narrow: parameter % 2 == 1, shown: false)
    case 7: .remove(parameter)
    case 8: .add
    default: .wait(hours: parameter)
    }
  }

  static let runs = zip(Gen.int(in: 1...8), Gen.int(in: 0...6), Self.steps.array(of: 1...40), Gen.uint64())
    .map { drawn in BagRun(initial: drawn.0, cooldownHours: drawn.1, steps: drawn.2, seed: drawn.3) }

  /// Every entry that may ever join the corpus; those at multiples of 3 also carry `u`.
  static let pool = (0..<60).map {
    Affirmation(
      text: "entry \($0)", tags: $0 % 3 == 0 ? ["t", "u"] : ["t"], location: SourceLocation(file: "c", line: $0))
  }

  /// Runs the steps against a fresh database and checks each pick against the rules of the
  /// bag, kept here independently of the store: a bag's cycle is the deliveries since it last
  /// began afresh, and any delivery (through either bag) counts as shown in both. Returns the
  /// texts picked, in order.
  static func check(_ run: BagRun) throws -> [String] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-prop-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try StateStore.open(
      path: directory.path + "/state.sqlite", now: Instant(seconds: 1_800_000_000), logger: quietLogger)
    var generator = SplitMix64(seed: run.seed)
    var corpus = Array(0..<run.initial)  // indices into the pool, ascending
    var nextNew = run.initial
    var now = Instant(seconds: 1_800_000_000)
    let cooldown = run.cooldownHours == 0 ? nil : Span(seconds: Int64(run.cooldownHours) * 3600)
    var delivered: [(entry: EntryID, at: Instant)] = []
    var cycleStart: [Bool: Int] = [false: 0, true: 0]  // per bag: index into `delivered` where its cycle began
    var picked: [String] = []

    for step in run.steps {
      switch step {
      case .remove(let index):
        if corpus.count > 1 { corpus.remove(at: index % corpus.count) }
      case .add:
        corpus.append(nextNew)
        nextNew += 1
      case .wait(let hours):
        now = now.adding(seconds: Int64(hours) * 3600)
      case .send(let narrow, let shown):
        let entries = corpus.map { pool[$0] }
        let eligible = entries.filter { !narrow || $0.tags.contains("u") }.map(\.id)
        guard !eligible.isEmpty else { continue }
        let catalog = Corpus(files: [CorpusFile(path: "c", entries: entries, diagnostics: [])])
        let positions = try TagSelection(narrow ? ["u"] : ["t"]).eligiblePositions(in: catalog)
        let reservation = try store.reserve(
          from: catalog, positions: positions, tags: narrow ? ["u"] : ["t"], source: .send, now: now,
          milestoneHours: Instant(seconds: 0)..<Instant(seconds: 4_000_000_000), cooldown: cooldown, using: &generator)
        let chosen = reservation.entry.id
        picked.append(reservation.entry.text)

        // The rules, from the record of what was shown.
        let inCycle = Set(delivered[cycleStart[narrow]!...].map(\.entry))
        let bag = eligible.filter { !inCycle.contains($0) }
        let last = delivered.last?.entry
        let candidates = bag.isEmpty ? (eligible.count > 1 ? eligible.filter { $0 != last } : eligible) : bag
        #expect(eligible.contains(chosen))
        #expect(candidates.contains(chosen), "picked \(reservation.entry.text) again before its bag was empty")
        // A line rests for the cooldown, and through the night whatever the cooldown.
        let since = now.seconds - max(Int64(cooldown?.seconds ?? 0), IdeaSpacing.window)
        let onCooldown = Set(delivered.filter { $0.at.seconds > since }.map(\.entry))
        if onCooldown.contains(chosen) {
          #expect(candidates.allSatisfy(onCooldown.contains), "\(reservation.entry.text) came off cooldown too early")
        }
        try store.complete(reservation, failure: shown ? nil : "the server said no")
        if bag.isEmpty { cycleStart[narrow] = delivered.count }
        if shown { delivered.append((chosen, now)) }
        now = now.adding(seconds: 60)
      }
    }
    return picked
  }

  @Test("no entry twice in a bag, across a corpus that shrinks and grows, failed sends, two bags and a cooldown")
  func noRepeatWithinABag() async {
    await propertyCheck(count: 150, input: Self.runs) { run in
      _ = try Self.check(run)
    }
  }

  @Test("the same seed and steps pick the same entries")
  func sameSeedSamePicks() async {
    await propertyCheck(count: 40, input: Self.runs) { run in
      let first = try Self.check(run)
      let second = try Self.check(run)
      #expect(first == second)
    }
  }
}

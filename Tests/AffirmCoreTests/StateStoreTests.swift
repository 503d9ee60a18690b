import Foundation
import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("state in a real SQLite file", .serialized, .timeLimit(.minutes(3)))
struct StateStoreTests {
  func deliverAll(_ store: StateStore, _ pool: [Affirmation], count: Int, seed: UInt64, tags: [String] = ["t"]) throws
    -> [String]
  {
    var generator = SplitMix64(seed: seed)
    var texts: [String] = []
    for index in 0..<count {
      let now = Instant(seconds: 1_800_000_000 + Int64(index) * 60)
      let reservation = try store.reserve(
        from: catalog(pool), positions: .all(pool.count), tags: tags, source: .send, now: now,
        milestoneHours: Instant(seconds: 0)..<Instant(seconds: 4_000_000_000), cooldown: nil, using: &generator
      )
      try store.complete(reservation, failure: nil)
      texts.append(reservation.entry.text)
    }
    return texts
  }

  @Test("no repeat within the bag across many deliveries, over several seeds", arguments: [1, 2, 3, 4, 5] as [UInt64])
  func noRepeats(seed: UInt64) throws {
    let (store, _) = try temporaryStore()
    let pool = entries(7)
    let texts = try deliverAll(store, pool, count: 35, seed: seed)
    for cycle in stride(from: 0, to: 35, by: 7) {
      #expect(Set(texts[cycle..<cycle + 7]).count == 7)
    }
    #expect(zip(texts, texts.dropFirst()).allSatisfy { $0 != $1 })
  }

  @Test("a corpus that grows or shrinks adapts without error")
  func growAndShrink() throws {
    let (store, _) = try temporaryStore()
    let pool = entries(6)
    let first = try deliverAll(store, pool, count: 3, seed: 9)
    // Shrink to entries not yet shown plus one shown: the bag holds only the unshown ones.
    let shrunk = pool.filter { !first.contains($0.text) }
    let next = try deliverAll(store, shrunk, count: shrunk.count, seed: 10)
    #expect(Set(next) == Set(shrunk.map(\.text)))
    // Grow: new entries join the current bag at once.
    let grown = pool + entries(3, prefix: "new")
    let after = try deliverAll(store, grown, count: 3, seed: 11)
    #expect(Set(after) == Set(["new 0", "new 1", "new 2"]))
  }

  @Test("a failed delivery does not count as shown; a pending one holds its entry")
  func failedDeliveries() throws {
    let (store, _) = try temporaryStore()
    let pool = entries(2)
    var generator = SplitMix64(seed: 1)
    let first = try store.reserve(
      from: catalog(pool), positions: .all(pool.count), tags: ["t"], source: .send,
      now: Instant(seconds: 1_800_000_000), milestoneHours: Instant(seconds: 0)..<Instant(seconds: 4_000_000_000),
      cooldown: nil,
      using: &generator)
    // While the first is pending, a concurrent send gets the other entry.
    let second = try store.reserve(
      from: catalog(pool), positions: .all(pool.count), tags: ["t"], source: .send,
      now: Instant(seconds: 1_800_000_001), milestoneHours: Instant(seconds: 0)..<Instant(seconds: 4_000_000_000),
      cooldown: nil,
      using: &generator)
    #expect(first.entry != second.entry)
    #expect(first.marksMilestone && !second.marksMilestone)
    try store.complete(first, failure: "no notification server")
    try store.complete(second, failure: nil)
    let history = try store.history(since: nil)
    #expect(history.count == 2)
    #expect(try store.deliveredCount() == 1)
  }

  @Test("deliveries left pending by a process that died are closed as failed: a slot's at once, a send's when old")
  func interruptedDeliveries() throws {
    let (store, _) = try temporaryStore()
    let pool = entries(4)
    var generator = SplitMix64(seed: 2)
    func reserve(_ source: DeliverySource, at seconds: Int64) throws -> Reservation {
      try store.reserve(
        from: catalog(pool), positions: .all(pool.count), tags: ["t"], source: source,
        now: Instant(seconds: seconds), milestoneHours: Instant(seconds: 0)..<Instant(seconds: 4_000_000_000),
        cooldown: nil, using: &generator)
    }
    let now: Int64 = 1_800_000_000
    _ = try reserve(.slot("morning"), at: now - 5)
    _ = try reserve(.send, at: now - 600)
    _ = try reserve(.send, at: now - 5)  // may still be waiting for the server
    try store.complete(try reserve(.sos, at: now - 700), failure: nil)
    #expect(try store.closeInterrupted(now: Instant(seconds: now)) == 2)
    let statuses = try store.history(since: nil).compactMap { item -> String? in
      guard case .delivery(let source, _, _, let status, let reason) = item.kind else { return nil }
      return "\(source) \(status) \(reason == StateStore.interruptedReason)"
    }
    #expect(
      statuses.sorted() == ["send failed true", "send pending false", "slot failed true", "sos delivered false"])
    #expect(try store.closeInterrupted(now: Instant(seconds: now)) == 0)
  }

  @Test("delivery statuses are the text every earlier affirm wrote: its rows read and count alike")
  func deliveryStatusText() throws {
    #expect(DeliveryStatus.allCases.map(\.rawValue) == ["pending", "delivered", "failed"])
    let (store, _) = try temporaryStore()
    // Rows as an earlier affirm wrote them, the status as literal text.
    try store.executeForTesting(
      """
      INSERT INTO delivery (at, source, bag, entry, body, status, reason) VALUES
        (1799999000, 'send', 'all', 'a', 'one', 'delivered', NULL),
        (1799999001, 'send', 'all', 'b', 'two', 'failed', 'gone'),
        (1799999002, 'send', 'all', 'c', 'three', 'delivered', NULL)
      """)
    #expect(try store.deliveredCount() == 2)
    #expect(try store.recentOutcomes(limit: 5).map(\.failed) == [false, true, false])
    // Rows written now hold the same text.
    let pool = entries(3)
    var generator = SplitMix64(seed: 3)
    let reservation = try store.reserve(
      from: catalog(pool), positions: .all(pool.count), tags: ["t"], source: .send,
      now: Instant(seconds: 1_800_000_000), milestoneHours: nil, cooldown: nil, using: &generator)
    func newest() throws -> String? {
      try store.history(since: nil).compactMap { item -> String? in
        guard case .delivery(_, _, _, let status, _) = item.kind else { return nil }
        return status
      }.first
    }
    #expect(try newest() == "pending")
    try store.complete(reservation, failure: nil)
    #expect(try newest() == "delivered")
    #expect(try store.deliveredCount() == 3)
  }

  @Test(
    "a pick probing the database one entry at a time equals the pick over the whole history",
    arguments: [(0, false), (6, true), (9, true), (10, false), (13, false), (16, true)])
  func probesAgreeWithFullHistory(deliveries: Int, someFail: Bool) throws {
    let (store, _) = try temporaryStore()
    let pool = entries(10)
    let now = Instant(seconds: 1_800_000_000)
    var generator = SplitMix64(seed: 99)
    // The history as the bag sees it, kept here independently of the database.
    var shownThisCycle: Set<EntryID> = []
    var lastShown: EntryID?
    // Lines shown tonight rest whatever the cooldown (`IdeaSpacing.window`); an hour's cooldown is shorter.
    var shownTonight: Set<EntryID> = []
    for index in 0..<deliveries {
      // One every ten minutes, the last six within the hour before `now`.
      let at = Instant(seconds: now.seconds - 10 * 600 + Int64(index) * 600)
      if shownThisCycle.count == pool.count { shownThisCycle = [] }  // this pick starts a new cycle
      let reservation = try store.reserve(
        from: catalog(pool), positions: .all(pool.count), tags: ["t"], source: .send, now: at,
        milestoneHours: Instant(seconds: 0)..<Instant(seconds: 4_000_000_000), cooldown: nil, using: &generator)
      // Every third one failed (when some fail), so it does not count as shown. A full bag
      // makes every probe miss and the pick read the whole history; past ten deliveries a
      // new cycle begins, and entries of the last one are still on cooldown.
      let failed = someFail && index % 3 == 2
      try store.complete(reservation, failure: failed ? "no notification server" : nil)
      guard !failed else { continue }
      shownThisCycle.insert(reservation.entry.id)
      lastShown = reservation.entry.id
      if at.seconds > now.seconds - IdeaSpacing.window { shownTonight.insert(reservation.entry.id) }
    }
    for seed in 0..<50 as Range<UInt64> {
      for cooldown in [nil, Span(seconds: 3_600)] {
        var probing = SplitMix64(seed: seed)
        let previewed = try store.preview(
          from: catalog(pool), positions: .all(pool.count), tags: ["t"], now: now, cooldown: cooldown,
          using: &probing)
        var whole = SplitMix64(seed: seed)
        let expected = ShuffleBag.pick(
          from: pool, shownThisCycle: shownThisCycle, lastShown: lastShown,
          onCooldown: shownTonight, using: &whole)
        #expect(previewed == expected?.entry, "seed \(seed), cooldown \(String(describing: cooldown))")
      }
    }
  }

  @Test("urges, resets and marks round-trip")
  func journal() throws {
    let (store, _) = try temporaryStore()
    try store.recordUrge(at: Instant(seconds: 100), note: "the hey text")
    try store.recordReset(to: LocalDate(iso: "2026-11-20")!, at: Instant(seconds: 200))
    try store.saveMarks(["morning": Instant(seconds: 300)])
    try store.saveMarks(["morning": Instant(seconds: 400), "late": Instant(seconds: 5)])
    #expect(try store.urgeInstants() == [Instant(seconds: 100)])
    #expect(try store.resets().map(\.started) == [LocalDate(iso: "2026-11-20")!])
    #expect(try store.marks() == ["morning": Instant(seconds: 400), "late": Instant(seconds: 5)])
  }

  @Test("files are private: the directory 0700, the database 0600")
  func permissions() throws {
    let (_, path) = try temporaryStore()
    let directory = String(path[..<path.lastIndex(of: "/")!])
    let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    let directoryMode = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
    #expect(fileMode == 0o600)
    #expect(directoryMode == 0o700)
  }

  @Test(
    "a file that is not SQLite, a truncated one, or a newer schema is moved aside, never deleted",
    arguments: ["garbage", "truncated", "future"])
  func unusableDatabases(kind: String) throws {
    let path = try {
      let (store, path) = try temporaryStore()
      try store.recordUrge(at: Instant(seconds: 1), note: "kept")
      return path
    }()
    switch kind {
    case "garbage":
      try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
      try? FileManager.default.removeItem(atPath: path + "-wal")
      try? FileManager.default.removeItem(atPath: path + "-shm")
    case "truncated":
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      try bytes.prefix(100).write(to: URL(fileURLWithPath: path))
      try? FileManager.default.removeItem(atPath: path + "-wal")
      try? FileManager.default.removeItem(atPath: path + "-shm")
    default:
      _ = try runSQLite(path, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
    }
    let reopened = try StateStore.open(path: path, now: Instant(seconds: 1_900_000_000), logger: quietLogger)
    #expect(try reopened.urgeInstants().isEmpty)
    #expect(FileManager.default.fileExists(atPath: path + ".corrupt-1900000000"))
  }
}

/// Runs one statement with the sqlite3 library through GRDB's own raw connection.
func runSQLite(_ path: String, _ sql: String) throws -> Bool {
  let store = try StateStore.open(path: path, now: Instant(seconds: 0), logger: quietLogger)
  try store.executeForTesting(sql)
  return true
}

import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("a database from an older affirm, read before anything has migrated it", .timeLimit(.minutes(2)))
struct OlderDatabaseTests {
  @Test("history, stats and status read a pre-v3 database opened read-only: no strength yet, no error")
  func preStrengthDatabase() throws {
    let (store, path) = try temporaryStore()
    try store.recordUrge(at: Instant(seconds: 1_800_000_000), note: "before the upgrade")
    // What an affirm from before the buttons left behind: no strength table, v3 not applied.
    try store.executeForTesting("DROP TABLE strength")
    try store.executeForTesting("DELETE FROM grdb_migrations WHERE identifier = 'v3: strength'")
    let reader = try #require(try StateStore.openReadOnly(path: path))
    #expect(try reader.strengthCount() == 0)
    #expect(try reader.history(since: nil).map(\.kind) == [.urge(note: "before the upgrade")])
    #expect(try reader.pausedUntil(now: Instant(seconds: 1_800_000_000)) == nil)
    // Opened for writing, it migrates and records.
    let writer = try StateStore.open(path: path, now: Instant(seconds: 1_800_000_001), logger: quietLogger)
    try writer.recordStrength(at: Instant(seconds: 1_800_000_001))
    #expect(try writer.strengthCount() == 1)
  }
}

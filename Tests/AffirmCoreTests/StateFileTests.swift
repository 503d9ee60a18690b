import Foundation
import Logging
import Testing

@testable import AffirmCore

@Suite("the state database's files: moved aside uniquely, opened by many at once")
struct StateFileTests {
  /// A directory for a damaged database, removed when the test ends.
  final class DamagedState {
    let directory: String
    var path: String { directory + "/state.sqlite" }

    init() throws {
      directory =
        FileManager.default.temporaryDirectory.appendingPathComponent("affirm-files-\(UUID().uuidString)").path
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func damage(_ byte: UInt8) throws {
      try Data(repeating: byte, count: 4096).write(to: URL(fileURLWithPath: path))
    }

    func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: directory + "/" + name) }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
  }

  @Test("two damaged databases moved aside in the same second get names of their own; nothing is replaced")
  func sameSecond() throws {
    let state = try DamagedState()
    let now = Instant(seconds: 1_900_000_000)
    // Someone's file already has the first name.
    try Data("someone else's".utf8).write(to: URL(fileURLWithPath: state.path + ".corrupt-1900000000"))
    try state.damage(0x41)
    _ = try StateStore.open(path: state.path, now: now, logger: quietLogger)
    try state.damage(0x42)
    _ = try StateStore.open(path: state.path, now: now, logger: quietLogger)
    #expect(state.contents("state.sqlite.corrupt-1900000000") == Data("someone else's".utf8))
    #expect(state.contents("state.sqlite.corrupt-1900000000-2") == Data(repeating: 0x41, count: 4096))
    #expect(state.contents("state.sqlite.corrupt-1900000000-3") == Data(repeating: 0x42, count: 4096))
  }

  @Test("16 threads opening one damaged database at once: moved aside once, all share the fresh one", arguments: 0..<5)
  func concurrentMoveAside(round: Int) async throws {
    let state = try DamagedState()
    try state.damage(0x43)
    let path = state.path
    let urges = try await withThrowingTaskGroup(of: Int.self) { group in
      for index in 0..<16 {
        group.addTask {
          let store = try StateStore.open(path: path, now: Instant(seconds: 1_900_000_000), logger: quietLogger)
          try store.recordUrge(at: Instant(seconds: Int64(index)), note: nil)
          return 1
        }
      }
      return try await group.reduce(0, +)
    }
    #expect(urges == 16)
    let names = try FileManager.default.contentsOfDirectory(atPath: state.directory).filter { $0.contains(".corrupt-") }
    #expect(names == ["state.sqlite.corrupt-1900000000"])
    let store = try StateStore.open(path: path, now: Instant(seconds: 1_900_000_000), logger: quietLogger)
    #expect(try store.urgeInstants().count == 16)
  }

  @Test("a fresh database is created and migrated once however many open it at once", arguments: 0..<5)
  func concurrentCreation(round: Int) async throws {
    let state = try DamagedState()
    let path = state.path
    let opened = try await withThrowingTaskGroup(of: Int.self) { group in
      for index in 0..<16 {
        group.addTask {
          let store = try StateStore.open(path: path, now: Instant(seconds: 1_900_000_000), logger: quietLogger)
          try store.recordUrge(at: Instant(seconds: Int64(index)), note: nil)
          return 1
        }
      }
      return try await group.reduce(0, +)
    }
    #expect(opened == 16)
    let store = try StateStore.open(path: path, now: Instant(seconds: 1_900_000_000), logger: quietLogger)
    #expect(try store.urgeInstants().count == 16)
  }
}

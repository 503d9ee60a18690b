import Foundation
import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("the state database's files: moved aside under names of their own", .timeLimit(.minutes(2)))
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
}

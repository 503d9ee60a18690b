import Foundation
import Testing

/// Faults a user's machine can throw at affirm, through the built binary, a real SQLite file
/// and a real dunst: a daemon killed mid-delivery, a notification server or bus that goes
/// away, two daemons at once, a read-only or full state directory, SIGTERM mid-write. Every
/// test that kills or restarts a notification server or bus uses a private one of its own.
@Suite("faults: crashes, lost servers and buses, full and read-only disks", .serialized)
struct FaultTests {
  @Test("a daemon that created the database keeps its writes when another SQLite client closes it")
  func databaseCreatedByTheDaemon() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[soon]\n\(marker)\n[urge]\nurge \(marker)\n")
    try home.writeSlots([("soon", 3, "soon")])
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("started")
    // A user looks at the database with the sqlite3 shell before the daemon's first delivery;
    // it takes itself for the last connection when it closes unless the daemon holds its locks.
    #expect(try home.query("SELECT COUNT(*) FROM delivery") == "0")
    try home.waitForLog("delivered", timeout: 6)
    let sos = try Affirm.run(["sos", "--corpus", corpus, "--config", home.config], environment: try home.environment())
    #expect(sos.status == 0, "\(sos.stderr)")
    #expect(try home.deliveries().map(\.source).sorted() == ["slot", "sos"])
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 2) == 0)
    #expect(try home.deliveries().map(\.source).sorted() == ["slot", "sos"])
    #expect(try home.integrityCheck() == "ok")
  }

  @Test("two daemons started at once, 50 times: one keeps running, the other exits 75 naming its pid")
  func twoDaemonsAtOnce() throws {
    let home = try DaemonHome()
    try Config.defaultTextForTests.write(toFile: home.config, atomically: true, encoding: .utf8)
    let corpus = try home.directory.write("c.txt", "[morning]\nm\n[late-night]\nl\n")
    let environment = try home.environment()
    var survivors = 0
    for round in 0..<50 {
      let daemons = try (0..<2).map { index in
        try ChildProcess(
          Affirm.binary, ["run", "--config", home.config, "--corpus", corpus], environment: environment,
          stderr: home.directory.path + "/race-\(round)-\(index).err")
      }
      defer { daemons.forEach { $0.stop() } }
      var exited: Int?
      try waitUntil("one of the two exits", timeout: 10) {
        exited = daemons.indices.first { daemons[$0].wait(timeout: 0) != nil }
        return exited != nil
      }
      let loser = daemons[exited!]
      let winner = daemons[1 - exited!]
      let stderr = try String(contentsOfFile: home.directory.path + "/race-\(round)-\(exited!).err", encoding: .utf8)
      #expect(loser.wait() == 75, "round \(round): \(stderr)")
      #expect(
        stderr
          == "affirm: affirm run is already running (pid \(winner.pid)); stop it first, or send it SIGHUP to reload\n",
        "round \(round)")
      if winner.isRunning { survivors += 1 }
      winner.signal(SIGTERM)
      #expect(winner.wait(timeout: 5) == 0, "round \(round)")
    }
    #expect(survivors == 50)
  }
}

// MARK: - Helpers

/// One row of the state database's delivery table.
struct DeliveryRow: CustomStringConvertible {
  var source: String
  var entry: String
  var body: String
  var status: String
  var reason: String?
  var description: String { "\(source) \(status) \(body) \(reason ?? "")" }
}

extension DaemonHome {
  var database: String { directory.path + "/state/affirm/state.sqlite" }

  /// A config of `at` slots `(name, seconds from now, tag)` in UTC.
  func writeSlots(_ slots: [(String, Int, String)]) throws {
    var text = "timezone = \"UTC\"\n"
    for (name, seconds, tag) in slots {
      text += "[[slot]]\nname = \"\(name)\"\nat = [\"\(utcTime(secondsFromNow: seconds))\"]\ntags = [\"\(tag)\"]\n"
    }
    try text.write(toFile: config, atomically: true, encoding: .utf8)
  }

  /// Runs one statement through the sqlite3 shell; its output, trimmed.
  func query(_ sql: String) throws -> String {
    let result = try runProcess("/usr/bin/sqlite3", ["-bail", database, sql])
    try #require(result.status == 0, "sqlite3: \(result.stderr)")
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func integrityCheck() throws -> String { try query("PRAGMA integrity_check") }

  /// Every delivery row, oldest first (a field separator no body contains).
  func deliveries() throws -> [DeliveryRow] {
    guard FileManager.default.fileExists(atPath: database) else { return [] }
    let result = try runProcess(
      "/usr/bin/sqlite3",
      [
        "-bail", "-separator", "\u{1f}", "-nullvalue", "\u{1e}", database,
        "SELECT source, entry, body, status, reason FROM delivery ORDER BY id",
      ])
    try #require(result.status == 0, "sqlite3: \(result.stderr)")
    return result.stdout.split(separator: "\n").map { line in
      let fields = line.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
      return DeliveryRow(
        source: fields[0], entry: fields[1], body: fields[2], status: fields[3],
        reason: fields.count > 4 && fields[4] != "\u{1e}" ? fields[4] : nil)
    }
  }
}

extension Stack {
  static func dunstrc() throws -> String {
    try #require(environment["AFFIRM_TEST_DUNSTRC"], "run the suite through scripts/test")
  }

  /// The bodies in a dunst `-print` log that contain `marker`.
  static func shown(in log: String, containing marker: String) throws -> [String] {
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return parseDunstLog(text).compactMap { $0["body"] }.filter { $0.contains(marker) }
  }

  /// How many notifications on the suite's shared dunst contain `marker`.
  static func shown(containing marker: String) throws -> Int {
    try shown(in: dunstLog(), containing: marker).count
  }
}

/// Mounts for the disk faults: a read-only bind mount and a small tmpfs. Each test unmounts
/// what it mounted (in a defer, so also when it fails).
enum Mounts {
  /// Whether this machine lets the tests mount (root with CAP_SYS_ADMIN, outside a locked container).
  static let allowed: Bool = {
    guard getuid() == 0, let directory = try? TemporaryDirectory() else { return false }
    guard (try? run(["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory.path]))?.status == 0 else { return false }
    unmount(directory.path)
    return true
  }()

  static func bindReadOnly(_ path: String) throws {
    let bind = try run(["--bind", path, path])
    try #require(bind.status == 0, "mount --bind: \(bind.stderr)")
    let remount = try run(["-o", "remount,bind,ro", path])
    if remount.status != 0 { unmount(path) }
    try #require(remount.status == 0, "mount -o remount,bind,ro: \(remount.stderr)")
  }

  static func tmpfs(_ path: String, size: String) throws {
    let result = try run(["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
    try #require(result.status == 0, "mount -t tmpfs: \(result.stderr)")
  }

  /// Writes zeros to `path` until the file system is full.
  static func fill(_ path: String) {
    _ = try? runProcess("/usr/bin/dd", ["if=/dev/zero", "of=\(path)", "bs=4096"])
  }

  /// Unmounts `path` if something is mounted there; lazily when it is busy.
  static func unmount(_ path: String) {
    guard (try? runProcess("/usr/bin/mountpoint", ["-q", path]))?.status == 0 else { return }
    if (try? runProcess("/usr/bin/umount", [path]))?.status != 0 {
      _ = try? runProcess("/usr/bin/umount", ["-l", path])
    }
  }

  private static func run(_ arguments: [String]) throws -> RunResult {
    try runProcess("/usr/bin/mount", arguments)
  }
}

/// SplitMix64, for moments that must be random but the same on every run.
struct SeededRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

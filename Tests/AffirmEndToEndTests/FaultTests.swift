import AffirmTestSupport
import Foundation
import Testing

/// Faults a user's machine can throw at affirm, through the built binary, a real SQLite file
/// and a real dunst: a daemon killed mid-delivery, a notification server or bus that goes
/// away, two daemons at once, a read-only or full state directory, SIGTERM mid-write. Every
/// test that kills or restarts a notification server or bus uses a private one of its own.
@Suite(
  "faults: crashes, lost servers and buses, full and read-only disks", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
struct FaultTests {
  @Test("a daemon that created the database keeps its writes when another SQLite client closes it")
  func databaseCreatedByTheDaemon() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[soon]\n\(marker)\n[urge]\nurge \(marker)\n")
    try home.writeSlots([("soon", 0, "soon")])
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("started")
    // A user looks at the database with the sqlite3 shell before the daemon's first delivery;
    // it takes itself for the last connection when it closes unless the daemon holds its locks.
    #expect(try home.query("SELECT COUNT(*) FROM delivery") == "0")
    try home.waitForLog("delivered", timeout: fireWait)
    let sos = try Affirm.run(["sos", "--corpus", corpus, "--config", home.config], environment: try home.environment())
    #expect(sos.status == 0, "\(sos.stderr)")
    #expect(try home.deliveries().map(\.source).sorted() == ["slot", "sos"])
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 10) == 0)
    #expect(try home.deliveries().map(\.source).sorted() == ["slot", "sos"])
    #expect(try home.integrityCheck() == "ok")
  }

  @Test("kill -9 while dunst is taking a notification, then a restart: shown once, never twice, the database intact")
  func killedDuringDelivery() throws {
    let home = try DaemonHome()
    let bus = try PrivateBus()
    // dunst reads the default icon inside its Notify handler, before it answers or shows
    // anything: a FIFO there holds it mid-delivery until the test opens and closes the FIFO.
    let icon = home.directory.path + "/icon.png"
    #expect(mkfifo(icon, 0o600) == 0)
    let config = try home.directory.write(
      "dunstrc",
      try String(contentsOfFile: try Stack.dunstrc(), encoding: .utf8).replacingOccurrences(
        of: "[urgency_normal]", with: "[urgency_normal]\n    default_icon = \(icon)"))
    let dunstLog = home.directory.path + "/dunst.log"
    let dunst = try bus.startDunst(config: config, log: dunstLog)
    defer { dunst.stop() }
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[soon]\n\(marker) a\n\(marker) b\n\(marker) c\n")
    try home.writeSlots([("soon", 0, "soon")])
    let first = try home.start(["--corpus", corpus], bus: bus.address)
    defer { first.stop() }
    try home.waitForLog("started")
    try waitUntil("the delivery is under way (reserved, not answered)", timeout: fireWait) {
      try home.deliveries().contains { $0.status == "pending" }
    }
    // dunst has the FIFO open (a non-blocking open for writing succeeds only once a reader has
    // it): it is inside the Notify handler, held there while this end stays open.
    var writer: Int32 = -1
    try waitUntil("dunst is reading the icon", timeout: fireWait) {
      writer = open(icon, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
      return writer >= 0
    }
    #expect(try Stack.shown(in: dunstLog, containing: marker).isEmpty)
    first.signal(SIGKILL)
    #expect(first.wait() == 128 + SIGKILL)

    // Let dunst finish: the FIFO gives way to a plain file, then the blocked read ends.
    try home.directory.write("icon.tmp", "not an image\n")
    #expect(rename(home.directory.path + "/icon.tmp", icon) == 0)
    close(writer)
    try waitUntil("dunst shows the interrupted notification") {
      try Stack.shown(in: dunstLog, containing: marker).count == 1
    }

    let second = try home.start(["--corpus", corpus], bus: bus.address)
    defer { second.stop() }
    try home.waitForLog("started")
    // A repeat would come in the second daemon's first round: once that round has ended, and
    // dunst has logged a notification sent after all of the daemon's, "never twice" is asserted.
    try home.waitForRoundEnd(second)
    second.signal(SIGTERM)
    #expect(second.wait(timeout: 10) == 0)
    try Stack.sentinel(bus: bus.address, log: dunstLog)
    #expect(try Stack.shown(in: dunstLog, containing: marker).count == 1, "log: \(home.log)")
    #expect(home.log.contains("1 earlier delivery was interrupted before the notification server answered"))
    let deliveries = try home.deliveries()
    #expect(deliveries.count == 1)
    #expect(deliveries.allSatisfy { $0.status == "failed" && $0.reason?.hasPrefix("interrupted:") == true })
    #expect(try home.integrityCheck() == "ok")
    let history = try Affirm.run(["history", "--config", home.config], environment: try home.environment())
    #expect(history.status == 0 && history.stdout.contains("interrupted"), "\(history.stderr)")
  }

  @Test(
    "dunst killed and restarted while the daemon runs: the next fire time reaches the new dunst")
  func serverRestarted() throws {
    let home = try DaemonHome()
    let bus = try PrivateBus()
    let firstLog = home.directory.path + "/dunst-1.log"
    let secondLog = home.directory.path + "/dunst-2.log"
    let firstServer = try bus.startDunst(log: firstLog)
    defer { firstServer.stop() }
    let (one, two) = (uniqueMarker(), uniqueMarker())
    let corpus = try home.directory.write("c.txt", "[one]\n\(one)\n[two]\n\(two)\n")
    try home.writeSlots([("one", 0, "one"), ("two", 10, "two")])
    let daemon = try home.start(["--corpus", corpus], bus: bus.address)
    defer { daemon.stop() }
    try waitUntil("the first dunst shows the first slot", timeout: fireWait) {
      try Stack.shown(in: firstLog, containing: one).count == 1
    }
    // dunst logs a notification before its answer reaches the daemon: killed in between, the
    // daemon would rightly record that delivery as failed. Kill it once the daemon has the answer.
    try waitUntil("the daemon logs the first slot delivered", timeout: fireWait) {
      home.log.split(separator: "\n").contains { $0.contains("run: info: delivered") && $0.hasSuffix("slot=one") }
    }
    firstServer.signal(SIGKILL)
    firstServer.wait()
    let secondServer = try bus.startDunst(log: secondLog)
    defer { secondServer.stop() }
    try waitUntil("the new dunst shows the second slot", timeout: fireWait) {
      try Stack.shown(in: secondLog, containing: two).count == 1
    }
    #expect(daemon.isRunning)
    #expect(home.log.components(separatedBy: "run: info: delivered").count == 3, "\(home.log)")
    #expect(try home.deliveries().map(\.status) == ["delivered", "delivered"])
  }

  @Test(
    "the bus gone: logged, no crash; a new bus at the same address and a dunst on it: the next fire time is delivered")
  func busRestarted() throws {
    let home = try DaemonHome()
    let bus = try PrivateBus()
    let firstLog = home.directory.path + "/dunst-1.log"
    let secondLog = home.directory.path + "/dunst-2.log"
    let firstServer = try bus.startDunst(log: firstLog)
    defer { firstServer.stop() }
    let (one, two, three) = (uniqueMarker(), uniqueMarker(), uniqueMarker())
    let corpus = try home.directory.write("c.txt", "[one]\n\(one)\n[two]\n\(two)\n[three]\n\(three)\n")
    try home.writeSlots([("one", 0, "one"), ("two", 10, "two"), ("three", 20, "three")])
    let daemon = try home.start(["--corpus", corpus], bus: bus.address)
    defer { daemon.stop() }
    try waitUntil("the first dunst shows the first slot", timeout: fireWait) {
      try Stack.shown(in: firstLog, containing: one).count == 1
    }
    bus.daemon.signal(SIGKILL)
    bus.daemon.wait()
    firstServer.stop()
    // The second slot fires with no bus at all.
    try home.waitForLog("not delivered", timeout: fireWait)
    #expect(daemon.isRunning)
    try bus.restartBus()
    let secondServer = try bus.startDunst(log: secondLog)
    defer { secondServer.stop() }
    try waitUntil("the new dunst shows the third slot", timeout: fireWait) {
      try Stack.shown(in: secondLog, containing: three).count == 1
    }
    #expect(daemon.isRunning, "log: \(home.log)")
  }

  @Test("two daemons started at once, 50 times: one keeps running, the other exits 75 naming its pid")
  func twoDaemonsAtOnce() throws {
    let home = try DaemonHome()
    try DaemonHome.defaultSlotsInUTC.write(toFile: home.config, atomically: true, encoding: .utf8)
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

  @Test(
    "a state directory on a read-only mount: shown, the error said, exit 75; the database untouched",
    .enabled(if: Mounts.allowed, "this machine refuses mount (tests need root with CAP_SYS_ADMIN)"))
  func readOnlyMount() throws {
    let home = try DaemonHome()
    let state = home.directory.path + "/state/affirm"
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[t]\n\(marker) a\n\(marker) b\n")
    let send = {
      try Affirm.run(["send", "--corpus", corpus, "--config", home.config], environment: try home.environment())
    }
    #expect(try send().status == 0)
    try Mounts.bindReadOnly(state)
    defer { Mounts.unmount(state) }
    #expect(access(state + "/probe", F_OK) != 0 && creat(state + "/probe", 0o600) == -1 && errno == EROFS)
    let result = try send()
    #expect(result.status == 75, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("affirm: shown, but not recorded: "), "\(result.stderr)")
    #expect(try Stack.notification(containing: marker) != nil)
    Mounts.unmount(state)
    #expect(try home.deliveries().count == 1)
    #expect(try home.integrityCheck() == "ok")
  }

  @Test(
    "a full state disk: shown, the error said, exit 75; once there is room again, sends are recorded and nothing is damaged",
    .enabled(if: Mounts.allowed, "this machine refuses mount (tests need root with CAP_SYS_ADMIN)"))
  func fullDisk() throws {
    let home = try DaemonHome()
    let state = home.directory.path + "/state/affirm"
    try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    try Mounts.tmpfs(state, size: "512k")
    defer { Mounts.unmount(state) }
    let marker = uniqueMarker()
    let lines = (0..<6).map { "\(marker) \($0)" }
    let corpus = try home.directory.write("c.txt", "[t]\n" + lines.joined(separator: "\n") + "\n")
    let send = {
      try Affirm.run(["send", "--corpus", corpus, "--config", home.config], environment: try home.environment())
    }
    // Full before the database exists: it cannot be created.
    let filler = state + "/filler"
    try Mounts.fill(filler)
    let full = try send()
    #expect(full.status == 75, "\(full.stderr)")
    #expect(full.stderr.hasPrefix("affirm: shown, but not recorded: "), "\(full.stderr)")
    try waitUntil("shown on a full disk") { try Stack.shown(containing: marker) == 1 }
    // Room again: recorded.
    try FileManager.default.removeItem(atPath: filler)
    #expect(try send().status == 0)
    // Full with a database in use: each send is shown, and none can be recorded (each one's
    // write-ahead log is a new file, and the last connection's was removed when it closed).
    try Mounts.fill(filler)
    for index in 0..<3 {
      let result = try send()
      #expect(result.status == 75, "send \(index) on the full disk: \(result.stderr)")
      #expect(result.stderr.hasPrefix("affirm: shown, but not recorded: "), "\(result.stderr)")
    }
    try waitUntil("all shown on a full disk") { try Stack.shown(containing: marker) == 5 }
    try FileManager.default.removeItem(atPath: filler)
    #expect(try send().status == 0)
    #expect(try home.integrityCheck() == "ok")
    let deliveries = try home.deliveries()
    #expect(deliveries.count == 2, "\(deliveries)")
    #expect(deliveries.allSatisfy { $0.status == "delivered" })
  }

  /// The fake server holds every Notify unanswered (`--never-answer Notify`), so each send
  /// and sos is stopped at the same point: its row reserved as pending, the server taking its
  /// notification. SIGTERM comes once the server holds that process's call, well inside the
  /// 2.5 s a one-shot command waits for an answer.
  @Test(
    "SIGTERM to 40 sends and sos held inside Notify: each exits 143, its row stays pending and is later closed as interrupted; integrity_check ok"
  )
  func terminatedMidWrite() throws {
    let server = try FakeServer(capabilities: ["body"], neverAnswer: ["Notify"])
    let home = server.home
    let marker = uniqueMarker()
    let lines = (0..<50).map { "\(marker) \($0)" }
    let urges = (0..<10).map { "urge \(marker) \($0)" }
    let corpus = try home.directory.write(
      "c.txt", "[t]\n" + lines.joined(separator: "\n") + "\n[urge]\n" + urges.joined(separator: "\n") + "\n")
    let environment = try home.environment(bus: server.bus.address)
    var sosRuns = 0
    for index in 0..<40 {
      let sos = index % 4 == 3
      sosRuns += sos ? 1 : 0
      let arguments =
        sos
        ? ["sos", "--note", "n\(index)", "--corpus", corpus, "--config", home.config]
        : ["send", "--tag", "t", "--corpus", corpus, "--config", home.config]
      let child = try ChildProcess(Affirm.binary, arguments, environment: environment)
      defer { child.stop() }
      try waitUntil("the server holds call \(index + 1), from \(arguments[0])", timeout: 10) {
        server.held.count == index + 1
      }
      #expect(server.held[index]["pid"] as? Int == Int(child.pid))
      child.signal(SIGTERM)
      #expect(child.wait() == 128 + SIGTERM, "\(arguments[0]) \(index)")
    }
    #expect(server.calls.isEmpty)
    #expect(try home.integrityCheck() == "ok")
    let held = server.held.compactMap { $0["body"] as? String }
    let rows = try home.deliveries()
    // One row per process, for the line the server was taking, still pending.
    #expect(rows.map(\.body).sorted() == held.sorted())
    #expect(rows.count == 40 && rows.allSatisfy { $0.status == "pending" && $0.reason == nil }, "\(rows)")
    #expect(rows.count { $0.source == "sos" } == sosRuns && rows.count { $0.source == "send" } == 40 - sosRuns)
    #expect(Set(held).count == 40 && held.allSatisfy { lines.contains($0) || urges.contains($0) })
    // sos notes the urge before it shows anything.
    #expect(try home.query("SELECT COUNT(*) FROM urge") == "\(sosRuns)")
    let history = try Affirm.run(["history", "--json", "--config", home.config], environment: environment)
    #expect(history.status == 0, "\(history.stderr)")
    // Every row shows in history, pending ones included.
    let items = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
    #expect(items.count { $0["kind"] as? String == "delivery" } == 40)

    // Three minutes later (the rows made older than the two minutes any send can take), the
    // next writing command closes them all as failed, "interrupted", with one log line.
    _ = try home.query("UPDATE delivery SET at = at - 180")
    let resume = try Affirm.run(["resume", "--config", home.config], environment: environment)
    #expect(resume.status == 0, "\(resume.stderr)")
    #expect(
      resume.stderr.contains(
        "40 earlier deliveries were interrupted before the notification server answered; recorded as failed"),
      "\(resume.stderr)")
    let closed = try home.deliveries()
    #expect(closed.count == 40)
    #expect(
      closed.allSatisfy {
        $0.status == "failed"
          && $0.reason == "interrupted: affirm ended before the notification server answered (it may have been shown)"
      }, "\(closed)")
    #expect(try home.integrityCheck() == "ok")
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

  /// Writes zeros to `path` until the file system is full, and checks that not one block is
  /// left (statvfs), so that no test passes on a disk that never filled.
  static func fill(_ path: String) throws {
    _ = try runProcess("/usr/bin/dd", ["if=/dev/zero", "of=\(path)", "bs=4096"])
    var info = statvfs()
    try #require(statvfs(path, &info) == 0, "statvfs \(path): \(String(cString: strerror(errno)))")
    try #require(info.f_bavail == 0 && info.f_bfree == 0, "\(info.f_bavail) blocks still free after filling \(path)")
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

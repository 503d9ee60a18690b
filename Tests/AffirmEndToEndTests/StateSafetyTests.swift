import AffirmTestSupport
import Foundation
import Testing

/// The state database as a hostile or unlucky user leaves it: unreadable, damaged, edited by
/// hand, reached through a symlink, in a directory others may write, raced by first processes.
@Suite("state: unreadable, refused, raced and hand-edited databases", .serialized, .timeLimit(.minutes(10)))
struct StateSafetyTests {
  /// A home whose commands need no bus: pause, status, history, stats, reset.
  struct Home {
    let home: DaemonHome
    var directory: TemporaryDirectory { home.directory }
    var stateDirectory: String { home.directory.path + "/state/affirm" }
    var database: String { stateDirectory + "/state.sqlite" }

    init() throws { home = try DaemonHome() }

    var environment: [String: String] {
      [
        "HOME": directory.path, "XDG_STATE_HOME": directory.path + "/state",
        "XDG_RUNTIME_DIR": directory.path + "/runtime", "PATH": "/usr/bin:/bin", "TZ": "UTC",
      ]
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RunResult {
      try Affirm.run(arguments + ["--config", home.config], environment: environment.merging(extra) { $1 })
    }

    /// Runs `affirm` as nobody (uid 65534) through setpriv: permissions then bind as they do for a user.
    func runUnprivileged(_ arguments: [String]) throws -> RunResult {
      try Affirm.runDroppingRoot(arguments + ["--config", home.config], environment: environment)
    }

    /// `affirm run` that must end by itself: stopped after `timeout` seconds if it does not.
    func runBriefly(_ arguments: [String], timeout: Double = 10) throws -> RunResult {
      let output = try TemporaryDirectory()
      let child = try ChildProcess(
        Affirm.binary, ["run", "--config", home.config] + arguments, environment: environment,
        stdout: output.path + "/out", stderr: output.path + "/err")
      let status = child.wait(timeout: timeout)
      child.stop()
      return RunResult(
        status: status ?? -1, stdout: "",
        stderr: (try? String(contentsOfFile: output.path + "/err", encoding: .utf8)) ?? "", seconds: 0)
    }

    func query(_ sql: String, database: String? = nil) throws -> String {
      let result = try runProcess("/usr/bin/sqlite3", ["-bail", database ?? self.database, sql])
      try #require(result.status == 0, "sqlite3: \(result.stderr)")
      return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }

  static let canDropPrivileges = Affirm.canDropPrivileges

  // MARK: - 3 and 16: read-only commands never guess

  @Test("status, history and stats given a file that is not SQLite: they say the state cannot be read, exit 75")
  func notADatabase() throws {
    let home = try Home()
    #expect(try home.run(["history"]).stdout == "nothing yet\n")
    #expect(try home.run(["history"]).status == 0)
    try FileManager.default.createDirectory(atPath: home.stateDirectory, withIntermediateDirectories: true)
    try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: home.database))
    for command in ["status", "history", "stats"] {
      let result = try home.run([command])
      #expect(result.status == 75, "\(command): \(result.stdout)")
      #expect(result.stdout.isEmpty, "\(command): \(result.stdout)")
      #expect(
        result.stderr == "affirm: the state cannot be read from \(home.database): file is not a database\n",
        "\(command)")
    }
    // Read-only commands leave the file where it is, for a writing one to move aside.
    #expect(try Data(contentsOf: URL(fileURLWithPath: home.database)) == Data(repeating: 0x42, count: 4096))
  }

  @Test("a database damaged past its first page: status, history and stats report it and exit 75, never a guess")
  func damagedTable() throws {
    let home = try Home()
    #expect(try home.run(["reset", "--date", "2026-11-01"]).status == 0)
    #expect(try home.run(["pause", "2h"]).status == 0)
    // The streak table's page overwritten: the file still opens, and its header and schema read.
    let pageSize = try #require(Int(try home.query("PRAGMA page_size")))
    let page = try #require(Int(try home.query("SELECT rootpage FROM sqlite_master WHERE name = 'streak'")))
    let file = try #require(FileHandle(forWritingAtPath: home.database))
    try file.seek(toOffset: UInt64((page - 1) * pageSize))
    try file.write(contentsOf: Data(repeating: 0x42, count: pageSize))
    try file.close()
    for command in ["status", "history", "stats"] {
      let result = try home.run([command])
      #expect(result.status == 75, "\(command): \(result.stdout)")
      #expect(!result.stdout.contains("nothing yet") && !result.stdout.contains("No day count"), "\(command)")
      #expect(
        result.stderr == "affirm: cannot use the state database \(home.database): database disk image is malformed\n",
        "\(command): \(result.stderr)")
    }
  }

  @Test(
    "a read-only state directory with no -shm file: status, history and stats say so and exit 75, never \"Not paused.\"",
    .enabled(if: canDropPrivileges || getuid() != 0, "needs setpriv to drop root's privileges"))
  func readOnlyDirectory() throws {
    let home = try Home()
    #expect(try home.run(["pause", "2h"]).status == 0)
    // The last connection removed -wal and -shm; a reader must now create -shm, and cannot.
    #expect(!FileManager.default.fileExists(atPath: home.database + "-shm"))
    let asUser = getuid() == 0
    if asUser {
      #expect(chown(home.stateDirectory, 65534, 65534) == 0 && chown(home.database, 65534, 65534) == 0)
    }
    chmod(home.stateDirectory, 0o500)
    defer { chmod(home.stateDirectory, 0o700) }
    for command in ["status", "history", "stats"] {
      let result = try asUser ? home.runUnprivileged([command]) : home.run([command])
      #expect(result.status == 75, "\(command): \(result.stdout) \(result.stderr)")
      #expect(!result.stdout.contains("Not paused."))
      #expect(!result.stdout.contains("nothing yet"))
      #expect(result.stderr.hasPrefix("affirm: the state cannot be read from \(home.database): "), "\(result.stderr)")
    }
  }

  // MARK: - 4: any number of first processes

  /// Each round starts from an empty state directory and sends 20 notifications at once to
  /// the fake server (dunst stalls past about 30 concurrent clients; the fake one answers each
  /// at once): every send must exit 0 with nothing on stderr and leave its own row, delivered,
  /// with 20 different lines (each a pick from the bag, not a random fallback).
  @Test("30 rounds of 20 concurrent first sends into an empty state directory: every one recorded, no line twice")
  func concurrentFirstSends() throws {
    let server = try FakeServer(capabilities: ["body"])
    let home = server.home
    let lines = (0..<25).map { "first \($0) \(uniqueMarker())" }
    let corpus = try home.directory.write("c.txt", "[t]\n" + lines.joined(separator: "\n") + "\n")
    var recorded = 0
    for round in 0..<30 {
      let state = home.directory.path + "/round-\(round)"
      var environment = try home.environment(bus: server.bus.address)
      environment["XDG_STATE_HOME"] = state
      let sends = try (0..<20).map { index in
        try ChildProcess(
          Affirm.binary, ["send", "--corpus", corpus, "--config", home.config], environment: environment,
          stderr: home.directory.path + "/send-\(round)-\(index).err")
      }
      let statuses = sends.map { $0.wait() }
      for (index, status) in statuses.enumerated() {
        let stderr = (try? String(contentsOfFile: home.directory.path + "/send-\(round)-\(index).err", encoding: .utf8))
        #expect(status == 0 && stderr == "", "round \(round): \(status) \(stderr ?? "")")
      }
      let rows = try runProcess(
        "/usr/bin/sqlite3", [state + "/affirm/state.sqlite", "SELECT status || ' ' || body FROM delivery"]
      ).stdout.split(separator: "\n").map(String.init)
      #expect(rows.count == 20, "round \(round): \(rows.count) rows")
      #expect(rows.allSatisfy { $0.hasPrefix("delivered first ") }, "round \(round)")
      #expect(Set(rows).count == rows.count, "round \(round): a line twice")
      recorded += rows.count
    }
    #expect(recorded == 600)
    #expect(server.calls.count == 600)
    print("concurrent first sends: \(recorded) of 600 recorded over 30 rounds of 20")
  }

  @Test("20 writers at once finding one damaged database, 10 rounds: moved aside once, each writer recorded")
  func concurrentMoveAside() throws {
    let home = try Home()
    for round in 0..<10 {
      try? FileManager.default.removeItem(atPath: home.stateDirectory)
      try FileManager.default.createDirectory(atPath: home.stateDirectory, withIntermediateDirectories: true)
      try Data(repeating: 0x44, count: 4096).write(to: URL(fileURLWithPath: home.database))
      let writers = try (0..<20).map { index in
        try ChildProcess(
          Affirm.binary, ["reset", "--date", "2026-01-01", "--config", home.home.config],
          environment: home.environment, stderr: home.directory.path + "/reset-\(index).err")
      }
      #expect(writers.map { $0.wait() } == Array(repeating: 0, count: 20), "round \(round)")
      let names = try FileManager.default.contentsOfDirectory(atPath: home.stateDirectory)
      #expect(names.filter { $0.contains(".corrupt-") }.count == 1, "round \(round): \(names)")
      #expect(try home.query("SELECT COUNT(*) FROM streak") == "20", "round \(round)")
    }
  }

  // MARK: - 7: symlinks and weak directories

  @Test(
    "a state.sqlite symlink to another database is refused by every command, the other left untouched; doctor says so")
  func symlinkedDatabase() throws {
    let home = try Home()
    let victim = try home.directory.write("victim.sqlite", "")
    _ = try home.query("CREATE TABLE precious (x); INSERT INTO precious VALUES (1)", database: victim)
    try FileManager.default.createDirectory(atPath: home.stateDirectory, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: home.database, withDestinationPath: victim)
    let refusal =
      "refusing the state database \(home.database): it is a symbolic link (to \(victim)); "
      + "affirm keeps its state only in a plain file of its own\n"
    for command in [["pause", "1h"], ["reset"], ["status"], ["history"], ["stats"]] {
      let result = try home.run(command)
      #expect(result.status == 75, "\(command)")
      #expect(result.stderr == "affirm: " + refusal, "\(command)")
    }
    #expect(try home.query(".tables", database: victim) == "precious")
    #expect(try home.query("PRAGMA journal_mode", database: victim) == "delete")
    let doctor = try home.run(["doctor"])
    #expect(doctor.stdout.contains("✗ state database: refused"), "\(doctor.stdout)")
    #expect(doctor.stdout.contains("mv \(home.database) \(home.database).link"), "\(doctor.stdout)")
  }

  @Test("a state directory others may write, or another user owns, is refused with a sentence; doctor says so")
  func weakStateDirectory() throws {
    let home = try Home()
    #expect(try home.run(["pause", "1h"]).status == 0)
    chmod(home.stateDirectory, 0o777)
    for command in [["resume"], ["status"]] {
      let result = try home.run(command)
      #expect(result.status == 75, "\(command)")
      #expect(
        result.stderr
          == "affirm: refusing the state database \(home.database): its directory \(home.stateDirectory) may be written by others (mode 777)\n"
      )
    }
    let doctor = try home.run(["doctor"])
    #expect(doctor.stdout.contains("✗ state database: refused"))
    #expect(doctor.stdout.contains("chmod 700 \(home.stateDirectory)"), "\(doctor.stdout)")
    chmod(home.stateDirectory, 0o700)
    #expect(try home.run(["status"]).stdout.hasPrefix("Paused until "))
    guard getuid() == 0 else { return }
    #expect(chown(home.stateDirectory, 65534, 65534) == 0)
    let result = try home.run(["resume"])
    #expect(result.status == 75)
    #expect(result.stderr.contains("its directory \(home.stateDirectory) belongs to uid 65534, not to you (uid 0)"))
    #expect(try home.run(["doctor"]).stdout.contains("chown \"$(id -u):$(id -g)\" \(home.stateDirectory)"))
  }

  // MARK: - 5 and 15: the daemon's lock

  @Test("run refuses a daemon.lock symlink (its target untouched) and a runtime directory others may write")
  func lockSymlink() throws {
    let home = try Home()
    let runtime = home.directory.path + "/runtime/affirm"
    try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
    let victim = try home.directory.write("victim.txt", "precious\n")
    try FileManager.default.createSymbolicLink(atPath: runtime + "/daemon.lock", withDestinationPath: victim)
    let linked = try home.runBriefly([])
    #expect(linked.status == 75)
    #expect(
      linked.stderr.hasSuffix(
        "affirm: refusing the lock file \(runtime)/daemon.lock: it is a symbolic link; affirm does not write through one\n"
      ),
      "\(linked.stderr)")
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    try FileManager.default.removeItem(atPath: runtime + "/daemon.lock")
    chmod(runtime, 0o777)
    let open = try home.runBriefly([])
    #expect(open.status == 75)
    #expect(open.stderr.contains("its directory \(runtime) may be written by others (mode 777)"), "\(open.stderr)")
    #expect(!FileManager.default.fileExists(atPath: runtime + "/daemon.lock"))
  }

  @Test("run with an unusable XDG_RUNTIME_DIR locks in the state directory instead; a second run sees it")
  func runtimeDirectoryFallback() throws {
    let home = try Home()
    // A file where the runtime directory should be stops root too (ENOTDIR).
    let runtime = try home.directory.write("runtime-file", "")
    let daemon = try ChildProcess(
      Affirm.binary, ["run", "--config", home.home.config],
      environment: home.environment.merging(["XDG_RUNTIME_DIR": runtime]) { $1 },
      stderr: home.directory.path + "/log")
    defer { daemon.stop() }
    try home.home.waitForLog("started")
    #expect(
      home.home.log.contains(
        "cannot lock \(runtime)/affirm/daemon.lock (Not a directory); using \(home.stateDirectory)/daemon.lock instead")
    )
    let second = try home.run(["run"], environment: ["XDG_RUNTIME_DIR": runtime])
    #expect(second.status == 75)
    #expect(
      second.stderr.hasSuffix(
        "affirm: affirm run is already running (pid \(daemon.pid)); stop it first, or send it SIGHUP to reload\n"),
      "\(second.stderr)")
    let doctor = try home.run(["doctor"], environment: ["XDG_RUNTIME_DIR": runtime])
    #expect(doctor.stdout.contains("daemon: running (pid \(daemon.pid))"), "\(doctor.stdout)")
    #expect(daemon.isRunning)
  }

  // MARK: - 13: rows edited by hand

  @Test(
    "hand-edited rows (INT64_MIN, INT64_MAX, text in at, blob bodies) are skipped with one log line; nothing crashes")
  func handEditedRows() throws {
    let home = try Home()
    try
      "timezone = \"UTC\"\n[[slot]]\nname = \"m\"\nevery = \"1h\"\nfrom = \"00:00\"\nuntil = \"23:59\"\ntags = [\"morning\"]\n"
      .write(toFile: home.home.config, atomically: true, encoding: .utf8)
    #expect(try home.run(["reset", "--date", "2026-01-01"]).status == 0)
    _ = try home.query(
      """
      INSERT INTO urge (at, note) VALUES (-9223372036854775808, 'min'), (9223372036854775807, 'max'), ('noon', 'text'), (100, 'good');
      INSERT INTO delivery (at, source, bag, entry, body, status) VALUES (200, 'send', 'b', '00', X'FF00', 'delivered');
      INSERT INTO delivery (at, source, bag, entry, body, status) VALUES (-9223372036854775808, 'send', 'b', '00', 'x', 'delivered');
      INSERT INTO delivery (at, source, bag, entry, body, status) VALUES (300, 'send', 'b', '00', 'fine', 'delivered');
      INSERT INTO strength (at) VALUES ('later');
      INSERT INTO streak (started, reset_at) VALUES ('2026-02-01', 'x');
      INSERT INTO mark (slot, at) VALUES ('m', 9223372036854775807), ('n', 'text');
      """)
    let history = try home.run(["history"])
    #expect(history.status == 0, "\(history.stderr)")
    let lines = history.stdout.split(separator: "\n")
    #expect(lines.count == 3, "\(history.stdout)")
    #expect(lines.last?.hasPrefix("1970-01-01T00:01:40+00:00  urge") == true)
    #expect(lines.contains { $0.hasSuffix("fine") })
    #expect(
      history.stderr.split(separator: "\n").map { $0.drop { $0 != ":" } }
        == [": state: warning: skipped 7 unreadable rows in the state database's history (edited by hand?)"],
      "\(history.stderr)")
    let json = try home.run(["history", "--json"])
    #expect(json.status == 0)
    #expect(try (JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any])?.count == 3)
    let stats = try home.run(["stats"])
    #expect(stats.status == 0, "\(stats.stderr)")
    #expect(stats.stdout.contains("Urges logged: 1."), "\(stats.stdout)")
    #expect(try home.run(["pause", "1h"]).status == 0)
    _ = try home.query("UPDATE pause SET until = 'tomorrow'")
    let status = try home.run(["status"])
    #expect(status.status == 0)
    #expect(status.stdout.hasPrefix("Not paused.\n"))
    #expect(status.stderr.contains("skipped 1 unreadable row in the state database's pause (edited by hand?)\n"))

    let daemon = try ChildProcess(
      Affirm.binary, ["run", "--config", home.home.config], environment: home.environment,
      stderr: home.directory.path + "/log")
    defer { daemon.stop() }
    try home.home.waitForLog("started")
    #expect(home.home.log.contains("skipped 2 unreadable rows in the state database's mark (edited by hand?)"))
    #expect(daemon.isRunning)
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 5) == 0)
  }

  // MARK: - 17: a send killed mid-delivery, and no daemon

  @Test("a pending row older than the pending lifetime is closed by the next writing command; a young one is left")
  func abandonedPendingRows() throws {
    let home = try Home()
    #expect(try home.run(["pause", "1h"]).status == 0)
    let now = Int64(Date().timeIntervalSince1970)
    _ = try home.query(
      """
      INSERT INTO delivery (at, source, bag, entry, body, status) VALUES (\(now - 500), 'send', 'b', '01', 'old', 'pending');
      INSERT INTO delivery (at, source, bag, entry, body, status) VALUES (\(now - 5), 'send', 'b', '02', 'young', 'pending');
      """)
    let status = try home.run(["status"])
    #expect(try home.query("SELECT status FROM delivery WHERE body = 'old'") == "pending")
    #expect(status.stderr.isEmpty)
    let resume = try home.run(["resume"])
    #expect(resume.status == 0)
    #expect(
      resume.stderr.contains(
        "1 earlier delivery was interrupted before the notification server answered; recorded as failed"),
      "\(resume.stderr)")
    #expect(
      try home.query("SELECT status || ' ' || reason FROM delivery WHERE body = 'old'").hasPrefix("failed interrupted:")
    )
    #expect(try home.query("SELECT status FROM delivery WHERE body = 'young'") == "pending")
  }

  // MARK: - 11: history is not capped

  @Test("history lists every one of 30,000 matching rows, newest first, with --since consistent across kinds")
  func historyUncapped() throws {
    let home = try Home()
    #expect(try home.run(["pause", "1h"]).status == 0)
    // 15,000 deliveries and 15,000 urges, interleaved: deliveries at even minutes, urges at odd ones.
    let start: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z
    _ = try home.query(
      """
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 14999)
      INSERT INTO delivery (at, source, bag, entry, body, status)
        SELECT \(start) + i * 120, 'send', 'b', printf('%016x', i), 'line ' || i, 'delivered' FROM n;
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 14999)
      INSERT INTO urge (at, note) SELECT \(start) + i * 120 + 60, 'urge ' || i FROM n;
      """)
    let all = try home.run(["history"])
    #expect(all.status == 0, "\(all.stderr)")
    let lines = all.stdout.split(separator: "\n")
    #expect(lines.count == 30_000)
    #expect(lines.first?.hasSuffix("urge 14999") == true)
    #expect(lines.last?.hasSuffix("line 0") == true)
    let stamps = lines.map { $0.prefix(25) }
    #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 > $1 }, "not newest first")
    // 2026-01-15 onwards: minute 20,160 on, so deliveries 10,080... and urges 10,080...
    let since = try home.run(["history", "--since", "2026-01-15", "--json"])
    let items = try #require(try JSONSerialization.jsonObject(with: Data(since.stdout.utf8)) as? [[String: Any]])
    #expect(items.filter { $0["kind"] as? String == "delivery" }.count == 15_000 - 10_080)
    #expect(items.filter { $0["kind"] as? String == "urge" }.count == 15_000 - 10_080)
  }
}

import AffirmTestSupport
import Foundation
import Testing

@Suite(
  "state: sos, history, stats, reset and concurrent sends", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
struct StateCommandTests {
  @Test("sos logs the urge and shows a critical urge entry; history and stats see it")
  func sosHistoryStats() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[urge]\nurge \(marker)\n[morning]\nmorning \(marker)\n")
    // Dates from the clock, so that the test holds on any day: the count began a month ago.
    let daysAgo = { (days: Int) in utcDate(Date().addingTimeInterval(-86_400 * Double(days))) }
    try "no_contact_since = \(daysAgo(30))\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    var environment = try home.environment()
    environment["HOME"] = home.directory.path
    let sos = try Affirm.run(
      ["sos", "--note", "the hey text", "--corpus", corpus, "--config", home.config], environment: environment)
    #expect(sos.status == 0, "\(sos.stderr)")
    #expect(sos.stdout == "urge \(marker)\nNoted in your history. Stay with yourself for a minute; this will pass.\n")
    let shown = try #require(try Stack.notification(containing: "urge \(marker)"))
    #expect(shown["urgency"] == "CRITICAL")
    #expect(shown["summary"]?.hasPrefix("Day ") == true)

    let history = try Affirm.run(["history", "--json", "--config", home.config], environment: environment)
    #expect(history.status == 0)
    let items = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
    #expect(items.count == 2)
    #expect(Set(items.compactMap { $0["kind"] as? String }) == ["delivery", "urge"])
    #expect(items.first { $0["kind"] as? String == "urge" }?["note"] as? String == "the hey text")
    #expect(items.first { $0["kind"] as? String == "delivery" }?["source"] as? String == "sos")

    let stats = try Affirm.run(["stats", "--json", "--config", home.config], environment: environment)
    #expect(stats.status == 0, "\(stats.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
    #expect(object["urges"] as? Int == 1)
    #expect(object["shown"] as? Int == 1)
    #expect((object["urges_by_hour"] as? [Int])?.reduce(0, +) == 1)

    // Two days back: still in the past if the day turns while the test runs, so "Day 3" (or 4).
    let dayOne = daysAgo(2)
    let reset = try Affirm.run(["reset", "--date", dayOne, "--config", home.config], environment: environment)
    #expect(reset.status == 0)
    #expect(reset.stdout.contains("Day 1 is \(dayOne). A slip is a step on the way, not a failure."))
    let after = try Affirm.run(
      ["send", "--dry-run", "--json", "--corpus", corpus, "--config", home.config], environment: environment)
    let preview = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
    let summary = preview["summary"] as? String ?? ""
    #expect(summary.hasPrefix("Day 3") || summary.hasPrefix("Day 4"), "\(summary)")
  }

  @Test("sends never repeat a line until the bag is empty, across processes")
  func noRepeatsAcrossRuns() throws {
    let home = try DaemonHome()
    let lines = (0..<5).map { "line \($0) \(uniqueMarker())" }
    let corpus = try home.directory.write("c.txt", "[t]\n" + lines.joined(separator: "\n") + "\n")
    var shown: [String] = []
    for _ in 0..<10 {
      let result = try Affirm.run(
        ["send", "--corpus", corpus, "--config", home.config], environment: try home.environment())
      #expect(result.status == 0, "\(result.stderr)")
      let history = try Affirm.run(["history", "--json", "--config", home.config], environment: try home.environment())
      let items = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
      shown.append(try #require(items.first?["body"] as? String))
    }
    #expect(Set(shown[0..<5]) == Set(lines))
    #expect(Set(shown[5..<10]) == Set(lines))
    #expect(zip(shown, shown.dropFirst()).allSatisfy { $0 != $1 })
  }

  @Test("history and stats --json: every kind of row, the day count and a suggested window, field by field")
  func jsonReports() throws {
    let home = try DaemonHome()
    try "timezone = \"UTC\"\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    let environment = try home.environment(bus: "unix:path=/nonexistent")
    let reset = try Affirm.run(["reset", "--date", "2026-01-01", "--config", home.config], environment: environment)
    #expect(reset.status == 0, "\(reset.stderr)")
    // Rows as affirm writes them: five urges at 14:xx UTC, a slot's line shown, a press of "It passed".
    let sql = """
      INSERT INTO urge (at, note) VALUES (1700056800, 'one'), (1700057000, NULL), (1700057100, 'three'),
        (1700057200, 'four'), (1700057300, 'five');
      INSERT INTO delivery (at, source, slot, bag, entry, body, status, reason, idea, night)
        VALUES (1700000000, 'slot', 'morning', 'morning', '0000000000000001', 'a "quoted" line', 'delivered', NULL, NULL, 0);
      INSERT INTO strength (at) VALUES (1700000100);
      """
    let edit = try runProcess("/usr/bin/sqlite3", [home.directory.path + "/state/affirm/state.sqlite", sql])
    #expect(edit.status == 0, "\(edit.stderr)")

    let history = try Affirm.run(["history", "--json", "--config", home.config], environment: environment)
    #expect(history.status == 0, "\(history.stderr)")
    let items = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
    #expect(items.count == 8)
    #expect(Set(items.compactMap { $0["kind"] as? String }) == ["delivery", "urge", "reset", "stayed-strong"])
    let delivery = try #require(items.first { $0["kind"] as? String == "delivery" })
    #expect(delivery["at"] as? String == "2023-11-14T22:13:20+00:00")
    #expect(delivery["source"] as? String == "slot" && delivery["slot"] as? String == "morning")
    #expect(delivery["status"] as? String == "delivered" && delivery["reason"] is NSNull)
    #expect(delivery["body"] as? String == "a \"quoted\" line")
    #expect(items.contains { $0["kind"] as? String == "urge" && $0["note"] is NSNull })
    #expect(items.first { $0["kind"] as? String == "reset" }?["started"] as? String == "2026-01-01")
    #expect(items.first { $0["kind"] as? String == "stayed-strong" }?.count == 2)

    let stats = try Affirm.run(["stats", "--json", "--config", home.config], environment: environment)
    #expect(stats.status == 0, "\(stats.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
    #expect((object["day"] as? Int ?? 0) > 300)
    #expect(object["longest_streak"] as? Int == object["day"] as? Int)
    #expect(object["shown"] as? Int == 1 && object["stayed_strong"] as? Int == 1 && object["urges"] as? Int == 5)
    let byHour = try #require(object["urges_by_hour"] as? [Int])
    #expect(byHour.count == 24 && byHour[14] == 5)
    let window = try #require(object["suggested_window"] as? [String: String], "\(stats.stdout)")
    #expect(window["from"] == "14:00", "\(stats.stdout)")
    #expect(window["until"] != nil)
  }

  @Test("--dry-run writes nothing")
  func dryRunWritesNothing() throws {
    let home = try DaemonHome()
    let result = try Affirm.run(["send", "--dry-run", "--config", home.config], environment: try home.environment())
    #expect(result.status == 0)
    #expect(!FileManager.default.fileExists(atPath: home.directory.path + "/state/affirm/state.sqlite"))
  }

  /// Fifty sends at once against the fake server, which answers each at once (dunst 1.9
  /// stalls past about 30 concurrent clients, so against it a count could only be printed).
  /// The daemon runs beside them with the database open, on one slot an hour past (next due
  /// in 23 hours), so it adds no row: every row is a send's.
  @Test(
    "50 sends at once while the daemon runs: each exits 0, each sender's one notification recorded as delivered, no line twice"
  )
  func fiftyConcurrentSends() throws {
    let server = try FakeServer(capabilities: ["body"])
    let home = server.home
    let marker = uniqueMarker()
    let lines = (0..<60).map { "c\($0) \(marker)" }
    let corpus = try home.directory.write("c.txt", "[t]\n" + lines.joined(separator: "\n") + "\n")
    try "timezone = \"UTC\"\n[[slot]]\nname = \"past\"\nat = [\"\(utcTime(secondsFromNow: -3600))\"]\ntags = [\"t\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(["--corpus", corpus], bus: server.bus.address)
    defer { daemon.stop() }
    try home.waitForLog("started")
    let environment = try home.environment(bus: server.bus.address)
    let sends = try (0..<50).map { index in
      try ChildProcess(
        Affirm.binary, ["send", "--corpus", corpus, "--config", home.config], environment: environment,
        stderr: home.directory.path + "/send-\(index).err")
    }
    let statuses = sends.map { $0.wait() }
    for (index, status) in statuses.enumerated() {
      let stderr = (try? String(contentsOfFile: home.directory.path + "/send-\(index).err", encoding: .utf8)) ?? ""
      #expect(status == 0 && stderr.isEmpty, "send \(index): \(status) \(stderr)")
    }
    // What the server received: one Notify from each send's pid and from nobody else, each
    // with an id of its own and a line of the corpus.
    let calls = server.calls
    #expect(calls.compactMap { $0["pid"] as? Int }.sorted() == sends.map { Int($0.pid) }.sorted())
    #expect(Set(calls.compactMap { $0["id"] as? Int }).count == 50)
    let received = calls.compactMap { $0["body"] as? String }
    #expect(received.count == 50 && received.allSatisfy(lines.contains))
    #expect(Set(received).count == received.count, "a line twice")
    // The state: exactly those fifty, each once, delivered.
    let rows = try home.deliveries()
    #expect(rows.count == 50)
    #expect(rows.allSatisfy { $0.status == "delivered" && $0.source == "send" }, "\(rows)")
    #expect(rows.map(\.body).sorted() == received.sorted())
    #expect(try home.integrityCheck() == "ok")
    #expect(daemon.isRunning)
    #expect(!home.log.contains("delivered"), "\(home.log)")
  }

  @Test(
    "a read-only state directory: the notification still shows, exit 75 says it was not recorded (as root: as nobody)",
    .enabled(if: Affirm.canDropPrivileges || getuid() != 0, "as root, needs setpriv to drop root's privileges"))
  func readOnlyState() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[t]\n\(marker)\n")
    let stateDirectory = home.directory.path + "/state/affirm"
    try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
    // Root writes through read-only permissions: as root the send runs as nobody, whose own
    // read-only directory this then is, as a user's would be.
    if getuid() == 0 {
      #expect(chown(stateDirectory, Affirm.unprivilegedID, Affirm.unprivilegedID) == 0)
    }
    chmod(stateDirectory, 0o500)
    defer { chmod(stateDirectory, 0o700) }
    // A bus and a dunst of the test's own, which nobody may use too (the suite's bus admits
    // only the user who started it).
    let bus = try PrivateBus(allowingEveryUser: true)
    let shown = bus.directory.path + "/dunst.log"
    _ = try bus.startDunst(log: shown)
    let result = try Affirm.runDroppingRoot(
      ["send", "--corpus", corpus, "--config", home.config], environment: try home.environment(bus: bus.address))
    #expect(result.status == 75, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("affirm: shown, but not recorded"), "\(result.stderr)")
    #expect(try Stack.notification(containing: marker, log: shown) != nil)
    #expect(!FileManager.default.fileExists(atPath: stateDirectory + "/state.sqlite"))
  }

  @Test("a state database on a read-only mount: shown, exit 75 (works as root too)")
  func readOnlyDatabaseFile() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[t]\n\(marker)\n")
    // A directory where the database should be makes the file impossible to open, for root too.
    try FileManager.default.createDirectory(
      atPath: home.directory.path + "/state/affirm/state.sqlite", withIntermediateDirectories: true)
    let result = try Affirm.run(
      ["send", "--corpus", corpus, "--config", home.config], environment: try home.environment())
    #expect(result.status == 75, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("affirm: shown, but not recorded: cannot use the state database"))
    #expect(try Stack.notification(containing: marker) != nil)
  }

  @Test("a corrupt database is moved aside with one log line, and the send works")
  func corruptDatabase() throws {
    let home = try DaemonHome()
    let stateDirectory = home.directory.path + "/state/affirm"
    try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
    try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: stateDirectory + "/state.sqlite"))
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[t]\n\(marker)\n")
    let result = try Affirm.run(
      ["send", "--corpus", corpus, "--config", home.config], environment: try home.environment())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 1)
    #expect(result.stderr.contains("moved it to \(stateDirectory)/state.sqlite.corrupt-"))
    let names = try FileManager.default.contentsOfDirectory(atPath: stateDirectory)
    #expect(names.contains { $0.hasPrefix("state.sqlite.corrupt-") })
  }
}

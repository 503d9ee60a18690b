import AffirmTestSupport
import Foundation
import Testing

@Suite("affirm doctor", .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
struct DoctorTests {
  @Test("a healthy setup: exit 0, names dunst, and sees the daemon come and go")
  func healthy() throws {
    let home = try DaemonHome()
    let environment = try home.environment()
    let result = try Affirm.run(["doctor"], environment: environment)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let text = flattened(result.stdout)
    #expect(text.contains("✓ session bus: found through DBUS_SESSION_BUS_ADDRESS \(try Stack.busAddress())"))
    #expect(text.contains("✓ notification server: dunst"))
    #expect(text.contains("body-markup"))
    #expect(text.contains("buttons: late-night and urge lines offer \"It passed\""))
    #expect(text.contains("✓ config: the built-in default"))

    #expect(text.contains("✓ corpus: built-in"))
    #expect(text.contains("! state database: not created yet"))
    #expect(text.contains("! daemon: not running not set up to start with your session fix: affirm install"))
    #expect(text.contains("✓ next fire times:"))
    #expect(result.stdout.hasSuffix("\nA notification can be shown now. 2 things above need care.\n"))
    expectReadable(result.stdout)

    let daemon = try home.start()
    defer { daemon.stop() }
    try home.waitForLog("started")
    let running = try Affirm.run(["doctor"], environment: environment)
    #expect(running.status == 0)
    #expect(running.stdout.contains("\n✓ daemon: running (pid \(daemon.pid))\n"), "\(running.stdout)")
    #expect(running.stdout.contains("✓ state database: 0 notifications shown so far"), "\(running.stdout)")
    daemon.stop()
    // The lock file still names the pid, but nobody holds the lock: not running.
    let stopped = try Affirm.run(["doctor"], environment: environment)
    #expect(stopped.stdout.contains("\n! daemon: not running\n"), "\(stopped.stdout)")
    #expect(flattened(stopped.stdout).contains("names pid \(daemon.pid), which no longer holds it"))
  }

  @Test("with the unit installed, the fix for a stopped daemon is the systemctl command")
  func installedButStopped() throws {
    let home = try DaemonHome()
    var environment = try home.environment()
    environment["XDG_CONFIG_HOME"] = home.directory.path + "/cfg"
    #expect(try Affirm.run(["install"], environment: environment).status == 0)
    let result = try Affirm.run(["doctor"], environment: environment)
    #expect(result.status == 0, "\(result.stdout)")
    #expect(
      flattened(result.stdout).contains(
        "set up as a systemd user unit (not enabled): \(home.directory.path)/cfg/systemd/user/affirm.service"))
    #expect(result.stdout.contains("\n      systemctl --user enable --now affirm.service\n"))
  }

  @Test("no bus at all: exit 69, says how to fix it")
  func noBus() throws {
    let home = try InstallHome()
    let result = try Affirm.run(["doctor"], environment: ["HOME": home.path])
    #expect(result.status == 69, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ session bus: none found"))
    #expect(text.contains("fix: run affirm inside your desktop session, or set DBUS_SESSION_BUS_ADDRESS"))
    #expect(text.contains("✗ notification server: not checked without a bus"))
    #expect(result.stdout.hasSuffix("\nNo notification can be shown now; fix the ✗ lines above.\n"))
    expectReadable(result.stdout)
  }

  @Test("a bus with no notification server: exit 69, says how to fix it")
  func noServer() throws {
    let bus = try PrivateBus()
    let home = try InstallHome()
    let result = try Affirm.run(["doctor"], environment: ["HOME": home.path, "DBUS_SESSION_BUS_ADDRESS": bus.address])
    #expect(result.status == 69, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✓ session bus: found through DBUS_SESSION_BUS_ADDRESS \(bus.address)"))
    #expect(text.contains("✗ notification server: none on the bus"))
    #expect(text.contains("fix: start one, such as dunst or mako"))
  }

  @Test("a bad config: exit 65 with file:line:column")
  func badConfig() throws {
    let home = try DaemonHome()
    try "timezone = \"UTC\"\n[[slot]]\nname = \"x\"\nat = [\"25:00\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(["doctor", "--config", home.config], environment: try home.environment())
    #expect(result.status == 65, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ config: invalid \(home.config):4:7: invalid time \"25:00\""), "\(result.stdout)")
    #expect(text.contains("affirm check lists every problem"))
    #expect(!text.contains("next fire times"))
  }

  @Test("a state database that is a directory is a problem with its fix; notifications still work")
  func stateDirectory() throws {
    let home = try DaemonHome()
    let database = home.directory.path + "/state/affirm/state.sqlite"
    try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
    let result = try Affirm.run(["doctor"], environment: try home.environment())
    #expect(result.status == 0, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ state database: unusable \(database) it is a directory, not a database"))
    #expect(text.contains("mv \(database) \(database).old"))
  }

  @Test("a state database of garbage bytes is a problem, and says what send will do about it")
  func stateGarbage() throws {
    let home = try DaemonHome()
    let database = home.directory.path + "/state/affirm/state.sqlite"
    try FileManager.default.createDirectory(
      atPath: home.directory.path + "/state/affirm", withIntermediateDirectories: true)
    try home.directory.write("state/affirm/state.sqlite", bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) })
    let result = try Affirm.run(["doctor"], environment: try home.environment())
    #expect(result.status == 0, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ state database: unusable \(database) file is not a database"), "\(result.stdout)")
    #expect(
      text.contains(
        "fix: the next affirm send or affirm run moves it aside (to state.sqlite.corrupt-<time>) and starts a fresh one"
      ), "\(result.stdout)")
    #expect(!text.contains("newer affirm"))
  }

  @Test("a state database from a newer affirm gets its own fix: use that version, or let send move it aside")
  func stateFromNewerAffirm() throws {
    let home = try DaemonHome()
    #expect(try Affirm.run(["pause", "1h"], environment: try home.environment()).status == 0)
    let edit = try runProcess(
      "/usr/bin/sqlite3",
      ["-bail", home.database, "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')"])
    try #require(edit.status == 0, "\(edit.stderr)")
    let result = try Affirm.run(["doctor"], environment: try home.environment())
    #expect(result.status == 0, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(
      text.contains("✗ state database: unusable \(home.database) it was written by a newer affirm (unknown schema)"),
      "\(result.stdout)")
    #expect(
      text.contains(
        "fix: a newer affirm wrote it: use that version again, or let the next affirm send or affirm run move it "
          + "aside (to state.sqlite.corrupt-<time>) and start a fresh one"), "\(result.stdout)")
    #expect(!text.contains("moves it aside"))
  }

  /// The report with each wrapped or indented line joined to the one before, so that
  /// expectations do not depend on where a long temporary path made a line break.
  func flattened(_ output: String) -> String {
    output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
  }

  /// Lines fit 80 columns, except a single word too long for any line (a temporary path)
  /// or a command shown whole.
  func expectReadable(_ output: String) {
    for line in output.split(separator: "\n") where line.count > 80 {
      let words = line.split(separator: " ")
      #expect(words.count == 1 || line.hasPrefix("      "), "too wide: \(line)")
    }
  }
}

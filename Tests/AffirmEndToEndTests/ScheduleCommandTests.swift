import Foundation
import Testing

/// The local wall-clock time `seconds` from now in UTC, as `HH:MM:SS`.
func utcTime(secondsFromNow seconds: Int) -> String {
  let t = Int(Date().timeIntervalSince1970) + seconds
  let s = t % 86_400
  return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
}

/// The UTC date of `instant` as `YYYY-MM-DD`.
func utcDate(_ instant: Date) -> String {
  var calendar = Calendar(identifier: .gregorian)
  calendar.timeZone = TimeZone(identifier: "UTC")!
  let parts = calendar.dateComponents([.year, .month, .day], from: instant)
  return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
}

/// How far ahead of the test's clock a daemon test puts its first fire time, in seconds. A
/// fire time that passes before the daemon first reads the clock counts as from before the
/// slot existed and never fires; a debug daemon starting beside dozens of other processes on
/// two cores can take seconds, so ten leave room. Later fire times follow at gaps sized for
/// what the test does in between (a restart gets ten seconds more).
let slotLead = 10

/// How long a test waits for a fire time it scheduled: the lead, and twice as much again.
let fireWait = Double(slotLead) * 3

/// A home for one daemon: config, state and runtime directories of its own.
struct DaemonHome {
  let directory: TemporaryDirectory
  var config: String { directory.path + "/config.toml" }

  init() throws {
    directory = try TemporaryDirectory()
    for sub in ["state", "runtime"] {
      try FileManager.default.createDirectory(atPath: directory.path + "/" + sub, withIntermediateDirectories: true)
    }
    try "# a test's own config: no slots\ntimezone = \"UTC\"\n".write(toFile: config, atomically: true, encoding: .utf8)
  }

  /// The environment of a process of this home, on the shared bus unless another is given.
  func environment(bus: String? = nil) throws -> [String: String] {
    [
      "HOME": directory.path, "XDG_STATE_HOME": directory.path + "/state",
      "XDG_RUNTIME_DIR": directory.path + "/runtime",
      "DBUS_SESSION_BUS_ADDRESS": try bus ?? Stack.busAddress(), "PATH": "/usr/bin:/bin", "TZ": "UTC",
    ]
  }

  /// Starts `affirm run` with its stderr in `log`.
  func start(_ arguments: [String] = [], bus: String? = nil) throws -> ChildProcess {
    try ChildProcess(
      Affirm.binary, ["run", "--config", config] + arguments, environment: try environment(bus: bus),
      stderr: directory.path + "/log")
  }

  var log: String { (try? String(contentsOfFile: directory.path + "/log", encoding: .utf8)) ?? "" }

  func waitForLog(_ text: String, timeout: Double = 20) throws {
    try waitUntil("the daemon logs \"\(text)\"", timeout: timeout) { log.contains(text) }
  }

  /// Returns once `daemon` has finished the round it was in (every delivery due in it made and
  /// answered) and is back waiting: it takes SIGHUP only there, and logs "reloaded" for it.
  func waitForRoundEnd(_ daemon: ChildProcess) throws {
    let before = log.components(separatedBy: "info: reloaded").count
    daemon.signal(SIGHUP)
    try waitUntil("the daemon takes SIGHUP between rounds", timeout: 30) {
      log.components(separatedBy: "info: reloaded").count > before
    }
  }
}

@Suite("affirm next and config", .timeLimit(.minutes(3)))
struct NextTests {
  @Test("next lists fire times across the Berlin spring gap as JSON")
  func nextJSON() throws {
    let home = try DaemonHome()
    try "timezone = \"Europe/Berlin\"\n[[slot]]\nname = \"morning\"\nat = [\"02:30\"]\ntags = [\"morning\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(
      ["next", "--config", home.config, "--count", "3", "--from", "2027-03-27T12:00", "--json"], environment: [:])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        [
          {"at": "2027-03-28T03:30:00+02:00", "slot": "morning", "urgency": "normal", "tags": ["morning"]},
          {"at": "2027-03-29T02:30:00+02:00", "slot": "morning", "urgency": "normal", "tags": ["morning"]},
          {"at": "2027-03-30T02:30:00+02:00", "slot": "morning", "urgency": "normal", "tags": ["morning"]}
        ]

        """)
  }

  @Test("next with no config uses the built-in default in the system zone (TZ respected)")
  func nextDefault() throws {
    let home = try DaemonHome()
    let result = try Affirm.run(
      ["next", "--count", "7", "--from", "2027-01-05T12:00"],
      environment: ["HOME": home.directory.path, "TZ": "Asia/Kathmandu"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        2027-01-05T23:00:00+05:45  late-night  critical  late-night, urge
        2027-01-05T23:30:00+05:45  late-night  critical  late-night, urge
        2027-01-06T00:00:00+05:45  late-night  critical  late-night, urge
        2027-01-06T00:30:00+05:45  late-night  critical  late-night, urge
        2027-01-06T01:00:00+05:45  late-night  critical  late-night, urge
        2027-01-06T01:30:00+05:45  late-night  critical  late-night, urge
        2027-01-06T08:00:00+05:45  morning     normal    morning

        """)
  }

  @Test("a bad config exits 65 naming file:line:column; a bad --from exits 64")
  func badInputs() throws {
    let home = try DaemonHome()
    try "[[slot]]\nname = \"x\"\nat = [\"08:00\"]\ndays = [\"funday\"]\n".write(
      toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(["next", "--config", home.config], environment: [:])
    #expect(result.status == 65)
    #expect(
      result.stderr == "affirm: \(home.config):4:9: unknown day \"funday\" (use mon, tue, wed, thu, fri, sat, sun)\n")
    let from = try Affirm.run(["next", "--from", "tomorrow"], environment: ["HOME": home.directory.path])
    #expect(from.status == 64)
    let missing = try Affirm.run(["next", "--config", "/nonexistent/config.toml"], environment: [:])
    #expect(missing.status == 66)
    #expect(missing.stderr == "affirm: cannot read config /nonexistent/config.toml: no such file or directory\n")
  }

  @Test("config init writes the commented default once; show prints the config in force")
  func configInitAndShow() throws {
    let home = try DaemonHome()
    let environment = ["HOME": home.directory.path]
    let path = home.directory.path + "/.config/affirm/config.toml"
    let first = try Affirm.run(["config", "init"], environment: environment)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout == "wrote \(path)\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("# affirm's config."))
    let second = try Affirm.run(["config", "init"], environment: environment)
    #expect(second.status == 73)
    #expect(
      second.stderr
        == "affirm: \(path) already exists; affirm config init never overwrites it (see affirm config show)\n")
    let show = try Affirm.run(["config", "show"], environment: environment)
    #expect(show.status == 0)
    #expect(show.stdout.hasPrefix("# from \(path)\n[[slot]]\nname = \"morning\"\nat = [\"08:00\"]\n"))
    let check = try Affirm.run(["check"], environment: environment)
    #expect(check.status == 0, "\(check.stdout)")
  }

  @Test("check validates the config too, including tags no entry carries")
  func checkConfig() throws {
    let home = try DaemonHome()
    try "[[slot]]\nname = \"x\"\nat = [\"08:00\"]\ntags = [\"evening\"]\n".write(
      toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(["check", "--config", home.config], environment: [:])
    #expect(result.status == 65)
    #expect(result.stdout.contains("\(home.config):4:8: slot \"x\" uses tag \"evening\" that no corpus entry carries"))
  }
}

@Suite("affirm run, against the real dunst", .serialized, .timeLimit(.minutes(3)))
struct RunTests {
  @Test("a slot ahead is delivered; SIGTERM then stops the loop itself, exit 0")
  func deliversThenStops() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[soon]\n\(marker)\n")
    try
      "timezone = \"UTC\"\n[[slot]]\nname = \"soon\"\nat = [\"\(utcTime(secondsFromNow: slotLead))\"]\ntags = [\"soon\"]\nurgency = \"critical\"\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("started")
    let shown = try #require(try Stack.notification(containing: marker, timeout: fireWait), "log: \(home.log)")
    #expect(shown["urgency"] == "CRITICAL")
    try home.waitForLog("delivered")
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 10) == 0)
    // The idle loop took the signal itself (the watch for a busy one logs `stopping while=busy`;
    // HungServerTests holds that case to the README's second).
    #expect(home.log.contains("run: info: stopping\n") && !home.log.contains("while="), "\(home.log)")
  }

  @Test("a second daemon is refused with 75, naming the running pid")
  func secondInstance() throws {
    let home = try DaemonHome()
    try Config.defaultTextForTests.write(toFile: home.config, atomically: true, encoding: .utf8)
    let first = try home.start()
    defer { first.stop() }
    try home.waitForLog("started")
    let second = try Affirm.run(["run", "--config", home.config], environment: try home.environment())
    #expect(second.status == 75)
    #expect(
      second.stderr
        == "affirm: affirm run is already running (pid \(first.pid)); stop it first, or send it SIGHUP to reload\n")
    #expect(first.isRunning)
  }

  @Test("a crashed daemon (SIGKILL) does not block the next start")
  func crashedDaemon() throws {
    let home = try DaemonHome()
    try Config.defaultTextForTests.write(toFile: home.config, atomically: true, encoding: .utf8)
    let first = try home.start()
    try home.waitForLog("started")
    first.signal(SIGKILL)
    first.wait()
    let second = try home.start()
    defer { second.stop() }
    try waitUntil("the restarted daemon logs twice") { home.log.components(separatedBy: "started").count == 2 }
    #expect(second.isRunning)
  }

  @Test("the zone file TZ names is replaced (UTC by Asia/Tokyo): the daemon reloads and its next fire time moves")
  func zoneFileReplaced() throws {
    let home = try DaemonHome()
    let zone = home.directory.path + "/zone"
    try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/UTC", toPath: zone)
    // No `timezone` key: the system's zone, which TZ points at this file.
    try "[[slot]]\nname = \"noon\"\nat = [\"12:00\"]\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    var environment = try home.environment()
    environment["TZ"] = zone
    let daemon = try ChildProcess(
      Affirm.binary, ["run", "--config", home.config], environment: environment, stderr: home.directory.path + "/log")
    defer { daemon.stop() }
    try home.waitForLog("started")
    let before = try #require(Self.nextFireTime(in: home.log, after: "started"), "log: \(home.log)")
    #expect(before.hasSuffix("T12:00:00+00:00"), "log: \(home.log)")
    // Replaced the way tzdata's tools replace /etc/localtime: a new file renamed over it.
    try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/Asia/Tokyo", toPath: zone + ".new")
    #expect(rename(zone + ".new", zone) == 0)
    try home.waitForLog("reloaded", timeout: 10)
    let after = try #require(Self.nextFireTime(in: home.log, after: "reloaded"), "log: \(home.log)")
    #expect(after.hasSuffix("T12:00:00+09:00"), "log: \(home.log)")
    // The same wall-clock time, now nine hours earlier in absolute time (give or take a day).
    let formatter = ISO8601DateFormatter()
    let moved = try #require(formatter.date(from: after)).timeIntervalSince(try #require(formatter.date(from: before)))
    #expect((Int(moved) + 9 * 3600) % 86_400 == 0, "\(before) -> \(after)")
    #expect(daemon.isRunning)
  }

  /// The first fire time in the `next=` of the first log line that contains `event`.
  static func nextFireTime(in log: String, after event: String) -> String? {
    guard let line = log.split(separator: "\n").first(where: { $0.contains(": \(event)") }),
      let start = line.range(of: "next=\"")?.upperBound
    else { return nil }
    return line[start...].split(separator: " ").first.map(String.init)
  }

  @Test("SIGHUP with a broken config keeps the old one; a good one is taken")
  func reload() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[morning]\nm\n[late-night]\nl\n[soon]\n\(marker)\n")
    try Config.defaultTextForTests.write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("started")
    try "[[slot]]\nname = \"x\"\nat = [\"25:00\"]\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    daemon.signal(SIGHUP)
    try home.waitForLog("keeping the previous config: \(home.config):3:7: invalid time \"25:00\"")
    #expect(daemon.isRunning)
    try
      "timezone = \"UTC\"\n[[slot]]\nname = \"soon\"\nat = [\"\(utcTime(secondsFromNow: slotLead))\"]\ntags = [\"soon\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    daemon.signal(SIGHUP)
    try home.waitForLog("reloaded")
    #expect(try Stack.notification(containing: marker, timeout: fireWait) != nil, "log: \(home.log)")
  }
}

extension Config {
  /// The built-in default's slots, in UTC, for tests that need a daemon that just waits.
  static let defaultTextForTests = """
    timezone = "UTC"
    [[slot]]
    name = "morning"
    at = ["08:00"]
    tags = ["morning"]
    [[slot]]
    name = "late-night"
    from = "23:00"
    until = "02:00"
    every = "30m"
    tags = ["late-night"]

    """
}

enum Config {}

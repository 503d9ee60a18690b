package import Foundation

/// The local wall-clock time `seconds` from now in UTC, as `HH:MM:SS`.
package func utcTime(secondsFromNow seconds: Int) -> String {
  let t = Int(Date().timeIntervalSince1970) + seconds
  let s = t % 86_400
  return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
}

/// The UTC date of `instant` as `YYYY-MM-DD`.
package func utcDate(_ instant: Date) -> String {
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
package let slotLead = 10

/// How long a test waits for a fire time it scheduled: the lead, and twice as much again.
package let fireWait = Double(slotLead) * 3

/// A home for one daemon: config, state and runtime directories of its own.
package struct DaemonHome {
  package let directory: TemporaryDirectory
  package var config: String { directory.path + "/config.toml" }

  package init() throws {
    directory = try TemporaryDirectory()
    for sub in ["state", "runtime"] {
      try FileManager.default.createDirectory(atPath: directory.path + "/" + sub, withIntermediateDirectories: true)
    }
    try "# a test's own config: no slots\ntimezone = \"UTC\"\n".write(toFile: config, atomically: true, encoding: .utf8)
  }

  /// The environment of a process of this home, on the shared bus unless another is given.
  package func environment(bus: String? = nil) throws -> [String: String] {
    environmentWithoutBus.merging(["DBUS_SESSION_BUS_ADDRESS": try bus ?? Stack.busAddress()]) { $1 }
  }

  /// The built-in default's slots, in UTC, for tests that need a daemon that just waits.
  package static let defaultSlotsInUTC = """
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

  /// The environment of a command that shows nothing (pause, status, next): no bus at all,
  /// so it needs no notification stack.
  package var environmentWithoutBus: [String: String] {
    [
      "HOME": directory.path, "XDG_STATE_HOME": directory.path + "/state",
      "XDG_RUNTIME_DIR": directory.path + "/runtime", "PATH": "/usr/bin:/bin", "TZ": "UTC",
    ]
  }

  /// Starts `affirm run` with its stderr in `log`.
  package func start(_ arguments: [String] = [], bus: String? = nil, extra: [String: String] = [:]) throws
    -> ChildProcess
  {
    try ChildProcess(
      Affirm.binary, ["run", "--config", config] + arguments,
      environment: try environment(bus: bus).merging(extra) { $1 }, stderr: directory.path + "/log")
  }

  package var log: String { (try? String(contentsOfFile: directory.path + "/log", encoding: .utf8)) ?? "" }

  package func waitForLog(_ text: String, timeout: Double = 20) throws {
    try waitUntil("the daemon logs \"\(text)\"", timeout: timeout) { log.contains(text) }
  }

  /// Returns once `daemon` has finished the round it was in (every delivery due in it made and
  /// answered) and is back waiting: it takes SIGHUP only there, and logs "reloaded" for it.
  package func waitForRoundEnd(_ daemon: ChildProcess) throws {
    let before = log.components(separatedBy: "info: reloaded").count
    daemon.signal(SIGHUP)
    try waitUntil("the daemon takes SIGHUP between rounds", timeout: 30) {
      log.components(separatedBy: "info: reloaded").count > before
    }
  }
}

/// One row of the state database's delivery table.
package struct DeliveryRow: CustomStringConvertible {
  package var source: String
  package var entry: String
  package var body: String
  package var status: String
  package var reason: String?
  package var description: String { "\(source) \(status) \(body) \(reason ?? "")" }
}

extension DaemonHome {
  package var database: String { directory.path + "/state/affirm/state.sqlite" }

  /// A config of `at` slots `(name, seconds after slotLead from now, tag)` in UTC.
  package func writeSlots(_ slots: [(String, Int, String)]) throws {
    var text = "timezone = \"UTC\"\n"
    for (name, seconds, tag) in slots {
      text +=
        "[[slot]]\nname = \"\(name)\"\nat = [\"\(utcTime(secondsFromNow: slotLead + seconds))\"]\ntags = [\"\(tag)\"]\n"
    }
    try text.write(toFile: config, atomically: true, encoding: .utf8)
  }

  /// Runs one statement through the sqlite3 shell; its output, trimmed.
  package func query(_ sql: String) throws -> String {
    let result = try runProcess("/usr/bin/sqlite3", ["-bail", database, sql])
    try check(result.status == 0, "sqlite3: \(result.stderr)")
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  package func integrityCheck() throws -> String { try query("PRAGMA integrity_check") }

  /// Every delivery row, oldest first (a field separator no body contains).
  package func deliveries() throws -> [DeliveryRow] {
    guard FileManager.default.fileExists(atPath: database) else { return [] }
    let result = try runProcess(
      "/usr/bin/sqlite3",
      [
        "-bail", "-separator", "\u{1f}", "-nullvalue", "\u{1e}", database,
        "SELECT source, entry, body, status, reason FROM delivery ORDER BY id",
      ])
    try check(result.status == 0, "sqlite3: \(result.stderr)")
    return result.stdout.split(separator: "\n").map { line in
      let fields = line.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
      return DeliveryRow(
        source: fields[0], entry: fields[1], body: fields[2], status: fields[3],
        reason: fields.count > 4 && fields[4] != "\u{1e}" ? fields[4] : nil)
    }
  }
}

/// from now (UTC): `[0, 5]` is one fire time at the lead and one five seconds later.
package func lateNightSlots(_ offsets: [Int], urgency: String = "normal") -> String {
  """
  timezone = "UTC"
  [[slot]]
  name = "night"
  at = [\(offsets.map { "\"\(utcTime(secondsFromNow: slotLead + $0))\"" }.joined(separator: ", "))]
  tags = ["late-night"]
  urgency = "\(urgency)"

  """
}

import Foundation

/// The private notification stack scripts/test started, read through dunst's `-print` log.
///
/// `swift test` alone, on a machine without that stack, skips the suites that need it and says
/// why; scripts/test (and so CI) sets `AFFIRM_TEST_STACK=required`, and then a missing stack is
/// a failure, never a skip.
package enum Stack {
  package static var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// The variables scripts/test sets for the stack it started.
  package static let variables = [
    "AFFIRM_TEST_DUNST_LOG", "AFFIRM_TEST_DUNSTRC", "DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
  ]

  /// Those of `variables` that are unset or empty: none when scripts/test started the stack.
  package static var missing: [String] { variables.filter { environment[$0]?.isEmpty ?? true } }

  /// Whether this run must have the stack: scripts/test exports `AFFIRM_TEST_STACK=required`.
  package static var isRequired: Bool { environment["AFFIRM_TEST_STACK"] == "required" }

  /// Whether the suites that need the stack run: when it is there, and when it is required
  /// (they then fail for want of it instead of skipping).
  package static var suitesNeedingItRun: Bool { missing.isEmpty || isRequired }

  /// The log dunst writes every notification to; tests fail clearly when scripts/test did not start one.
  package static func dunstLog() throws -> String {
    try required(
      environment["AFFIRM_TEST_DUNST_LOG"],
      "no notification server: run the suite through scripts/test, which starts dunst on a private bus")
  }

  package static func busAddress() throws -> String {
    try required(environment["DBUS_SESSION_BUS_ADDRESS"], "run the suite through scripts/test")
  }

  /// The notification whose body contains `marker`, waiting up to `timeout` seconds for it;
  /// in `log` when given (a dunst of a test's own, `-print`), else in the suite's dunst.
  package static func notification(
    containing marker: String, timeout: Double = 20, log: String? = nil
  ) throws -> [String: String]? {
    let path = try log ?? dunstLog()
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      if let found = parseDunstLog(log).last(where: { $0["body"]?.contains(marker) == true }) { return found }
      Thread.sleep(forTimeInterval: 0.02)
    } while Date() < deadline
    return nil
  }

  /// Shows a notification of the test's own on `bus` (the shared one unless given) and waits
  /// until the dunst that logs to `log` has logged it. dunst takes calls in the order they
  /// come, so whatever reached it before (from a process that has since ended, or answered)
  /// is in its log by then: absence is asserted after this, never after a sleep.
  package static func sentinel(bus: String? = nil, log: String? = nil) throws {
    let marker = "sentinel-" + uniqueMarker()
    let sent = try runProcess(
      "/usr/bin/notify-send", ["-a", "affirm-tests", "sentinel", marker],
      environment: ["DBUS_SESSION_BUS_ADDRESS": try bus ?? busAddress(), "PATH": "/usr/bin:/bin"])
    try check(sent.status == 0, "notify-send: \(sent.stderr)")
    let path = try log ?? dunstLog()
    try waitUntil("dunst logs the sentinel", timeout: 30) {
      parseDunstLog((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains {
        $0["body"]?.contains(marker) == true
      }
    }
  }

  /// Splits dunst's `-print` output into one dictionary per notification (`key: value`, quotes dropped).
  package static func parseDunstLog(_ log: String) -> [[String: String]] {
    var notifications: [[String: String]] = []
    var current: [String: String]?
    for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "{" { current = [:]; continue }
      if line == "}" {
        if let current { notifications.append(current) }
        current = nil
        continue
      }
      guard current != nil, line.hasPrefix("\t"), let colon = line.firstIndex(of: ":") else { continue }
      let key = line[line.index(after: line.startIndex)..<colon].trimmingCharacters(in: .whitespaces)
      var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
        value = String(value.dropFirst().dropLast())
      }
      if current?[key] == nil { current?[key] = value }
    }
    return notifications
  }

  package static func dunstrc() throws -> String {
    try required(environment["AFFIRM_TEST_DUNSTRC"], "run the suite through scripts/test")
  }

  /// The bodies in a dunst `-print` log that contain `marker`.
  package static func shown(in log: String, containing marker: String) throws -> [String] {
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return parseDunstLog(text).compactMap { $0["body"] }.filter { $0.contains(marker) }
  }

  /// How many notifications on the suite's shared dunst contain `marker`.
  package static func shown(containing marker: String) throws -> Int {
    try shown(in: dunstLog(), containing: marker).count
  }
}

/// Runs `notify-send -p -a otherapp -t 0 BODY` on `bus` (another application's notification)
/// and returns the id the server gave it.
package func otherApplicationNotification(bus: String, body: String) throws -> Int {
  let result = try runProcess(
    "/usr/bin/notify-send", ["-p", "-a", "otherapp", "-t", "0", "otherapp", body],
    environment: ["DBUS_SESSION_BUS_ADDRESS": bus, "PATH": "/usr/bin:/bin"])
  try check(result.status == 0, "notify-send: \(result.stderr)")
  return try required(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result.stdout)")
}

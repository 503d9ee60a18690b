import Foundation

/// A second private session bus, for the failure modes the shared stack must not suffer.
package final class PrivateBus {
  package let directory: TemporaryDirectory
  package let address: String
  package private(set) var daemon: ChildProcess
  private var server: ChildProcess?
  private let config: String

  /// `allowingEveryUser` lets other users connect too (a session bus admits only its owner):
  /// for a command run as nobody while the tests run as root.
  package init(allowingEveryUser: Bool = false) throws {
    directory = try TemporaryDirectory()
    let socket = directory.path + "/bus"
    config = directory.path + "/bus.conf"
    // The one bus config of the project, the one scripts/test's stack runs on.
    let written = try runProcess(
      "/bin/bash",
      [
        "-c", "source \"$1\" && write_bus_config \"${@:2}\"", "bash",
        Affirm.packageRoot + "/scripts/lib/common.sh", config, "session", socket, "",
        allowingEveryUser ? "every-user" : "",
      ])
    try check(written.status == 0, "write_bus_config: \(written.stderr)")
    daemon = try ChildProcess("/usr/bin/dbus-daemon", ["--config-file=\(config)", "--nofork", "--nopidfile"])
    address = "unix:path=\(socket)"
    try waitForBus()
  }

  /// The socket file appears at bind(), before listen(): wait until the bus answers a call,
  /// or a test that stops the daemon at once could find it refusing connections instead.
  private func waitForBus() throws {
    try waitUntil("dbus-daemon answers") {
      try FileManager.default.fileExists(atPath: directory.path + "/bus") && self.busAnswers()
    }
  }

  /// A new dbus-daemon at the same address, after the old one has gone (it is stopped first).
  package func restartBus() throws {
    daemon.stop()
    daemon = try ChildProcess("/usr/bin/dbus-daemon", ["--config-file=\(config)", "--nofork", "--nopidfile"])
    try waitForBus()
  }

  /// Starts dunst on this bus (on the suite's Xvfb display) and waits until it owns the name;
  /// `config` replaces the suite's dunstrc, and `log` receives every notification (`-print`).
  package func startDunst(config: String? = nil, log: String? = nil) throws -> ChildProcess {
    let display = try required(Stack.environment["DISPLAY"], "run the suite through scripts/test (it starts Xvfb)")
    let config = try config ?? required(Stack.environment["AFFIRM_TEST_DUNSTRC"], "run the suite through scripts/test")
    let dunst = try ChildProcess(
      "/usr/bin/dunst", ["-config", config] + (log == nil ? [] : ["-print"]),
      environment: ["DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": address, "HOME": directory.path],
      stdout: log ?? "/dev/null")
    server = dunst
    try waitUntil("dunst owns org.freedesktop.Notifications") { try self.hasNotificationServer() }
    return dunst
  }

  package func busAnswers() throws -> Bool {
    let result = try runProcess(
      "/usr/bin/dbus-send",
      [
        "--bus=\(address)", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus.GetId",
      ])
    return result.status == 0
  }

  package func hasNotificationServer() throws -> Bool {
    let result = try runProcess(
      "/usr/bin/dbus-send",
      [
        "--bus=\(address)", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications",
      ])
    return result.stdout.contains("boolean true")
  }

  deinit {
    server?.stop()
    daemon.stop()
  }
}

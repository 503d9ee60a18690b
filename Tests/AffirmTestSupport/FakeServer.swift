import Foundation

/// Tests/Fixtures/fake-notification-server.py on a bus of its own: a server with chosen
/// capabilities that logs each Notify call as it arrived (actions, replaces_id).
package final class FakeServer {
  package let bus: PrivateBus
  package private(set) var server: ChildProcess
  package let home: DaemonHome
  package let log: String
  private let arguments: [String]

  /// `name` is what GetServerInformation answers; with `maxKept`, it refuses a Notify while
  /// that many notifications were never closed (as notification-daemon does); `neverAnswer`:
  /// methods the server keeps unanswered ("all" for every one).
  package init(
    capabilities: [String], closeAfter: Double? = nil, name: String = "fake", maxKept: Int? = nil,
    press: String? = nil, neverAnswer: [String] = []
  ) throws {
    bus = try PrivateBus()
    home = try DaemonHome()
    log = bus.directory.path + "/notify.log"
    let script = Affirm.packageRoot + "/Tests/Fixtures/fake-notification-server.py"
    var arguments = [script, log, "--capabilities", capabilities.joined(separator: ","), "--name", name]
    if let closeAfter { arguments += ["--close-after", "\(closeAfter)"] }
    if let maxKept { arguments += ["--max-kept", "\(maxKept)"] }
    if let press { arguments += ["--press", press] }
    if !neverAnswer.isEmpty { arguments += ["--never-answer", neverAnswer.joined(separator: ",")] }
    self.arguments = arguments
    server = try Self.start(arguments, bus: bus)
  }

  private static func start(_ arguments: [String], bus: PrivateBus) throws -> ChildProcess {
    let server = try ChildProcess(
      "/usr/bin/python3", arguments,
      environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address, "PATH": "/usr/bin:/bin"],
      stderr: bus.directory.path + "/server.err")
    try waitUntil("the fake server owns org.freedesktop.Notifications") { try bus.hasNotificationServer() }
    return server
  }

  /// Kills the server (SIGKILL) and starts a new one: a new unique name, ids from 1 again.
  package func restart() throws {
    server.signal(SIGKILL)
    server.wait()
    try waitUntil("the old server is gone") { try !bus.hasNotificationServer() }
    server = try Self.start(arguments, bus: bus)
  }

  deinit { server.stop() }

  private var lines: [[String: Any]] {
    ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  /// The Notify calls shown so far, oldest first.
  package var calls: [[String: Any]] { lines.filter { $0["id"] != nil } }
  /// The methods of the calls held unanswered (`neverAnswer`), oldest first.
  package var unanswered: [String] { lines.compactMap { $0["unanswered"] as? String } }
  /// The Notify calls held unanswered, oldest first: summary, body and pid.
  package var held: [[String: Any]] { lines.filter { $0["unanswered"] as? String == "Notify" } }
  /// The ids CloseNotification was called with, in order.
  package var closes: [Int] { lines.compactMap { $0["close"] as? Int } }
  /// How many Notify calls were refused (MaxNotificationsExceeded).
  package var refused: Int { lines.filter { $0["refused"] != nil }.count }
}

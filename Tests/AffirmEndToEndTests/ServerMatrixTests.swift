import AffirmTestSupport
import Foundation
import Testing

/// A real notification server the suite runs the server-dependent tests on.
enum ServerKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case dunst
  case xfce4Notifyd = "xfce4-notifyd"
  case notificationDaemon = "notification-daemon"

  var binary: String {
    switch self {
    case .dunst: "/usr/bin/dunst"
    case .xfce4Notifyd: "/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd"
    case .notificationDaemon: "/usr/lib/notification-daemon/notification-daemon"
    }
  }

  /// Whether the server keeps an expired notification and never says it closed (it lists `persistence`).
  var keepsExpired: Bool { self == .notificationDaemon }

  var testDescription: String { rawValue }

  /// Where a person's click presses button `index` (0: the first) of this server's bubble of
  /// `width` x `height`: xfce4-notifyd draws the buttons in a row along the bubble's foot, the
  /// first at the left. nil where the suite does not click: dunst shows its buttons in a menu
  /// (ButtonTests open it), and notification-daemon's bubble answered every click of ours
  /// on Xvfb with a dismissal.
  func buttonPoint(_ index: Int, width: Int, height: Int) -> (x: Int, y: Int)? {
    guard self == .xfce4Notifyd else { return nil }
    return (index == 0 ? width / 5 : width * 3 / 4, height - 20)
  }

  /// The servers installed here (scripts/test installs all three), with Xvfb to draw on.
  static var available: [ServerKind] {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/Xvfb") else { return [] }
    return allCases.filter { FileManager.default.isExecutableFile(atPath: $0.binary) }
  }
}

/// One real server on a bus and an Xvfb display of its own (nobody else's window can take its
/// clicks), with
/// Tests/Fixtures/notification-monitor.py recording the protocol as it passes on the bus:
/// what was sent, the ids the server gave, what was closed and pressed.
final class RealServer {
  let kind: ServerKind
  let bus: PrivateBus
  let home: DaemonHome
  let log: String
  /// The X display the server draws on, such as ":5".
  let display: String
  private var server: ChildProcess
  private let monitor: ChildProcess
  private let screen: ChildProcess

  init(_ kind: ServerKind) throws {
    self.kind = kind
    bus = try PrivateBus()
    home = try DaemonHome()
    // Xvfb picks a free display and writes its number to the descriptor given: stdout here.
    let number = bus.directory.path + "/display"
    screen = try ChildProcess(
      "/usr/bin/Xvfb", ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1024x768x24"], stdout: number)
    try waitUntil("Xvfb names its display") {
      ((try? String(contentsOfFile: number, encoding: .utf8)) ?? "").hasSuffix("\n")
    }
    display =
      ":" + (try String(contentsOfFile: number, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
    log = bus.directory.path + "/monitor.log"
    monitor = try ChildProcess(
      "/usr/bin/python3", [Affirm.packageRoot + "/Tests/Fixtures/notification-monitor.py", log],
      environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address, "PATH": "/usr/bin:/bin"],
      stderr: bus.directory.path + "/monitor.err")
    let log = log
    try waitUntil("the monitor watches") {
      ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("\"ready\"")
    }
    server = try Self.start(kind, bus: bus, display: display)
  }

  private static func start(_ kind: ServerKind, bus: PrivateBus, display: String) throws -> ChildProcess {
    var arguments: [String] = []
    if kind == .dunst {
      arguments = [
        "-config", try #require(Stack.environment["AFFIRM_TEST_DUNSTRC"], "run the suite through scripts/test"),
      ]
    }
    let server = try ChildProcess(
      kind.binary, arguments,
      environment: [
        "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": bus.address, "HOME": bus.directory.path,
        "XDG_CONFIG_HOME": bus.directory.path + "/config", "XDG_CACHE_HOME": bus.directory.path + "/cache",
        "PATH": "/usr/bin:/bin",
      ],
      stderr: bus.directory.path + "/server.err")
    try waitUntil("\(kind.rawValue) owns org.freedesktop.Notifications") { try bus.hasNotificationServer() }
    return server
  }

  /// Kills the server (SIGKILL, as a crash) and starts it again: a new instance, a new unique name.
  func restart() throws {
    server.signal(SIGKILL)
    server.wait()
    try waitUntil("the old server is gone") { try !bus.hasNotificationServer() }
    server = try Self.start(kind, bus: bus, display: display)
  }

  deinit {
    server.stop()
    monitor.stop()
    screen.stop()
  }

  var environment: [String: String] { get throws { try home.environment(bus: bus.address) } }

  func affirm(_ arguments: [String]) throws -> RunResult { try Affirm.run(arguments, environment: try environment) }

  var events: [[String: Any]] {
    ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  /// The Notify calls the server answered, oldest first ("notify" holds the id, or "error").
  var notifications: [[String: Any]] { events.filter { $0["notify"] != nil } }
  /// affirm's own Notify calls.
  var affirmNotifications: [[String: Any]] { notifications.filter { $0["app"] as? String == "affirm" } }

  /// affirm's own Notify calls, once the monitor has logged at least `count` of them. The
  /// monitor sees the server's answer when the sender does, but writes it in its own time: a
  /// send that has exited may not be in the log yet (on a loaded machine, now and then, it
  /// was not).
  func affirmNotifications(atLeast count: Int) throws -> [[String: Any]] {
    try waitUntil("the monitor has logged \(count) answered Notify call(s) from affirm") {
      affirmNotifications.count >= count
    }
    return affirmNotifications
  }

  /// Waits until the monitor has logged a CloseNotification call for `id`.
  func awaitCloseCall(_ id: Int) throws {
    try waitUntil("the monitor has logged CloseNotification(\(id))") { closeCalls.contains(id) }
  }
  /// The ids CloseNotification was called with.
  var closeCalls: [Int] { events.compactMap { $0["close"] as? Int } }
  /// The ids the server said closed.
  var closedSignals: [Int] { events.compactMap { $0["closed"] as? Int } }

  /// Clicks button `index` of the bubble on screen with xdotool, as a person would.
  func click(button index: Int) throws {
    var frame: (x: Int, y: Int, width: Int, height: Int)?
    var seen: [Int] = []
    // Found twice alike, 50 ms apart: drawn, and no longer moving into place.
    try waitUntil("\(kind.rawValue) draws a bubble that stays put") {
      let before = seen
      Thread.sleep(forTimeInterval: 0.05)
      let tree = try runProcess("/usr/bin/xwininfo", ["-root", "-tree"], environment: ["DISPLAY": display]).stdout
      // A line like: 0x200003 "xfce4-notifyd": ("xfce4-notifyd" "Xfce4-notifyd")  303x120+705+451  +705+451
      for line in tree.split(separator: "\n") where line.contains("(\"\(kind.rawValue)\"") {
        let numbers = (line.split(separator: ")").last ?? "").split(whereSeparator: { "x+ ".contains($0) })
          .compactMap { Int($0) }
        if numbers.count >= 4, numbers[0] > 50 {
          frame = (numbers[2], numbers[3], numbers[0], numbers[1])
          seen = Array(numbers.prefix(4))
          break
        }
      }
      return frame != nil && seen == before
    }
    let bubble = try #require(frame)
    let point = try #require(kind.buttonPoint(index, width: bubble.width, height: bubble.height))
    let click = try runProcess(
      "/usr/bin/xdotool",
      ["mousemove", "\(bubble.x + point.x)", "\(bubble.y + point.y)", "click", "1"],
      environment: ["DISPLAY": display])
    #expect(click.status == 0, "\(click.stderr)")
  }
}

@Suite(
  "on each real server: dunst, xfce4-notifyd and notification-daemon", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
struct ServerMatrixTests {
  @Test("send: app name, summary, body, urgency, hints and icon arrive", arguments: ServerKind.available)
  func send(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    let result = try server.affirm(["send", "--tag", "late-night", "--urgency", "critical"])
    #expect(result.status == 0, "\(result.stderr)")
    let shown = try #require(try server.affirmNotifications(atLeast: 1).first)
    #expect((shown["notify"] as? Int ?? 0) > 0, "\(shown)")
    #expect((shown["summary"] as? String)?.isEmpty == false)
    #expect((shown["body"] as? String)?.isEmpty == false)
    #expect(shown["urgency"] as? Int == 2)
    #expect(shown["actions"] as? [String] == [])
    // The scratch home has no icon of affirm's installed, so none is named (ServerQuirkTests
    // checks the installed one arrives).
    #expect(shown["icon"] as? String == "")
  }

  @Test("markup: a line with & < > arrives escaped, so it shows as written", arguments: ServerKind.available)
  func markup(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    let corpus = try server.home.directory.write("markup.txt", "[healing]\nTom & Jerry <3 > all\n")
    let result = try server.affirm(["send", "--corpus", corpus])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try server.affirmNotifications(atLeast: 1).first?["body"] as? String == "Tom &amp; Jerry &lt;3 &gt; all")
  }

  @Test(
    "wait: send --wait ends, \"closed\" where the server says so and \"expired\" where it keeps it, and withdraws it",
    arguments: ServerKind.available)
  func wait(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    let result = try server.affirm(["send", "--wait", "--timeout", "1", "--tag", "late-night"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == (kind.keepsExpired ? "expired\n" : "closed\n"))
    // The README's promise: `--timeout` and 5 s more (6 s here). Generous against a loaded
    // machine; what it rules out is waiting for the 10-minute cap. The figure: scripts/bench.
    #expect(result.seconds < 30, "\(result.seconds) s")
    if kind.keepsExpired {
      let id = try #require(try server.affirmNotifications(atLeast: 1).first?["notify"] as? Int)
      try server.awaitCloseCall(id)
    }
  }

  @Test(
    "ride: one bubble updated in place, its value hint on the wire rising to 100; minutes in words only where no bar is drawn",
    arguments: ServerKind.available)
  func ride(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    let output = server.bus.directory.path + "/ride.out"
    // A ride's minute lasts one second here (AFFIRM_RIDE_MINUTE_SECONDS, test-only).
    let ride = try ChildProcess(
      Affirm.binary, ["sos", "--ride", "--for", "5m"],
      environment: try server.environment.merging(["AFFIRM_RIDE_MINUTE_SECONDS": "1"]) { $1 }, stdout: output,
      stderr: output + ".err")
    defer { ride.stop() }
    let isRide = { (call: [String: Any]) -> Bool in
      let summary = call["summary"] as? String ?? ""
      return summary.hasPrefix("Riding the wave") || summary == "Did the wave pass?"
    }
    try waitUntil("the ride asks whether the wave passed") {
      server.affirmNotifications.contains { $0["summary"] as? String == "Did the wave pass?" }
    }
    ride.signal(SIGTERM)
    #expect(ride.wait(timeout: 10) == 0, "\((try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "")")
    let calls = server.affirmNotifications.filter(isRide)
    // Five minutes and the question, all one notification: the server's first id, replaced in place.
    #expect(calls.count == 6, "\(calls)")
    let id = try #require(calls.first?["notify"] as? Int)
    #expect(id > 0)
    #expect(calls.first?["replaces_id"] as? Int == 0)
    #expect(calls.dropFirst().allSatisfy { $0["replaces_id"] as? Int == id && $0["notify"] as? Int == id }, "\(calls)")
    #expect(calls.compactMap { $0["value"] as? Int } == [0, 20, 40, 60, 80, 100], "\(calls)")
    // dunst and xfce4-notifyd draw the value hint as a bar; notification-daemon draws none, so
    // its bubble says how far the ride is in words.
    let inWords = calls.dropLast().map { ($0["body"] as? String)?.contains(" of 5 minutes") == true }
    #expect(inWords == Array(repeating: kind == .notificationDaemon, count: 5), "\(calls)")
    // Stopped while it asked: withdrawn from the screen.
    try server.awaitCloseCall(id)
  }

  @Test(
    "buttons: \"It passed\" clicked on screen is recorded and thanked for",
    arguments: ServerKind.available.filter { $0.buttonPoint(0, width: 0, height: 0) != nil })
  func clicked(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    let output = server.bus.directory.path + "/send.out"
    let send = try ChildProcess(
      Affirm.binary, ["send", "--wait", "--tag", "late-night"], environment: try server.environment, stdout: output,
      stderr: output + ".err")
    defer { send.stop() }
    try waitUntil("the notification") { !server.affirmNotifications.isEmpty }
    try server.click(button: 0)
    #expect(send.wait(timeout: 10) == 0)
    #expect((try? String(contentsOfFile: output, encoding: .utf8)) == "stayed-strong\n")
    try waitUntil("the thank-you") { server.affirmNotifications.count >= 2 }
    #expect(server.affirmNotifications[1]["summary"] as? String == "Thank you for staying with yourself")
    #expect(server.affirmNotifications[1]["transient"] as? Bool == true)
    let stats = try server.affirm(["stats", "--json"])
    #expect(stats.stdout.contains("\"stayed_strong\": 1,"), "\(stats.stdout)")
  }

  @Test("buttons: none is left once sos --follow-up has gone", arguments: ServerKind.available)
  func noDeadButtons(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    let result = try server.affirm(["sos", "--follow-up", "1s"])
    #expect(result.status == 0, "\(result.stderr)")
    let shown = try server.affirmNotifications(atLeast: 2)
    #expect(shown.count == 2)
    #expect((shown.first?["actions"] as? [String])?.isEmpty == false)
    #expect(shown.last?["actions"] as? [String] == [])
    let first = try #require(shown.first?["notify"] as? Int)
    try server.awaitCloseCall(first)
    // Where the server says what closed, the bubble with buttons has gone: nothing left to press.
    if !kind.keepsExpired {
      try waitUntil("the server closed it") { server.closedSignals.contains(first) }
    }
  }

  @Test(
    "replace: the daemon's second bubble takes the place of the first while it is open", arguments: ServerKind.available
  )
  func replace(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    try lateNightSlots([0, 1]).write(toFile: server.home.config, atomically: true, encoding: .utf8)
    let daemon = try server.home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try waitUntil("two notifications", timeout: fireWait) { server.affirmNotifications.count >= 2 }
    let shown = server.affirmNotifications
    let first = try #require(shown[0]["notify"] as? Int)
    #expect(shown[1]["replaces_id"] as? Int == first)
    #expect(shown[1]["notify"] as? Int == first)
  }

  @Test(
    "restart: after the server restarts, the daemon's next bubble touches no other application's notification",
    arguments: ServerKind.available)
  func restart(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    try lateNightSlots([0, 15]).write(toFile: server.home.config, atomically: true, encoding: .utf8)
    let daemon = try server.home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try waitUntil("the first notification", timeout: fireWait) { server.affirmNotifications.count >= 1 }
    try server.restart()
    let others = try (1...5).map { try otherApplicationNotification(bus: server.bus.address, body: "message \($0)") }
    try waitUntil("the daemon's second notification", timeout: fireWait) { server.affirmNotifications.count >= 2 }
    let second = try #require(server.affirmNotifications.last)
    #expect(second["replaces_id"] as? Int == 0, "\(second)")
    #expect(!others.contains(second["notify"] as? Int ?? -1), "\(others) \(second)")
    #expect(server.closeCalls.allSatisfy { !others.contains($0) }, "\(server.closeCalls)")
    #expect(daemon.isRunning)
  }

  @Test("store: 50 sends in a row, every one shown, none refused", arguments: ServerKind.available)
  func store(_ kind: ServerKind) throws {
    let server = try RealServer(kind)
    for round in 1...50 {
      let result = try server.affirm(["send"])
      #expect(result.status == 0, "send \(round): \(result.stderr)")
    }
    let shown = try server.affirmNotifications(atLeast: 50)
    #expect(shown.count == 50)
    #expect(shown.allSatisfy { $0["notify"] is Int }, "\(shown.filter { !($0["notify"] is Int) })")
  }
}

import AffirmTestSupport
import Foundation
import Testing

/// A dunst of the test's own, on its own bus, whose context menu is a script: `press(_:)`
/// writes the label to choose and runs `dunstctl context`, as a person pressing a button.
/// Its log holds only this test's notifications.
final class ButtonStack {
  let bus: PrivateBus
  let dunst: ChildProcess
  let home: DaemonHome
  private var log: String { bus.directory.path + "/dunst.log" }

  init() throws {
    bus = try PrivateBus()
    home = try DaemonHome()
    let directory = bus.directory.path
    let menu = try bus.directory.write(
      "menu.sh",
      """
      #!/bin/sh
      # dunst's context menu: one line per button, "#label (summary) [id,action]".
      lines=$(cat)
      printf '%s\\n' "$lines" >> \(directory)/menu.log
      printf '%s\\n' "$lines" | grep -F -m1 "#$(cat \(directory)/choice) ("

      """)
    chmod(menu, 0o755)
    let shared = try String(contentsOfFile: try #require(Stack.environment["AFFIRM_TEST_DUNSTRC"]), encoding: .utf8)
    let config = try bus.directory.write(
      "dunstrc", shared.replacingOccurrences(of: "[global]", with: "[global]\n    dmenu = \(menu)"))
    let display = try #require(Stack.environment["DISPLAY"], "run the suite through scripts/test (it starts Xvfb)")
    dunst = try ChildProcess(
      "/usr/bin/dunst", ["-config", config, "-print"],
      environment: ["DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": bus.address, "HOME": directory],
      stdout: directory + "/dunst.log")
    try waitUntil("dunst owns org.freedesktop.Notifications") { try bus.hasNotificationServer() }
  }

  deinit { dunst.stop() }

  var environment: [String: String] { get throws { try home.environment(bus: bus.address) } }

  /// Every notification this dunst has shown, oldest first.
  var notifications: [[String: String]] {
    Stack.parseDunstLog((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
  }

  /// Waits until `count` notifications have been shown and returns the last.
  @discardableResult
  func waitForNotification(number count: Int, timeout: Double = 20) throws -> [String: String] {
    try waitUntil("notification \(count) is shown", timeout: timeout) { notifications.count >= count }
    return notifications[count - 1]
  }

  /// Presses the button labelled `label` on the notification on screen. dunst logs a
  /// notification when it arrives and shows it a moment later; its context menu lists only
  /// those shown, so this waits for one on screen, and opens the menu again if it came empty.
  func press(_ label: String) throws {
    try bus.directory.write("choice", label)
    try waitUntil("a notification is on screen") { try displayed() > 0 }
    let menuLog = bus.directory.path + "/menu.log"
    let before = contents(menuLog).components(separatedBy: "#\(label) (").count
    try waitUntil("dunst's context menu offers \"\(label)\"") {
      _ = try dunstctl(["context"])
      return
        (try? waitUntil("the menu script ran", timeout: 1) {
          contents(menuLog).components(separatedBy: "#\(label) (").count > before
        }) != nil
    }
  }

  func dunstctl(_ arguments: [String]) throws -> RunResult {
    try runProcess("/usr/bin/dunstctl", arguments, environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address])
  }

  /// How many notifications are on screen now.
  func displayed() throws -> Int {
    Int(try dunstctl(["count", "displayed"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  func affirm(_ arguments: [String]) throws -> RunResult { try Affirm.run(arguments, environment: try environment) }

  /// Starts `affirm ARGUMENTS` in the background with its stdout and stderr in files.
  func start(_ arguments: [String]) throws -> (process: ChildProcess, stdout: String, stderr: String) {
    let stdout = home.directory.path + "/stdout-\(UUID().uuidString.prefix(6))"
    let stderr = stdout + ".err"
    let process = try ChildProcess(
      Affirm.binary, arguments, environment: try environment, stdout: stdout, stderr: stderr)
    return (process, stdout, stderr)
  }

  /// The kinds of the history's items, sorted (items of the same second have no order).
  func historyKinds() throws -> [String] {
    let history = try affirm(["history", "--json"])
    #expect(history.status == 0, "\(history.stderr)")
    let items = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []
    return items.compactMap { $0["kind"] as? String }.sorted()
  }
}

private func contents(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

/// The titles of an urge line: the second where the first would repeat the line.
let urgeTitles: Set<String> = ["Breathe. You're not alone in this.", "Stay with yourself for a minute."]

private let buttons = ["\"stayed-strong\"": "\"It passed\"", "\"reach-out\"": "\"I want to reach out\""]

private func hasButtons(_ notification: [String: String]) -> Bool {
  buttons.allSatisfy { notification[$0.key] == $0.value }
}

@Suite(
  "notification buttons, pressed through dunst's context menu", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
struct ButtonTests {
  @Test("send --wait: \"It passed\" is recorded and thanked for, and the answered one leaves")
  func stayedStrong() throws {
    let stack = try ButtonStack()
    let (send, stdout, stderr) = try stack.start(["send", "--wait", "--tag", "late-night"])
    defer { send.stop() }
    let shown = try stack.waitForNotification(number: 1)
    #expect(hasButtons(shown), "\(shown)")
    #expect(send.isRunning)
    try stack.press("It passed")
    #expect(send.wait(timeout: 5) == 0, "\(contents(stderr))")
    #expect(contents(stdout) == "stayed-strong\n")
    let thanks = try stack.waitForNotification(number: 2)
    #expect(thanks["summary"] == "Thank you for staying with yourself")
    #expect(thanks["urgency"] == "LOW")
    #expect(!hasButtons(thanks))
    try waitUntil("only the thanks is on screen") { try stack.displayed() == 1 }
    #expect(try stack.historyKinds() == ["delivery", "stayed-strong"])
    let stats = try stack.affirm(["stats", "--json"])
    #expect(stats.stdout.contains("\"stayed_strong\": 1,"), "\(stats.stdout)")
    #expect(
      try stack.affirm(["stats"]).stdout.contains(
        "Waves you let pass (\"It passed\"): 1 in all, 1 of them in the last 12 weeks."))
  }

  @Test("send --wait: \"I want to reach out\" logs an urge and shows an urge line at once, critical")
  func reachOut() throws {
    let stack = try ButtonStack()
    let (send, stdout, stderr) = try stack.start(["send", "--wait", "--tag", "urge"])
    defer { send.stop() }
    #expect(hasButtons(try stack.waitForNotification(number: 1)))
    try stack.press("I want to reach out")
    #expect(send.wait(timeout: 5) == 0, "\(contents(stderr))")
    #expect(contents(stdout) == "reach-out\n")
    let urge = try stack.waitForNotification(number: 2)
    #expect(urgeTitles.contains(urge["summary"] ?? ""), "\(urge)")
    #expect(urge["urgency"] == "CRITICAL")
    // The one-shot is gone: no buttons nobody would hear.
    #expect(!hasButtons(urge))
    #expect(try stack.historyKinds() == ["delivery", "delivery", "urge"])
    let history = try stack.affirm(["history"]).stdout
    #expect(history.contains("urge       sos               from a notification button"), "\(history)")
  }

  @Test("send --wait ends with \"closed\" when dismissed; a morning line carries no buttons")
  func closedWithoutAnswer() throws {
    let stack = try ButtonStack()
    let (send, stdout, stderr) = try stack.start(["send", "--wait", "--tag", "morning"])
    defer { send.stop() }
    #expect(!hasButtons(try stack.waitForNotification(number: 1)))
    #expect(send.isRunning)
    #expect(try stack.dunstctl(["close"]).status == 0)
    #expect(send.wait(timeout: 5) == 0, "\(contents(stderr))")
    #expect(contents(stdout) == "closed\n")
  }

  @Test("send without --wait offers no buttons and does not stay; --wait refuses --dry-run")
  func noButtonsWithoutWait() throws {
    let stack = try ButtonStack()
    let send = try stack.affirm(["send", "--tag", "late-night"])
    #expect(send.status == 0, "\(send.stderr)")
    #expect(!hasButtons(try stack.waitForNotification(number: 1)))
    let dryRun = try stack.affirm(["send", "--wait", "--dry-run"])
    #expect(dryRun.status == 64)
    #expect(dryRun.stderr.contains("--wait shows a notification; it cannot go with --dry-run"))
  }

  @Test("send --wait stops with a clear error when the server quits before an answer")
  func serverQuits() throws {
    let stack = try ButtonStack()
    let (send, _, stderr) = try stack.start(["send", "--wait", "--tag", "late-night"])
    defer { send.stop() }
    try stack.waitForNotification(number: 1)
    stack.dunst.stop()
    #expect(send.wait(timeout: 10) == 69)
    #expect(contents(stderr).contains("no notification server is running"), "\(contents(stderr))")
  }

  @Test("send --wait ends with \"closed\" when a new server takes over: the old one took its notification along")
  func serverReplaced() throws {
    let stack = try ButtonStack()
    let (send, stdout, stderr) = try stack.start(["send", "--wait", "--tag", "late-night"])
    defer { send.stop() }
    try stack.waitForNotification(number: 1)
    stack.dunst.stop()
    let successor = try stack.bus.startDunst()
    defer { successor.stop() }
    #expect(send.wait(timeout: 10) == 0, "\(contents(stderr))")
    #expect(contents(stdout) == "closed\n")
  }

  @Test("sos --follow-up offers the buttons while it stays; the follow-up still comes")
  func sosFollowUp() throws {
    let stack = try ButtonStack()
    let (sos, stdout, stderr) = try stack.start(["sos", "--follow-up", "3s", "--note", "their text"])
    defer { sos.stop() }
    let first = try stack.waitForNotification(number: 1)
    #expect(hasButtons(first))
    #expect(first["urgency"] == "CRITICAL")
    try stack.press("It passed")
    #expect(try stack.waitForNotification(number: 2)["summary"] == "Thank you for staying with yourself")
    let followUp = try stack.waitForNotification(number: 3)
    #expect(urgeTitles.contains(followUp["summary"] ?? ""), "\(followUp)")
    #expect(!hasButtons(followUp), "nobody stays to hear them")
    #expect(sos.wait(timeout: 5) == 0, "\(contents(stderr))")
    #expect(contents(stdout).contains("It passed. Thank you for staying with yourself.\n"))
    #expect(try stack.historyKinds() == ["delivery", "delivery", "stayed-strong", "urge"])
  }

  @Test("sos without --follow-up offers no buttons and returns at once")
  func sosAlone() throws {
    let stack = try ButtonStack()
    let sos = try stack.affirm(["sos"])
    #expect(sos.status == 0, "\(sos.stderr)")
    #expect(!hasButtons(try stack.waitForNotification(number: 1)))
  }

  @Test("the daemon replaces its previous bubble; \"I want to reach out\" rides the wave, \"It passed\" ends it")
  func daemon() throws {
    let stack = try ButtonStack()
    try """
    timezone = "UTC"
    [[slot]]
    name = "night"
    at = ["\(utcTime(secondsFromNow: slotLead))", "\(utcTime(secondsFromNow: slotLead + 2))"]
    tags = ["late-night"]
    urgency = "critical"

    """.write(toFile: stack.home.config, atomically: true, encoding: .utf8)
    let daemon = try stack.home.start(bus: stack.bus.address, extra: ["AFFIRM_RIDE_MINUTE_SECONDS": "1"])
    defer { daemon.stop() }
    let first = try stack.waitForNotification(number: 1, timeout: fireWait)
    let second = try stack.waitForNotification(number: 2, timeout: fireWait)
    #expect(hasButtons(first) && hasButtons(second))
    // replaces_id: the second took the first one's place.
    #expect(first["id"] != nil && second["id"] == first["id"])
    #expect(try stack.displayed() == 1)

    try stack.press("I want to reach out")
    // The answer is a ride of the wave (a minute is a second here): one bubble, critical, that
    // follows the wave and at its end asks whether it passed.
    let ride = try stack.waitForNotification(number: 3)
    #expect(ride["summary"] == "Riding the wave: it is rising", "\(ride)")
    #expect(ride["urgency"] == "CRITICAL")
    #expect(!hasButtons(ride))
    try waitUntil("the ride asks whether the wave passed", timeout: 60) {
      stack.notifications.contains { $0["summary"] == "Did the wave pass?" }
    }
    let question = try #require(stack.notifications.last { $0["summary"] == "Did the wave pass?" })
    #expect(question["\"ride-passed\""] == "\"It passed\"", "\(question)")
    #expect(question["\"still-hard\""] == "\"Still hard\"", "\(question)")
    #expect(question["progress"] == "100", "\(question)")
    try stack.press("It passed")
    try waitUntil("the thank-you comes") { stack.notifications.contains { $0["summary"] == "It passed" } }
    try stack.home.waitForLog("the ride ended: passed")
    #expect(try stack.historyKinds() == ["delivery", "delivery", "ride", "urge"])
    let stats = try stack.affirm(["stats", "--json"])
    #expect(stats.stdout.contains("\"waves_passed\": 1,"), "\(stats.stdout)")
    #expect(stats.stdout.contains("\"median_wave_minutes\": 20"), "\(stats.stdout)")
    #expect(daemon.isRunning)
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 10) == 0)
    #expect(stack.home.log.contains("answered: I want to reach out"))
  }
}

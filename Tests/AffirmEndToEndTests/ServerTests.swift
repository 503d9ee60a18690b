import Foundation
import Testing

/// Runs `notify-send -p -a otherapp -t 0 BODY` on `bus` (another application's notification)
/// and returns the id the server gave it.
func otherApplicationNotification(bus: String, body: String) throws -> Int {
  let result = try runProcess(
    "/usr/bin/notify-send", ["-p", "-a", "otherapp", "-t", "0", "otherapp", body],
    environment: ["DBUS_SESSION_BUS_ADDRESS": bus, "PATH": "/usr/bin:/bin"])
  #expect(result.status == 0, "\(result.stderr)")
  return try #require(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result.stdout)")
}

/// A daemon config with one late-night slot at each of `offsets` seconds after `slotLead`
/// from now (UTC): `[0, 5]` is one fire time at the lead and one five seconds later.
func lateNightSlots(_ offsets: [Int], urgency: String = "normal") -> String {
  """
  timezone = "UTC"
  [[slot]]
  name = "night"
  at = [\(offsets.map { "\"\(utcTime(secondsFromNow: slotLead + $0))\"" }.joined(separator: ", "))]
  tags = ["late-night"]
  urgency = "\(urgency)"

  """
}

@Suite("server instances, bounds and footprint, through a fake server", .serialized, .timeLimit(.minutes(3)))
struct ServerProtocolTests {
  @Test("a restarted server: the daemon's next notification is new, never another application's old id")
  func restartForgetsIDs() throws {
    let server = try FakeServer(capabilities: ["body", "actions"])
    try lateNightSlots([0, 15]).write(toFile: server.home.config, atomically: true, encoding: .utf8)
    let daemon = try server.home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try waitUntil("the first notification", timeout: fireWait) { server.calls.count >= 1 }
    try server.restart()
    let others = try (1...5).map { try otherApplicationNotification(bus: server.bus.address, body: "message \($0)") }
    try waitUntil("the daemon's second notification", timeout: fireWait) {
      server.calls.filter { $0["app"] as? String == "affirm" }.count >= 2
    }
    let second = try #require(server.calls.last { $0["app"] as? String == "affirm" })
    #expect(second["replaces_id"] as? Int == 0, "\(second)")
    #expect(!others.contains(second["id"] as? Int ?? -1))
    #expect(server.closes.allSatisfy { !others.contains($0) }, "\(server.closes)")
    #expect(daemon.isRunning)
  }

  @Test("send --wait on a server that never says it closed: \"expired\" after --timeout + 5 s, withdrawn")
  func waitExpires() throws {
    let server = try FakeServer(capabilities: ["body", "actions", "persistence"])
    let output = server.bus.directory.path + "/send.out"
    let send = try ChildProcess(
      Affirm.binary, ["send", "--wait", "--timeout", "1", "--tag", "late-night"],
      environment: try server.home.environment(bus: server.bus.address), stdout: output,
      stderr: output + ".err")
    defer { send.stop() }
    #expect(send.wait(timeout: 20) == 0, "\((try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "")")
    #expect((try? String(contentsOfFile: output, encoding: .utf8)) == "expired\n")
    let shown = try #require(server.calls.first?["id"] as? Int)
    #expect(server.closes == [shown], "its buttons are withdrawn")
  }

  @Test("sos --follow-up withdraws its buttons before the follow-up; the daemon withdraws them on SIGTERM")
  func noDeadButtons() throws {
    let server = try FakeServer(capabilities: ["body", "actions"])
    let sos = try Affirm.run(
      ["sos", "--follow-up", "1s"], environment: try server.home.environment(bus: server.bus.address))
    #expect(sos.status == 0, "\(sos.stderr)")
    let first = try #require(server.calls.first)
    #expect((first["actions"] as? [String])?.isEmpty == false)
    #expect(server.closes.contains(try #require(first["id"] as? Int)))
    #expect(server.calls.count == 2 && (server.calls[1]["actions"] as? [String]) == [])

    try lateNightSlots([0]).write(toFile: server.home.config, atomically: true, encoding: .utf8)
    let daemon = try server.home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try waitUntil("the daemon's notification", timeout: fireWait) { server.calls.count >= 3 }
    let offered = try #require(server.calls[2]["id"] as? Int)
    #expect((server.calls[2]["actions"] as? [String])?.isEmpty == false)
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 10) == 0)
    #expect(server.closes.contains(offered), "\(server.closes)")
  }

  @Test("50 sends in a row on a server that keeps 20 unclosed notifications at most: all shown, none refused")
  func boundedFootprint() throws {
    let server = try FakeServer(capabilities: ["body", "actions", "persistence"], maxKept: 20)
    let environment = try server.home.environment(bus: server.bus.address)
    for round in 1...50 {
      let send = try Affirm.run(["send"], environment: environment)
      #expect(send.status == 0, "send \(round): \(send.stderr)")
    }
    #expect(server.calls.count == 50)
    #expect(server.refused == 0)
    // Each send closed the one before it: one of affirm's at a time.
    #expect(server.closes.count == 49)
  }

  @Test("doctor reports the latest delivery failures with their reason, not a blanket \"can be shown\"")
  func doctorReportsFailures() throws {
    let server = try FakeServer(capabilities: ["body"], maxKept: 0)
    let environment = try server.home.environment(bus: server.bus.address)
    let send = try Affirm.run(["send"], environment: environment)
    #expect(send.status == 69)
    let doctor = try Affirm.run(["doctor"], environment: environment)
    #expect(doctor.status == 0, "\(doctor.stdout)")
    #expect(doctor.stdout.contains("recent deliveries: 1 of the latest 1 failed"), "\(doctor.stdout)")
    #expect(doctor.stdout.contains("MaxNotificationsExceeded") || doctor.stdout.contains("Exceeded maximum"))
    #expect(!doctor.stdout.contains("A notification can be shown now."))
    #expect(doctor.stdout.contains("but the latest delivery failed"))
  }

  @Test("doctor dates the latest failure in the config's zone, as history does, not in the system's")
  func doctorDatesFailuresInTheConfigZone() throws {
    let server = try FakeServer(capabilities: ["body"], maxKept: 0)
    let environment = try server.home.environment(bus: server.bus.address)  // TZ=UTC
    try "timezone = \"Pacific/Kiritimati\"\n".write(toFile: server.home.config, atomically: true, encoding: .utf8)
    let config = ["--config", server.home.config]
    #expect(try Affirm.run(["send"] + config, environment: environment).status == 69)
    let doctor = try Affirm.run(["doctor"] + config, environment: environment)
    let line = try #require(
      doctor.stdout.split(separator: "\n").first { $0.contains("latest failure, ") }, "\(doctor.stdout)")
    #expect(line.contains("+14:00: "), "\(line)")
  }
}

@Suite(
  "the server quirks table, each against a server that has the quirk (impersonated)",
  .serialized, .timeLimit(.minutes(3)))
struct ServerQuirkTests {
  @Test("GNOME Shell: the thank-you comes at normal urgency, transient; elsewhere low, transient")
  func acknowledgementUrgency() throws {
    for (name, urgency) in [("gnome-shell", 1), ("fake", 0)] {
      let server = try FakeServer(capabilities: ["body", "actions", "persistence"], name: name, press: "stayed-strong")
      let send = try Affirm.run(
        ["send", "--wait", "--tag", "late-night"], environment: try server.home.environment(bus: server.bus.address))
      #expect(send.stdout == "stayed-strong\n", "\(send.stderr)")
      let thanks = try #require(server.calls.last)
      #expect(thanks["summary"] as? String == "Thank you for staying with yourself")
      #expect(thanks["urgency"] as? Int == urgency, "\(name)")
      #expect(thanks["transient"] as? Bool == true)
    }
  }

  @Test("GNOME Shell: a bubble with buttons is not replaced (it would lose them) but closed and shown anew")
  func replacementKeepsButtons() throws {
    let server = try FakeServer(capabilities: ["body", "actions", "persistence"], name: "gnome-shell")
    try lateNightSlots([0, 2]).write(toFile: server.home.config, atomically: true, encoding: .utf8)
    let daemon = try server.home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try waitUntil("two notifications", timeout: fireWait) { server.calls.count >= 2 }
    let first = try #require(server.calls[0]["id"] as? Int)
    #expect(server.calls[1]["replaces_id"] as? Int == 0)
    #expect((server.calls[1]["actions"] as? [String])?.isEmpty == false)
    try waitUntil("the first one is closed") { server.closes.contains(first) }
  }

  @Test("mako: doctor says the buttons are in makoctl menu")
  func makoButtons() throws {
    let server = try FakeServer(capabilities: ["body", "actions"], name: "mako")
    let doctor = try Affirm.run(["doctor"], environment: try server.home.environment(bus: server.bus.address))
    let words = doctor.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(words.contains("but this server draws none: they are in its menu (makoctl menu)"), "\(doctor.stdout)")
  }

  @Test("the icon name goes out where affirm's icon is installed, and nothing where it is not")
  func icon() throws {
    let server = try FakeServer(capabilities: ["body"])
    var environment = try server.home.environment(bus: server.bus.address)
    environment["XDG_DATA_DIRS"] = server.home.directory.path + "/none"
    #expect(try Affirm.run(["send"], environment: environment).status == 0)
    let icons = server.home.directory.path + "/share/icons/hicolor/scalable/apps"
    try FileManager.default.createDirectory(atPath: icons, withIntermediateDirectories: true)
    try String(contentsOfFile: Affirm.packageRoot + "/data/affirm.svg", encoding: .utf8)
      .write(toFile: icons + "/affirm.svg", atomically: true, encoding: .utf8)
    environment["XDG_DATA_HOME"] = server.home.directory.path + "/share"
    #expect(try Affirm.run(["send"], environment: environment).status == 0)
    #expect(server.calls.map { $0["icon"] as? String } == ["", "affirm"])
  }
}

@Suite("small things a new user meets", .serialized, .timeLimit(.minutes(3)))
struct SmallThingsTests {
  @Test("check counts one slot as \"1 slot\"")
  func oneSlot() throws {
    let home = try DaemonHome()
    try lateNightSlots([50]).write(toFile: home.config, atomically: true, encoding: .utf8)
    let check = try Affirm.run(["check", "--config", home.config], environment: try home.environment())
    #expect(
      check.stdout.contains(": 1 slot\n") || check.stdout.contains(": 1 slot;") || check.stdout.contains(": 1 slot "),
      "\(check.stdout)")
    #expect(!check.stdout.contains("1 slots"))
  }

  @Test("sos prints its lines as they happen, also into a file")
  func sosFlushes() throws {
    let server = try FakeServer(capabilities: ["body", "actions"])
    let output = server.bus.directory.path + "/sos.out"
    let sos = try ChildProcess(
      Affirm.binary, ["sos", "--follow-up", "3s"], environment: try server.home.environment(bus: server.bus.address),
      stdout: output)
    defer { sos.stop() }
    try waitUntil("sos's first line is in the file while it waits") {
      ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("\n") && sos.isRunning
    }
    #expect(sos.wait(timeout: 10) == 0)
  }
}

import AffirmTestSupport
import Foundation
import Testing

@Suite(
  "the server quirks table, each against a server that has the quirk (impersonated)",
  .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
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

  @Test("doctor names the server by GetServerInformation's fields and lists its capabilities as it gave them")
  func doctorServerInformation() throws {
    let server = try FakeServer(capabilities: ["x-vendor-thing", "actions", "persistence"])
    let doctor = try Affirm.run(["doctor"], environment: try server.home.environment(bus: server.bus.address))
    let words = doctor.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(words.contains("notification server: fake 1 by affirm tests, spec 1.2"), "\(doctor.stdout)")
    #expect(words.contains("capabilities: x-vendor-thing, actions, persistence"), "\(doctor.stdout)")
    #expect(words.contains("buttons: late-night and urge lines offer"), "\(doctor.stdout)")
    #expect(words.contains("the server shows summaries only (no \"body\" capability)"), "\(doctor.stdout)")
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

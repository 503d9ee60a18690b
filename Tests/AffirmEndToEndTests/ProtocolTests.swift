import AffirmTestSupport
import Foundation
import Testing

@Suite(
  "the notification protocol as sent, through a fake server", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
struct ProtocolTests {
  @Test("a server without `actions` gets plain notifications; --wait still ends when it closes")
  func noActionsCapability() throws {
    let server = try FakeServer(capabilities: ["body"], closeAfter: 0.3)
    let send = try Affirm.run(
      ["send", "--wait", "--tag", "urge"], environment: try server.home.environment(bus: server.bus.address))
    #expect(send.status == 0, "\(send.stderr)")
    #expect(send.stdout == "closed\n")
    let call = try #require(server.calls.first)
    #expect(call["actions"] as? [String] == [])
    #expect(call["replaces_id"] as? Int == 0)
    let doctor = try Affirm.run(["doctor"], environment: try server.home.environment(bus: server.bus.address))
    #expect(doctor.stdout.contains("buttons: none (the server does not list \"actions\"); notifications come plain"))

  }

  @Test("where the server lists `actions`, the buttons go out as key and label pairs")
  func actionsOnTheWire() throws {
    let server = try FakeServer(capabilities: ["body", "actions"], closeAfter: 0.3)
    let send = try Affirm.run(
      ["send", "--wait", "--tag", "late-night"], environment: try server.home.environment(bus: server.bus.address))
    #expect(send.status == 0, "\(send.stderr)")
    let call = try #require(server.calls.first)
    #expect(
      call["actions"] as? [String] == ["stayed-strong", "It passed", "reach-out", "I want to reach out"])
  }

  @Test("the daemon sends replaces_id while its bubble is open, and a fresh one once it has closed")
  func replacesID() throws {
    let server = try FakeServer(capabilities: ["body", "actions"])
    try """
    timezone = "UTC"
    [[slot]]
    name = "night"
    at = [
      "\(utcTime(secondsFromNow: slotLead))", "\(utcTime(secondsFromNow: slotLead + 1))",
      "\(utcTime(secondsFromNow: slotLead + 8))",
    ]
    tags = ["late-night"]

    """.write(toFile: server.home.config, atomically: true, encoding: .utf8)
    let daemon = try server.home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try waitUntil("two notifications", timeout: fireWait) { server.calls.count >= 2 }
    let first = try #require(server.calls[0]["id"] as? Int)
    #expect(server.calls[0]["replaces_id"] as? Int == 0)
    #expect(server.calls[1]["replaces_id"] as? Int == first)
    // Closed on screen (as by the person), with seven seconds to spare: the next one is new.
    let close = try runProcess(
      "/usr/bin/dbus-send",
      [
        "--bus=\(server.bus.address)", "--print-reply", "--dest=org.freedesktop.Notifications",
        "/org/freedesktop/Notifications", "org.freedesktop.Notifications.CloseNotification", "uint32:\(first)",
      ])
    #expect(close.status == 0, "\(close.stderr)")
    #expect(server.calls.count == 2, "the close came after the third fire time")
    try waitUntil("a third notification", timeout: fireWait) { server.calls.count >= 3 }
    #expect(server.calls[2]["replaces_id"] as? Int == 0)
    #expect(server.calls[2]["id"] as? Int != first)
    #expect(daemon.isRunning)

  }
}

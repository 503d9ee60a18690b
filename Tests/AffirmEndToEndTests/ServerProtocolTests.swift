import AffirmTestSupport
import Foundation
import Testing

@Suite(
  "server instances, bounds and footprint, through a fake server", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
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

import AffirmTestSupport
import Foundation
import Testing

@Suite("small things a new user meets", .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
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

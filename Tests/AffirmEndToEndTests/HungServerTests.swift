import Foundation
import Testing

/// A notification server that owns its name and never answers (the fake server's
/// --never-answer): the README's bound of 3 s for one-shot commands, and the daemon's
/// answer to SIGTERM within 1 s while it is blocked on such a server.
@Suite("a server that owns the name and never answers", .serialized)
struct HungServerTests {
  /// The sentence every command gives, with the time it really waited.
  static func sentence(_ server: FakeServer) -> String {
    "the notification server (pid \(server.server.pid)) did not answer within 2.5 s; it may be stopped or hung: restart it"
  }

  @Test(
    "send, send --wait and sos exit 69 within the README's 3 s, saying how long they waited",
    arguments: [["send"], ["send", "--wait"], ["sos"]])
  func oneShotCommands(arguments: [String]) throws {
    let server = try FakeServer(capabilities: ["body", "actions"], neverAnswer: ["all"])
    let result = try Affirm.run(arguments, environment: try server.home.environment(bus: server.bus.address))
    #expect(result.status == 69)
    #expect(result.stderr.hasSuffix("affirm: \(Self.sentence(server))\n"), "\(result.stderr)")
    #expect(result.seconds < 3, "\(arguments) took \(result.seconds) s")
    #expect(server.unanswered.contains("GetCapabilities"))
  }

  @Test("doctor reports it within 3 s and exits 69")
  func doctor() throws {
    let server = try FakeServer(capabilities: ["body"], neverAnswer: ["all"])
    let result = try Affirm.run(["doctor"], environment: try server.home.environment(bus: server.bus.address))
    #expect(result.status == 69)
    #expect(
      result.stdout.contains("notification server: pid \(server.server.pid) did not answer within 2.5 s"),
      "\(result.stdout)")
    #expect(result.seconds < 3, "doctor took \(result.seconds) s")
  }

  @Test(
    "the daemon blocked on it (no answer at all, or none to Notify) stops within 1 s of SIGTERM, status 0",
    arguments: ["all", "Notify"])
  func daemonStopsWhileBlocked(method: String) throws {
    let server = try FakeServer(capabilities: ["body"], neverAnswer: [method])
    let home = server.home
    try "timezone = \"UTC\"\n[[slot]]\nname = \"soon\"\nat = [\"\(utcTime(secondsFromNow: 2))\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try home.waitForLog("started")
    // Blocked: the server holds the daemon's call.
    try waitUntil("the daemon's call is held", timeout: 8) {
      server.unanswered.contains { ["GetCapabilities", "Notify"].contains($0) }
    }
    let sent = Date()
    daemon.signal(SIGTERM)
    let status = daemon.wait(timeout: 5)
    let seconds = Date().timeIntervalSince(sent)
    #expect(status == 0, "log: \(home.log)")
    #expect(seconds < 1, "stopped after \(seconds) s; log: \(home.log)")
    #expect(home.log.contains("stopping"))
  }
}

import AffirmTestSupport
import Foundation
import Testing

/// A notification server that owns its name and never answers (the fake server's
/// --never-answer): the README's bound of 3 s for one-shot commands, and the daemon's
/// answer to SIGTERM within 1 s while it is blocked on such a server. Each bound here is
/// generous, for a debug build on a loaded machine: it rules out the waits the promises
/// replaced (GDBus's 25 s). The precise figures are in scripts/bench.
@Suite("a server that owns the name and never answers", .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
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
    #expect(result.seconds < 10, "\(arguments) took \(result.seconds) s")
    #expect(server.unanswered.contains("GetCapabilities"), "\(server.unanswered)")
  }

  @Test("doctor reports it within 3 s and exits 69")
  func doctor() throws {
    let server = try FakeServer(capabilities: ["body"], neverAnswer: ["all"])
    let result = try Affirm.run(["doctor"], environment: try server.home.environment(bus: server.bus.address))
    #expect(result.status == 69)
    #expect(
      result.stdout.contains("notification server: pid \(server.server.pid) did not answer within 2.5 s"),
      "\(result.stdout)")
    #expect(result.seconds < 10, "doctor took \(result.seconds) s")
  }

  @Test(
    "the daemon blocked on it (no answer at all, or none to Notify) stops within 1 s of SIGTERM, status 0",
    arguments: ["all", "Notify"])
  func daemonStopsWhileBlocked(method: String) throws {
    let server = try FakeServer(capabilities: ["body"], neverAnswer: [method])
    let home = server.home
    try "timezone = \"UTC\"\n[[slot]]\nname = \"soon\"\nat = [\"\(utcTime(secondsFromNow: slotLead))\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try home.waitForLog("started")
    // Blocked: the server holds the daemon's call.
    try waitUntil("the daemon's call is held", timeout: fireWait) {
      server.unanswered.contains { ["GetCapabilities", "Notify"].contains($0) }
    }
    let sent = Date()
    daemon.signal(SIGTERM)
    let status = daemon.wait(timeout: 10)
    let seconds = Date().timeIntervalSince(sent)
    #expect(status == 0, "log: \(home.log)")
    // The README's promise is 1 s; the bound is generous for a debug build on a loaded machine
    // and rules out GDBus's 25 s inside Notify. The precise figure is in scripts/bench.
    #expect(seconds < 5, "stopped after \(seconds) s; log: \(home.log)")
    #expect(home.log.contains("stopping"))
    if method == "Notify" {
      // libnotify's Notify waits GDBus's 25 s: the watch stopped the daemon while the loop was
      // still held there, not a call that gave up first.
      #expect(home.log.contains("stopping while=\"busy"), "\(home.log)")
    }
  }
}

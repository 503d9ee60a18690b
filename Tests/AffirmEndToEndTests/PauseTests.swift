import AffirmTestSupport
import Foundation
import Testing

@Suite("pause, resume and status", .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
struct PauseTests {
  @Test("while paused the daemon holds a normal slot and still shows a critical one")
  func daemonHoldsWhilePaused() throws {
    let home = try DaemonHome()
    let normal = uniqueMarker()
    let critical = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[n]\n\(normal)\n[c]\n\(critical)\n")
    // Both slots at one time, a lead from when the daemon is about to start.
    let writeConfig = {
      let soon = utcTime(secondsFromNow: slotLead)
      try """
      timezone = "UTC"
      [[slot]]
      name = "gentle"
      at = ["\(soon)"]
      tags = ["n"]
      [[slot]]
      name = "firm"
      at = ["\(soon)"]
      tags = ["c"]
      urgency = "critical"

      """.write(toFile: home.config, atomically: true, encoding: .utf8)
    }
    try writeConfig()
    let environment = try home.environment()
    let pause = try Affirm.run(["pause", "1h", "--config", home.config], environment: environment)
    #expect(pause.status == 0, "\(pause.stderr)")
    #expect(pause.stdout.hasPrefix("Paused until ") && pause.stdout.contains("Critical late-night nudges still come."))
    let status = try Affirm.run(["status", "--config", home.config], environment: environment)
    #expect(status.stdout.hasPrefix("Paused until "))
    try writeConfig()
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("held: paused until", timeout: fireWait)
    #expect(try Stack.notification(containing: critical, timeout: fireWait) != nil, "log: \(home.log)")
    // Absent, not merely late: the round that held one and showed the other has ended, and dunst
    // has logged a notification sent after all of the daemon's.
    try home.waitForRoundEnd(daemon)
    try Stack.sentinel()
    #expect(try Stack.notification(containing: normal, timeout: 0) == nil)
    let resume = try Affirm.run(["resume", "--config", home.config], environment: environment)
    #expect(resume.stdout == "Resumed.\n")
    let after = try Affirm.run(["status", "--config", home.config], environment: environment)
    #expect(after.stdout.hasPrefix("Not paused.\n"))
  }

  @Test("in quiet hours the daemon holds a normal slot (logged as held, never shown) and still shows a critical one")
  func daemonHoldsInQuietHours() throws {
    let home = try DaemonHome()
    let normal = uniqueMarker()
    let critical = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[n]\n\(normal)\n[c]\n\(critical)\n")
    // Quiet from ten minutes ago for an hour (crossing midnight where it falls so).
    let quiet = "\(utcTime(secondsFromNow: -600))-\(utcTime(secondsFromNow: 3600))"
    func config(at time: String) -> String {
      """
      timezone = "UTC"
      quiet = ["\(quiet)"]
      [[slot]]
      name = "gentle"
      at = ["\(time)"]
      tags = ["n"]
      [[slot]]
      name = "firm"
      at = ["\(time)"]
      tags = ["c"]
      urgency = "critical"

      """
    }
    // Six hours off at first: the daemon marks both slots as seen at its start, so the time
    // set below is caught up even if the reload comes after it, however slow the machine.
    try config(at: utcTime(secondsFromNow: 6 * 3600)).write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("started")
    try config(at: utcTime(secondsFromNow: 2)).write(toFile: home.config, atomically: true, encoding: .utf8)
    daemon.signal(SIGHUP)
    try home.waitForLog("reloaded")
    try home.waitForLog("delivered", timeout: 15)
    try home.waitForLog("held: quiet hours")
    let lines = home.log.split(separator: "\n")
    let log = home.log
    #expect(
      lines.filter { $0.contains("held: quiet hours") }.map { $0.hasSuffix("slot=gentle") } == [true], "log: \(log)")
    #expect(lines.filter { $0.contains(": delivered ") }.map { $0.hasSuffix("slot=firm") } == [true], "log: \(log)")
    #expect(try Stack.notification(containing: critical, timeout: 5) != nil, "log: \(log)")
    // Both slots were handled (one held, one delivered, in the same pass): the normal one never comes.
    #expect(try Stack.notification(containing: normal, timeout: 0) == nil)
  }

  @Test("pause needs a duration or --until, and says so")
  func pauseUsage() throws {
    let home = try DaemonHome()
    let result = try Affirm.run(["pause", "--config", home.config], environment: try home.environment())
    #expect(result.status == 64)
    #expect(result.stderr.hasPrefix("Error: say how long: affirm pause 2h, or affirm pause --until 18:00"))
  }
}

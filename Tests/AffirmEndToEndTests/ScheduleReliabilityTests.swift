import Foundation
import Testing

extension DaemonHome {
  /// Runs the daemon until it has logged `text` (`times` times), then stops it with SIGTERM.
  @discardableResult
  func runUntilLogged(_ text: String, times: Int = 1, arguments: [String] = [], bus: String? = nil) throws
    -> ChildProcess
  {
    let daemon = try start(arguments, bus: bus)
    defer { daemon.stop() }
    try waitUntil("the daemon logs \"\(text)\" \(times) times", timeout: 20) {
      log.components(separatedBy: text).count > times
    }
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 5) == 0, "log: \(log)")
    return daemon
  }
}

@Suite("a clock that was ahead, and schedules that could blow up memory", .serialized)
struct ScheduleReliabilityTests {
  @Test("a saved mark a day ahead is clamped and logged once; the daemon, next, status and doctor agree")
  func futureMarkThroughTheBinary() throws {
    let home = try DaemonHome()
    // An hour ahead, so that nothing fires while the test runs.
    let time = utcTime(secondsFromNow: 3600)
    try "timezone = \"UTC\"\n[[slot]]\nname = \"morning\"\nat = [\"\(time)\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    try home.runUntilLogged("started")
    let now = Int(Date().timeIntervalSince1970)
    _ = try home.query("UPDATE mark SET at = \(now + 86_400) WHERE slot = 'morning'")

    let next = try Affirm.run(["next", "--config", home.config, "--count", "1"], environment: try home.environment())
    #expect(next.status == 0, "\(next.stderr)")
    let fireTime = try #require(next.stdout.split(separator: " ").first.map(String.init))
    #expect(fireTime.hasSuffix("T\(time)+00:00"))

    try home.runUntilLogged("started")
    let log = home.log
    #expect(log.components(separatedBy: "lies in the future").count == 2, "log: \(log)")
    #expect(log.contains("next=\"\(fireTime) morning"), "log: \(log)")
    // Clamped to now (the first run's start), never kept a day ahead.
    let saved = try #require(Int(try home.query("SELECT at FROM mark WHERE slot = 'morning'")))
    #expect(saved <= Int(Date().timeIntervalSince1970))

    let status = try Affirm.run(["status", "--config", home.config], environment: try home.environment())
    #expect(status.stdout.contains("next: \(fireTime)  morning"), "\(status.stdout)\(status.stderr)")
    let doctor = try Affirm.run(["doctor", "--config", home.config], environment: try home.environment())
    #expect(doctor.stdout.contains(fireTime), "\(doctor.stdout)")
  }

  /// 50 slots at the floor (every minute, all day), as 50 slots of `every = "1s"` once cost 2 GB.
  static let fiftySlotsAtTheFloor =
    "timezone = \"UTC\"\n"
    + (0..<50).map { "[[slot]]\nname = \"s\($0)\"\nfrom = \"00:00\"\nuntil = \"00:00\"\nevery = \"1m\"\n" }.joined()

  @Test("memory stays flat: next --count 1 over 50 slots at the floor, and a run whose marks are a year old")
  func memoryStaysFlat() throws {
    let home = try DaemonHome()
    try Self.fiftySlotsAtTheFloor.write(toFile: home.config, atomically: true, encoding: .utf8)
    // About 10 MiB for the release build and 20 to 30 for a debug one; 2 GB before the fix.
    let bound = 96 * 1024

    let next = try ChildProcess(
      Affirm.binary, ["next", "--config", home.config, "--count", "1"], environment: try home.environment())
    #expect(next.wait() == 0)
    let nextPeak = try #require(next.peakResidentKiB)
    #expect(nextPeak < bound, "next --count 1: \(nextPeak) KiB")

    // A bus with no notification server: every delivery fails at once, and the catch-up is
    // what is measured.
    let bus = try PrivateBus()
    try home.runUntilLogged("started", bus: bus.address)
    _ = try home.query("UPDATE mark SET at = at - \(365 * 86_400)")
    try FileManager.default.removeItem(atPath: home.directory.path + "/log")
    let run = try home.runUntilLogged("not delivered", times: 50, bus: bus.address)
    let runPeak = try #require(run.peakResidentKiB)
    #expect(runPeak < bound, "run: \(runPeak) KiB")
    #expect(home.log.components(separatedBy: "catching up on a missed fire time").count - 1 <= 50)
  }

  @Test("check refuses an every below the floor and more slots than the bound, with file:line:column")
  func floorAndBound() throws {
    let home = try DaemonHome()
    try "[[slot]]\nname = \"fast\"\nfrom = \"08:00\"\nuntil = \"09:00\"\nevery = \"1s\"\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let fast = try Affirm.run(["check", "--config", home.config], environment: try home.environment())
    #expect(fast.status == 65)
    #expect(
      (fast.stdout + fast.stderr).contains("\(home.config):5:9: every = \"1s\" is too often: every must be at least 1m")
    )

    try (0..<101).map { "[[slot]]\nname = \"s\($0)\"\nat = [\"08:00\"]\n" }.joined()
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let many = try Affirm.run(["next", "--config", home.config], environment: try home.environment())
    #expect(many.status == 65)
    #expect(
      (many.stdout + many.stderr).contains("\(home.config):301:1: too many slots: at most 100 are allowed"),
      "\(many.stderr)")
  }
}

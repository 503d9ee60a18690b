import AffirmTestSupport
import Foundation
import Testing

extension DaemonHome {
  /// Runs the daemon until it has logged `text` (`times` times), then stops it with SIGTERM;
  /// returns its peak resident set (VmHWM) in KiB, read just before.
  @discardableResult
  func runUntilLogged(_ text: String, times: Int = 1, arguments: [String] = [], bus: String? = nil) throws -> Int? {
    let daemon = try start(arguments, bus: bus)
    defer { daemon.stop() }
    try waitUntil("the daemon logs \"\(text)\" \(times) times", timeout: 20) {
      log.components(separatedBy: text).count > times
    }
    let peak = highWaterMarkKiB(of: daemon.pid)
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 5) == 0, "log: \(log)")
    return peak
  }
}

/// A live process's peak resident set in KiB (VmHWM in /proc/PID/status): that of the program
/// it runs, unlike the ru_maxrss of a child started with posix_spawn, which starts from the
/// parent's (vfork shares the test runner's memory until exec).
func highWaterMarkKiB(of pid: pid_t) -> Int? {
  guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
  else { return nil }
  return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
}

/// Runs `affirm arguments` from a small python3 that forks and execs it, and returns its
/// status and peak resident set in KiB (ru_maxrss from wait4: at most python's own size
/// more than the program's, where the test runner's would be hundreds of MiB).
func peakResident(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, kib: Int) {
  let script = """
    import os, sys
    pid = os.fork()
    if pid == 0:
        null = os.open("/dev/null", os.O_WRONLY)
        os.dup2(null, 1)
        os.execv(sys.argv[1], sys.argv[1:])
    _, status, usage = os.wait4(pid, 0)
    print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
    """
  let result = try runProcess("/usr/bin/python3", ["-c", script, Affirm.binary] + arguments, environment: environment)
  let fields = result.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
  try #require(fields.count == 2, "\(result.stdout)\(result.stderr)")
  return (Int32(fields[0]) ?? -1, Int(fields[1]) ?? -1)
}

@Suite(
  "a clock that was ahead, and schedules that could blow up memory", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
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

  /// As many slots as a config may have, each at the floor (every minute, all day): the most a
  /// valid config can ask for. 50 slots of `every = "1s"` once cost 2 GB.
  static let slotsAtTheFloor =
    "timezone = \"UTC\"\n"
    + (0..<100).map { "[[slot]]\nname = \"s\($0)\"\nfrom = \"00:00\"\nuntil = \"00:00\"\nevery = \"1m\"\n" }.joined()

  @Test("memory stays flat: next --count 1 over 100 slots at the floor, and a run whose marks are a year old")
  func memoryStaysFlat() throws {
    let home = try DaemonHome()
    try Self.slotsAtTheFloor.write(toFile: home.config, atomically: true, encoding: .utf8)
    // About 23 MiB for `next` and 31 MiB for `run` in a debug build (15 and 23 in a release
    // one). With days of fire times listed eagerly, `next` took 105 MiB and `run` 102 MiB;
    // with the catch-up eager too, `run` never finished it.
    let bound = 64 * 1024

    let next = try peakResident(["next", "--config", home.config, "--count", "1"], environment: try home.environment())
    #expect(next.status == 0)
    #expect(next.kib < bound, "next --count 1: \(next.kib) KiB")

    // A bus with no notification server: every delivery fails at once, and the catch-up is
    // what is measured.
    let bus = try PrivateBus()
    try home.runUntilLogged("started", bus: bus.address)
    _ = try home.query("UPDATE mark SET at = at - \(365 * 86_400)")
    try FileManager.default.removeItem(atPath: home.directory.path + "/log")
    let runPeak = try #require(try home.runUntilLogged("not delivered", times: 100, bus: bus.address))
    #expect(runPeak < bound, "run: \(runPeak) KiB")
    #expect(home.log.components(separatedBy: "catching up on a missed fire time").count - 1 <= 100)
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

import AffirmTestSupport
import Foundation
import Testing

@Suite("affirm run, against the real dunst", .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
struct RunTests {
  @Test("a slot ahead is delivered; SIGTERM then stops the loop itself, exit 0")
  func deliversThenStops() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[soon]\n\(marker)\n")
    try
      "timezone = \"UTC\"\n[[slot]]\nname = \"soon\"\nat = [\"\(utcTime(secondsFromNow: slotLead))\"]\ntags = [\"soon\"]\nurgency = \"critical\"\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("started")
    let shown = try #require(try Stack.notification(containing: marker, timeout: fireWait), "log: \(home.log)")
    #expect(shown["urgency"] == "CRITICAL")
    try home.waitForLog("delivered")
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 10) == 0)
    // The idle loop took the signal itself (the watch for a busy one logs `stopping while=busy`;
    // HungServerTests holds that case to the README's second).
    #expect(home.log.contains("run: info: stopping\n") && !home.log.contains("while="), "\(home.log)")
  }

  @Test("a second daemon is refused with 75, naming the running pid")
  func secondInstance() throws {
    let home = try DaemonHome()
    try DaemonHome.defaultSlotsInUTC.write(toFile: home.config, atomically: true, encoding: .utf8)
    let first = try home.start()
    defer { first.stop() }
    try home.waitForLog("started")
    let second = try Affirm.run(["run", "--config", home.config], environment: try home.environment())
    #expect(second.status == 75)
    #expect(
      second.stderr
        == "affirm: affirm run is already running (pid \(first.pid)); stop it first, or send it SIGHUP to reload\n")
    #expect(first.isRunning)
  }

  @Test("a crashed daemon (SIGKILL) does not block the next start")
  func crashedDaemon() throws {
    let home = try DaemonHome()
    try DaemonHome.defaultSlotsInUTC.write(toFile: home.config, atomically: true, encoding: .utf8)
    let first = try home.start()
    try home.waitForLog("started")
    first.signal(SIGKILL)
    first.wait()
    let second = try home.start()
    defer { second.stop() }
    try waitUntil("the restarted daemon logs twice") { home.log.components(separatedBy: "started").count == 2 }
    #expect(second.isRunning)
  }

  @Test("the zone file TZ names is replaced (UTC by Asia/Tokyo): the daemon reloads and its next fire time moves")
  func zoneFileReplaced() throws {
    let home = try DaemonHome()
    let zone = home.directory.path + "/zone"
    try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/UTC", toPath: zone)
    // No `timezone` key: the system's zone, which TZ points at this file.
    try "[[slot]]\nname = \"noon\"\nat = [\"12:00\"]\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    var environment = try home.environment()
    environment["TZ"] = zone
    let daemon = try ChildProcess(
      Affirm.binary, ["run", "--config", home.config], environment: environment, stderr: home.directory.path + "/log")
    defer { daemon.stop() }
    try home.waitForLog("started")
    let before = try #require(Self.nextFireTime(in: home.log, after: "started"), "log: \(home.log)")
    #expect(before.hasSuffix("T12:00:00+00:00"), "log: \(home.log)")
    // Replaced the way tzdata's tools replace /etc/localtime: a new file renamed over it.
    try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/Asia/Tokyo", toPath: zone + ".new")
    #expect(rename(zone + ".new", zone) == 0)
    try home.waitForLog("reloaded", timeout: 10)
    let after = try #require(Self.nextFireTime(in: home.log, after: "reloaded"), "log: \(home.log)")
    #expect(after.hasSuffix("T12:00:00+09:00"), "log: \(home.log)")
    // The same wall-clock time, now nine hours earlier in absolute time (give or take a day).
    let formatter = ISO8601DateFormatter()
    let moved = try #require(formatter.date(from: after)).timeIntervalSince(try #require(formatter.date(from: before)))
    #expect((Int(moved) + 9 * 3600) % 86_400 == 0, "\(before) -> \(after)")
    #expect(daemon.isRunning)
  }

  /// Whether this process may set the wall clock (CAP_SYS_TIME: root on CI's machine). Tried
  /// by setting it to the time it shows, which moves it by microseconds at most.
  static let canSetClock: Bool = {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return clock_settime(CLOCK_REALTIME, &now) == 0
  }()

  @Test(
    "the wall clock is set (to the time it shows): the real waiter's timer is cancelled and the daemon recomputes",
    .enabled(if: RunTests.canSetClock, "needs CAP_SYS_TIME to set the wall clock (CI runs as root)"))
  func clockSet() throws {
    let home = try DaemonHome()
    try "[[slot]]\nname = \"noon\"\nat = [\"12:00\"]\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start()
    defer { daemon.stop() }
    try home.waitForLog("started")
    #expect(!home.log.contains("the wall clock changed"), "log: \(home.log)")
    // clock_settime cancels a timerfd armed with TFD_TIMER_CANCEL_ON_SET, whatever time it
    // sets. The daemon may log "started" just before it arms the timer: try a few times.
    var noticed = false
    for _ in 0..<5 where !noticed {
      var now = timespec()
      clock_gettime(CLOCK_REALTIME, &now)
      #expect(clock_settime(CLOCK_REALTIME, &now) == 0)
      noticed = (try? home.waitForLog("the wall clock changed; recomputing fire times", timeout: 3)) != nil
    }
    #expect(noticed, "log: \(home.log)")
    #expect(daemon.isRunning)
  }

  /// The first fire time in the `next=` of the first log line that contains `event`.
  static func nextFireTime(in log: String, after event: String) -> String? {
    guard let line = log.split(separator: "\n").first(where: { $0.contains(": \(event)") }),
      let start = line.range(of: "next=\"")?.upperBound
    else { return nil }
    return line[start...].split(separator: " ").first.map(String.init)
  }

  @Test("SIGUSR1 (a poke) reaches the running daemon, which reads the state again and keeps running")
  func poke() throws {
    let home = try DaemonHome()
    try DaemonHome.defaultSlotsInUTC.write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start()
    defer { daemon.stop() }
    try home.waitForLog("started")
    daemon.signal(SIGUSR1)
    try home.waitForLog("told the state database changed; reading it again")
    #expect(daemon.isRunning)
  }

  @Test("SIGHUP with a broken config keeps the old one; a good one is taken")
  func reload() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[morning]\nm\n[late-night]\nl\n[soon]\n\(marker)\n")
    try DaemonHome.defaultSlotsInUTC.write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start(["--corpus", corpus])
    defer { daemon.stop() }
    try home.waitForLog("started")
    try "[[slot]]\nname = \"x\"\nat = [\"25:00\"]\n".write(toFile: home.config, atomically: true, encoding: .utf8)
    daemon.signal(SIGHUP)
    try home.waitForLog("keeping the previous config: \(home.config):3:7: invalid time \"25:00\"")
    #expect(daemon.isRunning)
    try
      "timezone = \"UTC\"\n[[slot]]\nname = \"soon\"\nat = [\"\(utcTime(secondsFromNow: slotLead))\"]\ntags = [\"soon\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    daemon.signal(SIGHUP)
    try home.waitForLog("reloaded")
    #expect(try Stack.notification(containing: marker, timeout: fireWait) != nil, "log: \(home.log)")
  }
}

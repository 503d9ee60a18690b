import AffirmTestSupport
import Foundation
import Testing

/// A ride's minute in these tests: one second (AFFIRM_RIDE_MINUTE_SECONDS, test-only).
private let shortMinute = ["AFFIRM_RIDE_MINUTE_SECONDS": "1"]

private func contents(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

/// The JSON objects `affirm history --json` printed.
private func historyItems(_ server: FakeServer) throws -> [[String: Any]] {
  let history = try Affirm.run(
    ["history", "--json"], environment: try server.home.environment(bus: server.bus.address))
  try check(history.status == 0, "history: \(history.stderr)")
  return try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []
}

/// `affirm stats --json` as an object.
private func stats(_ server: FakeServer) throws -> [String: Any] {
  let stats = try Affirm.run(["stats", "--json"], environment: try server.home.environment(bus: server.bus.address))
  try check(stats.status == 0, "stats: \(stats.stderr)")
  return try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any] ?? [:]
}

/// The Notify calls of the ride's bubble (its updates and its question), oldest first.
private func rideCalls(_ server: FakeServer) -> [[String: Any]] {
  server.calls.filter {
    ($0["summary"] as? String)?.hasPrefix("Riding the wave") == true || $0["summary"] as? String == "Did the wave pass?"
  }
}

@Suite("riding the wave: affirm sos --ride", .needsNotificationStack, .serialized, .timeLimit(.minutes(10)))
struct RideCommandTests {
  @Test(
    "a bad --for is refused with a clear sentence and exit 64, before anything is shown or recorded",
    arguments: [
      (["--ride", "--for", "0"], "--for takes a duration like 20m or 1h, between 5m and 60m; got \"0\""),
      (["--ride", "--for", "3h"], "--for must be between 5m and 60m; got \"3h\""),
      (["--ride", "--for", "x"], "--for takes a duration like 20m or 1h, between 5m and 60m; got \"x\""),
      (["--ride", "--for", "90s"], "--for takes whole minutes, between 5m and 60m; got \"90s\""),
      (["--for", "20m"], "--for goes with --ride: affirm sos --ride --for 20m"),
      (["--ride", "--follow-up", "1m"], "--follow-up and --ride cannot go together; choose one"),
    ])
  func badInput(arguments: [String], message: String) throws {
    let home = try DaemonHome()
    let result = try Affirm.run(["sos"] + arguments, environment: home.environmentWithoutBus)
    #expect(result.status == 64)
    #expect(result.stderr.contains("Error: \(message)"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: home.database))
  }

  @Test("in the foreground: one bubble updated in place, its value hint rising to 100, then \"It passed\" recorded")
  func foregroundPassed() throws {
    let server = try FakeServer(capabilities: ["body", "actions", "persistence"], press: "ride-passed")
    let environment = try server.home.environment(bus: server.bus.address).merging(shortMinute) { $1 }
    let ride = try Affirm.run(["sos", "--ride", "--for", "5m"], environment: environment)
    #expect(ride.status == 0, "\(ride.stderr)")
    #expect(ride.stdout.contains("Riding the wave with you: 5 minutes."), "\(ride.stdout)")
    #expect(ride.stdout.hasSuffix("It passed. Thank you for staying with yourself.\n"), "\(ride.stdout)")

    let calls = rideCalls(server)
    let id = try #require(calls.first?["id"] as? Int)
    // One notification: every update and the question carry the first one's id as replaces_id.
    #expect(calls.count == 6, "\(calls)")
    #expect(calls.dropFirst().allSatisfy { $0["replaces_id"] as? Int == id && $0["id"] as? Int == id })
    #expect(calls.compactMap { $0["value"] as? Int } == [0, 20, 40, 60, 80, 100])
    #expect(calls.allSatisfy { $0["urgency"] as? Int == 2 && $0["timeout"] as? Int == 0 })
    // The fake server draws no bar: each update says how far it is in words.
    #expect((calls[2]["body"] as? String)?.hasSuffix("\n2 of 5 minutes") == true, "\(calls[2])")
    let question = try #require(calls.last)
    #expect(question["actions"] as? [String] == ["ride-passed", "It passed", "still-hard", "Still hard"])
    // Rising, then the peak, then easing off, each with a line of its own.
    #expect(
      calls.prefix(5).compactMap { $0["summary"] as? String } == [
        "Riding the wave: it is rising", "Riding the wave: it is rising", "Riding the wave: this is the peak",
        "Riding the wave: this is the peak", "Riding the wave: it is easing off",
      ])
    let thanks = try #require(server.calls.last)
    #expect(thanks["summary"] as? String == "It passed")
    #expect(thanks["transient"] as? Bool == true)

    let rides = try historyItems(server).filter { $0["kind"] as? String == "ride" }
    #expect(rides.count == 1)
    #expect(rides.first?["outcome"] as? String == "passed")
    #expect(rides.first?["minutes"] as? Int == 5)
    #expect(rides.first?["rounds"] as? Int == 1)
    let numbers = try stats(server)
    #expect(numbers["waves_passed"] as? Int == 1)
    #expect(numbers["median_wave_minutes"] as? Int == 5)
    #expect(numbers["stayed_strong"] as? Int == 0)
    let text = try Affirm.run(["history"], environment: environment)
    #expect(text.stdout.contains("ride       sos --ride        5 minutes, passed"), "\(text.stdout)")
  }

  @Test("a server that draws the value hint (dunst by name) gets no \"2 of 5 minutes\" line")
  func progressBarServer() throws {
    let server = try FakeServer(capabilities: ["body", "actions"], name: "dunst", press: "ride-passed")
    let environment = try server.home.environment(bus: server.bus.address).merging(shortMinute) { $1 }
    let ride = try Affirm.run(["sos", "--ride", "--for", "5m"], environment: environment)
    #expect(ride.status == 0, "\(ride.stderr)")
    let calls = rideCalls(server)
    #expect(calls.count == 6)
    #expect(calls.allSatisfy { ($0["body"] as? String)?.contains(" of 5 minutes") == false }, "\(calls)")
    #expect(calls.compactMap { $0["value"] as? Int }.last == 100)
  }

  @Test("\"Still hard\" starts another round opening with a line about leaning on someone; SIGTERM stops it")
  func stillHardThenStopped() throws {
    let server = try FakeServer(capabilities: ["body", "actions"], press: "still-hard")
    let environment = try server.home.environment(bus: server.bus.address).merging(shortMinute) { $1 }
    let stdout = server.home.directory.path + "/ride.out"
    let ride = try ChildProcess(
      Affirm.binary, ["sos", "--ride", "--for", "5m"], environment: environment, stdout: stdout,
      stderr: stdout + ".err")
    defer { ride.stop() }
    try waitUntil("the second round starts") {
      server.calls.contains { ($0["summary"] as? String)?.hasSuffix("(round 2)") == true }
    }
    let second = try #require(server.calls.first { ($0["summary"] as? String)?.hasSuffix("(round 2)") == true })
    let first = try #require(rideCalls(server).first)
    // The answered question is closed; the new round comes as a new bubble.
    #expect(second["replaces_id"] as? Int == 0)
    #expect(second["value"] as? Int == 0)
    ride.signal(SIGTERM)
    #expect(ride.wait(timeout: 10) == 0, "\(contents(stdout + ".err"))")
    #expect(contents(stdout).contains("Still hard. Another 5 minutes, and lean on someone: "))
    #expect(contents(stdout).hasSuffix("Stopped. The ride is in your history as stopped.\n"))
    // Withdrawn: the bubble of the second round is closed.
    #expect(server.closes.contains(try #require(second["id"] as? Int)))
    _ = first
    let rides = try historyItems(server).filter { $0["kind"] as? String == "ride" }
    #expect(rides.first?["outcome"] as? String == "stopped")
    #expect(rides.first?["rounds"] as? Int == 2)
    #expect(try stats(server)["waves_passed"] as? Int == 0)
  }

  @Test("with the daemon running, the daemon carries the ride: the command returns and the ride goes on")
  func daemonCarries() throws {
    let server = try FakeServer(capabilities: ["body", "actions"], press: "ride-passed")
    let daemon = try server.home.start(bus: server.bus.address, extra: shortMinute)
    defer { daemon.stop() }
    try server.home.waitForLog("started")
    let environment = try server.home.environment(bus: server.bus.address).merging(shortMinute) { $1 }
    let ride = try Affirm.run(["sos", "--ride", "--for", "5m"], environment: environment)
    #expect(ride.status == 0, "\(ride.stderr)")
    #expect(ride.stdout.contains("carries the ride: 5 minutes. You can close this terminal"), "\(ride.stdout)")
    // The command has exited; the daemon shows the rest of the ride and hears the answer.
    try waitUntil("the daemon's ride passes") { server.calls.last?["summary"] as? String == "It passed" }
    let calls = rideCalls(server)
    #expect(calls.count == 6, "\(calls)")
    #expect(calls.compactMap { $0["value"] as? Int } == [0, 20, 40, 60, 80, 100])
    #expect(Set(calls.compactMap { $0["id"] as? Int }).count == 1)
    #expect(calls.allSatisfy { $0["pid"] as? Int == Int(daemon.pid) })
    try waitUntil("the ride is recorded as passed") {
      try historyItems(server).contains { $0["kind"] as? String == "ride" && $0["outcome"] as? String == "passed" }
    }
    #expect(try server.home.query("SELECT carrier, rounds, outcome FROM ride") == "daemon|1|passed")
    #expect(daemon.isRunning)
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 10) == 0)
  }

  @Test("the daemon stopping in the middle of a ride records it as stopped and withdraws the bubble")
  func daemonStops() throws {
    let server = try FakeServer(capabilities: ["body", "actions"])
    let daemon = try server.home.start(bus: server.bus.address)
    defer { daemon.stop() }
    try server.home.waitForLog("started")
    let environment = try server.home.environment(bus: server.bus.address)
    let ride = try Affirm.run(["sos", "--ride"], environment: environment)
    #expect(ride.status == 0, "\(ride.stderr)")
    let id = try #require(rideCalls(server).first?["id"] as? Int)
    daemon.signal(SIGTERM)
    #expect(daemon.wait(timeout: 10) == 0)
    #expect(server.closes.contains(id))
    #expect(try server.home.query("SELECT carrier, planned_seconds, outcome FROM ride") == "daemon|1200|stopped")
  }
}

import AffirmTestSupport
import Foundation
import Testing

@Suite("windows that follow urges, through the binary", .timeLimit(.minutes(10)))
struct FollowUrgesTests {
  static let config = """
    timezone = "UTC"

    [[slot]]
    name = "late-night"
    from = "23:00"
    until = "01:30"
    every = "30m"
    tags = ["late-night", "urge"]
    follow_urges = true

    """

  /// A home with a state database (created by `affirm reset`) and `config`.
  func home() throws -> (home: DaemonHome, environment: [String: String]) {
    let home = try DaemonHome()
    try Self.config.write(toFile: home.config, atomically: true, encoding: .utf8)
    let environment = home.environmentWithoutBus
    let reset = try Affirm.run(["reset", "--date", "2026-01-01", "--config", home.config], environment: environment)
    try #require(reset.status == 0, "\(reset.stderr)")
    return (home, environment)
  }

  /// Logs urges at these instants (seconds since the epoch), as `affirm sos` writes them.
  func logUrges(_ home: DaemonHome, _ instants: [Int]) throws {
    _ = try home.query(
      "INSERT INTO urge (at, note) VALUES " + instants.map { "(\($0), NULL)" }.joined(separator: ", "))
  }

  /// 2027-05-`day` at `hour`:`minute` UTC.
  func may(_ day: Int, _ hour: Int, _ minute: Int) -> Int {
    1_809_129_600 + (day - 1) * 86_400 + hour * 3600 + minute * 60
  }

  @Test("next keeps the written window with seven urges and opens it at 21:00 once the eighth is logged")
  func nextMoves() throws {
    let (home, environment) = try home()
    try #require(may(1, 0, 0) == 1_809_129_600 && Self.iso(may(1, 0, 0)) == "2027-05-01T00:00:00+00:00")
    try logUrges(home, (1...7).map { may($0, 21, 40) })
    let arguments = ["next", "--config", home.config, "--count", "2", "--from", "2027-05-20T20:00"]
    let seven = try Affirm.run(arguments, environment: environment)
    #expect(seven.status == 0, "\(seven.stderr)")
    #expect(
      seven.stdout == """
        window late-night: 23:00-01:30 (as written: 7 urges in the last 4 weeks; it follows them from 8)
        2027-05-20T23:00:00+00:00  late-night  normal    late-night, urge
        2027-05-20T23:30:00+00:00  late-night  normal    late-night, urge

        """)
    try logUrges(home, [may(8, 21, 40)])
    let eight = try Affirm.run(arguments, environment: environment)
    #expect(eight.status == 0, "\(eight.stderr)")
    #expect(
      eight.stdout == """
        window late-night: 21:00-01:30 (follows your urges: 8 in the last 4 weeks; written 23:00-01:30)
        2027-05-20T21:00:00+00:00  late-night  normal    late-night, urge
        2027-05-20T21:30:00+00:00  late-night  normal    late-night, urge

        """)
    // Four weeks later the urges have left the window's memory: as written again.
    let later = try Affirm.run(
      ["next", "--config", home.config, "--count", "1", "--from", "2027-06-30T20:00", "--json"],
      environment: environment)
    #expect(
      later.stdout == """
        [
          {"at": "2027-06-30T23:00:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night", "urge"]}
        ]

        """)
  }

  @Test("status and doctor show the window in force and why")
  func statusAndDoctor() throws {
    let (home, environment) = try home()
    let today = Int(Date().timeIntervalSince1970) / 86_400
    // Nine urges at 02:10 UTC on the nine days before today: the window closes at 03:00.
    try logUrges(home, (1...9).map { (today - $0) * 86_400 + 2 * 3600 + 600 })
    let line = "late-night: 23:00-03:00 (follows your urges: 9 in the last 4 weeks; written 23:00-01:30)"
    let status = try Affirm.run(["status", "--config", home.config], environment: environment)
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stdout.split(separator: "\n").contains { $0 == "window " + line }, "\(status.stdout)")
    let doctor = try Affirm.run(["doctor", "--config", home.config], environment: environment)
    // The doctor wraps at 80 columns: compare with the white space folded.
    let folded = doctor.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(folded.contains("✓ windows that follow your urges: \(line)"), "\(doctor.stdout)")
  }

  @Test(
    "affirm sos pokes the running daemon, which moves the window at once; next shows it", .needsNotificationStack)
  func sosPokesTheDaemon() throws {
    let (home, _) = try home()
    let today = Int(Date().timeIntervalSince1970) / 86_400
    // Seven urges at 21:40 UTC on the seven days before today: one short of following them.
    try logUrges(home, (1...7).map { (today - $0) * 86_400 + 21 * 3600 + 40 * 60 })
    let daemon = try home.start()
    defer { daemon.stop() }
    try home.waitForLog("started")
    #expect(home.log.contains("why=\"as written: 7 urges in the last 4 weeks; it follows them from 8\""), "\(home.log)")
    // The eighth, whatever the hour: the window opens at 21:00, where seven of them fell (at
    // 20:00 when the eighth comes between 20:00 and 21:00).
    let sos = try Affirm.run(["sos", "--config", home.config], environment: try home.environment())
    #expect(sos.status == 0, "\(sos.stderr)")
    try home.waitForLog("told the state database changed")
    try home.waitForLog("why=\"follows your urges: ")
    let opens = ["21:00-", "20:00-"]
    #expect(opens.contains { home.log.contains("window=" + $0) }, "\(home.log)")
    let next = try Affirm.run(
      ["next", "--config", home.config, "--count", "1"], environment: home.environmentWithoutBus)
    #expect(opens.contains { next.stdout.hasPrefix("window late-night: " + $0) }, "\(next.stdout)")
    // All eight, or seven of eight when the eighth's hour lies beyond the 6-hour bound.
    #expect(next.stdout.contains("(follows your urges: "), "\(next.stdout)")
    #expect(next.stdout.contains("8 in the last 4 weeks"), "\(next.stdout)")
    #expect(daemon.isRunning)
  }

  static func iso(_ seconds: Int) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date(timeIntervalSince1970: Double(seconds))).replacingOccurrences(
      of: "Z", with: "+00:00")
  }
}

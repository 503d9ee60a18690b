import AffirmTestSupport
import Foundation
import Testing

@Suite("hard days, through the binary", .timeLimit(.minutes(10)))
struct HardDayTests {
  /// Today's month and day in UTC, as a `[[hard_day]]` writes them ("MM-DD").
  static func todayInUTC() -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.month, .day], from: Date())
    return String(format: "%02d-%02d", parts.month!, parts.day!)
  }

  static let slots = """
    timezone = "UTC"

    [[slot]]
    name = "morning"
    at = ["08:00"]
    tags = ["morning"]

    [[slot]]
    name = "late-night"
    from = "23:00"
    until = "02:00"
    every = "30m"
    tags = ["late-night", "urge"]

    """

  func home(hardDay date: String, name: String = "\"her birthday\"") throws -> DaemonHome {
    let home = try DaemonHome()
    try (Self.slots + "[[hard_day]]\nname = \(name)\ndate = \"\(date)\"\n")
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    return home
  }

  @Test("next and status say today is a hard day, with the name escaped, and when late-night lines start")
  func nextAndStatusToday() throws {
    let today = Self.todayInUTC()
    let home = try home(hardDay: today, name: "\"her \\u001B[31mbirthday\"")
    let environment = ["HOME": home.directory.path, "TZ": "UTC"]
    let next = try Affirm.run(["next", "--config", home.config, "--count", "1"], environment: environment)
    let status = try Affirm.run(["status", "--config", home.config], environment: environment)
    // A run that straddles midnight proves nothing either way.
    guard Self.todayInUTC() == today else { return }
    let notice = "Today is a hard day: her \\u{1B}[31mbirthday. Late-night lines start at 21:00."
    #expect(next.status == 0, "\(next.stderr)")
    #expect(next.stdout.split(separator: "\n").first.map(String.init) == notice, "\(next.stdout)")
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stdout.split(separator: "\n").map(String.init).contains(notice), "\(status.stdout)")
    #expect(!status.stdout.contains("\u{1B}"))
  }

  @Test("on a hard day the morning fire carries hard-day and the late-night one opens at 21:00; not the day after")
  func nextOnAHardDay() throws {
    let home = try home(hardDay: "02-14")
    let result = try Affirm.run(
      ["next", "--config", home.config, "--count", "5", "--from", "2027-02-14T02:00", "--json"],
      environment: ["HOME": home.directory.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        [
          {"at": "2027-02-14T08:00:00+00:00", "slot": "morning", "urgency": "normal", "tags": ["hard-day"]},
          {"at": "2027-02-14T21:00:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night", "urge"]},
          {"at": "2027-02-14T21:30:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night", "urge"]},
          {"at": "2027-02-14T22:00:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night", "urge"]},
          {"at": "2027-02-14T22:30:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night", "urge"]}
        ]

        """)
    let text = try Affirm.run(
      ["next", "--config", home.config, "--count", "1", "--from", "2027-02-14T00:00"],
      environment: ["HOME": home.directory.path])
    #expect(text.stdout.hasPrefix("2027-02-14 is a hard day: her birthday. Late-night lines start at 21:00.\n"))
    let after = try Affirm.run(
      ["next", "--config", home.config, "--count", "2", "--from", "2027-02-15T02:00"],
      environment: ["HOME": home.directory.path])
    #expect(
      after.stdout == """
        2027-02-15T08:00:00+00:00  morning     normal    morning
        2027-02-15T23:00:00+00:00  late-night  normal    late-night, urge

        """)
  }

  @Test("send --tag hard-day --dry-run draws a hard-day line with its title (send --tag morning stays morning)")
  func sendHardDay() throws {
    let home = try DaemonHome()
    let result = try Affirm.run(
      ["send", "--tag", "hard-day", "--dry-run", "--json"], environment: ["HOME": home.directory.path])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["tags"] as? [String] == ["hard-day"])
    // The second title stands in where the first would repeat a word of the line ("hard day").
    #expect(["A hard day. Go gently.", "Good morning. Go gently today."].contains(object["summary"] as? String ?? ""))
  }
}

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

  func home(hardDay date: String, name: String = "\"her birthday\"") throws -> DaemonHome {
    let home = try DaemonHome()
    try (DaemonHome.defaultSlotsInUTC + "[[hard_day]]\nname = \(name)\ndate = \"\(date)\"\n")
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
          {"at": "2027-02-14T21:00:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night"]},
          {"at": "2027-02-14T21:30:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night"]},
          {"at": "2027-02-14T22:00:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night"]},
          {"at": "2027-02-14T22:30:00+00:00", "slot": "late-night", "urgency": "normal", "tags": ["late-night"]}
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
        2027-02-15T23:00:00+00:00  late-night  normal    late-night

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

  @Test("send --tag morning on a hard day still draws morning lines; only a slot swaps them, or --tag hard-day")
  func sendMorningOnAHardDay() throws {
    let today = Self.todayInUTC()
    let home = try home(hardDay: today)
    for _ in 0..<3 {
      let result = try Affirm.run(
        ["send", "--tag", "morning", "--dry-run", "--json", "--config", home.config],
        environment: home.environmentWithoutBus)
      #expect(result.status == 0, "\(result.stderr)")
      let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      #expect((object["tags"] as? [String])?.contains("morning") == true, "\(result.stdout)")
      #expect((object["tags"] as? [String])?.contains("hard-day") == false, "\(result.stdout)")
      #expect(["Good morning", "A new day"].contains(object["summary"] as? String ?? ""), "\(result.stdout)")
    }
  }

  @Test("doctor says in one line how many hard days there are and which comes next, the name escaped")
  func doctor() throws {
    let home = try DaemonHome()
    try
      (DaemonHome.defaultSlotsInUTC
      + "[[hard_day]]\nname = \"her \\u001B[31mbirthday\"\ndate = \"2099-02-14\"\n"
      + "[[hard_day]]\nname = \"the move\"\ndate = 2098-06-01\ndays_before = 2\n")
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(["doctor", "--config", home.config], environment: home.environmentWithoutBus)
    #expect(result.stdout.contains("\n✓ hard days: 2 configured, next: the move on 2098-06-01\n"), "\(result.stdout)")
    #expect(!result.stdout.contains("\u{1B}"))
    try DaemonHome.defaultSlotsInUTC.write(toFile: home.config, atomically: true, encoding: .utf8)
    let none = try Affirm.run(["doctor", "--config", home.config], environment: home.environmentWithoutBus)
    #expect(none.stdout.contains("✓ next fire times:") && !none.stdout.contains("hard days"), "\(none.stdout)")
  }

  @Test(
    "the daemon's morning fire on a hard day shows a hard-day line, titled gently and without the day's name",
    .needsNotificationStack)
  func morningFireTitle() throws {
    let today = Self.todayInUTC()
    let marker = uniqueMarker()
    let home = try DaemonHome()
    try home.directory.write("mine.txt", "[morning]\nmorning \(marker)\n[hard-day]\nhard \(marker)\n")
    try """
    timezone = "UTC"
    corpus = ["~/mine.txt"]
    builtin_corpus = false
    [[slot]]
    name = "morning"
    at = ["\(utcTime(secondsFromNow: slotLead))"]
    tags = ["morning"]
    [[hard_day]]
    name = "her birthday"
    date = "\(today)"

    """.write(toFile: home.config, atomically: true, encoding: .utf8)
    let daemon = try home.start()
    defer { daemon.stop() }
    try home.waitForLog("started")
    let shown = try #require(try Stack.notification(containing: marker, timeout: fireWait), "log: \(home.log)")
    // A run that straddles midnight proves nothing either way.
    guard Self.todayInUTC() == today else { return }
    #expect(shown["body"] == "hard \(marker)")
    #expect(shown["summary"] == "A hard day. Go gently.")
    #expect(shown["summary"]?.contains("birthday") == false)
  }
}

import AffirmTestSupport
import Foundation
import Testing

@Suite("affirm next and config", .timeLimit(.minutes(10)))
struct NextTests {
  @Test("next lists fire times across the Berlin spring gap as JSON")
  func nextJSON() throws {
    let home = try DaemonHome()
    try "timezone = \"Europe/Berlin\"\n[[slot]]\nname = \"morning\"\nat = [\"02:30\"]\ntags = [\"morning\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(
      ["next", "--config", home.config, "--count", "3", "--from", "2027-03-27T12:00", "--json"], environment: [:])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        [
          {"at": "2027-03-28T03:30:00+02:00", "slot": "morning", "urgency": "normal", "tags": ["morning"]},
          {"at": "2027-03-29T02:30:00+02:00", "slot": "morning", "urgency": "normal", "tags": ["morning"]},
          {"at": "2027-03-30T02:30:00+02:00", "slot": "morning", "urgency": "normal", "tags": ["morning"]}
        ]

        """)
  }

  @Test("next with no config uses the built-in default in the system zone (TZ respected)")
  func nextDefault() throws {
    let home = try DaemonHome()
    let result = try Affirm.run(
      ["next", "--count", "7", "--from", "2027-01-05T12:00"],
      environment: ["HOME": home.directory.path, "TZ": "Asia/Kathmandu"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        2027-01-05T23:00:00+05:45  late-night  critical  late-night, urge
        2027-01-05T23:30:00+05:45  late-night  critical  late-night, urge
        2027-01-06T00:00:00+05:45  late-night  critical  late-night, urge
        2027-01-06T00:30:00+05:45  late-night  critical  late-night, urge
        2027-01-06T01:00:00+05:45  late-night  critical  late-night, urge
        2027-01-06T01:30:00+05:45  late-night  critical  late-night, urge
        2027-01-06T08:00:00+05:45  morning     normal    morning

        """)
  }

  @Test("a bad config exits 65 naming file:line:column; a bad --from exits 64")
  func badInputs() throws {
    let home = try DaemonHome()
    try "[[slot]]\nname = \"x\"\nat = [\"08:00\"]\ndays = [\"funday\"]\n".write(
      toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(["next", "--config", home.config], environment: [:])
    #expect(result.status == 65)
    #expect(
      result.stderr == "affirm: \(home.config):4:9: unknown day \"funday\" (use mon, tue, wed, thu, fri, sat, sun)\n")
    let from = try Affirm.run(["next", "--from", "tomorrow"], environment: ["HOME": home.directory.path])
    #expect(from.status == 64)
    let missing = try Affirm.run(["next", "--config", "/nonexistent/config.toml"], environment: [:])
    #expect(missing.status == 66)
    #expect(missing.stderr == "affirm: cannot read config /nonexistent/config.toml: no such file or directory\n")
  }

  @Test("config init writes the commented default once; show prints the config in force")
  func configInitAndShow() throws {
    let home = try DaemonHome()
    let environment = ["HOME": home.directory.path]
    let path = home.directory.path + "/.config/affirm/config.toml"
    let first = try Affirm.run(["config", "init"], environment: environment)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout == "wrote \(path)\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("# affirm's config."))
    let second = try Affirm.run(["config", "init"], environment: environment)
    #expect(second.status == 73)
    #expect(
      second.stderr
        == "affirm: \(path) already exists; affirm config init never overwrites it (see affirm config show)\n")
    let show = try Affirm.run(["config", "show"], environment: environment)
    #expect(show.status == 0)
    #expect(show.stdout.hasPrefix("# from \(path)\n[[slot]]\nname = \"morning\"\nat = [\"08:00\"]\n"))
    let check = try Affirm.run(["check"], environment: environment)
    #expect(check.status == 0, "\(check.stdout)")
  }

  @Test("check validates the config too, including tags no entry carries")
  func checkConfig() throws {
    let home = try DaemonHome()
    try "[[slot]]\nname = \"x\"\nat = [\"08:00\"]\ntags = [\"evening\"]\n".write(
      toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(["check", "--config", home.config], environment: [:])
    #expect(result.status == 65)
    #expect(result.stdout.contains("\(home.config):4:8: slot \"x\" uses tag \"evening\" that no corpus entry carries"))
  }
}

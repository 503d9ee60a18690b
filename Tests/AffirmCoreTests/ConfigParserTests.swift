import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("reading the config", .timeLimit(.minutes(2)))
struct ConfigParserTests {
  @Test("the schema from the README parses into slots")
  func fullSchema() throws {
    let config = try parseConfig(
      """
      timezone = "Europe/Berlin"

      [[slot]]
      name = "morning"
      at = ["08:00", "12:30:15"]
      days = ["mon", "fri"]
      tags = ["morning"]
      urgency = "normal"
      grace = "2h"

      [[slot]]
      name = "late-night"
      from = "23:00"
      until = "02:00"
      every = "30m"
      tags = ["late-night", "urge"]
      urgency = "critical"

      [[slot]]
      name = "daytime"
      from = "10:00"
      until = "20:00"
      random = 3
      min_gap = "45m"
      """)
    #expect(config.timezone == "Europe/Berlin")
    #expect(
      config.slots == [
        Slot(
          name: "morning", timing: .at([WallTime("08:00")!, WallTime("12:30:15")!]), days: [.monday, .friday],
          tags: ["morning"], urgency: .normal, grace: Span(seconds: 7200)),
        Slot(
          name: "late-night",
          timing: .every(from: WallTime("23:00")!, until: WallTime("02:00")!, interval: Span(seconds: 1800)),
          tags: ["late-night", "urge"], urgency: .critical),
        Slot(
          name: "daytime",
          timing: .random(
            from: WallTime("10:00")!, until: WallTime("20:00")!, count: 3, minimumGap: Span(seconds: 2700))),
      ])
    #expect(config.tagLocations["late-night"] == SourceLocation(file: "config.toml", line: 16, column: 8))
  }

  @Test("a single at string is accepted, as is an empty file")
  func lenient() throws {
    #expect(
      try parseConfig("[[slot]]\nname = \"a\"\nat = \"07:15\"\n").slots.first?.timing == .at([WallTime("07:15")!]))
    #expect(try parseConfig("").slots.isEmpty)
  }

  @Test("the built-in default is the documented one, and config show round-trips")
  func builtInDefault() throws {
    let config = Config.builtInDefault
    #expect(config.slots.map(\.name) == ["morning", "late-night"])
    #expect(config.slots[0].timing == .at([WallTime("08:00")!]))
    #expect(
      config.slots[1].timing
        == .every(from: WallTime("23:00")!, until: WallTime("02:00")!, interval: Span(seconds: 1800)))
    #expect(config.slots[1].urgency == .critical)
    #expect(config.slots[1].tags == ["late-night", "urge"])
    let shown = try parseConfig(config.tomlText)
    #expect(shown.slots == config.slots)
  }

  @Test("the README's config block is the file config init writes, but for its comment-only lines")
  func readmeExample() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let block = try #require(readme.split(separator: "```toml\n", maxSplits: 1).last?.split(separator: "```").first)
    let meaningful = { (text: Substring) in
      text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
    }
    #expect(meaningful(block) == meaningful(Substring(Config.defaultText)))
  }

  struct Bad: Sendable, CustomTestStringConvertible {
    var toml: String
    var location: String
    var message: String
    var testDescription: String { message }
  }

  static let bad: [Bad] = [
    Bad(
      toml: "[[slot]]\nname = \"m\"\nat = [\"08:00\"]\nfollow_urges = true\n", location: "4:1",
      message:
        "follow_urges goes with every or random (a window that can widen), not with at; "
        + "write the slot with from, until and every or random"),
    Bad(
      toml: "[[slot]]\nname = \"n\"\nfrom = \"23:00\"\nuntil = \"02:00\"\nevery = \"30m\"\nfollow_urges = 1\n",
      location: "6:16", message: "follow_urges must be true or false, not an integer"),
    Bad(
      toml: "[[slot]]\nname = \"d\"\nfrom = \"20:00\"\nuntil = \"02:00\"\nrandom = 2\nfollow_urges = true\n",
      location: "6:1",
      message:
        "follow_urges cannot widen 20:00-02:00: it is 6h long, and a window that follows urges is at most 6h; "
        + "shorten the window or drop follow_urges"),
    Bad(
      toml: "colour = \"blue\"\n", location: "1:1",
      message:
        "unknown key \"colour\" at the top level "
        + "(allowed: timezone, no_contact_since, cooldown, quiet, pause_includes_critical, corpus, builtin_corpus, "
        + "slot, hard_day, people)"
    ),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\nurgncy = \"low\"\n", location: "4:1",
      message:
        "unknown key \"urgncy\" in [[slot]] (allowed: name, at, from, until, every, random, min_gap, days, tags, urgency, grace, follow_urges)"
    ),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\nmin-gap = \"1h\"\n", location: "4:1",
      message:
        "unknown key \"min-gap\" in [[slot]] (allowed: name, at, from, until, every, random, min_gap, days, tags, urgency, grace, follow_urges); did you mean min_gap?"
    ),
    Bad(
      toml: "[[slot]]\nat = [\"08:00\"]\n", location: "1:1",
      message: "[[slot]] has no name; add name = \"...\" (names are unique)"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\n\n[[slot]]\nname = \"a\"\nat = [\"09:00\"]\n", location: "6:8",
      message: "slot name \"a\" is already used at line 2; names must be unique"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\nevery = \"1h\"\n", location: "4:1",
      message: "slot \"a\" has both at and every; use exactly one of at, every or random"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\n", location: "1:1",
      message: "slot \"a\" needs one of at, every (with from and until) or random"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"24:00\"]\n", location: "3:7",
      message: "invalid time \"24:00\" (use HH:MM or HH:MM:SS, from 00:00 to 23:59:59)"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\", \"7:5\"]\n", location: "3:16",
      message: "invalid time \"7:5\" (use HH:MM or HH:MM:SS, from 00:00 to 23:59:59)"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"25:61\"]\n", location: "3:7",
      message: "invalid time \"25:61\" (use HH:MM or HH:MM:SS, from 00:00 to 23:59:59)"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\ndays = [\"mon\", \"funday\"]\n", location: "4:16",
      message: "unknown day \"funday\" (use mon, tue, wed, thu, fri, sat, sun)"),
    Bad(
      toml: "timezone = \"Mars/Olympus_Mons\"\n", location: "1:12",
      message: "unknown time zone \"Mars/Olympus_Mons\" (use a name from /usr/share/zoneinfo, such as Europe/Berlin)"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nfrom = \"23:00\"\nuntil = \"02:00\"\nevery = \"0m\"\n", location: "5:9",
      message: "every = \"0m\" is too often: every must be at least 1m, like \"30m\""),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nfrom = \"08:00\"\nuntil = \"09:00\"\nevery = \"59s\"\n", location: "5:9",
      message: "every = \"59s\" is too often: every must be at least 1m, like \"30m\""),
    Bad(
      toml: (0..<101).map { "[[slot]]\nname = \"s\($0)\"\nat = \"08:00\"\n" }.joined(),
      location: "301:1", message: "too many slots: at most 100 are allowed; merge slots that share tags and urgency"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nfrom = \"10:00\"\nuntil = \"11:00\"\nrandom = 3\nmin_gap = \"45m\"\n",
      location: "5:10",
      message:
        "random = 3 with min_gap = \"45m\" does not fit between 10:00 and 11:00; lower random or min_gap, or widen the window"
    ),
    Bad(
      toml: "[[slot]]\nname = 7\nat = [\"08:00\"]\n", location: "2:8", message: "name must be a string, not an integer"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\nurgency = \"loud\"\n", location: "4:11",
      message: "unknown urgency \"loud\" (use low, normal or critical)"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nevery = \"30m\"\nfrom = \"23:00\"\n", location: "3:1",
      message: "slot \"a\" uses every and needs until = \"HH:MM\" too"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\nfrom = \"07:00\"\n", location: "4:1",
      message: "from goes with every or random, not with at"),
    Bad(toml: "slot = 3\n", location: "1:1", message: "slot must be written as [[slot]] tables, not as integer"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = []\n", location: "3:6",
      message: "at needs at least one time, like [\"08:00\"]"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\ngrace = \"soon\"\n", location: "4:9",
      message: "invalid duration \"soon\" for grace (use forms like 90s, 30m, 1h30m, 3d)"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nfrom = \"10:00\"\nuntil = \"11:00\"\nrandom = 0\n", location: "5:10",
      message: "random must be from 1 to 1440 times a day, not 0"),
    Bad(
      toml: "[[slot]]\nname = \"a\"\nat = [\"08:00\"]\ntags = \"morning\"\n", location: "4:8",
      message: "tags must be an array like [\"a\", \"b\"], not a string"),
    Bad(toml: "name = \n", location: "1:8", message: "expected a value"),
    Bad(
      toml: "corpus = [\"a.txt\", 3]\n", location: "1:20",
      message: "each path in corpus must be a string, not an integer"),
    Bad(toml: "corpus = true\n", location: "1:10", message: "corpus must be a string, not a boolean"),
    Bad(
      toml: "corpus = [\"\"]\n", location: "1:11",
      message: "a corpus path must not be empty; name a file or a directory"),
    Bad(
      toml: "corpus = [\"~bob/lines.txt\"]\n", location: "1:11",
      message: "corpus path \"~bob/lines.txt\": only ~/ is expanded (your home); write a full path"),
    Bad(
      toml: "corpus = [\"a.txt\"]\nbuiltin_corpus = \"no\"\n", location: "2:18",
      message: "builtin_corpus must be true or false, not a string"),
    Bad(
      toml: "builtin_corpus = false\n", location: "1:18",
      message: "builtin_corpus = false leaves no lines to show; list your own in corpus = [\"~/my-lines.txt\"]"),
    Bad(
      toml: "corpus = []\nbuiltin_corpus = false\n", location: "2:18",
      message: "builtin_corpus = false leaves no lines to show; list your own in corpus = [\"~/my-lines.txt\"]"),
    Bad(
      toml: "corpora = [\"a.txt\"]\n", location: "1:1",
      message:
        "unknown key \"corpora\" at the top level "
        + "(allowed: timezone, no_contact_since, cooldown, quiet, pause_includes_critical, corpus, builtin_corpus, "
        + "slot, hard_day, people)"
    ),
  ]

  static let hardDayUsage = "(write \"MM-DD\" for every year, like \"02-14\", or one date like 2027-02-14)"

  static let badHardDays: [Bad] = [
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = \"02-30\"\n", location: "3:8",
      message: "invalid date \"02-30\" for a hard day \(hardDayUsage)"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = \"13-01\"\n", location: "3:8",
      message: "invalid date \"13-01\" for a hard day \(hardDayUsage)"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = \"xx\"\n", location: "3:8",
      message: "invalid date \"xx\" for a hard day \(hardDayUsage)"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = \"2027-02-29\"\n", location: "3:8",
      message: "invalid date \"2027-02-29\" for a hard day \(hardDayUsage)"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = 2027-02-14\ndaysbefore = 2\n", location: "4:1",
      message: "unknown key \"daysbefore\" in [[hard_day]] (allowed: name, date, days_before)"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = 2027-02-14\ndays-before = 2\n", location: "4:1",
      message:
        "unknown key \"days-before\" in [[hard_day]] (allowed: name, date, days_before); did you mean days_before?"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = \"02-14\"\ndays_before = 8\n", location: "4:15",
      message: "days_before must be a whole number from 0 to 7"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = \"02-14\"\ndays_before = -1\n", location: "4:15",
      message: "days_before must be a whole number from 0 to 7"),
    Bad(
      toml: "[[hard_day]]\ndate = \"02-14\"\n", location: "1:1",
      message: "[[hard_day]] has no name; add name = \"...\" (like \"her birthday\")"),
    Bad(
      toml: "[[hard_day]]\nname = \" \"\ndate = \"02-14\"\n", location: "2:8",
      message: "hard day name must not be empty"),
    Bad(
      toml: "[[hard_day]]\nname = \"\(String(repeating: "x", count: 61))\"\ndate = \"02-14\"\n", location: "2:8",
      message: "hard day name is 61 characters long; keep it to 60"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\\u001B[2J\"\n", location: "1:1",
      message: "hard day \"a\\u{1B}[2J\" needs a date, like \"02-14\" (every year) or 2027-02-14"),
    Bad(
      toml: "[[hard_day]]\nname = \"a\"\ndate = 214\n", location: "3:8",
      message: "date must be a string like \"02-14\" or a date, not an integer"),
    Bad(
      toml: "hard_day = 3\n", location: "1:1",
      message: "hard_day must be written as [[hard_day]] tables, not as integer"),
  ]

  static let badPeople: [Bad] = [
    Bad(
      toml: "people = \"Sam\"\n", location: "1:10", message: "people must be an array like [\"a\", \"b\"], not a string"
    ),
    Bad(
      toml: "people = [\"Sam\", 3]\n", location: "1:18", message: "each name in people must be a string, not an integer"
    ),
    Bad(toml: "people = [\"\"]\n", location: "1:11", message: "a name in people must not be empty"),
    Bad(
      toml: "people = [\"Sam\", \"\\u200B\"]\n", location: "1:18",
      message: "a name in people holds only invisible characters; write the name as plain, visible text"),
    Bad(
      toml: "people = [\"Sam\\u001B[2J\"]\n", location: "1:11",
      message:
        "a name in people holds an escape character (U+001B), which starts a terminal control sequence; "
        + "write the name as plain, visible text"),
    Bad(
      toml: "people = [\"Sam\\nMum\"]\n", location: "1:11",
      message: "a name in people holds a control character (U+000A); write the name as plain, visible text"),
    Bad(
      toml: "people = [\"\\u202ESam\"]\n", location: "1:11",
      message:
        "a name in people holds a bidirectional control (U+202E), which makes text read other than it is written; "
        + "write the name as plain, visible text"),
    Bad(
      toml: "people = [\" Sam\"]\n", location: "1:11",
      message: "name \" Sam\" in people starts or ends with a space; write it without"),
    Bad(
      toml: "people = [\"\(String(repeating: "é", count: 41))\"]\n", location: "1:11",
      message: "name in people is 41 characters long; keep it to 40 so lines that name it fit a notification"),
    Bad(
      toml: "people = [\"Sam\", \"Mum\", \"sam\"]\n", location: "1:25",
      message: "\"sam\" is already in people at 1:11; list each name once"),
    Bad(
      toml: "people = [\((1...11).map { "\"p\($0)\"" }.joined(separator: ", "))]\n", location: "1:72",
      message: "people lists 11 names; at most 10 are allowed"),
  ]

  @Test("each bad name in people names file:line:column and what is allowed", arguments: badPeople)
  func badPerson(_ bad: Bad) {
    badConfigs(bad)
  }

  @Test("people: names as written, up to 40 characters and 10 names; config show round-trips them")
  func people() throws {
    let longest = String(repeating: "é", count: 40)
    let names = ["Sam", "Mum & <Dad>", "the \"other\" Jo", longest] + (1...6).map { "p\($0)" }
    let config = try parseConfig("people = [\(names.map(quotedString).joined(separator: ", "))]\n")
    #expect(config.people == names)
    #expect(config.tomlText.hasPrefix("people = [\"Sam\", \"Mum & <Dad>\", \"the \\\"other\\\" Jo\""))
    #expect(try parseConfig(config.tomlText) == config)
    #expect(try parseConfig("").people == [])
  }

  @Test("each bad hard day names file:line:column and what is allowed", arguments: badHardDays)
  func badHardDay(_ bad: Bad) {
    badConfigs(bad)
  }

  @Test("hard days: MM-DD, a full date written bare or quoted, days_before; config show round-trips them")
  func hardDays() throws {
    let config = try parseConfig(
      """
      [[slot]]
      name = "m"
      at = ["08:00"]

      [[hard_day]]
      name = "her birthday"
      date = "02-29"
      days_before = 2

      [[hard_day]]
      name = "the \\"day\\""
      date = 2027-02-14

      [[hard_day]]
      name = "moving out"
      date = "2027-06-01"
      days_before = 0
      """)
    #expect(
      config.hardDays.days == [
        HardDay(name: "her birthday", when: .yearly(month: 2, day: 29), daysBefore: 2),
        HardDay(name: "the \"day\"", when: .once(LocalDate(year: 2027, month: 2, day: 14))),
        HardDay(name: "moving out", when: .once(LocalDate(year: 2027, month: 6, day: 1))),
      ])
    #expect(
      config.tomlText.hasSuffix(
        """
        [[hard_day]]
        name = "her birthday"
        date = "02-29"
        days_before = 2

        [[hard_day]]
        name = "the \\"day\\""
        date = "2027-02-14"

        [[hard_day]]
        name = "moving out"
        date = "2027-06-01"

        """))
    #expect(try parseConfig(config.tomlText) == config)
    // Every bad hard day is reported, each at its place, with the slot errors.
    let (_, errors) = ConfigParser.diagnose(
      Array("[[hard_day]]\nname = \"a\"\ndate = \"02-30\"\n[[hard_day]]\nname = \"b\"\ndate = \"xx\"\n".utf8),
      file: "config.toml")
    #expect(errors.map { "\($0.location.line):\($0.location.column ?? 0)" } == ["3:8", "6:8"])
  }

  @Test("follow_urges on every and random slots; false is the default; config show round-trips it")
  func followUrges() throws {
    let config = try parseConfig(
      """
      [[slot]]
      name = "late-night"
      from = "23:00"
      until = "01:30"
      every = "30m"
      follow_urges = true

      [[slot]]
      name = "daytime"
      from = "10:00"
      until = "15:59"
      random = 2
      follow_urges = true

      [[slot]]
      name = "plain"
      from = "10:00"
      until = "20:00"
      every = "1h"
      follow_urges = false
      """)
    #expect(config.slots.map(\.followsUrges) == [true, true, false])
    #expect(config.tomlText.components(separatedBy: "follow_urges = true").count == 3)
    #expect(try parseConfig(config.tomlText) == config)
  }

  @Test("each bad config names file:line:column and what is allowed", arguments: bad)
  func badConfigs(_ bad: Bad) {
    #expect {
      try parseConfig(bad.toml)
    } throws: { error in
      guard let error = error as? ConfigError else { return false }
      let location = "\(error.location.line):\(error.location.column ?? 0)"
      #expect(location == bad.location)
      #expect(
        error.message == bad.message || bad.message == "expected a value" && error.message.hasPrefix("expected a value")
      )
      return true
    }
  }

  @Test("diagnose names every error, each at its place; parse throws the first of them")
  func everyError() throws {
    let text = """
      timezone = "Mars/Olympus"
      Cooldown = "3d"
      quiet = ["09:00-17:00", "nonsense"]

      [[slot]]
      name = "morning"
      at = ["25:00"]

      [[slot]]
      name = "night"
      from = "23:00"
      until = "02:00"
      every = "30s"

      [[slot]]
      name = "fine"
      at = ["08:00"]

      [[slot]]
      name = "fine"
      at = ["09:00"]
      """
    let (config, errors) = ConfigParser.diagnose(Array(text.utf8), file: "config.toml")
    #expect(config == nil)
    let located = errors.map { "\($0.location.line):\($0.location.column ?? 0)" }
    // In the order the checks meet them: unknown keys first, then each value.
    #expect(located == ["2:1", "1:12", "7:7", "13:9", "20:8", "3:25"], "\(errors)")
    #expect(errors[0].message.hasSuffix("did you mean cooldown?"))
    #expect(errors[4].message.contains("already used at line 16"))
    #expect(throws: errors[0]) { try parseConfig(text) }

    // A TOML syntax error leaves nothing to read past it: that one error alone.
    let broken = ConfigParser.diagnose(Array("timezone = \"UTC\"\nat = [\n".utf8), file: "config.toml")
    #expect(broken.errors.count == 1 && broken.config == nil)
    // A valid config: no errors, and the same config parse gives.
    let valid = "[[slot]]\nname = \"m\"\nat = [\"08:00\"]\n"
    let diagnosed = ConfigParser.diagnose(Array(valid.utf8), file: "config.toml")
    #expect(diagnosed.errors.isEmpty)
    #expect(diagnosed.config == (try parseConfig(valid)))
  }

  @Test("corpus paths: ~/ is the home directory, a relative path is beside the config file")
  func corpusPaths() throws {
    let text = """
      corpus = ["~/my-lines.txt", "lines", "/srv/affirm/extra.txt", "~"]
      builtin_corpus = false
      """
    let config = try ConfigParser.parse(Array(text.utf8), file: "/etc/me/config.toml", home: "/home/me/")
    #expect(
      config.corpus.map(\.path) == ["/home/me/my-lines.txt", "/etc/me/lines", "/srv/affirm/extra.txt", "/home/me"])
    #expect(config.corpus.map(\.written) == ["~/my-lines.txt", "lines", "/srv/affirm/extra.txt", "~"])
    #expect(config.corpus[1].location == SourceLocation(file: "/etc/me/config.toml", line: 1, column: 29))
    #expect(config.builtinCorpus == false)
    // A single path needs no array; the built-in lines count unless the config says otherwise.
    let single = try ConfigParser.parse(Array("corpus = \"a.txt\"\n".utf8), file: "config.toml", home: "/h")
    #expect(single.corpus.map(\.path) == ["a.txt"])
    #expect(single.builtinCorpus)
    #expect(try parseConfig("").corpus.isEmpty && Config.builtInDefault.builtinCorpus)
    // config show prints the paths as read, so its output means the same from anywhere.
    #expect(
      config.tomlText.hasPrefix(
        "corpus = [\"/home/me/my-lines.txt\", \"/etc/me/lines\", \"/srv/affirm/extra.txt\", \"/home/me\"]\nbuiltin_corpus = false\n"
      ))
    let shown = try ConfigParser.parse(Array(config.tomlText.utf8), file: "/elsewhere/shown.toml", home: "/x")
    #expect(shown.corpus.map(\.path) == config.corpus.map(\.path) && !shown.builtinCorpus)
  }

  @Test("~/ with no home directory is an error at the path, not a file under /")
  func corpusWithoutHome() throws {
    #expect(
      throws: ConfigError(
        SourceLocation(file: "config.toml", line: 1, column: 11),
        "cannot expand ~ in \"~/a.txt\": there is no home directory (HOME); write a full path")
    ) {
      try parseConfig("corpus = [\"~/a.txt\"]\n")
    }
    #expect(
      try ConfigParser.parse(Array("corpus = \"~/a.txt\"\n".utf8), file: "c.toml", home: "/").corpus.map(\.path)
        == ["/a.txt"])
    #expect(AffirmPaths(environment: [:]).home == nil)
    #expect(AffirmPaths(environment: ["HOME": "/home/a"]).home == "/home/a")
  }

  @Test("XDG paths: variables when absolute, else under HOME")
  func paths() {
    let paths = AffirmPaths(environment: [
      "HOME": "/home/a", "XDG_CONFIG_HOME": "/cfg/", "XDG_STATE_HOME": "rel", "XDG_RUNTIME_DIR": "/run/user/1",
    ])
    #expect(paths.configFile == "/cfg/affirm/config.toml")
    #expect(paths.stateDirectory == "/home/a/.local/state/affirm")
    #expect(paths.runtimeDirectory == "/run/user/1/affirm")
    #expect(AffirmPaths(environment: ["HOME": "/h"]).configFile == "/h/.config/affirm/config.toml")
  }
}

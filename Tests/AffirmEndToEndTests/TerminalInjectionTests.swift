import AffirmTestSupport
import Foundation
import Testing

/// Corpus lines and notes that would drive a terminal (escape sequences, control characters),
/// reorder themselves (U+202E) or show nothing.
@Suite(
  "terminal escape injection: check reports it, nothing shows it, printing makes it visible", .serialized,
  .timeLimit(.minutes(10)))
struct TerminalInjectionTests {
  static let esc = "\u{1B}"

  /// Every hazard, one per line after a good line, with where `check` must point.
  static let corpus =
    [
      "[urge]", "A good line stays.",
      "Title \(esc)]0;pwned\u{07} set", "  \(esc)[2J\(esc)[H cleared", "abc \u{202E}txt.exe",
      "\u{200B}\u{200B}\u{2060}",
      "bell\u{07}ring", "c1 \u{9B}31m red",
    ].joined(separator: "\n") + "\n"

  @Test(
    "check reports each hazardous entry with file:line:column and exits 1; send never shows one",
    .needsNotificationStack)
  func checkAndSend() throws {
    let home = try DaemonHome()
    let corpus = try home.directory.write("c.txt", Self.corpus)
    let environment = try home.environment()
    let check = try Affirm.run(["check", "--corpus", corpus, "--config", home.config], environment: environment)
    #expect(check.status == 1)
    let lines = check.stdout.split(separator: "\n").map(String.init)
    #expect(
      Array(lines.prefix(6)) == [
        "\(corpus):3:7: entry holds an escape character (U+001B), which starts a terminal control sequence; it is not shown (write plain, visible text)",
        "\(corpus):4:3: entry holds an escape character (U+001B), which starts a terminal control sequence; it is not shown (write plain, visible text)",
        "\(corpus):5:5: entry holds a bidirectional control (U+202E), which makes text read other than it is written; it is not shown (write plain, visible text)",
        "\(corpus):6:1: entry holds only invisible characters; it is not shown (write plain, visible text)",
        "\(corpus):7:5: entry holds a control character (U+0007); it is not shown (write plain, visible text)",
        "\(corpus):8:4: entry holds a control character (U+009B); it is not shown (write plain, visible text)",
      ])
    #expect(!check.stdout.contains(Self.esc) && !check.stdout.contains("\u{202E}"), "check printed a raw hazard")
    #expect(check.stderr == "affirm: 6 problems found\n")

    // Only the good line is ever picked, and what is printed holds no raw control character.
    for _ in 0..<5 {
      let dry = try Affirm.run(
        ["send", "--dry-run", "--corpus", corpus, "--config", home.config], environment: environment)
      #expect(dry.status == 0, "\(dry.stderr)")
      #expect(dry.stdout.split(separator: "\n").dropFirst().first == "A good line stays.")
      let json = try Affirm.run(
        ["send", "--dry-run", "--json", "--corpus", corpus, "--config", home.config], environment: environment)
      #expect(json.stdout.contains("\"body\": \"A good line stays.\""), "\(json.stdout)")
    }
    // A corpus of nothing but hazards has no entry to show.
    let bad = try home.directory.write("bad.txt", "[urge]\n\(Self.esc)[2J\n")
    let none = try Affirm.run(
      ["send", "--dry-run", "--corpus", bad, "--config", home.config], environment: environment)
    #expect(none.status == 65)
    #expect(!none.stdout.contains(Self.esc) && !none.stderr.contains(Self.esc))
  }

  @Test(
    "sos --note refuses control characters, ANSI sequences, U+202E and invisible-only text (64), recording nothing",
    arguments: [
      "\(esc)]0;pwned\u{07}", "clear \(esc)[2J", "evil\u{202E}txt", "\u{200B}", "line\nbreak", "\u{9B}2J",
    ])
  func sosNoteRefused(note: String) throws {
    let home = try DaemonHome()
    let environment = try home.environment(bus: "unix:path=/nonexistent")
    let result = try Affirm.run(["sos", "--note", note, "--config", home.config], environment: environment)
    #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.hasPrefix("Error: --note holds "), "\(result.stderr)")
    #expect(result.stderr.contains("; write plain, visible text\n"))
    #expect(!result.stderr.contains(Self.esc) && !result.stderr.contains("\u{202E}"))
    #expect(!FileManager.default.fileExists(atPath: home.directory.path + "/state/affirm/state.sqlite"))
  }

  @Test("history prints hand-written control characters in a row as visible \\u{1B} escapes; --json escapes them")
  func historyMakesThemVisible() throws {
    let home = try DaemonHome()
    let environment = try home.environment(bus: "unix:path=/nonexistent")
    let reset = try Affirm.run(["reset", "--date", "2026-01-01", "--config", home.config], environment: environment)
    #expect(reset.status == 0, "\(reset.stderr)")
    let database = home.directory.path + "/state/affirm/state.sqlite"
    // Rows as an older affirm, or a hand edit, could have left them.
    let sql = """
      INSERT INTO urge (at, note) VALUES (1700000000, 'hey' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J');
      INSERT INTO delivery (at, source, slot, bag, entry, body, status, reason)
        VALUES (1700000001, 'send', NULL, 'all', 'x', 'abc' || char(8238) || 'exe' || char(155), 'failed', 'bus' || char(13) || 'gone');
      """
    let edit = try runProcess("/usr/bin/sqlite3", [database, sql])
    #expect(edit.status == 0, "\(edit.stderr)")

    let history = try Affirm.run(["history", "--config", home.config], environment: environment)
    #expect(history.status == 0, "\(history.stderr)")
    #expect(history.stdout.contains("hey\\u{1B}]0;pwned\\u{7}\\u{1B}[2J"), "\(history.stdout)")
    #expect(history.stdout.contains("abc\\u{202E}exe\\u{9B}  (bus\\u{D}gone)"), "\(history.stdout)")
    let raw = history.stdout.unicodeScalars.filter {
      ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value)
    }
    #expect(raw.isEmpty, "raw control characters printed: \(raw.map(\.value))")
    #expect(!history.stdout.contains("\u{202E}"))

    let json = try Affirm.run(["history", "--json", "--config", home.config], environment: environment)
    #expect(json.stdout.contains("\"note\": \"hey\\u001B]0;pwned\\u0007\\u001B[2J\""), "\(json.stdout)")
    #expect(json.stdout.contains("\"body\": \"abc\\u202Eexe\\u009B\""), "\(json.stdout)")
    let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    #expect(items.contains { $0["note"] as? String == "hey\u{1B}]0;pwned\u{07}\u{1B}[2J" })
  }

  @Test(
    "sos --follow-up writes its line at once into a pipe or file: SIGTERM while it stays loses nothing",
    .needsNotificationStack)
  func sosFollowUpFlushes() throws {
    let home = try DaemonHome()
    let marker = uniqueMarker()
    let corpus = try home.directory.write("c.txt", "[urge]\nurge \(marker)\n")
    let output = home.directory.path + "/out"
    let sos = try ChildProcess(
      Affirm.binary, ["sos", "--follow-up", "1h", "--corpus", corpus, "--config", home.config],
      environment: try home.environment(), stdout: output, stderr: home.directory.path + "/err")
    defer { sos.stop() }
    let read = { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
    try waitUntil("sos prints its line while it stays", timeout: 10) {
      read().contains("One more line in 1h. Breathe.")
    }
    #expect(sos.isRunning)
    sos.signal(SIGTERM)
    #expect(sos.wait(timeout: 5) != nil)
    #expect(
      read()
        == "urge \(marker)\nNoted in your history. Stay with yourself for a minute; this will pass.\n"
        + "One more line in 1h. Breathe.\n")
  }
}

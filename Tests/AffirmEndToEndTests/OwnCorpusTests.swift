import AffirmTestSupport
import Foundation
import Testing

@Suite("a person's own lines from the config's corpus key", .serialized, .timeLimit(.minutes(10)))
struct OwnCorpusTests {
  @Test("builtin_corpus = false: send --dry-run shows only the user's line, from ~/ and through the index")
  func onlyOwnLines() throws {
    let marker = uniqueMarker()
    let own = try OwnCorpusHome(
      ownLines: "[morning]\nMy own line \(marker)\n",
      config: "corpus = [\"~/mine.txt\"]\nbuiltin_corpus = false\n")
    for _ in 0..<3 {  // parsed once, then read through the cached index
      let result = try own.affirm(["send", "--dry-run", "--json", "--config", own.config])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout.contains(#""body": "My own line \#(marker)""#), "\(result.stdout)")
    }
    #expect(FileManager.default.fileExists(atPath: own.path + "/.cache/affirm"))
    // A tag only the built-in lines carry is gone with them.
    let builtinTag = try own.affirm(["send", "--dry-run", "--tag", "urge", "--config", own.config])
    #expect(builtinTag.status == 64, "\(builtinTag.stdout)\(builtinTag.stderr)")
  }

  @Test("by default the user's lines join the built-in ones; --corpus still replaces both")
  func addedToBuiltin() throws {
    let marker = uniqueMarker()
    let own = try OwnCorpusHome(
      ownLines: "[only-mine]\nMine, tagged \(marker)\n", config: "corpus = [\"mine.txt\"]\n")
    let tagged = try own.affirm(["send", "--dry-run", "--json", "--tag", "only-mine", "--config", own.config])
    #expect(tagged.status == 0, "\(tagged.stderr)")
    #expect(tagged.stdout.contains(#""body": "Mine, tagged \#(marker)""#), "\(tagged.stdout)")
    let builtin = try own.affirm(["send", "--dry-run", "--json", "--tag", "morning", "--config", own.config])
    #expect(builtin.status == 0, "\(builtin.stderr)")
    #expect(!builtin.stdout.contains(marker))
    let other = try own.home.directory.write("other.txt", "[elsewhere]\nFrom the command line.\n")
    let replaced = try own.affirm([
      "send", "--dry-run", "--tag", "only-mine", "--config", own.config, "--corpus", other,
    ])
    #expect(replaced.status == 64)
    #expect(replaced.stderr.contains("unknown tag"), "\(replaced.stderr)")
  }

  @Test(
    "a missing path: check and doctor name the config's line and column; send says so and exits 66",
    .needsNotificationStack)
  func missingPath() throws {
    let own = try OwnCorpusHome(
      ownLines: "[only-mine]\nStill read.\n", config: "timezone = \"UTC\"\ncorpus = [\"mine.txt\",\n  \"~/gone.txt\"]\n"
    )
    let gone = "cannot read corpus \(own.path)/gone.txt: no such file or directory (listed in corpus as \"~/gone.txt\")"
    let check = try own.affirm(["check", "--config", own.config])
    #expect(check.status == 66, "\(check.stdout)\(check.stderr)")
    #expect(check.stdout.contains("\(own.config):3:3: \(gone)\n"), "\(check.stdout)")
    #expect(check.stderr == "affirm: 1 problem found\n")

    let send = try own.affirm(["send", "--dry-run", "--config", own.config])
    #expect(send.status == 66)
    #expect(send.stderr == "affirm: \(own.config):3:3: \(gone)\n")

    let doctor = try Affirm.run(["doctor", "--config", own.config], environment: try own.home.environment())
    #expect(doctor.status == 66, "\(doctor.stdout)")
    let text = doctor.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
      separator: " ")
    #expect(text.contains("✗ corpus: ~/gone.txt cannot be read \(own.config):3:3:"), "\(doctor.stdout)")
    #expect(text.contains("✓ corpus: built-in + mine.txt + ~/gone.txt"), "\(doctor.stdout)")
  }

  @Test("check reads the user's lines together with the built-in ones")
  func checkTogether() throws {
    let own = try OwnCorpusHome(ownLines: "[only-mine]\nMine alone.\n", config: "corpus = [\"~/mine.txt\"]\n")
    let builtinOnly = try Affirm.run(["check"], environment: ["HOME": own.path + "/nowhere", "PATH": "/usr/bin:/bin"])
    let together = try own.affirm(["check", "--config", own.config])
    #expect(together.status == builtinOnly.status, "\(together.stdout)\(together.stderr)")
    #expect(together.stdout.contains("only-mine 1"), "\(together.stdout)")
    // A user line the built-in corpus already has is reported at the user's file.
    let repeated = try #require(try firstBuiltinLine())
    try "[only-mine]\nMine alone.\n\(repeated)\n".write(toFile: own.mine, atomically: true, encoding: .utf8)
    let duplicate = try own.affirm(["check", "--config", own.config])
    #expect(duplicate.stdout.contains("\(own.mine):3: duplicate entry; it already stands at affirmations/"))
  }

  @Test("config show prints the paths as read; config init shows the key, commented")
  func configShowAndInit() throws {
    let own = try OwnCorpusHome(ownLines: "x\n", config: "corpus = [\"~/mine.txt\"]\nbuiltin_corpus = false\n")
    let shown = try own.affirm(["config", "show", "--config", own.config])
    #expect(shown.stdout.contains("\ncorpus = [\"\(own.mine)\"]\nbuiltin_corpus = false\n"), "\(shown.stdout)")
    let written = own.path + "/new.toml"
    #expect(try own.affirm(["config", "init", "--config", written]).status == 0)
    #expect(try String(contentsOfFile: written, encoding: .utf8).contains("\n# corpus = [\"~/my-lines.txt\"]"))
  }

  @Test("install puts no --corpus in the unit and names the config's own lines")
  func install() throws {
    let own = try OwnCorpusHome(ownLines: "[only-mine]\nMine.\n", config: "")
    try FileManager.default.createDirectory(atPath: own.path + "/.config/affirm", withIntermediateDirectories: true)
    try "corpus = [\"~/mine.txt\", \"~/gone.txt\"]\n"
      .write(toFile: own.path + "/.config/affirm/config.toml", atomically: true, encoding: .utf8)
    let result = try Affirm.run(["install"], environment: ["HOME": own.path, "PATH": "/usr/bin:/bin"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains(
        "Your own lines, from \(own.path)/.config/affirm/config.toml: built-in + ~/mine.txt + ~/gone.txt."))
    #expect(result.stderr.contains("affirm: warning: \(own.path)/.config/affirm/config.toml:1:25: cannot read corpus"))
    let unit = try String(contentsOfFile: own.path + "/.config/systemd/user/affirm.service", encoding: .utf8)
    #expect(unit.contains("\nExecStart=\(resolvedBinary) run\n"))
  }

  @Test("the daemon shows the user's lines, and reads an edited file again on SIGHUP", .needsNotificationStack)
  func daemon() throws {
    let first = uniqueMarker()
    let own = try OwnCorpusHome(
      ownLines: "[only-mine]\n\(first)\n",
      config: slotConfig(secondsFromNow: slotLead))
    let daemon = try own.home.start()
    defer { daemon.stop() }
    try own.home.waitForLog("started")
    #expect(own.home.log.contains("corpus: built-in + ~/mine.txt"), "\(own.home.log)")
    // Read through the cached index, as a send reads it: no full parse kept in memory.
    #expect(FileManager.default.fileExists(atPath: own.path + "/.cache/affirm"), "\(own.home.log)")
    #expect(try Stack.notification(containing: first, timeout: fireWait) != nil, "log: \(own.home.log)")

    let second = uniqueMarker()
    try "[only-mine]\n\(second)\n".write(toFile: own.mine, atomically: true, encoding: .utf8)
    try slotConfig(secondsFromNow: slotLead).write(toFile: own.config, atomically: true, encoding: .utf8)
    daemon.signal(SIGHUP)
    try own.home.waitForLog("reloaded")
    #expect(try Stack.notification(containing: second, timeout: fireWait) != nil, "log: \(own.home.log)")

    // A path gone at the next reload keeps the lines in force, naming the config's line.
    try "corpus = [\"~/gone.txt\"]\n".write(toFile: own.config, atomically: true, encoding: .utf8)
    daemon.signal(SIGHUP)
    try own.home.waitForLog("keeping the previous config: \(own.config):1:11: cannot read corpus")
    #expect(daemon.isRunning)
  }

  func slotConfig(secondsFromNow seconds: Int) -> String {
    """
    timezone = "UTC"
    corpus = ["~/mine.txt"]
    [[slot]]
    name = "mine"
    at = ["\(utcTime(secondsFromNow: seconds))"]
    tags = ["only-mine"]

    """
  }

  /// The first entry of the shipped corpus file, read from the source tree.
  func firstBuiltinLine() throws -> String? {
    let files = try FileManager.default.contentsOfDirectory(atPath: Affirm.packageRoot + "/affirmations")
      .filter { $0.hasSuffix(".txt") }.sorted()
    let text = try String(contentsOfFile: Affirm.packageRoot + "/affirmations/" + files[0], encoding: .utf8)
    return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .first { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("[") }
  }
}

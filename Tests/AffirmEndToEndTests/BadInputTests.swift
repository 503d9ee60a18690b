import AffirmTestSupport
import Foundation
import Testing

@Suite("affirm send and check with bad input", .timeLimit(.minutes(10)))
struct BadInputTests {
  @Test("an unknown tag lists the known tags, exit 64")
  func unknownTag() throws {
    let directory = try TemporaryDirectory()
    let corpus = try directory.write("c.txt", "[morning]\na\n[urge, healing]\nb\n")
    let result = try Affirm.run(["send", "--tag", "evening", "--corpus", corpus])
    #expect(result.status == 64)
    #expect(result.stderr == "affirm: unknown tag \"evening\"; known tags: healing, morning, urge\n")
    #expect(result.stdout == "")
  }

  @Test("a missing corpus path names the path and the reason, exit 66")
  func missingCorpus() throws {
    let result = try Affirm.run(["send", "--corpus", "/nonexistent/affirmations.txt"])
    #expect(result.status == 66)
    #expect(result.stderr == "affirm: cannot read corpus /nonexistent/affirmations.txt: no such file or directory\n")
  }

  @Test("an unreadable corpus path names the reason, exit 66")
  func unreadableCorpus() throws {
    let directory = try TemporaryDirectory()
    let loop = directory.path + "/loop.txt"
    try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
    let result = try Affirm.run(["send", "--corpus", loop])
    #expect(result.status == 66)
    #expect(result.stderr == "affirm: cannot read corpus \(loop): too many levels of symbolic links\n")

    let empty = try TemporaryDirectory()
    let dirResult = try Affirm.run(["send", "--corpus", empty.path])
    #expect(dirResult.status == 66)
    #expect(
      dirResult.stderr
        == "affirm: corpus directory \(empty.path) holds no corpus files; affirm reads the *.txt files in it\n")
  }

  @Test(
    "a corpus file without read permission names the reason, exit 66 (as root: run as nobody)",
    .enabled(if: Affirm.canDropPrivileges || getuid() != 0, "as root, needs setpriv to drop root's privileges"))
  func permissionDenied() throws {
    let directory = try TemporaryDirectory()
    let corpus = try directory.write("c.txt", "[a]\nb\n")
    chmod(corpus, 0)
    // Root reads every file: as root, the send runs as nobody, for whom the mode binds.
    let result = try Affirm.runDroppingRoot(
      ["send", "--corpus", corpus], environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin", "TZ": "UTC"])
    #expect(result.status == 66)
    #expect(result.stderr == "affirm: cannot read corpus \(corpus): permission denied\n")
  }

  @Test("a corpus with no entries: a clear sentence, exit 65")
  func noEligibleEntry() throws {
    let directory = try TemporaryDirectory()
    let corpus = try directory.write("c.txt", "# only a comment\n")
    let result = try Affirm.run(["send", "--corpus", corpus])
    #expect(result.status == 65)
    #expect(result.stderr == "affirm: the corpus has no entries; add lines to it (see affirm check)\n")
  }

  @Test("a bad --urgency or --timeout is a usage error, exit 64")
  func badOptions() throws {
    let urgency = try Affirm.run(["send", "--urgency", "loud", "--dry-run"])
    #expect(urgency.status == 64)
    #expect(urgency.stderr.contains("loud"))
    let timeout = try Affirm.run(["send", "--timeout", "-3", "--dry-run"])
    #expect(timeout.status == 64)
  }

  @Test("check reports every problem as file:line and exits 1")
  func checkReportsProblems() throws {
    let directory = try TemporaryDirectory()
    let long = String(repeating: "x", count: 161)
    let corpus = try directory.write(
      "c.txt", bytes: Array("[]\n[morning]\nChoose yourself.\nchoose   YOURSELF.\n\(long)\n".utf8) + [0xFF, 0x41, 0x0A])
    let noSlots = try directory.write("config.toml", "# no slots\n")
    let result = try Affirm.run(["check", "--corpus", corpus, "--config", noSlots])
    #expect(result.status == 1)
    #expect(
      result.stdout == """
        \(corpus):1: empty tag line; name at least one tag, like [morning]
        \(corpus):4: duplicate entry; it already stands at \(corpus):3
        \(corpus):5: entry is 161 characters long; keep it to 160 so it fits a notification
        \(corpus):6:1: invalid UTF-8; save the file as UTF-8
        warning: \(noSlots): no slots, so affirm run shows nothing (add a [[slot]]; see affirm config init)

        """)
    #expect(result.stderr == "affirm: 4 problems found\n")
  }

  @Test("the shipped corpus passes check")
  func shippedCorpusPasses() throws {
    let home = try TemporaryDirectory()
    let result = try Affirm.run(["check"], environment: ["HOME": home.path])
    #expect(result.status == 0, "\(result.stdout)")
    #expect(result.stdout.hasPrefix("ok: "))
    let files = try Affirm.run(
      ["check", "--corpus", Affirm.packageRoot + "/affirmations"], environment: ["HOME": home.path])
    #expect(files.status == 0, "\(files.stdout)")
    #expect(files.stdout == result.stdout)
    // Not one warning about the voice, and a coverage row for every idea.
    let strict = try Affirm.run(["check", "--strict"], environment: ["HOME": home.path])
    #expect(strict.status == 0, "\(strict.stdout)")
    #expect(strict.stderr == "")
    #expect(!strict.stdout.contains("warning:"))
    #expect(strict.stdout.contains("\nidea "))
    #expect(strict.stdout.contains("\nwaves "))
  }

  @Test("check warns about the voice of a user's corpus and still accepts it; --strict refuses it")
  func checkWarnsAboutTheVoice() throws {
    let directory = try TemporaryDirectory()
    let corpus = try directory.write(
      "mine.txt",
      """
      [late-night] idea: hey-is-not-effort
      You deserve someone who puts in the effort that you need.
      I deserve someone who puts in the effort I need.
      Their text arrived. Leave it on read.
      [late-night] idea: sunsets
      Watch the sunset instead.

      """)
    let config = try directory.write(
      "config.toml", "[[slot]]\nname = \"night\"\nat = [\"23:00\"]\ntags = [\"late-night\"]\n")
    let result = try Affirm.run(["check", "--corpus", corpus, "--config", config])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(
      Array(lines.prefix(5)) == [
        "\(corpus):5:20: warning: unknown idea key \"sunsets\"; use one of the ideas affirm check lists, or leave the key out",
        "\(corpus):3: warning: says what \(corpus):2 says, in other words (5 of 5 content words shared); keep one",
        "\(corpus):4:12: warning: \"arrived\" speaks of a message, a profile or a phone, but slot \"night\" shows this line when nothing happened; tag it sos (drawn only by affirm sos)",
        "\(corpus):6: warning: idea \"sunsets\" has 1 line in slot \"night\"'s pool; give it at least 2, so it can come back without repeating the line",
        "ok: 4 entries (late-night 4); config \(config): 1 slot",
      ])
    #expect(result.stderr == "affirm: 4 warnings\n")
    let strict = try Affirm.run(["check", "--strict", "--corpus", corpus, "--config", config])
    #expect(strict.status == 1)
  }
}

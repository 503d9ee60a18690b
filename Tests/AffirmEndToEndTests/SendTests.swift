import Foundation
import Testing

@Suite("affirm send, against the real dunst", .timeLimit(.minutes(3)))
struct SendTests {
  @Test("a tagged send arrives with app name, summary, body, urgency and hints")
  func taggedSendArrives() throws {
    let directory = try TemporaryDirectory()
    let marker = uniqueMarker()
    let corpus = try directory.write("c.txt", "[morning]\nmorning \(marker)\n[urge]\nurge \(marker)\n")
    let result = try Affirm.run(["send", "--tag", "urge", "--urgency", "critical", "--corpus", corpus])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr == "")
    let shown = try #require(try Stack.notification(containing: marker))
    #expect(shown["appname"] == "affirm")
    #expect(shown["body"] == "urge \(marker)")
    #expect(shown["summary"] == "Breathe. You're not alone in this.")
    #expect(shown["urgency"] == "CRITICAL")
    #expect(shown["category"] == "x-affirm.affirmation")
    #expect(shown["desktop_entry"] == "affirm")
  }

  @Test("low urgency and an expire timeout reach the server")
  func urgencyAndTimeout() throws {
    let directory = try TemporaryDirectory()
    let marker = uniqueMarker()
    let corpus = try directory.write("c.txt", "[healing]\n\(marker)\n")
    let result = try Affirm.run(["send", "--urgency", "low", "--timeout", "7", "--corpus", corpus])
    #expect(result.status == 0, "\(result.stderr)")
    let shown = try #require(try Stack.notification(containing: marker))
    #expect(shown["urgency"] == "LOW")
    #expect(shown["timeout"] == "7000")  // dunst prints milliseconds
  }

  @Test("a line with markup characters arrives exactly as written on a body-markup server")
  func markupArrivesAsWritten() throws {
    let directory = try TemporaryDirectory()
    let marker = uniqueMarker()
    let corpus = try directory.write("c.txt", "[healing]\nTom & Jerry <3 <b>\(marker)</b>\n")
    let result = try Affirm.run(["send", "--corpus", corpus])
    #expect(result.status == 0, "\(result.stderr)")
    let shown = try #require(try Stack.notification(containing: marker))
    // dunst lists body-markup, so the body must arrive escaped: it then renders as written.
    #expect(shown["body"] == "Tom &amp; Jerry &lt;3 &lt;b&gt;\(marker)&lt;/b&gt;")
  }

  @Test("the built-in corpus is used when no --corpus is given")
  func builtInCorpus() throws {
    let result = try Affirm.run(["send", "--tag", "morning", "--dry-run", "--json"])
    #expect(result.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect((object["tags"] as? [String])?.contains("morning") == true)
  }

  @Test("a bus reached only through $XDG_RUNTIME_DIR/bus works (as from cron)")
  func runtimeDirectoryBus() throws {
    let address = try Stack.busAddress()
    let socket = try #require(
      address.split(separator: ",").first.flatMap { $0.hasPrefix("unix:path=") ? $0.dropFirst(10) : nil })
    let runtime = try TemporaryDirectory()
    try FileManager.default.createSymbolicLink(atPath: runtime.path + "/bus", withDestinationPath: String(socket))
    let marker = uniqueMarker()
    let corpus = try runtime.write("c.txt", "[late-night]\n\(marker)\n")
    let result = try Affirm.run(
      ["send", "--corpus", corpus], environment: ["XDG_RUNTIME_DIR": runtime.path, "PATH": "/usr/bin:/bin"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Stack.notification(containing: marker) != nil)
  }

  @Test("--dry-run --json prints one object of the documented shape and delivers nothing")
  func dryRunJSON() throws {
    let directory = try TemporaryDirectory()
    let marker = uniqueMarker()
    let corpus = try directory.write("c.txt", "[urge, late-night]\nTom & Jerry \(marker)\n")
    let result = try Affirm.run(["send", "--dry-run", "--json", "--urgency", "critical", "--corpus", corpus])
    #expect(result.status == 0)
    #expect(
      result.stdout
        == #"{"body": "Tom & Jerry \#(marker)", "summary": "Breathe. You're not alone in this.", "tags": ["late-night", "urge"], "urgency": "critical"}"#
        + "\n")
    // The second run reads the corpus through its cached index: the same output, tags alike.
    let cached = try Affirm.run(["send", "--dry-run", "--json", "--urgency", "critical", "--corpus", corpus])
    #expect(cached.stdout == result.stdout)
    try Stack.sentinel()
    #expect(try Stack.notification(containing: marker, timeout: 0) == nil)
  }

  @Test("--dry-run without --json prints readable text")
  func dryRunText() throws {
    let directory = try TemporaryDirectory()
    let corpus = try directory.write("c.txt", "[morning]\nChoose yourself.\n")
    let result = try Affirm.run(["send", "--dry-run", "--corpus", corpus])
    #expect(result.stdout == "Good morning\nChoose yourself.\n(tags: morning; urgency: normal)\n")
  }
}

@Suite("affirm send when delivery is impossible", .serialized, .timeLimit(.minutes(3)))
struct SendFailureTests {
  @Test("no bus at all (env -i, but for a HOME of its own): exit 69 at once with the sentence")
  func noBus() throws {
    let home = try TemporaryDirectory()
    let result = try Affirm.run(["send"], environment: ["HOME": home.path])
    #expect(result.status == 69)
    #expect(result.stderr.hasPrefix("affirm: no D-Bus session bus found: DBUS_SESSION_BUS_ADDRESS is unset"))
  }

  @Test("DISPLAY set but no bus: refuses instead of autolaunching one")
  func noAutolaunch() throws {
    let display = try #require(Stack.environment["DISPLAY"])
    let home = try TemporaryDirectory()
    let result = try Affirm.run(["send"], environment: ["DISPLAY": display, "HOME": home.path])
    #expect(result.status == 69)
    #expect(result.stderr.contains("no D-Bus session bus found"))
    let explicit = try Affirm.run(
      ["send"], environment: ["DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": "autolaunch:", "HOME": home.path])
    #expect(explicit.status == 69)
    #expect(explicit.stderr.contains("would start a hidden bus nobody sees"))
  }

  @Test("a bus with no notification server: exit 69 with the sentence")
  func busWithoutServer() throws {
    let bus = try PrivateBus()
    let result = try Affirm.run(["send"], environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address])
    #expect(result.status == 69)
    #expect(
      result.stderr
        == "affirm: no notification server is running on the session bus (nothing owns org.freedesktop.Notifications); start one, such as dunst, mako or your desktop's own\n"
    )
  }

  @Test("a server stopped with SIGSTOP: exit 69 within 3 s naming its pid")
  func stoppedServer() throws {
    let bus = try PrivateBus()
    let dunst = try bus.startDunst()
    dunst.signal(SIGSTOP)
    let result = try Affirm.run(["send"], environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address])
    dunst.signal(SIGCONT)
    #expect(result.status == 69)
    #expect(
      result.stderr
        == "affirm: the notification server (pid \(dunst.pid)) did not answer within 1.5 s; it may be stopped or hung: restart it\n"
    )
    // The README's promise is 3 s; this bound only rules out GDBus's 25 s on a loaded machine.
    // The precise figure is in scripts/bench.
    #expect(result.seconds < 10, "\(result.seconds) s")
  }

  @Test("a bus daemon that is stopped: exit 69 within 3 s instead of GDBus's 25 s")
  func stoppedBus() throws {
    let bus = try PrivateBus()
    let home = try TemporaryDirectory()
    bus.daemon.signal(SIGSTOP)
    let result = try Affirm.run(["send"], environment: ["DBUS_SESSION_BUS_ADDRESS": bus.address, "HOME": home.path])
    bus.daemon.signal(SIGCONT)
    #expect(result.status == 69)
    #expect(
      result.stderr
        == "affirm: cannot connect to the session bus at \(bus.address): the bus did not answer within 1 s; check that your desktop session is running\n"
    )
    // The README's promise is 3 s; this bound only rules out GDBus's 25 s on a loaded machine.
    // The precise figure is in scripts/bench.
    #expect(result.seconds < 10, "\(result.seconds) s")
  }

  @Test("a bus address that does not exist: exit 69 naming it")
  func deadAddress() throws {
    let home = try TemporaryDirectory()
    let result = try Affirm.run(
      ["send"], environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus", "HOME": home.path])
    #expect(result.status == 69)
    #expect(result.stderr.hasPrefix("affirm: cannot connect to the session bus at unix:path=/nonexistent/bus: "))
  }
}

@Suite("affirm send and check with bad input", .timeLimit(.minutes(3)))
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

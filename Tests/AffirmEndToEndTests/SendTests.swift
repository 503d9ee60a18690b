import AffirmTestSupport
import Foundation
import Testing

@Suite("affirm send, against the real dunst", .needsNotificationStack, .timeLimit(.minutes(10)))
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

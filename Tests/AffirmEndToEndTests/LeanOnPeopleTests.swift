import AffirmTestSupport
import Foundation
import Testing

@Suite(
  "someone to lean on: people in the config, named in notifications", .needsNotificationStack, .serialized,
  .timeLimit(.minutes(10)))
struct LeanOnPeopleTests {
  /// A home whose config lists `people` (written as TOML strings) and the default slots.
  func home(people: [String]) throws -> DaemonHome {
    let home = try DaemonHome()
    try ("people = [\(people.joined(separator: ", "))]\n" + DaemonHome.defaultSlotsInUTC)
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    return home
  }

  @Test("a slot that draws only lines naming a person, without people: check, doctor and run say so at its tags")
  func slotNeedsPeople() throws {
    let home = try DaemonHome()
    let slot = "[[slot]]\nname = \"friends\"\nat = [\"21:00\"]\ntags = [\"person\"]\n"
    try ("timezone = \"UTC\"\n" + slot).write(toFile: home.config, atomically: true, encoding: .utf8)
    let sentence =
      "\(home.config):5:8: slot \"friends\" draws only lines that name a person ({person}); "
      + "list people in the config, like people = [\"Sam\"], or give the slot other tags"
    let check = try Affirm.run(["check", "--config", home.config], environment: home.environmentWithoutBus)
    #expect(check.status == 65)
    #expect(check.stdout.contains(sentence), "\(check.stdout)")
    let doctor = try Affirm.run(["doctor", "--config", home.config], environment: home.environmentWithoutBus)
    // doctor wraps its details at 80 columns.
    #expect(doctor.status == 65)
    #expect(doctor.stdout.contains("\"friends\" draws only lines that name a person"), "\(doctor.stdout)")
    #expect(doctor.stdout.contains("config: slots that would find no line to show"), "\(doctor.stdout)")
    // A daemon that started anyway would run until stopped: bounded, and stopped by defer.
    let daemon = try home.start()
    defer { daemon.stop() }
    #expect(daemon.wait(timeout: 30) == 65)
    #expect(home.log.contains(sentence), "\(home.log)")
    // With people listed the same slot is fine.
    try ("timezone = \"UTC\"\npeople = [\"Sam\"]\n" + slot).write(
      toFile: home.config, atomically: true, encoding: .utf8)
    let fine = try Affirm.run(["check", "--config", home.config], environment: home.environmentWithoutBus)
    #expect(fine.status == 0, "\(fine.stdout)")
  }

  @Test("send --tag person shows a built-in line with the name in its place; history keeps it")
  func nameArrives() throws {
    let marker = uniqueMarker()
    let home = try home(people: ["\"Sam \(marker)\""])
    let result = try Affirm.run(["send", "--tag", "person", "--config", home.config], environment: home.environment())
    #expect(result.status == 0, "\(result.stderr)")
    let shown = try #require(try Stack.notification(containing: marker))
    let body = try #require(shown["body"])
    #expect(body.contains("Sam \(marker)") && !body.contains("{person}"), "\(body)")
    #expect(shown["urgency"] == "NORMAL")
    let history = try Affirm.run(["history", "--config", home.config], environment: home.environmentWithoutBus)
    #expect(history.stdout.contains("Sam \(marker)"), "\(history.stdout)")
  }

  @Test("a name with & < > arrives escaped on a body-markup server, so it shows as written")
  func markupInAName() throws {
    let marker = uniqueMarker()
    let home = try home(people: ["\"Tom & <Jo> \(marker)\""])
    let result = try Affirm.run(["send", "--tag", "person", "--config", home.config], environment: home.environment())
    #expect(result.status == 0, "\(result.stderr)")
    let shown = try #require(try Stack.notification(containing: marker))
    #expect(shown["body"]?.contains("Tom &amp; &lt;Jo&gt; \(marker)") == true, "\(shown)")
    #expect(shown["body"]?.contains("<Jo>") == false)
  }

  @Test("sos with the user's own lines names one of the people; without people such lines are never drawn")
  func ownLinesOnlyWithPeople() throws {
    let marker = uniqueMarker()
    let lines = "[urge]\nBreathe \(marker). This passes.\n[urge, person]\nCall {person} now \(marker).\n"
    let own = try OwnCorpusHome(
      ownLines: lines, config: "corpus = [\"~/mine.txt\"]\nbuiltin_corpus = false\npeople = [\"Jo\"]\n")
    var bodies: Set<String> = []
    for _ in 0..<2 {
      let result = try Affirm.run(["sos", "--config", own.config], environment: try own.home.environment())
      #expect(result.status == 0, "\(result.stderr)")
      bodies.insert(result.stdout.split(separator: "\n").first.map(String.init) ?? "")
    }
    // The shuffle bag shows both lines before either again.
    #expect(bodies == ["Breathe \(marker). This passes.", "Call Jo now \(marker)."])
    #expect(try Stack.notification(containing: "Call Jo now \(marker).", timeout: 5) != nil)

    let without = try OwnCorpusHome(ownLines: lines, config: "corpus = [\"~/mine.txt\"]\nbuiltin_corpus = false\n")
    for _ in 0..<3 {
      let result = try without.affirm(["send", "--tag", "urge", "--dry-run", "--config", without.config])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout.contains("Breathe \(marker)."), "\(result.stdout)")
    }
    let only = try without.affirm(["send", "--tag", "person", "--dry-run", "--config", without.config])
    #expect(only.status == 65)
    #expect(
      only.stderr
        == "affirm: every entry with the tags person names a person ({person}); list people in the config, like people = [\"Sam\"]\n"
    )
  }

  @Test("\"I want to reach out\" answers with a line that names one of the people")
  func reachOutNamesSomeone() throws {
    let stack = try ButtonStack()
    let marker = uniqueMarker()
    try ("people = [\"Sam \(marker)\"]\n" + DaemonHome.defaultSlotsInUTC)
      .write(toFile: stack.home.config, atomically: true, encoding: .utf8)
    let (send, _, stderr) = try stack.start(["send", "--wait", "--tag", "late-night", "--config", stack.home.config])
    defer { send.stop() }
    try stack.waitForNotification(number: 1)
    try stack.press("I want to reach out")
    #expect(send.wait(timeout: 5) == 0, "\((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")")
    let answer = try stack.waitForNotification(number: 2)
    #expect(answer["body"]?.contains("Sam \(marker)") == true, "\(answer)")
    #expect(answer["urgency"] == "CRITICAL")
  }
}

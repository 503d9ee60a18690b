import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("the shipped corpus speaks in the voice VOICE.md describes", .timeLimit(.minutes(2)))
struct ShippedVoiceTests {
  let corpus = Corpus.builtin()
  let config = Config.builtInDefault

  @Test("the linter finds nothing with the default schedule")
  func noWarnings() {
    let findings = CorpusLinter(config: config, corpus: corpus).findings(in: corpus)
    #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    #expect(corpus.diagnostics.isEmpty, "\(corpus.diagnostics)")
  }

  @Test("every entry says one of the guide's ideas")
  func everyEntryHasAnIdea() {
    for entry in corpus.entries {
      #expect(entry.idea.map(Idea.keys.contains) == true, "\(entry.location): \(entry.text)")
    }
    #expect(Set(corpus.entries.compactMap(\.idea)) == Idea.keys)
  }

  @Test("the late-night slot reaches at least 100 lines over at least 12 ideas; the morning slot 60")
  func poolSizes() throws {
    let night = try #require(config.slots.first { $0.name == "late-night" })
    let morning = try #require(config.slots.first { $0.name == "morning" })
    let nightPool = corpus.positions(forAnyOf: Set(night.tags)).map { corpus.entries[$0] }
    #expect(nightPool.count >= 100)
    #expect(Set(nightPool.compactMap(\.idea)).count >= 12)
    #expect(corpus.positions(forAnyOf: Set(morning.tags)).count >= 60)
  }

  @Test("breadcrumbs, investing in yourself, a coach, the future and safety each have night lines")
  func thinIdeasHaveNightLines() {
    for idea in ["breadcrumbs", "invest-in-yourself", "coach", "future", "safety"] {
      let lines = corpus.entries.filter { $0.idea == idea && $0.tags.contains("late-night") }
      #expect(lines.count >= 4, "\(idea): \(lines.count)")
    }
  }

  @Test("lines naming a person: lean-on-people, drawn by the late-night slot and sos, only with people set")
  func personLines() throws {
    let lines = corpus.entries.filter { $0.tags.contains(People.tag) }
    #expect(lines.count >= 4)
    for line in lines {
      #expect(line.idea == "lean-on-people", "\(line.location)")
      #expect(Set(line.tags) == ["late-night", "urge", "person"], "\(line.location)")
      #expect(People.namesPerson(line.text), "\(line.location)")
      #expect(People.longestLength(of: line.text) <= CorpusLinter.comfortableLength, "\(line.location)")
    }
    #expect(!corpus.entries.contains { !$0.tags.contains(People.tag) && $0.text.contains("{") })
    var generator = SplitMix64(seed: 9)
    let dispatcher = Dispatcher(corpus: corpus, config: config, zone: .utc, store: nil, logger: quietLogger)
    let night = try #require(config.slots.first { $0.name == "late-night" })
    let pool = try dispatcher.eligiblePositions(tags: night.tags, lines: .allowed)
    #expect(!pool.contains { corpus.entries[$0].tags.contains(People.tag) }, "no people in the default config")
    var named = dispatcher
    named.config.people = ["Sam"]
    #expect(try named.eligiblePositions(tags: dispatcher.sosTags, lines: .only).count == lines.count)
    let request = try named.preview(
      tags: [People.tag], urgency: .critical, expireTimeout: -1, now: Instant(seconds: 0), using: &generator)
    #expect(request.body.contains("Sam") && !request.body.contains("{"))
  }

  @Test("each phase of a ride has at least four lines, most of them of the waves idea, and VOICE.md lists its tag")
  func waveLines() throws {
    let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let text = String(decoding: try TextFiles.read("/" + root + "/affirmations/VOICE.md"), as: UTF8.self)
    let section = try #require(text.split(separator: "## ").first { $0.hasPrefix("Tags") })
    for phase in WavePhase.allCases {
      let lines = corpus.entries.filter { $0.tags.contains(phase.tag) }
      #expect(lines.count >= 4, "\(phase.tag): \(lines.count)")
      #expect(lines.count { $0.idea == "waves" } >= 4, "\(phase.tag)")
      // Only the ride draws them: never a slot of the default schedule, never plain sos.
      #expect(lines.allSatisfy { $0.tags == [phase.tag] }, "\(phase.tag)")
      #expect(section.contains("| `\(phase.tag)` |"), "VOICE.md's tag table lacks \(phase.tag)")
    }
    // A later round opens with a line about leaning on someone that sos may show.
    #expect(
      corpus.entries.count {
        $0.idea == Ride.leanOnPeopleIdea && !Set($0.tags).isDisjoint(with: Moment.Tag.sosDraws)
      } >= 2)
  }

  @Test("VOICE.md lists exactly the ideas the code knows")
  func voiceGuideMatches() throws {
    let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let text = String(decoding: try TextFiles.read("/" + root + "/affirmations/VOICE.md"), as: UTF8.self)
    // The rows of the table under "## The ideas": | `key` | what the guide says |
    let section = try #require(text.split(separator: "## ").first { $0.hasPrefix("The ideas") })
    let keys = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.map {
      String($0.dropFirst(3).prefix { $0 != "`" })
    }
    #expect(keys == Idea.all.map(\.key))
    #expect(text.contains("| `person` |") && text.contains("`{person}`"), "VOICE.md documents the placeholder")
  }
}

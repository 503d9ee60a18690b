import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("someone to lean on: people and the lines that name them", .timeLimit(.minutes(2)))
struct PeopleTests {
  let now = Instant(seconds: 1_800_000_000)

  /// Three urge lines, two of them naming a person, and a morning line.
  static let lines = """
    [urge]
    Breathe. This wave passes.
    [urge, person]
    Text {person} instead. Tell them tonight is hard.
    Call {person}. Let someone who cares hear your voice.
    [morning]
    Today I choose myself.
    """

  func dispatcher(people: [String], store: StateStore? = nil) -> Dispatcher {
    var config = Config(slots: [])
    config.people = people
    let corpus = Corpus(files: [CorpusParser().parse(Array(Self.lines.utf8), file: "c")])
    return Dispatcher(corpus: corpus, config: config, zone: .utc, store: store, logger: quietLogger)
  }

  @Test("a slot whose every line names a person is a problem without people, at its tags; not with them")
  func slotNeedingPeople() throws {
    let corpus = Corpus(files: [CorpusParser().parse(Array(Self.lines.utf8), file: "c")])
    let text = """
      [[slot]]
      name = "friends"
      at = ["21:00"]
      tags = ["person"]
      [[slot]]
      name = "night"
      at = ["23:00"]
      tags = ["urge"]
      """
    var config = try ConfigParser.parse(Array(text.utf8), file: "c.toml")
    let problems = Picker(corpus: corpus).slotProblems(in: config)
    #expect(
      problems.map { $0.description } == [
        "c.toml:4:8: slot \"friends\" draws only lines that name a person ({person}); "
          + "list people in the config, like people = [\"Sam\"], or give the slot other tags"
      ])
    let settings = DaemonSettings(
      config: config, schedule: Schedule(slots: config.slots, zone: .utc), corpus: corpus, corpusLabel: "c")
    #expect(settings.problem == problems.first)
    config.people = ["Sam"]
    #expect(Picker(corpus: corpus).slotProblems(in: config).isEmpty)
  }

  @Test("placeholders: only {word} counts, {person} is substituted, the longest name is measured")
  func placeholders() {
    #expect(People.placeholders(in: "Text {person}, not {name} :{ or {a b}").map(\.key) == ["person", "name"])
    #expect(People.placeholders(in: "Text {person}").map(\.offset) == [5])
    #expect(People.substitute("Sam", in: "Text {person}. {person}!") == "Text Sam. Sam!")
    #expect(People.longestLength(of: "Text {person}.") == 6 + People.maximumNameLength)
  }

  @Test("choose: never the previous name while another is left; the only name stays possible")
  func choose() {
    var generator = SplitMix64(seed: 7)
    var seen: Set<String> = []
    for _ in 0..<200 {
      let name = People.choose(from: ["Sam", "Mum", "Jo"], after: "Mum", using: &generator)
      #expect(name != "Mum")
      seen.insert(name ?? "")
    }
    #expect(seen == ["Sam", "Jo"])
    #expect(People.choose(from: ["Sam"], after: "Sam", using: &generator) == "Sam")
    #expect(People.choose(from: [], after: nil, using: &generator) == nil)
  }

  @Test("without people, lines naming a person are never drawn; with them, they are, the name substituted")
  func onlyWhenSet() throws {
    var generator = SplitMix64(seed: 11)
    let notifier = RecordingNotifier()
    let without = dispatcher(people: [])
    for _ in 0..<60 {
      let outcome = try without.deliver(
        tags: ["urge"], urgency: .normal, source: .send, now: now, notifier: notifier, using: &generator)
      #expect(outcome.request?.body == "Breathe. This wave passes.")
    }
    #expect(throws: SelectionError.needsPeople(tags: ["person"])) {
      try without.preview(tags: ["person"], urgency: .normal, expireTimeout: -1, now: now, using: &generator)
    }
    let with = dispatcher(people: ["Sam", "Mum"])
    var bodies: Set<String> = []
    for _ in 0..<60 {
      let outcome = try with.deliver(
        tags: ["urge"], urgency: .normal, source: .send, now: now, notifier: notifier, using: &generator)
      bodies.insert(try #require(outcome.request?.body))
    }
    #expect(bodies.contains("Text Sam instead. Tell them tonight is hard."))
    #expect(bodies.contains("Call Mum. Let someone who cares hear your voice."))
    #expect(!bodies.contains { $0.contains("{") })
    let preview = try with.preview(tags: ["person"], urgency: .normal, expireTimeout: -1, now: now, using: &generator)
    #expect(preview.body.contains("Sam") || preview.body.contains("Mum"))
  }

  @Test("through the state database: the history keeps the worded line, and no name comes twice in a row")
  func notTwiceInARow() throws {
    let (store, _) = try temporaryStore()
    var generator = SplitMix64(seed: 5)
    let notifier = RecordingNotifier()
    let people = ["Sam", "Mum", "Jo"]
    var names: [String] = []
    for minute in 0..<12 {
      let outcome = try dispatcher(people: people, store: store).deliver(
        tags: ["person"], urgency: .normal, source: .send, now: now.adding(seconds: Int64(minute) * 60),
        notifier: notifier, using: &generator)
      let body = try #require(outcome.request?.body)
      names.append(try #require(people.first { body.contains($0) }, "\(body)"))
    }
    for (earlier, later) in zip(names, names.dropFirst()) { #expect(earlier != later, "\(names)") }
    #expect(Set(names) == Set(people))
    let recorded = try store.history(since: nil).compactMap { item -> String? in
      if case .delivery(_, _, let body, _, _) = item.kind { return body }
      return nil
    }
    #expect(recorded.count == 12)
    #expect(recorded.allSatisfy { !$0.contains("{person}") }, "\(recorded)")
  }

  @Test("\"I want to reach out\" answers with a line naming one of the people when they are set")
  func reachOutNamesSomeone() throws {
    let (store, _) = try temporaryStore()
    var generator = SplitMix64(seed: 3)
    let notifier = RecordingNotifier()
    for _ in 0..<6 {
      let outcome = dispatcher(people: ["Sam"], store: store).respond(
        .reachOut, now: now, offeringResponses: false, notifier: notifier, using: &generator)
      let request = try #require(outcome.request)
      #expect(request.body.contains("Sam"), "\(request.body)")
      #expect(request.urgency == .critical)
    }
    let outcome = dispatcher(people: [], store: store).respond(
      .reachOut, now: now, offeringResponses: false, notifier: notifier, using: &generator)
    #expect(outcome.request?.body == "Breathe. This wave passes.")
  }

  @Test("a name with & < > is substituted as written, and escaped for a body-markup server")
  func markupInAName() throws {
    var generator = SplitMix64(seed: 1)
    let outcome = try dispatcher(people: ["Tom & <Jo>"]).deliver(
      tags: ["person"], urgency: .normal, source: .send, now: now, notifier: RecordingNotifier(), using: &generator)
    let body = try #require(outcome.request?.body)
    #expect(body.contains("Tom & <Jo>"))
    #expect(escapeMarkup(body).contains("Tom &amp; &lt;Jo&gt;"))
    #expect(!escapeMarkup(body).contains("<"))
  }

  @Test("the corpus knows {person}: an unknown placeholder, a missing tag, a line too long for a name")
  func corpusPlaceholders() {
    let long = String(repeating: "x", count: 160 - 8 - 32) + " {person}"
    let fits = String(repeating: "y", count: 160 - 40 - 1) + " {person}"
    let text = "[urge]\nHi {name}\n[urge]\n  Call {person}\n[urge, person]\n\(long)\n\(fits)\n"
    let file = CorpusParser().parse(Array(text.utf8), file: "c")
    #expect(
      file.diagnostics.map(\.description) == [
        "c:2:4: unknown placeholder {name}; the only one is {person} (a name from the config's people)",
        "c:4:8: {person} on a line without the tag person; add person to its tag line, so it is drawn only when "
          + "people are set",
        "c:6: entry is 161 characters long with a 40-character name in {person}; keep it to 160 so it fits a "
          + "notification",
      ])
    #expect(file.entries.map(\.text) == [fits])
  }
}

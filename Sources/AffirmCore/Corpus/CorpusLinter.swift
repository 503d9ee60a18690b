public import TOML

/// What `affirm check` can tell about a corpus's voice beyond its syntax: lines that say the
/// same as another in other words, words VOICE.md forbids, lines nothing draws, ideas with
/// too few lines. Each finding is a warning: a user's corpus is reported on, never refused.
public struct CorpusLinter: Sendable {
  /// The tags each configured slot draws (an empty list draws every entry).
  public var slotTags: [(slot: String, tags: [String])]
  /// What `affirm sos` draws, its rides included (`wave-rising`, `wave-peak`, `wave-easing`).
  public var sosTags: [String]

  public init(slotTags: [(slot: String, tags: [String])], sosTags: [String]) {
    self.slotTags = slotTags
    self.sosTags = sosTags
  }

  public init(config: Config, corpus: Corpus) {
    self.init(
      slotTags: config.slots.flatMap { slot in
        // On a hard day a morning slot draws hard-day lines instead (HardDays.slotInForce).
        slot.tags.contains(Moment.Tag.morning)
          ? [(slot.name, slot.tags), (slot.name, [Moment.Tag.hardDay])] : [(slot.name, slot.tags)]
      },
      sosTags: (Moment.Tag.sosDraws + WavePhase.allCases.map(\.tag)).filter(corpus.knownTags.contains))
  }

  /// Near-duplicates are looked for up to this many entries (every pair is compared).
  public static let nearDuplicateLimit = 5_000
  /// A line longer than this is long for a notification bubble (the hard limit is 160).
  public static let comfortableLength = 120
  /// A scheduled pool should hold at least this many lines of each idea it draws, so that
  /// the idea can come back without its line.
  public static let linesPerIdea = 2

  /// Words no line a slot can draw may say: they tell of a message, a profile or a phone
  /// that nothing has shown to be there (VOICE.md).
  public static let unscheduledWords = [
    "arrived", "their text", "their message", "that message", "the draft", "their profile", "phone down",
    "send it", "don't reply",
  ]
  /// Words no line may say: reunion, harm as a lesson, blame.
  public static let forbiddenWords = [
    "meant to be", "come back", "necessary step", "lesson", "stop it", "your fault", "should have known",
  ]

  public struct Finding: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): warning: \(message)" }
  }

  public func findings(in corpus: Corpus) -> [Finding] {
    var findings: [Finding] = []
    let entries = corpus.entries
    for entry in entries {
      let lowered = entry.text.lowercased().replacingApostrophes()
      let drawnBy = slotTags.filter { draws($0.tags, entry) }.map(\.slot)
      if !drawnBy.isEmpty, let word = Self.unscheduledWords.first(where: lowered.contains) {
        findings.append(
          Finding(
            location: column(of: word, in: entry),
            message:
              "\"\(word)\" speaks of a message, a profile or a phone, but slot \"\(drawnBy[0])\" shows this line "
              + "when nothing happened; tag it sos (drawn only by affirm sos)"))
      }
      if let word = Self.forbiddenWords.first(where: lowered.contains) {
        findings.append(
          Finding(
            location: column(of: word, in: entry),
            message: "\"\(word)\" hints at reunion, calls harm a lesson or blames; VOICE.md rules it out"))
      }
      // A line that names a person is measured with the longest name allowed in its place.
      let length = People.longestLength(of: entry.text)
      if length > Self.comfortableLength {
        let withName = length == entry.text.count ? "" : " with a \(People.maximumNameLength)-character name"
        findings.append(
          Finding(
            location: entry.location,
            message:
              "\(length) characters\(withName) is long for a notification; keep it under \(Self.comfortableLength)"))
      }
      if !slotTags.isEmpty && drawnBy.isEmpty && !draws(sosTags, entry) {
        let tags = entry.tags.isEmpty ? "no tags" : "tags " + entry.tags.joined(separator: ", ")
        findings.append(
          Finding(
            location: entry.location,
            message: "no slot and no affirm sos draws this line (\(tags)); give it a tag a slot draws"))
      }
    }
    findings += nearDuplicates(entries)
    findings += thinIdeas(entries)
    return findings.sorted { ($0.location.file, $0.location.line) < ($1.location.file, $1.location.line) }
  }

  /// Pairs that fold to (nearly) the same content words; reported at the later line.
  func nearDuplicates(_ entries: [Affirmation]) -> [Finding] {
    guard entries.count <= Self.nearDuplicateLimit else { return [] }
    let words = entries.map { Wording.contentWords($0.text) }
    var findings: [Finding] = []
    for later in entries.indices {
      for earlier in 0..<later where Wording.areNearDuplicates(words[earlier], words[later]) {
        let shared = words[earlier].intersection(words[later]).count
        findings.append(
          Finding(
            location: entries[later].location,
            message:
              "says what \(entries[earlier].location) says, in other words (\(shared) of "
              + "\(min(words[earlier].count, words[later].count)) content words shared); keep one"))
        break
      }
    }
    return findings
  }

  /// Ideas a slot draws with fewer than `linesPerIdea` lines in its pool.
  func thinIdeas(_ entries: [Affirmation]) -> [Finding] {
    var findings: [Finding] = []
    var reported: Set<String> = []
    for (slot, tags) in slotTags {
      let pool = entries.filter { draws(tags, $0) }
      let byIdea = Dictionary(grouping: pool.filter { $0.idea != nil }, by: { $0.idea! })
      for (idea, lines) in byIdea.sorted(by: { $0.key < $1.key })
      where lines.count < Self.linesPerIdea && reported.insert(idea).inserted {
        findings.append(
          Finding(
            location: lines[0].location,
            message:
              "idea \"\(idea)\" has \(lines.count) line in slot \"\(slot)\"'s pool; give it at least "
              + "\(Self.linesPerIdea), so it can come back without repeating the line"))
      }
    }
    return findings
  }

  func draws(_ tags: [String], _ entry: Affirmation) -> Bool {
    entry.isEligible(forAnyOf: Set(tags))
  }

  func column(of word: String, in entry: Affirmation) -> SourceLocation {
    let lowered = entry.text.lowercased().replacingApostrophes()
    guard let range = lowered.firstRange(of: word) else { return entry.location }
    var location = entry.location
    location.column = lowered.distance(from: lowered.startIndex, to: range.lowerBound) + 1
    return location
  }

  /// Lines per idea and tag, for `affirm check`'s coverage table: every idea of the guide,
  /// then the keys of a user's own, then lines without a key.
  public static func coverage(of corpus: Corpus) -> (tags: [String], rows: [(idea: String, counts: [Int], total: Int)])
  {
    let tags = corpus.knownTags
    let keys = Idea.all.map(\.key) + Set(corpus.entries.compactMap(\.idea)).subtracting(Idea.keys).sorted()
    var rows = keys.map { key in
      let lines = corpus.entries.filter { $0.idea == key }
      return (idea: key, counts: tags.map { tag in lines.count { $0.tags.contains(tag) } }, total: lines.count)
    }
    let unnamed = corpus.entries.filter { $0.idea == nil }
    if !unnamed.isEmpty {
      rows.append(
        (
          idea: "(no idea key)", counts: tags.map { tag in unnamed.count { $0.tags.contains(tag) } },
          total: unnamed.count
        ))
    }
    return (tags, rows)
  }
}

extension String {
  /// Typographic apostrophes as plain ones, so "don’t" matches "don't".
  fileprivate func replacingApostrophes() -> String {
    String(map { $0 == "\u{2019}" ? "'" : $0 })
  }
}

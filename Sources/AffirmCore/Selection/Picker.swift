import TOML

/// Picks the entry a notification shows and dresses it as a request.
public struct Picker: Sendable {
  public var corpus: any EntryCatalog

  public init(corpus: any EntryCatalog) { self.corpus = corpus }

  /// Slot tags no entry carries, with where the config names them: a schedule that would
  /// fire and find nothing to show.
  public func unknownSlotTags(in config: Config) -> [ConfigError] {
    let known = Set(corpus.knownTags)
    return config.slots.compactMap { slot in
      let unknown = slot.tags.filter { !known.contains($0) }
      guard !unknown.isEmpty else { return nil }
      let location = config.tagLocations[slot.name] ?? SourceLocation(file: "config", line: 1)
      return ConfigError(
        location,
        "slot \"\(slot.name)\" uses tag\(unknown.count == 1 ? "" : "s") \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) "
          + "that no corpus entry carries (known tags: \(corpus.knownTags.joined(separator: ", ")))")
    }
  }

  /// Why each slot of `config` would fire and find nothing to show, with where the config
  /// names its tags: tags no entry carries, or tags whose every entry names a person
  /// (`{person}`) while the config lists no people.
  public func slotProblems(in config: Config) -> [ConfigError] {
    unknownSlotTags(in: config) + slotsNeedingPeople(in: config)
  }

  /// Slots whose every line names a person, in a config that lists no people: such a slot
  /// would fire and fail each time.
  public func slotsNeedingPeople(in config: Config) -> [ConfigError] {
    guard config.people.isEmpty, corpus.knownTags.contains(People.tag) else { return [] }
    let naming = Set(corpus.positions(forAnyOf: [People.tag]))
    return config.slots.compactMap { slot in
      guard let positions = try? TagSelection(slot.tags).eligiblePositions(in: corpus),
        !positions.isEmpty, positions.allSatisfy(naming.contains)
      else { return nil }
      let location = config.tagLocations[slot.name] ?? SourceLocation(file: "config", line: 1)
      return ConfigError(
        location,
        "slot \"\(slot.name)\" draws only lines that name a person (\(People.placeholder)); "
          + "list people in the config, like people = [\"Sam\"], or give the slot other tags")
    }
  }
}

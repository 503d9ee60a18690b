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
}

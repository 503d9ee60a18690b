/// Chooses the entries a send may show, from the tags the user asked for.
public struct TagSelection: Sendable, Equatable {
  /// Lowercased; empty means every entry.
  public var tags: Set<String>

  public init(_ tags: some Sequence<String>) {
    self.tags = Set(tags.map { $0.lowercased() })
  }
}

/// Why no entry could be chosen.
public enum SelectionError: UserFacingError, Equatable {
  case unknownTags([String], known: [String])
  case noEligibleEntry(tags: [String])
  /// Every entry of the tags names a person (`{person}`), and the config lists no people.
  case needsPeople(tags: [String])

  public var description: String {
    switch self {
    case .unknownTags(let unknown, let known):
      let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
      let noun = unknown.count == 1 ? "tag" : "tags"
      let list = known.isEmpty ? "the corpus has no tags" : "known tags: " + known.joined(separator: ", ")
      return "unknown \(noun) \(names); \(list)"
    case .noEligibleEntry(let tags):
      if tags.isEmpty { return "the corpus has no entries; add lines to it (see affirm check)" }
      return "no entry carries the tags " + tags.joined(separator: ", ")
        + "; add entries with them or choose other tags"
    case .needsPeople(let tags):
      let which = tags.isEmpty ? "every entry" : "every entry with the tags " + tags.joined(separator: ", ")
      return "\(which) names a person (\(People.placeholder)); list people in the config, like people = [\"Sam\"]"
    }
  }
}

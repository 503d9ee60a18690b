public import TOML

/// Turns the bytes of one corpus file into entries and diagnostics.
///
/// The format: `# comment`, blank lines ignored, `[tag, tag]` sets the tags of the
/// entries below it, every other line is one entry. Parsing never fails as a whole:
/// a bad line becomes a diagnostic and the rest of the file still counts, so that one
/// typo does not silence every notification.
public struct CorpusParser: Sendable {
  /// The longest entry, in characters, that still fits a notification comfortably.
  public static let maximumEntryLength = 160

  public init() {}

  public func parse(_ bytes: some Collection<UInt8>, file: String) -> CorpusFile {
    var entries: [Affirmation] = []
    var diagnostics: [CorpusDiagnostic] = []
    var currentTags: [String] = []
    var currentIdea: String?
    for (index, rawLine) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      var line = Array(rawLine)
      if line.last == UInt8(ascii: "\r") { line.removeLast() }
      if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
      let here = SourceLocation(file: file, line: lineNumber)

      if let offset = line.firstIndex(of: 0) {
        diagnostics.append(.init(at: here.with(column: offset + 1), .nulByte))
        continue
      }
      guard let text = Self.decodeUTF8(line) else {
        diagnostics.append(.init(at: here.with(column: Self.firstInvalidUTF8Offset(line) + 1), .invalidUTF8))
        continue
      }
      let trimmed = text.trimmingWhitespace()
      if trimmed.isEmpty || trimmed.first == "#" { continue }

      if trimmed.first == "[" {
        guard let close = trimmed.firstIndex(of: "]") else {
          diagnostics.append(.init(at: here, .unclosedTagLine))
          continue
        }
        let inner = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
        let tags = inner.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map { $0.lowercased() }
        let header = Self.ideaKey(after: trimmed[trimmed.index(after: close)...], in: text, at: here)
        if let problem = header.problem { diagnostics.append(problem) }
        if tags.isEmpty {
          diagnostics.append(.init(at: here, header.idea == nil ? .emptyTagLine : .ideaWithoutTags))
          currentTags = []
          currentIdea = nil
          continue
        }
        if let bad = tags.first(where: { !Self.isValidTag($0) }) {
          diagnostics.append(.init(at: here, .invalidTag(bad)))
        }
        // Sorted: a set in effect, and the cached index gives them back in this order too.
        currentTags = tags.filter(Self.isValidTag).uniqued().sorted()
        currentIdea = header.idea
        continue
      }

      // A line that would drive the terminal, reorder itself or show nothing is never shown.
      if let (offset, hazard) = TerminalText.hazard(in: trimmed) {
        let column = text.unicodeScalars[..<trimmed.startIndex].count + offset + 1
        diagnostics.append(.init(at: here.with(column: column), .unsafeText(hazard)))
        continue
      }
      // Characters never outnumber UTF-8 bytes: count them only when there are bytes enough.
      if trimmed.utf8.count > Self.maximumEntryLength {
        let length = trimmed.count
        if length > Self.maximumEntryLength {
          diagnostics.append(.init(at: here, .tooLong(length)))
          continue
        }
      }
      // A placeholder must be one affirm fills in, on a line that says so by its tag, and the
      // line must still fit once the longest allowed name stands in it.
      let placeholders = People.placeholders(in: trimmed)
      if let unknown = placeholders.first(where: { "{\($0.key)}" != People.placeholder }) {
        let column = text.unicodeScalars[..<trimmed.startIndex].count + unknown.offset + 1
        diagnostics.append(.init(at: here.with(column: column), .unknownPlaceholder(unknown.key)))
        continue
      }
      if let first = placeholders.first {
        guard currentTags.contains(People.tag) else {
          let column = text.unicodeScalars[..<trimmed.startIndex].count + first.offset + 1
          diagnostics.append(.init(at: here.with(column: column), .placeholderWithoutTag))
          continue
        }
        let length = People.longestLength(of: trimmed)
        guard length <= Self.maximumEntryLength else {
          diagnostics.append(.init(at: here, .tooLongWithName(length)))
          continue
        }
      }
      entries.append(Affirmation(text: String(trimmed), tags: currentTags, idea: currentIdea, location: here))
    }
    return CorpusFile(path: file, entries: entries, diagnostics: diagnostics)
  }

  /// What follows a tag line's `]`: nothing, or `idea: key`. A problem points at the column
  /// where the text after `]` (or the key) starts.
  static func ideaKey(after rest: Substring, in line: String, at here: SourceLocation) -> (
    idea: String?, problem: CorpusDiagnostic?
  ) {
    let text = rest.trimmingWhitespace()
    guard !text.isEmpty else { return (nil, nil) }
    let column = line.distance(from: line.startIndex, to: text.startIndex) + 1
    guard text.hasPrefix(ideaPrefix) else {
      return (nil, CorpusDiagnostic(at: here.with(column: column), .unexpectedAfterTagLine))
    }
    let key = text.dropFirst(ideaPrefix.count).trimmingWhitespace()
    guard !key.isEmpty else { return (nil, CorpusDiagnostic(at: here.with(column: column), .emptyIdeaKey)) }
    let keyColumn = line.distance(from: line.startIndex, to: key.startIndex) + 1
    let lowered = key.lowercased()
    guard isValidTag(lowered), !lowered.contains("_") else {
      return (nil, CorpusDiagnostic(at: here.with(column: keyColumn), .invalidIdeaKey(String(key))))
    }
    // An idea of one's own still keeps its lines apart; check only says it is not the guide's.
    guard Idea.keys.contains(lowered) else {
      return (lowered, CorpusDiagnostic(at: here.with(column: keyColumn), .unknownIdeaKey(lowered)))
    }
    return (lowered, nil)
  }

  /// How a tag line names the idea of the entries below it: `[late-night] idea: waves`.
  public static let ideaPrefix = "idea:"

  /// Tags are lowercase words: letters, digits, `-` and `_`.
  public static func isValidTag(_ tag: String) -> Bool {
    !tag.isEmpty
      && tag.unicodeScalars.allSatisfy {
        $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
      }
  }

  static func decodeUTF8(_ bytes: [UInt8]) -> String? {
    String(validating: bytes, as: UTF8.self)
  }

  /// The byte offset of the first sequence that is not valid UTF-8.
  static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let scalar): offset += scalar.count
      case .error: return offset
      case .emptyInput: return offset
      }
    }
  }
}

/// What one corpus file yielded.
public struct CorpusFile: Sendable {
  public var path: String
  public var entries: [Affirmation]
  public var diagnostics: [CorpusDiagnostic]
}

/// A problem on one line of a corpus file.
public struct CorpusDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Problem: Sendable, Hashable {
    case invalidUTF8
    case nulByte
    case emptyTagLine
    case unclosedTagLine
    case invalidTag(String)
    case tooLong(Int)
    case duplicate(of: SourceLocation)
    /// Text after a tag line's `]` that is not `idea: key`.
    case unexpectedAfterTagLine
    /// `idea:` with nothing after it.
    case emptyIdeaKey
    case invalidIdeaKey(String)
    /// `[] idea: key`: an idea key needs tags for its entries.
    case ideaWithoutTags
    /// A well-formed key that is not one of the guide's ideas (a warning: its entries count).
    case unknownIdeaKey(String)
    /// A control character, escape sequence or bidirectional override, or nothing visible.
    case unsafeText(TerminalText.Hazard)
    /// `{word}` where only `{person}` is known.
    case unknownPlaceholder(String)
    /// `{person}` on a line whose tags lack `person` (the tag keeps it out when no people are set).
    case placeholderWithoutTag
    /// Longer than the limit once the longest allowed name stands in `{person}`.
    case tooLongWithName(Int)
  }

  /// A warning leaves every entry in place; `affirm check` reports it without failing.
  public var isWarning: Bool {
    if case .unknownIdeaKey = problem { return true }
    return false
  }

  public var location: SourceLocation
  public var problem: Problem

  public init(at location: SourceLocation, _ problem: Problem) {
    self.location = location
    self.problem = problem
  }

  public var description: String { "\(location): \(message)" }

  public var message: String {
    switch problem {
    case .invalidUTF8: "invalid UTF-8; save the file as UTF-8"
    case .nulByte: "NUL byte in the line; corpus files are plain text"
    case .emptyTagLine: "empty tag line; name at least one tag, like [morning]"
    case .unclosedTagLine: "tag line is not closed; end it with ]"
    case .invalidTag(let tag):
      "tag \"\(tag)\" is not a word; use letters, digits, - and _"
    case .tooLong(let length):
      "entry is \(length) characters long; keep it to \(CorpusParser.maximumEntryLength) so it fits a notification"
    case .duplicate(let first): "duplicate entry; it already stands at \(first)"
    case .unexpectedAfterTagLine:
      "unexpected text after the tag line; name the idea as idea: key, like [morning] idea: waves"
    case .emptyIdeaKey: "empty idea key; name one after idea:, like idea: waves (affirm check lists the known keys)"
    case .invalidIdeaKey(let key): "idea key \"\(key)\" is not a word; use lowercase letters, digits and -"
    case .ideaWithoutTags: "idea key on a tag line with no tag; name at least one tag, like [late-night] idea: waves"
    case .unknownIdeaKey(let key):
      "unknown idea key \"\(key)\"; use one of the ideas affirm check lists, or leave the key out"
    case .unsafeText(let hazard): "entry holds \(hazard); it is not shown (write plain, visible text)"
    case .unknownPlaceholder(let key):
      "unknown placeholder {\(key)}; the only one is \(People.placeholder) (a name from the config's people)"
    case .placeholderWithoutTag:
      "\(People.placeholder) on a line without the tag \(People.tag); add \(People.tag) to its tag line, "
        + "so it is drawn only when people are set"
    case .tooLongWithName(let length):
      "entry is \(length) characters long with a \(People.maximumNameLength)-character name in "
        + "\(People.placeholder); keep it to \(CorpusParser.maximumEntryLength) so it fits a notification"
    }
  }
}

extension SourceLocation {
  func with(column: Int) -> SourceLocation {
    var copy = self
    copy.column = column
    return copy
  }
}

extension StringProtocol {
  func trimmingWhitespace() -> SubSequence {
    guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
    let last = lastIndex(where: { !$0.isWhitespace })!
    return self[first...last]
  }
}

extension Array where Element: Hashable {
  func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}

/// How close two lines are in what they say, for `affirm check` (near-duplicates) and for
/// titles that would repeat their line.
///
/// A line's content words: lowercased words (letters, digits, apostrophes), first person
/// folded into second ("I"/"you", "my"/"your", "myself"/"yourself"), then the small words
/// that carry no idea ("the", "and", "you", ...) dropped. Two lines are near-duplicates when
/// they share at least two content words and those are at least three quarters of the
/// shorter line's (the overlap coefficient, |A ∩ B| / min(|A|, |B|) ≥ 0.75), or when both
/// fold to the same words.
public enum Wording {
  public static let nearDuplicateOverlap = 0.75

  public static func contentWords(_ text: String) -> Set<String> {
    var words: Set<String> = []
    var word = ""
    func flush() {
      defer { word = "" }
      let trimmed = word.trimmingCharacters(in: "'")
      guard !trimmed.isEmpty else { return }
      let folded = firstPerson[trimmed] ?? trimmed
      if !stopWords.contains(folded) { words.insert(folded) }
    }
    for character in text.lowercased() {
      if character.isLetter || character.isNumber {
        word.append(character)
      } else if character == "'" || character == "\u{2019}" {
        word.append("'")
      } else {
        flush()
      }
    }
    flush()
    return words
  }

  /// |A ∩ B| / min(|A|, |B|); 0 when either is empty.
  public static func overlap(_ a: Set<String>, _ b: Set<String>) -> Double {
    guard !a.isEmpty, !b.isEmpty else { return 0 }
    return Double(a.intersection(b).count) / Double(min(a.count, b.count))
  }

  public static func areNearDuplicates(_ a: Set<String>, _ b: Set<String>) -> Bool {
    guard !a.isEmpty, !b.isEmpty else { return false }
    if a == b { return true }
    return a.intersection(b).count >= 2 && overlap(a, b) >= nearDuplicateOverlap
  }

  /// Whether a title says what its line says: half or more of its content words are in the line.
  public static func titleRepeats(_ title: String, line: String) -> Bool {
    let titleWords = contentWords(title)
    guard !titleWords.isEmpty else { return false }
    return Double(titleWords.intersection(contentWords(line)).count) / Double(titleWords.count) >= 0.5
  }

  static let firstPerson: [String: String] = [
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're", "am": "are",
    "i've": "you've", "i'll": "you'll", "i'd": "you'd",
  ]

  static let stopWords: Set<String> = [
    "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "as", "by", "from",
    "is", "are", "be", "was", "it", "it's", "its", "that", "this", "these", "those", "you", "your", "yours",
    "yourself", "you're", "you've", "you'll", "you'd", "they", "them", "their", "they're", "do", "does", "if",
    "can", "will", "just", "still", "even", "too", "all", "one", "what", "who", "how", "there", "here", "now",
    "today", "tonight", "not",
  ]
}

extension String {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    var slice = Substring(self)
    while slice.first == set { slice.removeFirst() }
    while slice.last == set { slice.removeLast() }
    return String(slice)
  }
}

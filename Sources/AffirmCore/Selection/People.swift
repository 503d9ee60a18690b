/// Someone to lean on: the names in the config's `people`, and the corpus lines that name one.
///
/// A line that says `{person}` (its tag line carries the tag `person`) is drawn only when the
/// config lists people; the placeholder is then replaced by one of them, never the one the
/// previous such line named when there are two or more. Names are user text: checked by the
/// config parser, escaped for markup by the notifier like every body.
public enum People {
  /// The one placeholder a corpus line may hold.
  public static let placeholder = "{person}"
  /// The tag a line with the placeholder carries, so a pick can leave such lines out by tag.
  public static let tag = "person"
  /// The longest name, in characters. A line with the placeholder must fit the corpus limit
  /// (160) with a name this long, so every substituted line fits a notification.
  public static let maximumNameLength = 40
  /// The most names `people` may list.
  public static let maximumCount = 10

  /// The placeholders (`{word}`, word of ASCII letters, digits, `-` and `_`) in `text`, each with
  /// its 0-based offset in Unicode scalars. Braces around anything else are plain text.
  public static func placeholders(in text: some StringProtocol) -> [(key: String, offset: Int)] {
    var found: [(key: String, offset: Int)] = []
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
      guard scalars[index] == "{" else {
        index += 1
        continue
      }
      var end = index + 1
      while end < scalars.count, isKeyScalar(scalars[end]) { end += 1 }
      if end > index + 1, end < scalars.count, scalars[end] == "}" {
        var key = ""
        key.unicodeScalars.append(contentsOf: scalars[(index + 1)..<end])
        found.append((key, index))
        index = end + 1
      } else {
        index += 1
      }
    }
    return found
  }

  /// Whether `text` names a person (holds `{person}`).
  public static func namesPerson(_ text: some StringProtocol) -> Bool {
    text.contains(placeholder)
  }

  /// `text` with every `{person}` replaced by `name`.
  public static func substitute(_ name: String, in text: String) -> String {
    text.replacing(placeholder, with: name)
  }

  /// How long `text` is once a name of `maximumNameLength` characters stands in its placeholders.
  public static func longestLength(of text: some StringProtocol) -> Int {
    let count = placeholders(in: text).count { $0.key == "person" }
    return text.count + count * (maximumNameLength - placeholder.count)
  }

  /// One of `people`, at random, but not `previous` when another is there to choose.
  public static func choose(
    from people: [String], after previous: String?, using generator: inout some RandomNumberGenerator
  ) -> String? {
    let others = people.filter { $0 != previous }
    return (others.isEmpty ? people : others).randomElement(using: &generator)
  }

  /// Which of `people` `body` named, given the `template` it was worded from; nil when none
  /// (or the template no longer holds the placeholder).
  public static func named(in body: String, template: String, people: [String]) -> String? {
    guard namesPerson(template) else { return nil }
    return people.first { substitute($0, in: template) == body }
  }

  static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "-", "_": true
    default: false
    }
  }
}

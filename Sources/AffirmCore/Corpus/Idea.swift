/// One idea of the guide the corpus is drawn from. Every shipped entry says exactly one, named
/// by its key on the entry's tag line (`[late-night] idea: waves`); picks keep the same idea
/// apart, and `affirm check` counts lines per idea. affirmations/VOICE.md lists the same keys.
public struct Idea: Sendable, Hashable {
  public var key: String
  /// What the guide says, in a few words.
  public var summary: String

  public init(_ key: String, _ summary: String) {
    self.key = key
    self.summary = summary
  }

  /// The guide's ideas, in the order the guide gives them.
  public static let all: [Idea] = [
    Idea("exactly-no-contact", "no contact means exactly that: no small talk, no replies"),
    Idea("not-looking", "no looking them up; out of sight, out of mind"),
    Idea("block-them", "if they keep reaching out, block them"),
    Idea("no-shame", "finding it hard is nothing to be ashamed of"),
    Idea("hey-is-not-effort", "a late-night \"hey\" is not effort"),
    Idea("breadcrumbs", "mostly breadcrumbs is not enough"),
    Idea("for-you", "no contact is for your own well-being"),
    Idea("what-you-want", "you are not getting what you want here"),
    Idea("gets-easier", "the longer you persist, the better it gets"),
    Idea("invest-in-yourself", "your love and energy go into yourself"),
    Idea("coach", "a coach or professional can help build self-worth"),
    Idea("lean-on-people", "that is why you have friends and family"),
    Idea("closure-within", "closure and forgiveness come from within"),
    Idea("center-of-pain", "contacting them takes you back to the center of the pain"),
    Idea("waves", "it comes in waves, and each one passes"),
    Idea("lucky-its-over", "at the dip, remember how lucky you are that it's over"),
    Idea("letting-go", "let go as slowly as you need to, but keep letting go"),
    Idea("deserve-better", "you do deserve better; choose yourself"),
    Idea("future", "you will come out happier, healthier and stronger"),
    Idea("safety", "keep away from people who are dangerous for you; get help"),
  ]

  /// The known keys, for lookups.
  public static let keys: Set<String> = Set(all.map(\.key))
}

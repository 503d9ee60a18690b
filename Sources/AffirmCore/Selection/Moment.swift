/// The moment a set of tags speaks of: what a notification about them is titled, whether it
/// is a night line, whether it offers the buttons. The one place that reads meaning into tags.
public enum Moment: Sendable, Equatable {
  /// `urge` or `sos`: the wish to reach out.
  case urge
  case lateNight
  case morning
  /// A hard day's morning (`hard-day`): a date the person marked as hard.
  case hardDay
  case healing
  case other

  public init(tags: [String]) {
    if tags.contains(Tag.urge) || tags.contains(Tag.sos) {
      self = .urge
    } else if tags.contains(Tag.lateNight) {
      self = .lateNight
    } else if tags.contains(Tag.hardDay) {
      self = .hardDay
    } else if tags.contains(Tag.morning) {
      self = .morning
    } else if tags.contains(Tag.healing) {
      self = .healing
    } else {
      self = .other
    }
  }

  /// The tags that carry a meaning of their own.
  public enum Tag {
    public static let morning = "morning"
    public static let lateNight = "late-night"
    public static let urge = "urge"
    /// Lines only `affirm sos` draws: they may speak of the phone in hand or a message that came.
    public static let sos = "sos"
    public static let healing = "healing"
    /// Lines the morning slot draws on a hard day (`[[hard_day]]` in the config).
    public static let hardDay = "hard-day"
    /// What `affirm sos` and the "I want to reach out" button draw from.
    public static let sosDraws = [urge, sos]
    /// Lines shown only when the person asked for help (`affirm sos`, a ride of a wave): they
    /// may speak of the phone or a message, so a send or slot with no tags leaves them out.
    public static let askedForOnly: Set<String> = [sos, "wave-rising", "wave-peak", "wave-easing"]
  }

  /// A night line: shown late, never the place to mark a milestone, offered with the buttons.
  public var isNight: Bool { self == .urge || self == .lateNight }

  /// Short, kind headings; the first that does not repeat the line under it is used.
  public var titles: [String] {
    switch self {
    case .urge: ["Breathe. You're not alone in this.", "Stay with yourself for a minute."]
    case .lateNight: ["It's late. Be gentle with yourself.", "Rest now. Tonight, you come first."]
    case .morning: ["Good morning", "A new day"]
    case .hardDay: ["A hard day. Go gently.", "Good morning. Go gently today."]
    case .healing: ["It gets easier", "Step by step"]
    case .other: ["Keep going", "Step by step"]
    }
  }

  /// The title for `line`: never one that says what the line says.
  public func title(for line: String) -> String {
    titles.first { !Wording.titleRepeats($0, line: line) } ?? titles[0]
  }
}

/// How insistently the server should show a notification (the spec's urgency levels).
public enum Urgency: String, Sendable, CaseIterable, Codable, Comparable {
  case low, normal, critical

  /// The byte the notification spec sends in the `urgency` hint.
  public var level: UInt8 {
    switch self {
    case .low: 0
    case .normal: 1
    case .critical: 2
    }
  }

  public static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.level < rhs.level }
}

/// Everything a notifier needs to show one affirmation. Built in the core, shown elsewhere.
public struct NotificationRequest: Sendable, Equatable {
  public static let appName = "affirm"
  public static let category = "x-affirm.affirmation"
  public static let desktopEntry = "affirm"

  public var summary: String
  /// The entry as written; a notifier escapes it where the server reads markup.
  public var body: String
  public var urgency: Urgency
  /// Milliseconds until the server closes it: -1 for the server's default, 0 for never.
  public var expireTimeout: Int32
  public var tags: [String]
  /// The buttons to offer, where the server shows buttons; none by default.
  public var responses: [Response]

  public init(
    summary: String, body: String, urgency: Urgency, expireTimeout: Int32 = -1, tags: [String],
    responses: [Response] = []
  ) {
    self.summary = summary
    self.body = body
    self.urgency = urgency
    self.expireTimeout = expireTimeout
    self.tags = tags
    self.responses = responses
  }

  /// A request for `entry`, with a summary that fits the moment its tags speak of.
  public init(entry: Affirmation, urgency: Urgency, expireTimeout: Int32 = -1) {
    self.init(
      summary: Moment(tags: entry.tags).title(for: entry.text),
      body: entry.text,
      urgency: urgency,
      expireTimeout: expireTimeout,
      tags: entry.tags
    )
  }
}

/// The moment a set of tags speaks of: what a notification about them is titled, whether it
/// is a night line, whether it offers the buttons. The one place that reads meaning into tags.
public enum Moment: Sendable, Equatable {
  /// `urge` or `sos`: the wish to reach out.
  case urge
  case lateNight
  case morning
  case healing
  case other

  public init(tags: [String]) {
    if tags.contains(Tag.urge) || tags.contains(Tag.sos) {
      self = .urge
    } else if tags.contains(Tag.lateNight) {
      self = .lateNight
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
    /// What `affirm sos` and the "I want to reach out" button draw from.
    public static let sosDraws = [urge, sos]
  }

  /// A night line: shown late, never the place to mark a milestone, offered with the buttons.
  public var isNight: Bool { self == .urge || self == .lateNight }

  /// Short, kind headings; the first that does not repeat the line under it is used.
  public var titles: [String] {
    switch self {
    case .urge: ["Breathe. You're not alone in this.", "Stay with yourself for a minute."]
    case .lateNight: ["It's late. Be gentle with yourself.", "Rest now. Tonight, you come first."]
    case .morning: ["Good morning", "A new day"]
    case .healing: ["It gets easier", "Step by step"]
    case .other: ["Keep going", "Step by step"]
    }
  }

  /// The title for `line`: never one that says what the line says.
  public func title(for line: String) -> String {
    titles.first { !Wording.titleRepeats($0, line: line) } ?? titles[0]
  }
}

/// Escapes text for a server that reads the body as markup (it lists `body-markup`),
/// so that `Tom & Jerry <3` arrives exactly as written.
public func escapeMarkup(_ text: String) -> String {
  var escaped = ""
  escaped.reserveCapacity(text.utf8.count)
  for character in text {
    switch character {
    case "&": escaped += "&amp;"
    case "<": escaped += "&lt;"
    case ">": escaped += "&gt;"
    default: escaped.append(character)
    }
  }
  return escaped
}

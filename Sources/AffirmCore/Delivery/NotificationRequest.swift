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
  /// The spec's `transient` hint: the server shows it and keeps no trace of it (no list, no
  /// history). For short acknowledgements that serve nobody once read.
  public var transient = false
  /// A ride's progress: sent as the spec's `value` hint, and as a line of the body where the
  /// server draws no bar (`ServerQuirks.drawsProgress`).
  public var progress: RideProgress?
  /// The id of a bubble of ours this one updates in place (libnotify's same object, the spec's
  /// replaces_id); nil for a new one.
  public var replacing: UInt32?
  /// A ride's bubble: it neither replaces the daemon's previous notification nor is replaced
  /// by its next one.
  public var keepsOwnBubble = false

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

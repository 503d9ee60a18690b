/// The two buttons a late-night or urge notification carries where the server shows buttons
/// (it lists the `actions` capability), and what the person answered with them.
public enum Response: String, Sendable, CaseIterable, Equatable {
  /// "It passed": the wave passed without reaching out; recorded, and thanked for. (Its
  /// raw value predates the label, which no longer implies that a slip would be weakness.)
  case stayedStrong = "stayed-strong"
  /// "I want to reach out": the SOS flow, an urge recorded and an urge line shown at once.
  case reachOut = "reach-out"
  /// "It passed" on a ride's closing question: the ride is recorded as passed.
  case ridePassed = "ride-passed"
  /// "Still hard" on a ride's closing question: another round.
  case stillHard = "still-hard"

  /// The two buttons of a late-night or urge notification.
  public static let nightButtons: [Response] = [.stayedStrong, .reachOut]

  /// The button's label.
  public var label: String {
    switch self {
    case .stayedStrong: "It passed"
    case .reachOut: "I want to reach out"
    case .ridePassed: "It passed"
    case .stillHard: "Still hard"
    }
  }

  /// Whether a notification about these tags offers the buttons: the risky moments only.
  public static func offered(forTags tags: [String]) -> Bool {
    Moment(tags: tags).isNight
  }

  /// The note an urge logged from the button carries in the history.
  public static let reachOutNote = "from a notification button"

  /// What is shown after "It passed": short, warm, gone by itself, and kept nowhere.
  public static let acknowledgement: NotificationRequest = {
    var request = NotificationRequest(
      summary: "Thank you for staying with yourself",
      body: "You let the wave pass. That counts, and the next one gets a little easier.",
      urgency: .low,
      expireTimeout: 8_000,
      tags: [])
    request.transient = true
    return request
  }()
}

/// What the notification server told us about a notification after it was shown.
public enum NotificationEvent: Sendable, Equatable {
  /// The person pressed one of the buttons of notification `id`.
  case answered(id: UInt32, Response)
  /// Notification `id` left the screen (expired, dismissed, or closed by the server).
  case closed(id: UInt32)

  public var id: UInt32 {
    switch self {
    case .answered(let id, _), .closed(let id): id
    }
  }
}

/// Where a notification server differs from the spec's common ground in a way affirm adapts
/// to, known by the name GetServerInformation gives. The one table of such adaptations; the
/// README lists it with the servers it was seen on.
public struct ServerQuirks: OptionSet, Sendable, Hashable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// Low urgency never pops up (it only lands in the list) and expire timeouts are ignored
  /// (GNOME Shell): acknowledgements go at normal urgency with the `transient` hint, so they
  /// are seen and leave no trace.
  public static let lowUrgencyStaysHidden = ServerQuirks(rawValue: 1 << 0)
  /// A bubble replaced while on screen is redrawn without its buttons (GNOME Shell 43): a
  /// notification with buttons closes the previous one and comes as a new one instead.
  public static let replacementDropsButtons = ServerQuirks(rawValue: 1 << 1)
  /// Lists `actions` but draws no buttons; they are in a menu of its own (mako: `makoctl menu`).
  public static let buttonsInMenuOnly = ServerQuirks(rawValue: 1 << 2)
  /// Draws the spec's `value` hint as a progress bar (dunst, xfce4-notifyd, mako, notify-osd):
  /// a ride's bubble needs no "7 of 20 minutes" line there. Every other server gets the line.
  public static let drawsProgress = ServerQuirks(rawValue: 1 << 3)

  /// The table: server name (`ServerInfo.name`) to its quirks.
  public static let table: [(server: String, quirks: ServerQuirks)] = [
    ("gnome-shell", [.lowUrgencyStaysHidden, .replacementDropsButtons]),
    ("mako", [.buttonsInMenuOnly, .drawsProgress]),
    ("dunst", [.drawsProgress]),
    ("Xfce Notify Daemon", [.drawsProgress]),
    ("notify-osd", [.drawsProgress]),
  ]

  /// The quirks of the server called `name`; none for a server not in the table.
  public init(serverName name: String) {
    self = Self.table.first { $0.server == name }?.quirks ?? []
  }

  /// The quirks of `server`; none for an unknown one (it did not say who it is).
  public init(server: ServerInfo?) {
    self.init(serverName: server?.name ?? "")
  }

  /// `request` as this server should get it.
  public func adapting(_ request: NotificationRequest) -> NotificationRequest {
    var request = request
    if contains(.lowUrgencyStaysHidden) && request.transient && request.urgency == .low { request.urgency = .normal }
    if let progress = request.progress, !contains(.drawsProgress) { request.body += "\n" + progress.line }
    return request
  }
}

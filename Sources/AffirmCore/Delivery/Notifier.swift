/// Shows notifications. The core decides what to show; a notifier only shows it.
public protocol Notifier {
  /// Shows `request`; returns the id the server gave it.
  func deliver(_ request: NotificationRequest) throws(DeliveryError) -> UInt32
}

/// Why a notification could not be shown, each with the fix a user can apply.
public enum DeliveryError: UserFacingError, Equatable {
  /// libnotify (libnotify.so.4), which affirm opens only to show a notification, could not be
  /// loaded: dlopen's reason, or the function the library lacks.
  case libnotifyUnavailable(reason: String)
  /// No session bus address could be found.
  case noBus
  /// An address was given that affirm refuses to use (GLib would autolaunch a hidden bus).
  case refusedAddress(String)
  /// The bus address exists but could not be connected to.
  case busUnreachable(address: String, reason: String)
  /// Nothing owns `org.freedesktop.Notifications`, and nothing can be started for it.
  case noServer
  /// The server owns the name but did not answer in time (stopped or hung).
  case serverNotResponding(pid: UInt32?, seconds: Double)
  /// The server answered the call with an error.
  case rejected(String)

  public var description: String {
    switch self {
    case .libnotifyUnavailable(let reason):
      return "libnotify could not be loaded (\(reason)); install it: apt install libnotify4"
    case .noBus:
      return "no D-Bus session bus found: DBUS_SESSION_BUS_ADDRESS is unset and neither "
        + "$XDG_RUNTIME_DIR/bus nor /run/user/<uid>/bus exists; run affirm inside your desktop session "
        + "or set DBUS_SESSION_BUS_ADDRESS"
    case .refusedAddress(let address):
      return "DBUS_SESSION_BUS_ADDRESS is \"\(address)\", which would start a hidden bus nobody sees; "
        + "set it to your session bus (usually unix:path=/run/user/<uid>/bus)"
    case .busUnreachable(let address, let reason):
      return "cannot connect to the session bus at \(address): \(reason); check that your desktop session is running"
    case .noServer:
      return "no notification server is running on the session bus (nothing owns org.freedesktop.Notifications); "
        + "start one, such as dunst, mako or your desktop's own"
    case .serverNotResponding(let pid, let seconds):
      let who = pid.map { "the notification server (pid \($0))" } ?? "the notification server"
      let time = seconds.formatted(maximumFractionDigits: 1)
      return "\(who) did not answer within \(time) s; it may be stopped or hung: restart it"
    case .rejected(let reason):
      return "the notification server refused the notification: \(reason)"
    }
  }
}

extension Double {
  /// A plain decimal with at most `maximumFractionDigits`, without Foundation's formatters.
  public func formatted(maximumFractionDigits digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (self * scale).rounded() / scale
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }
}

/// An affirm notification that may still be open on a server: its id, and the server instance
/// (its unique bus name, such as `:1.42`) that gave the id. Ids mean something only to the
/// instance that gave them: a restarted server hands the same numbers to other applications.
public struct LiveNotification: Sendable, Equatable {
  public var id: UInt32
  public var server: String

  public init(id: UInt32, server: String) {
    self.id = id
    self.server = server
  }
}

/// What a notifier can do beyond showing, for a bounded footprint on the server. A notifier
/// that knows nothing of servers (a test's) inherits the defaults: no identity, nothing closed.
public protocol ServerAwareNotifier: Notifier {
  /// The server instance (unique bus name) the latest delivery went to.
  var server: String? { get }
  /// Closes `live` if it is open on the server instance running now; leaves it alone when
  /// another instance gave its id (that id may now name another application's notification).
  /// Throws only when no server can be reached at all (a delivery now would fail alike).
  func withdraw(_ live: LiveNotification) throws(DeliveryError)
}

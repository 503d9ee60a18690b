public import AffirmCore

#if canImport(Glibc)
  import Glibc
#endif

/// The session bus affirm will use, and how it was found.
public struct SessionBus: Sendable, Equatable {
  public enum Source: Sendable, Equatable, CustomStringConvertible {
    case environment
    case runtimeDirectory(String)
    case runUser(String)

    public var description: String {
      switch self {
      case .environment: "DBUS_SESSION_BUS_ADDRESS"
      case .runtimeDirectory(let path): "$XDG_RUNTIME_DIR/bus (\(path))"
      case .runUser(let path): path
      }
    }
  }

  public var address: String
  public var source: Source

  public init(address: String, source: Source) {
    self.address = address
    self.source = source
  }
}

/// Finds the session bus the way a desktop session would, also from cron's bare environment.
///
/// Order: `DBUS_SESSION_BUS_ADDRESS`; else `$XDG_RUNTIME_DIR/bus`; else `/run/user/<uid>/bus`,
/// each only where the socket exists. An `autolaunch:` address is refused: GLib would start a
/// private bus and notification server that outlive the command, and nobody would see the
/// notification.
public enum BusDiscovery {
  public static func locate(
    environment: [String: String],
    userID: UInt32,
    isSocket: (String) -> Bool = BusDiscovery.isSocket
  ) throws(DeliveryError) -> SessionBus {
    if let address = environment["DBUS_SESSION_BUS_ADDRESS"], !address.isEmpty {
      if address.split(separator: ";").contains(where: { $0.hasPrefix("autolaunch:") || $0.hasPrefix("disabled:") }) {
        throw .refusedAddress(address)
      }
      return SessionBus(address: address, source: .environment)
    }
    if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
      let path = (runtime.hasSuffix("/") ? runtime : runtime + "/") + "bus"
      if isSocket(path) { return SessionBus(address: "unix:path=" + path, source: .runtimeDirectory(path)) }
    }
    let path = "/run/user/\(userID)/bus"
    if isSocket(path) { return SessionBus(address: "unix:path=" + path, source: .runUser(path)) }
    throw .noBus
  }

  /// Whether `path` names a Unix domain socket (following links, as connect(2) would).
  public static func isSocket(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    return (info.st_mode & S_IFMT) == S_IFSOCK
  }

  /// The real user id of this process.
  public static var currentUserID: UInt32 { getuid() }
}

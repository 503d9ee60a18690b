public import AffirmCore
internal import CLibNotify

#if canImport(Glibc)
  import Glibc
#endif

/// The notifier commands use: finds the session bus at delivery time and keeps one
/// libnotify connection while it works, starting afresh after a failure (the bus or the
/// server may have restarted since).
public final class SessionNotifier: ServerAwareNotifier {
  private let environment: [String: String]
  private let replacesPrevious: Bool
  private var current: LibNotifyNotifier?

  /// With `replacesPrevious` (the daemon), each notification takes the place of the previous
  /// one still on screen.
  public init(environment: [String: String], replacesPrevious: Bool = false) {
    self.environment = environment
    self.replacesPrevious = replacesPrevious
  }

  public func deliver(_ request: NotificationRequest) throws(DeliveryError) -> UInt32 {
    do throws(DeliveryError) {
      // First, so that a missing libnotify is what a user hears about, not a missing bus.
      try LibNotifyLibrary.load()
      return try connected().deliver(request)
    } catch {
      reset()
      throw error
    }
  }

  private func connected() throws(DeliveryError) -> LibNotifyNotifier {
    if let current { return current }
    let notifier = LibNotifyNotifier(
      bus: try BusDiscovery.locate(environment: environment, userID: BusDiscovery.currentUserID),
      replacesPrevious: replacesPrevious, icon: Self.installedIcon(environment: environment))
    current = notifier
    return notifier
  }

  /// The server instance the latest delivery went to.
  public var server: String? { current?.server }

  /// Closes `live` where the server instance that gave its id still runs (see LibNotifyNotifier).
  public func withdraw(_ live: LiveNotification) throws(DeliveryError) {
    do throws(DeliveryError) {
      try LibNotifyLibrary.load()
      try connected().withdraw(live)
    } catch {
      reset()
      throw error
    }
  }

  /// Closes our notifications that still show buttons, before the process stops listening.
  public func withdrawButtons() { current?.withdrawButtons() }

  /// The name of affirm's icon where `scripts/install` put it in the icon theme (hicolor, under
  /// $XDG_DATA_HOME or one of $XDG_DATA_DIRS); nil elsewhere, so no server looks for a missing icon.
  static func installedIcon(environment: [String: String]) -> String? {
    let home =
      environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? environment["HOME"].map { $0 + "/.local/share" }
    let system = (environment["XDG_DATA_DIRS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/share:/usr/share")
      .split(separator: ":").map(String.init)
    let found = ([home].compactMap { $0 } + system).contains { directory in
      access(directory + "/icons/hicolor/scalable/apps/\(NotificationRequest.appName).svg", R_OK) == 0
    }
    return found ? NotificationRequest.appName : nil
  }

  /// Buttons pressed and notifications closed since the last call.
  public func takeEvents() -> [NotificationEvent] { current?.takeEvents() ?? [] }

  /// Whether `takeEvents()` has something.
  public var hasEvents: Bool { current?.hasEvents ?? false }

  /// Waits up to `seconds` for buttons pressed or notifications closed (see LibNotifyNotifier);
  /// with no connection, it only waits.
  public func events(within seconds: Double) -> [NotificationEvent] {
    if let current { return current.events(within: seconds) }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    return []
  }

  /// Blocks until notification `id` is answered or closed, at most `seconds`; nil when the
  /// time ran out first (see LibNotifyNotifier).
  public func waitForAnswer(to id: UInt32, within seconds: Double) throws(DeliveryError) -> NotificationEvent? {
    guard let current else { throw .noServer }
    return try current.waitForAnswer(to: id, within: seconds)
  }

  /// The quirks of the server the latest delivery went to.
  public var quirks: ServerQuirks { current?.quirks ?? [] }

  /// Forgets the connection and libnotify's proxy, which belong to a bus or server that may
  /// be gone: the next delivery connects afresh. Without libnotify there is nothing to forget.
  private func reset() {
    current = nil
    if LibNotifyLibrary.isLoaded, notify_is_initted() != 0 { notify_uninit() }
  }
}

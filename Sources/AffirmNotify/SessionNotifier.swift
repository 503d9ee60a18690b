public import AffirmCore
internal import CLibNotify

#if canImport(Glibc)
  import Glibc
#endif

/// The notifier commands use: finds the session bus at delivery time and keeps one
/// libnotify connection while it works, starting afresh after a failure (the bus or the
/// server may have restarted since).
public final class SessionNotifier: Notifier {
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
      let notifier: LibNotifyNotifier
      if let current {
        notifier = current
      } else {
        notifier = LibNotifyNotifier(
          bus: try BusDiscovery.locate(environment: environment, userID: BusDiscovery.currentUserID),
          replacesPrevious: replacesPrevious)
      }
      current = notifier
      return try notifier.deliver(request)
    } catch {
      reset()
      throw error
    }
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

  /// Blocks until notification `id` is answered or closed (see LibNotifyNotifier).
  public func waitForAnswer(to id: UInt32) throws(DeliveryError) -> NotificationEvent {
    guard let current else { throw .noServer }
    return try current.waitForAnswer(to: id)
  }

  /// Forgets the connection and libnotify's proxy, which belong to a bus or server that may
  /// be gone: the next delivery connects afresh. Without libnotify there is nothing to forget.
  private func reset() {
    current = nil
    if LibNotifyLibrary.isLoaded, notify_is_initted() != 0 { notify_uninit() }
  }
}

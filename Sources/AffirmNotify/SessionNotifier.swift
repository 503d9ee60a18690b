public import AffirmCore

/// The notifier commands use: finds the session bus at delivery time and keeps one
/// libnotify connection while it works, starting afresh after a failure (the bus or the
/// server may have restarted since).
public final class SessionNotifier: Notifier {
  private let environment: [String: String]
  private var current: LibNotifyNotifier?

  public init(environment: [String: String]) { self.environment = environment }

  public func deliver(_ request: NotificationRequest) throws(DeliveryError) -> UInt32 {
    do throws(DeliveryError) {
      let notifier: LibNotifyNotifier
      if let current {
        notifier = current
      } else {
        notifier = LibNotifyNotifier(
          bus: try BusDiscovery.locate(environment: environment, userID: BusDiscovery.currentUserID))
      }
      current = notifier
      return try notifier.deliver(request)
    } catch {
      current = nil
      throw error
    }
  }
}

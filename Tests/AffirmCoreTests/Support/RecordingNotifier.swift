@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// Records what it was asked to show; fails on demand.
final class RecordingNotifier: Notifier {
  var shown: [NotificationRequest] = []
  var failure: DeliveryError?

  func deliver(_ request: NotificationRequest) throws(DeliveryError) -> UInt32 {
    if let failure { throw failure }
    shown.append(request)
    return UInt32(shown.count)
  }
}

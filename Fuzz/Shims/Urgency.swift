// Stands in for Sources/AffirmCore/Delivery/NotificationRequest.swift, whose other types
// the parsers do not need. Keep the cases in step with the real Urgency.

/// How insistently the server should show a notification.
public enum Urgency: String, Sendable, CaseIterable, Codable {
  case low, normal, critical
}

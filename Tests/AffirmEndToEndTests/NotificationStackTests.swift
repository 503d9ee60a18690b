import AffirmTestSupport
import Testing

/// Always enabled: where the stack is required (scripts/test, CI), its absence fails here by
/// name, besides failing every suite that needs it; `swift test` alone only skips those.
@Suite("the notification stack the end-to-end suites need", .timeLimit(.minutes(10)))
struct NotificationStackTests {
  @Test("is there whenever the run requires it: a missing stack is a failure, never a skip")
  func presentWhenRequired() {
    #expect(
      !Stack.isRequired || Stack.missing.isEmpty,
      "AFFIRM_TEST_STACK=required, but \(Stack.missing.joined(separator: ", ")) unset: run through scripts/test")
  }
}

extension Trait where Self == ConditionTrait {
  /// For suites that show notifications, on the shared stack or on buses and servers of their
  /// own (dbus-daemon, dunst under Xvfb, the python3-gi fake server): skipped, saying why, where
  /// scripts/test did not start the stack; never skipped when it is required.
  static var needsNotificationStack: Self {
    .enabled(
      if: Stack.suitesNeedingItRun,
      "needs the notification stack scripts/test starts (dunst under Xvfb on a private D-Bus)")
  }
}

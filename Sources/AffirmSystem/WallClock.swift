public import AffirmCore

#if canImport(Glibc)
  import Glibc
#endif

/// The wall clock every command and the daemon read "now" from: CLOCK_REALTIME, to the
/// second. (Named apart from the standard library's `Clock`, which measures durations.)
/// Anything that must run against a chosen time takes an `Instant` or a `DaemonHost` instead.
public struct WallClock: Sendable {
  private let read: @Sendable () -> Instant

  public init(_ read: @escaping @Sendable () -> Instant) { self.read = read }

  /// The system's real-time clock.
  public static let system = WallClock {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Instant(seconds: Int64(now.tv_sec))
  }

  public func now() -> Instant { read() }
}

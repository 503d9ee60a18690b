import AffirmCore
internal import CLinux
public import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// Ends the daemon on SIGTERM or SIGINT within a second even while its loop is busy: blocked
/// in a call to a notification server that owns its name and never answers, in a database
/// write, at start-up.
///
/// The loop takes these signals only inside `SystemWaiter.wait`. A thread of its own sleeps in
/// poll(2) on a second signalfd for the two signals and never reads it: a signal the loop takes
/// within `grace` is the loop's, and an idle daemon still makes no wakeups. A signal still
/// pending after `grace` means the loop is stuck elsewhere; the watch logs "stopping" and ends
/// the process with status 0, as the loop would have. Nothing is lost that a kill -9 would not
/// lose less safely: the marks were saved before the delivery, SQLite rolls back an unfinished
/// write, and the delivery's pending row is closed as interrupted at the next start.
public enum TerminationWatch {
  /// How long the loop has to take a signal itself.
  public static let grace = 0.5

  /// Starts the watch. Call it after `SystemWaiter()` has blocked the signals (the new thread
  /// inherits the mask); `false` when the thread or its descriptor cannot be made, in which
  /// case the daemon only answers signals between fire times, as before.
  @discardableResult
  public static func start(logger: Logger) -> Bool {
    var mask = sigset_t()
    sigemptyset(&mask)
    for signal in [SIGTERM, SIGINT] { sigaddset(&mask, signal) }
    let descriptor = signalfd(-1, &mask, Int32(SFD_CLOEXEC))
    guard descriptor >= 0 else { return false }
    let context = Unmanaged.passRetained(Context(descriptor: descriptor, logger: logger)).toOpaque()
    var thread = pthread_t()
    let created = pthread_create(
      &thread, nil,
      { raw in
        guard let raw else { return nil }
        Unmanaged<Context>.fromOpaque(raw).takeRetainedValue().watch()
      }, context)
    guard created == 0 else {
      Unmanaged<Context>.fromOpaque(context).release()
      close(descriptor)
      return false
    }
    pthread_detach(thread)
    return true
  }

  private final class Context {
    let descriptor: Int32
    let logger: Logger

    init(descriptor: Int32, logger: Logger) {
      self.descriptor = descriptor
      self.logger = logger
    }

    func watch() -> Never {
      while true {
        guard pending(timeoutMilliseconds: -1) else { continue }
        // The loop may be about to take it: give it the grace, then look again.
        var rest = timespec(tv_sec: 0, tv_nsec: Int(TerminationWatch.grace * 1e9))
        var remaining = timespec()
        while nanosleep(&rest, &remaining) != 0 && errno == EINTR { rest = remaining }
        guard pending(timeoutMilliseconds: 0) else {
          // Taken by the loop, which is stopping. Sleep until the process ends (or, should
          // another signal come, look again).
          continue
        }
        logger.info("stopping", metadata: ["while": "busy (a server or the database did not answer in time)"])
        _exit(0)
      }
    }

    /// Whether SIGTERM or SIGINT is pending, without taking it.
    func pending(timeoutMilliseconds: Int32) -> Bool {
      var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
      let ready = poll(&descriptors, 1, timeoutMilliseconds)
      return ready > 0 && descriptors[0].revents & Int16(POLLIN) != 0
    }
  }
}

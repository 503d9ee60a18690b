public import AffirmCore
internal import CLinux

#if canImport(Glibc)
  public import Glibc
#endif

/// Waits for an absolute wall-clock instant without polling, and notices what should make
/// the daemon recompute: a stepped clock, a resume, a new system time zone, SIGHUP, SIGUSR1, SIGTERM.
///
/// One poll(2) over three descriptors:
/// - a CLOCK_REALTIME timerfd armed with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, which
///   fires at the instant itself (no drift from a long relative sleep) and is cancelled when
///   the clock is set;
/// - a signalfd for SIGTERM, SIGINT, SIGHUP and SIGUSR1 (blocked for normal delivery);
/// - an inotify watch on the zone file's directory (/etc for `localtime`) for the file being
///   replaced.
/// While waiting the process makes no wakeups at all.
public final class SystemWaiter {
  private let timer: Int32
  private let signals: Int32
  private let zoneWatch: Int32
  /// The name, inside the watched directory, of the zone file (`localtime`).
  private let zoneFileName: String

  public struct SetupError: Error, CustomStringConvertible {
    public var description: String
  }

  /// Blocks SIGTERM, SIGINT, SIGHUP and SIGUSR1 for the calling thread (call it before starting any
  /// other thread) and opens the descriptors. `zoneFile` is the file the system's zone is read
  /// from (`TimeZoneRules.systemZoneFile`): its replacement ends a wait with `.zoneChanged`.
  public init(zoneFile: String = "/etc/localtime") throws(SetupError) {
    var mask = sigset_t()
    sigemptyset(&mask)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGUSR1] { sigaddset(&mask, signal) }
    pthread_sigmask(SIG_BLOCK, &mask, nil)
    signals = signalfd(-1, &mask, Int32(SFD_CLOEXEC))
    timer = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC))
    zoneWatch = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
    guard signals >= 0, timer >= 0 else {
      throw SetupError(description: "cannot set up the daemon's timer: \(String(cString: strerror(errno)))")
    }
    let directory = FilePath(zoneFile).directory.string
    zoneFileName = FilePath(zoneFile).lastComponent
    if zoneWatch >= 0 {
      // Tools replace /etc/localtime by rename, so watch the directory, not the file.
      _ = inotify_add_watch(zoneWatch, directory, UInt32(IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE))
    }
  }

  deinit {
    close(timer)
    close(signals)
    if zoneWatch >= 0 { close(zoneWatch) }
  }

  /// Blocks until `deadline` (nil: only an event ends it). With `pump`, GLib's main context
  /// is run alongside, and the wait also ends with `.interaction` once `interacted()` says
  /// there is something to act on.
  public func wait(
    until deadline: Instant?, pump: (any PollParticipant)? = nil, interacted: () -> Bool = { false }
  ) -> WakeReason {
    // With nothing scheduled, still arm the timer far ahead so a clock step is noticed.
    let target = deadline ?? WallClock.system.now().adding(seconds: 366 * 86_400)
    var spec = itimerspec()
    spec.it_value.tv_sec = time_t(max(1, target.seconds))
    guard timerfd_settime(timer, Int32(TFD_TIMER_ABSTIME) | Int32(TFD_TIMER_CANCEL_ON_SET), &spec, nil) == 0 else {
      return .clockChanged
    }
    if target.seconds - WallClock.system.now().seconds >= 60 { Self.releaseCleanPages() }
    let own = [
      pollfd(fd: timer, events: Int16(POLLIN), revents: 0),
      pollfd(fd: signals, events: Int16(POLLIN), revents: 0),
      pollfd(fd: zoneWatch, events: Int16(POLLIN), revents: 0),
    ].prefix(zoneWatch >= 0 ? 3 : 2)
    while true {
      if interacted() { return .interaction }
      let (glib, timeout) = pump?.prepare() ?? ([], -1)
      var descriptors = Array(own) + glib
      let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
      let pollError = errno  // before GLib's callbacks can change it
      pump?.dispatch(descriptors[own.count...])
      if ready < 0 {
        if pollError == EINTR { continue }
        return .clockChanged
      }
      if descriptors[1].revents != 0, let reason = readSignal() { return reason }
      // Answers first, even when a fire time is due too: the daemon then acts on a closed or
      // answered notification before it delivers the next one, never after.
      if interacted() { return .interaction }
      if own.count == 3, descriptors[2].revents != 0, zoneChanged() { return .zoneChanged }
      if descriptors[0].revents != 0 {
        var expirations: UInt64 = 0
        let count = read(timer, &expirations, 8)
        if count < 0 && errno == ECANCELED { return .clockChanged }
        if count == 8 { return .deadline }
      }
    }
  }

  /// Hands the kernel back the clean file pages of our own mappings (program text and
  /// read-only data touched at start-up) before a long wait, with madvise(MADV_PAGEOUT).
  /// They stay in the page cache and fault back in at the next fire time in microseconds;
  /// meanwhile the idle daemon's resident set is its few anonymous pages. Where the kernel
  /// is older than 5.4 the call fails harmlessly.
  static func releaseCleanPages() {
    guard let maps = try? readAll("/proc/self/maps") else { return }
    for line in maps.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      // address perms offset dev inode path: only mappings of files, never the stack or heap.
      guard fields.count >= 6, fields[5].hasPrefix("/"), !fields[1].contains("w") else { continue }
      let range = fields[0].split(separator: "-")
      guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end > start,
        let address = UnsafeMutableRawPointer(bitPattern: start)
      else { continue }
      _ = madvise(address, Int(end - start), 21)  // MADV_PAGEOUT
    }
  }

  private static func readAll(_ path: String) throws -> Substring {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SetupError(description: path) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = read(descriptor, &chunk, chunk.count)
      if count <= 0 { break }
      bytes += chunk[..<count]
    }
    return Substring(String(decoding: bytes, as: UTF8.self))
  }

  private func readSignal() -> WakeReason? {
    var info = signalfd_siginfo()
    guard read(signals, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size else {
      return nil
    }
    switch Int32(info.ssi_signo) {
    case SIGHUP: return .reload
    case SIGUSR1: return .stateChanged
    default: return .terminate
    }
  }

  /// Drains the inotify queue; whether any event was about the zone file.
  private func zoneChanged() -> Bool {
    var changed = false
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(zoneWatch, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      var offset = 0
      let headerSize = MemoryLayout<inotify_event>.size
      while offset + headerSize <= count {
        let nameLength = buffer.withUnsafeBytes { Int($0.load(fromByteOffset: offset + 12, as: UInt32.self)) }
        if nameLength > 0 {
          let start = offset + headerSize
          let nameBytes = buffer[start..<min(start + nameLength, count)].prefix { $0 != 0 }
          if String(decoding: nameBytes, as: UTF8.self) == zoneFileName { changed = true }
        }
        offset += headerSize + nameLength
      }
    }
    return changed
  }
}

/// Descriptors another event loop (GLib's main context, for the buttons' callbacks) wants
/// polled alongside the waiter's own, and what to run once they are ready.
public protocol PollParticipant: AnyObject {
  func prepare() -> (descriptors: [pollfd], timeout: Int32)
  func dispatch(_ polled: some Collection<pollfd>)
}

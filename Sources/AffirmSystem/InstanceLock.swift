#if canImport(Glibc)
  import Glibc
#endif

/// One daemon per user: an exclusive flock on a lock file that holds the owner's pid.
///
/// The kernel drops the lock when the process dies however it dies, so a crashed daemon
/// never blocks a restart. The file itself is never replaced (a lock on a file that is later
/// renamed over is lost), only rewritten in place.
public final class InstanceLock {
  public let path: String
  private let descriptor: Int32

  public enum Failure: Error, Equatable {
    /// Another daemon holds the lock; its pid where the file says it.
    case held(pid: Int32?)
    case unusable(path: String, reason: String)
  }

  public init(path: String) throws(Failure) {
    self.path = path
    let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    if !directory.isEmpty { Self.makeDirectories(directory) }
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw .unusable(path: path, reason: String(cString: strerror(errno))) }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      defer { close(descriptor) }
      if code == EWOULDBLOCK { throw .held(pid: Self.holder(descriptor)) }
      throw .unusable(path: path, reason: String(cString: strerror(code)))
    }
    // The pid first, then the length: the file is never empty while the lock is held.
    let pid = Array("\(getpid())\n".utf8)
    _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    _ = ftruncate(descriptor, off_t(pid.count))
  }

  /// The pid of the daemon holding the lock, as its file says. A daemon that has just taken
  /// the lock may not have written its pid yet (the file still names the one before it, a
  /// process now gone), so a pid of no living process is read again for a short while.
  private static func holder(_ descriptor: Int32) -> Int32? {
    var pid: Int32?
    for _ in 0..<100 {
      var buffer = [UInt8](repeating: 0, count: 32)
      let count = pread(descriptor, &buffer, buffer.count, 0)
      let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
      pid = Int32(text.split(whereSeparator: \.isWhitespace).first ?? "")
      if let pid, pid > 0, kill(pid, 0) == 0 || errno != ESRCH { return pid }
      usleep(2000)
    }
    return pid
  }

  deinit { close(descriptor) }

  private static func makeDirectories(_ path: String) {
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      _ = mkdir(current, 0o700)
    }
  }
}

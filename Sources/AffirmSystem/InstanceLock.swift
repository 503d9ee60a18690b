import AffirmCore

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
    /// The directory cannot be created or written (read-only, not a directory, no access):
    /// another place may do.
    case unusable(path: String, reason: String)
    /// Another user could have put the file there, or may replace it: never used.
    case refused(path: String, reason: String)
  }

  /// Where the lock lives: in `$XDG_RUNTIME_DIR/affirm` where there is one, and in the state
  /// directory where there is not or it cannot be written. `affirm doctor` looks in the same
  /// places, in the same order.
  public static func candidatePaths(runtimeDirectory: String?, stateDirectory: String) -> [String] {
    (runtimeDirectory.map { [$0] } ?? []).map { $0 + "/daemon.lock" } + [stateDirectory + "/daemon.lock"]
  }

  /// Takes the lock at the first of `paths` that can hold it; a refusal or a held lock ends the search.
  public static func acquire(paths: [String]) throws(Failure) -> (lock: InstanceLock, skipped: [Failure]) {
    var skipped: [Failure] = []
    for path in paths {
      do throws(Failure) {
        return (try InstanceLock(path: path), skipped)
      } catch .unusable(let path, let reason) where path != paths.last {
        skipped.append(.unusable(path: path, reason: reason))
      }
    }
    throw skipped.last ?? .unusable(path: "daemon.lock", reason: "no place for it")
  }

  public init(path: String) throws(Failure) {
    self.path = path
    let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    if !directory.isEmpty { Self.makeDirectories(directory) }
    if let problem = Self.directoryProblem(directory.isEmpty ? "." : directory) {
      throw .refused(path: path, reason: problem)
    }
    // O_NOFOLLOW: a symlink planted here must not make the daemon truncate its target.
    descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      let code = errno
      if code == ELOOP {
        throw .refused(path: path, reason: "it is a symbolic link; affirm does not write through one")
      }
      throw .unusable(path: path, reason: String(cString: strerror(code)))
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else {
      close(descriptor)
      throw .refused(path: path, reason: "it is not a plain file of yours")
    }
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

  /// Why `directory` must not hold the lock: another owner, or write access for others (who
  /// could replace the file with a symlink between two starts). Nil when it is fine or missing
  /// (opening the file then says why).
  public static func directoryProblem(_ directory: String) -> String? {
    var info = stat()
    guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
    if info.st_uid != geteuid() {
      return "its directory \(directory) belongs to uid \(info.st_uid), not to you (uid \(geteuid()))"
    }
    if info.st_mode & 0o022 != 0 {
      return
        "its directory \(directory) may be written by others (mode \(String(info.st_mode & 0o7777, radix: 8))); chmod 700 it"
    }
    return nil
  }

  private static func makeDirectories(_ path: String) {
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      _ = mkdir(current, 0o700)
    }
  }
}

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
  public static func candidatePaths(_ paths: AffirmPaths) -> [String] {
    ([paths.runtimeDirectory].compactMap { $0 } + [paths.stateDirectory]).map {
      FilePath($0).appending("daemon.lock").string
    }
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
    let directory = FilePath(path).directory.string
    // Where a directory cannot be made, opening the file says why.
    try? Posix.makeDirectories(directory)
    if let problem = Self.directoryProblem(directory) { throw .refused(path: path, reason: problem) }
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
      pid = recordedPid(descriptor)
      if let pid, pid > 0, kill(pid, 0) == 0 || errno != ESRCH { return pid }
      usleep(2000)
    }
    return pid
  }

  /// The pid the lock file names, if it names one.
  private static func recordedPid(_ descriptor: Int32) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = pread(descriptor, &buffer, buffer.count, 0)
    let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    return Int32(text.split(whereSeparator: \.isWhitespace).first ?? "")
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
}

// MARK: - Probing

extension InstanceLock {
  /// Whether `affirm run` holds its instance lock: the pid in the lock file must be alive and
  /// the lock held (a pid file nobody holds the lock on is stale).
  public enum State: Equatable, Sendable {
    case running(pid: Int32?)
    case notRunning(stalePid: Int32?)
    case unknown(String)
  }

  /// The lock file that tells whether a daemon runs, and what it tells: among `paths` (from
  /// `candidatePaths`, where `affirm run` takes the first it can use) the one a daemon holds,
  /// else the first that exists, else the first.
  public static func probe(paths: [String]) -> (path: String, state: State) {
    let found = paths.filter { path in
      var info = stat()
      return lstat(path, &info) == 0
    }
    for path in found {
      let state = probe(path)
      if case .running = state { return (path, state) }
    }
    let path = found.first ?? paths[0]
    return (path, probe(path))
  }

  /// Probes one lock file without taking it for longer than the probe.
  public static func probe(_ path: String) -> State {
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      return errno == ENOENT ? .notRunning(stalePid: nil) : .unknown(String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    let pid = recordedPid(descriptor)
    if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
      flock(descriptor, LOCK_UN)
      return .notRunning(stalePid: pid)
    }
    guard errno == EWOULDBLOCK else { return .unknown(String(cString: strerror(errno))) }
    if let pid, pid > 0, kill(pid, 0) == 0 || errno == EPERM { return .running(pid: pid) }
    return .running(pid: nil)
  }
}

// MARK: - Poking

extension InstanceLock {
  /// Tells the running daemon that the state database changed (SIGUSR1), so that it reads it
  /// again now rather than at its next wake. Returns the daemon's pid, or nil when none runs
  /// (or its pid is unknown, or the signal could not be sent).
  ///
  /// The daemon blocks SIGUSR1 before it takes its lock, so a daemon found holding the lock
  /// never dies of the signal's default action.
  @discardableResult
  public static func poke(paths: [String]) -> Int32? {
    guard case .running(let pid?) = probe(paths: paths).state, kill(pid, SIGUSR1) == 0 else { return nil }
    return pid
  }
}

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
      var buffer = [UInt8](repeating: 0, count: 32)
      let count = pread(descriptor, &buffer, buffer.count, 0)
      close(descriptor)
      if code == EWOULDBLOCK {
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        throw .held(pid: Int32(text.split(whereSeparator: \.isWhitespace).first ?? ""))
      }
      throw .unusable(path: path, reason: String(cString: strerror(code)))
    }
    let pid = Array("\(getpid())\n".utf8)
    _ = ftruncate(descriptor, 0)
    _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
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

import AffirmCore

#if canImport(Glibc)
  package import Glibc
#endif

/// A file written to a temporary name, flushed and renamed over the old one.
package enum AtomicFile {
  package static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(FileWriteError) {
    let temporary = path + ".tmp.\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw FileWriteError(path: temporary, errno: errno) }
    do {
      try Posix.writeAll(descriptor, bytes)
    } catch {
      close(descriptor)
      unlink(temporary)
      throw FileWriteError(path: temporary, errno: error.rawValue)
    }
    if fsync(descriptor) != 0 || close(descriptor) != 0 {
      let code = errno
      unlink(temporary)
      throw FileWriteError(path: temporary, errno: code)
    }
    guard rename(temporary, path) == 0 else {
      let code = errno
      unlink(temporary)
      throw FileWriteError(path: path, errno: code)
    }
  }
}

/// A file that could not be written, with errno's reason.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
  public var path: String
  /// errno's code.
  public var code: Int32
  public var reason: String

  package init(path: String, errno code: Int32) {
    self.path = path
    self.code = code
    reason = String(cString: strerror(code))
  }

  package init(_ failure: PathFailure) { self.init(path: failure.path, errno: failure.errno.rawValue) }

  public var description: String { "cannot write \(path): \(reason)" }
}

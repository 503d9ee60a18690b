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
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        let code = errno
        close(descriptor)
        unlink(temporary)
        throw FileWriteError(path: temporary, errno: code)
      }
      offset += written
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

  /// Creates `path` and its parents with `mode` where missing.
  package static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(FileWriteError) {
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, mode) != 0 && errno != EEXIST { throw FileWriteError(path: current, errno: errno) }
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

  public var description: String { "cannot write \(path): \(reason)" }
}

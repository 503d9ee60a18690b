#if canImport(Glibc)
  import Glibc
#endif

/// The daemon's last handled fire time per slot, kept in a small text file
/// (`slot<TAB>seconds` lines) replaced atomically, so a restart neither repeats nor loses one.
public struct FireMarksFile: Sendable {
  public let path: String

  public init(path: String) { self.path = path }

  public func load() -> [String: Instant] {
    guard let bytes = try? TextFiles.read(path, limit: 1 << 20) else { return [:] }
    var marks: [String: Instant] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let fields = line.split(separator: "\t")
      if fields.count == 2, let seconds = Int64(fields[1]) { marks[String(fields[0])] = Instant(seconds: seconds) }
    }
    return marks
  }

  public func save(_ marks: [String: Instant]) throws(FileWriteError) {
    let text = marks.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value.seconds)\n" }.joined()
    try AtomicFile.write(Array(text.utf8), to: path)
  }
}

/// A file written to a temporary name, flushed and renamed over the old one.
enum AtomicFile {
  static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(FileWriteError) {
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
  static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(FileWriteError) {
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
  public var reason: String

  init(path: String, errno code: Int32) {
    self.path = path
    reason = String(cString: strerror(code))
  }

  public var description: String { "cannot write \(path): \(reason)" }
}

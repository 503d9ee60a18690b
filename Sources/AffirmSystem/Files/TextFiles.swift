import AffirmCore

#if canImport(Glibc)
  package import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Plain POSIX file reading, so that errors keep errno's exact reason (`ELOOP`, `EACCES`,
/// `EISDIR`) and start-up pays for nothing it does not use.
package enum TextFiles {
  package enum Kind { case file, directory, other }

  package struct Failure: Error {
    var reason: String
    init(errno code: Int32) { reason = String(cString: strerror(code)).lowercasedFirst() }
    init(_ reason: String) { self.reason = reason }
  }

  package static func kind(of path: String) throws(Failure) -> Kind {
    var info = stat()
    guard stat(path, &info) == 0 else { throw Failure(errno: errno) }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .directory
    default: return .other
    }
  }

  /// The whole file; refuses files over `limit` bytes rather than exhausting memory.
  ///
  /// Only regular files: opening a FIFO would wait for a writer forever, and a device may
  /// never end. The type is checked before opening, and again on the descriptor (opened
  /// with O_NONBLOCK, so a FIFO swapped in between cannot block the open either).
  package static func read(_ path: String, limit: Int = 64 << 20) throws(Failure) -> [UInt8] {
    try requireRegularFile(path)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { throw Failure(errno: errno) }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw Failure(errno: errno) }
    try requireRegularFile(mode: info.st_mode)
    if info.st_size > limit { throw Failure("larger than \(limit >> 20) MiB") }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(info.st_size))
    var chunk = [UInt8](repeating: 0, count: 64 << 10)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw Failure(errno: errno)
      }
      bytes.append(contentsOf: chunk[..<count])
      if bytes.count > limit { throw Failure("larger than \(limit >> 20) MiB") }
    }
    return bytes
  }

  package static func requireRegularFile(_ path: String) throws(Failure) {
    var info = stat()
    guard stat(path, &info) == 0 else { throw Failure(errno: errno) }
    try requireRegularFile(mode: info.st_mode)
  }

  package static func requireRegularFile(mode: mode_t) throws(Failure) {
    switch mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw Failure(errno: EISDIR)
    default: throw Failure("not a regular file")
    }
  }

  /// The names in a directory, without `.` and `..`.
  package static func names(in directory: String) throws(Failure) -> [String] {
    guard let stream = opendir(directory) else { throw Failure(errno: errno) }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}

extension String {
  fileprivate func lowercasedFirst() -> String {
    guard let first else { return self }
    // String + String: the String + Substring overload is generic and, unspecialized, costs
    // a runtime protocol-conformance scan on each command that finds no config file.
    return first.lowercased() + String(dropFirst())
  }
}

extension TextFiles {
  /// Where a symbolic link points, or nil when `path` is not one.
  package static func symbolicLinkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

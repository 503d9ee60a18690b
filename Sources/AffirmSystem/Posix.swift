#if canImport(Glibc)
  package import Glibc
#endif

// The one door to the file system's syscalls that several places share, modelled on
// swift-system (`FilePath`, `FileDescriptor.writeAll`, `Errno`), kept to the little affirm needs.

/// An errno value and its reason, as strerror(3) words it.
package struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
  package var rawValue: Int32

  package init(_ rawValue: Int32) { self.rawValue = rawValue }

  /// The calling thread's errno, as the failed call left it.
  package static var current: Errno { Errno(errno) }

  package var description: String { String(cString: strerror(rawValue)) }
}

/// A path as text, split at its last slash. Only syntax: nothing is looked up.
package struct FilePath: Equatable, Sendable, CustomStringConvertible {
  package var string: String

  package init(_ string: String) { self.string = string }

  package var description: String { string }

  /// The directory the last component is in: the text before the last slash, "/" for a
  /// component at the root, "." for a bare name. A trailing slash names the directory itself
  /// ("/a/b/" is an empty name in "/a/b").
  package var directory: FilePath {
    guard let slash = string.lastIndex(of: "/") else { return FilePath(".") }
    return FilePath(slash == string.startIndex ? "/" : String(string[..<slash]))
  }

  /// The text after the last slash (the whole path when there is none).
  package var lastComponent: String {
    guard let slash = string.lastIndex(of: "/") else { return string }
    return String(string[string.index(after: slash)...])
  }

  /// `component` appended with one slash between.
  package func appending(_ component: String) -> FilePath {
    FilePath(string.hasSuffix("/") ? string + component : string + "/" + component)
  }
}

/// Where a call on a path failed, and why.
package struct PathFailure: Error, Equatable, Sendable {
  package var path: String
  package var errno: Errno
}

package enum Posix {
  /// Writes all of `bytes` to `descriptor`, however many calls that takes. The one rule for
  /// every writer: a call interrupted by a signal (EINTR) is made again; any other failure
  /// ends the write with its errno, and a call that writes nothing with EIO (rather than
  /// trying forever). `write` is write(2), replaceable so that tests can cut writes short.
  package static func writeAll(
    _ descriptor: Int32, _ bytes: [UInt8],
    write: (Int32, UnsafeRawPointer?, Int) -> Int = { Glibc.write($0, $1, $2) }
  ) throws(Errno) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        throw Errno.current
      }
      guard written > 0 else { throw Errno(EIO) }
      offset += written
    }
  }

  /// Creates `path` and the directories above it that are missing, each with `mode`. A
  /// relative path is created relative to the working directory.
  package static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(PathFailure) {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      current += "/" + component
      if mkdir(current, mode) != 0 && errno != EEXIST { throw PathFailure(path: current, errno: .current) }
    }
  }
}

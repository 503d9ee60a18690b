#if canImport(Glibc)
  import Glibc
#endif

/// Creates the config file for `affirm config init`, never replacing one that exists.
public enum ConfigWriter {
  public enum Failure: Error {
    case exists
    case unwritable(String)
  }

  public static func create(path: String, text: String) throws(Failure) {
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
      do {
        try AtomicFile.makeDirectories(String(path[..<slash]))
      } catch {
        throw .unwritable(error.reason)
      }
    }
    // O_EXCL: an existing file (or a link) is never overwritten, even in a race.
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw errno == EEXIST ? .exists : .unwritable(String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    guard written == bytes.count else { throw .unwritable(String(cString: strerror(errno))) }
  }
}

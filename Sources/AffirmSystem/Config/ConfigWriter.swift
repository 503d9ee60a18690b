import AffirmCore

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
    do {
      try Posix.makeDirectories(FilePath(path).directory.string)
    } catch {
      throw .unwritable(error.errno.description)
    }
    // A full disk must not leave a short or empty config behind (which would then read as a
    // config with no slots): the text goes to a temporary file beside it, which is linked into
    // place only once it is complete. link() never replaces an existing file, even in a race.
    if (try? TextFiles.kind(of: path)) != nil || TextFiles.symbolicLinkTarget(path) != nil { throw .exists }
    var template = Array((path + ".tmp-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { throw .unwritable(String(cString: strerror(errno))) }
    let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { unlink(temporary) }
    do {
      try Posix.writeAll(descriptor, Array(text.utf8))
    } catch {
      close(descriptor)
      throw .unwritable(error.description)
    }
    // mkstemp makes it 0600; the config gets 0644 less the umask, as open(2) would give it.
    let mask = umask(0)
    umask(mask)
    let synced = fchmod(descriptor, 0o644 & ~mask) == 0 && fsync(descriptor) == 0
    let code = errno
    guard close(descriptor) == 0, synced else { throw .unwritable(String(cString: strerror(synced ? errno : code))) }
    if link(temporary, path) == 0 { return }
    switch errno {
    case EEXIST: throw .exists
    case EPERM, EOPNOTSUPP, ENOSYS:
      // A file system without hard links (FAT, some network mounts): rename, after one more look.
      if (try? TextFiles.kind(of: path)) != nil || TextFiles.symbolicLinkTarget(path) != nil { throw .exists }
      guard rename(temporary, path) == 0 else { throw .unwritable(String(cString: strerror(errno))) }
    default: throw .unwritable(String(cString: strerror(errno)))
    }
  }
}

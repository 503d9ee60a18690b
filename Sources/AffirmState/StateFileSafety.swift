import AffirmCore
import AffirmSystem

#if canImport(Glibc)
  import Glibc
#endif

/// Why affirm will not use a state database it finds, as ssh refuses a key file others could
/// have written: a symlink (writing through it would add affirm's tables to whatever it points
/// at) or a directory that another user owns or may write to.
public enum StateFileProblem: Sendable, Equatable, CustomStringConvertible {
  case directoryOwner(directory: String, owner: UInt32, user: UInt32)
  case directoryWritableByOthers(directory: String, mode: UInt32)
  case symbolicLink(path: String, target: String)

  public var description: String {
    switch self {
    case .directoryOwner(let directory, let owner, let user):
      "its directory \(directory) belongs to uid \(owner), not to you (uid \(user))"
    case .directoryWritableByOthers(let directory, let mode):
      "its directory \(directory) may be written by others (mode \(String(mode, radix: 8)))"
    case .symbolicLink(_, let target):
      "it is a symbolic link (to \(target)); affirm keeps its state only in a plain file of its own"
    }
  }

  /// The command that puts it right, for `affirm doctor`.
  public var fix: String {
    switch self {
    case .directoryOwner(let directory, _, _):
      "make it yours, or point XDG_STATE_HOME elsewhere:\nchown \"$(id -u):$(id -g)\" \(DesktopFiles.shellQuoted(directory))"
    case .directoryWritableByOthers(let directory, _):
      "take write access away from others:\nchmod 700 \(DesktopFiles.shellQuoted(directory))"
    case .symbolicLink(let path, _):
      "move the link away (the next affirm send starts a fresh database):\nmv \(DesktopFiles.shellQuoted(path)) \(DesktopFiles.shellQuoted(path + ".link"))"
    }
  }
}

/// The checks and moves the state database's files get before SQLite sees them.
public enum StateFileSafety {
  /// What is wrong with the state database at `path` and its directory; nil when nothing is
  /// (a missing file included). The directory may itself be reached through a symlink.
  public static func problem(path: String) -> StateFileProblem? {
    let directory = FilePath(path).directory.string
    var info = stat()
    if stat(directory, &info) == 0 {
      if info.st_uid != geteuid() {
        return .directoryOwner(directory: directory, owner: info.st_uid, user: geteuid())
      }
      if info.st_mode & 0o022 != 0 {
        return .directoryWritableByOthers(directory: directory, mode: info.st_mode & 0o7777)
      }
    }
    if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let count = readlink(path, &buffer, buffer.count - 1)
      let target = count >= 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
      return .symbolicLink(path: path, target: target)
    }
    return nil
  }

  /// Moves a damaged database to `<path>.corrupt-<stamp>`, or `-2`, `-3`... after it when that
  /// name is taken; the name used, or errno's code.
  static func moveAside(_ path: String, stamp: Int64) -> Result<String, SystemCallFailure> {
    for attempt in 1...10_000 {
      let aside = path + ".corrupt-\(stamp)" + (attempt == 1 ? "" : "-\(attempt)")
      let code = moveWithoutReplacing(path, to: aside)
      if code == 0 { return .success(aside) }
      if code != EEXIST { return .failure(SystemCallFailure(code: code)) }
    }
    return .failure(SystemCallFailure(code: EEXIST))
  }

  /// Renames `source` to `target` unless `target` exists; 0 or errno's code. A hard link and an
  /// unlink where the file system has links (atomic: link(2) never replaces); elsewhere a
  /// check and a rename, which callers make safe by holding the directory's flock.
  @discardableResult
  static func moveWithoutReplacing(_ source: String, to target: String) -> Int32 {
    if link(source, target) == 0 {
      unlink(source)
      return 0
    }
    let code = errno
    guard code == EPERM || code == EOPNOTSUPP || code == EMLINK || code == ENOSYS else { return code }
    var info = stat()
    if lstat(target, &info) == 0 { return EEXIST }
    return rename(source, target) == 0 ? 0 : errno
  }
}

/// errno's code from a failed system call.
struct SystemCallFailure: Error, Equatable {
  var code: Int32
}

/// An exclusive flock on a directory, held until this is released: it orders the processes
/// that create, migrate or move aside the state database. Where the directory cannot be
/// opened, nothing is locked (the open that follows reports the real problem).
final class DirectoryLock {
  private let descriptor: Int32

  init(_ directory: String) {
    descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
  }

  deinit { if descriptor >= 0 { close(descriptor) } }
}

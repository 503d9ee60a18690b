import Foundation
import Testing

@testable import AffirmSystem

@Suite("posix: the platform door's paths, writes and directories")
struct PosixTests {
  @Test(
    "a path's directory is the text before its last slash",
    arguments: [
      ("/a", "/"), ("a", "."), ("/a/b/", "/a/b"), ("/a/b", "/a"), ("a/b", "a"), ("/", "/"), ("", "."),
    ])
  func directory(path: String, directory: String) {
    #expect(FilePath(path).directory == FilePath(directory))
  }

  @Test("the last component, and appending one")
  func components() {
    #expect(FilePath("/etc/localtime").lastComponent == "localtime")
    #expect(FilePath("localtime").lastComponent == "localtime")
    #expect(FilePath("/a/").lastComponent == "")
    #expect(FilePath("/run/affirm").appending("daemon.lock").string == "/run/affirm/daemon.lock")
    #expect(FilePath("/run/affirm/").appending("daemon.lock").string == "/run/affirm/daemon.lock")
    #expect(FilePath("/").appending("x").string == "/x")
  }

  @Test("writeAll goes on after a short write and after a write interrupted by a signal")
  func writeAllShortAndInterrupted() throws {
    let bytes = (0..<100).map { UInt8($0) }
    var received: [UInt8] = []
    var calls = 0
    try Posix.writeAll(7, bytes) { descriptor, pointer, count in
      calls += 1
      #expect(descriptor == 7)
      if calls == 2 {
        errno = EINTR
        return -1
      }
      let taken = min(count, 7)
      received += UnsafeRawBufferPointer(start: pointer, count: taken)
      return taken
    }
    #expect(received == bytes)
    #expect(calls == 16)  // 15 writes of up to 7 bytes, and the interrupted one
  }

  @Test("writeAll ends with the errno of a failed write, and with EIO where a write makes no progress")
  func writeAllFailures() {
    #expect(throws: Errno(ENOSPC)) {
      try Posix.writeAll(7, [1, 2, 3]) { _, _, _ in
        errno = ENOSPC
        return -1
      }
    }
    #expect(throws: Errno(EIO)) { try Posix.writeAll(7, [1, 2, 3]) { _, _, _ in 0 } }
    #expect(Errno(ENOSPC).description == String(cString: strerror(ENOSPC)))
  }

  @Test("writeAll on a real pipe: the short write's bytes arrive, and a full pipe ends it with EAGAIN")
  func writeAllPipe() throws {
    var ends: [Int32] = [0, 0]
    try #require(pipe(&ends) == 0)
    defer {
      close(ends[0])
      close(ends[1])
    }
    _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
    _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
    let capacity = Int(fcntl(ends[1], 1032))  // F_GETPIPE_SZ, which the Glibc module lacks
    try #require(capacity > 0)
    let bytes = (0..<(capacity + 1000)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    #expect(throws: Errno(EAGAIN)) { try Posix.writeAll(ends[1], bytes) }
    var read: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while case let count = Glibc.read(ends[0], &chunk, chunk.count), count > 0 { read += chunk[..<count] }
    #expect(read == Array(bytes[..<capacity]))
  }

  @Test("makeDirectories makes every missing level, and names the level that cannot be made")
  func makeDirectories() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-posix-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try Posix.makeDirectories(root + "/a/b/c")
    try Posix.makeDirectories(root + "/a/b/c")
    var isDirectory: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: root + "/a/b/c", isDirectory: &isDirectory) && isDirectory.boolValue)
    let mode = try FileManager.default.attributesOfItem(atPath: root + "/a/b")[.posixPermissions] as? Int
    #expect(mode == 0o700)
    _ = FileManager.default.createFile(atPath: root + "/file", contents: Data())
    #expect(throws: PathFailure(path: root + "/file/x", errno: Errno(ENOTDIR))) {
      try Posix.makeDirectories(root + "/file/x/y")
    }
  }
}

@Suite("environment: one snapshot, HOME from passwd where unset")
struct EnvironmentTests {
  @Test("HOME unset or empty is taken from the passwd entry; a set HOME is kept")
  func homeFallback() {
    let passwd = { Optional("/home/from-passwd") }
    #expect(Environment.withHomeFallback(environ: ["PATH": "/bin"], passwdHome: passwd)["HOME"] == "/home/from-passwd")
    #expect(Environment.withHomeFallback(environ: ["HOME": ""], passwdHome: passwd)["HOME"] == "/home/from-passwd")
    #expect(Environment.withHomeFallback(environ: ["HOME": "/h"], passwdHome: passwd)["HOME"] == "/h")
    #expect(Environment.withHomeFallback(environ: [:], passwdHome: { nil })["HOME"] == nil)
    #expect(Environment.withHomeFallback(environ: ["A": "1"], passwdHome: passwd)["A"] == "1")
  }
}

import Foundation
import Testing

@testable import AffirmSystem

@Suite("instance lock: where it lives and what a probe of it tells")
struct InstanceLockTests {
  @Test("the runtime directory first, then the state directory")
  func candidates() {
    let paths = AffirmPaths(environment: ["HOME": "/h", "XDG_RUNTIME_DIR": "/run/user/7"])
    #expect(
      InstanceLock.candidatePaths(paths) == ["/run/user/7/affirm/daemon.lock", "/h/.local/state/affirm/daemon.lock"])
    #expect(
      InstanceLock.candidatePaths(AffirmPaths(environment: ["HOME": "/h"])) == ["/h/.local/state/affirm/daemon.lock"])
  }

  @Test("a held lock runs with its pid; a file nobody holds is stale; a missing one is not running")
  func probe() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-lock-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let missing = root + "/missing/daemon.lock"
    let stale = root + "/stale/daemon.lock"
    let held = root + "/held/daemon.lock"
    try Posix.makeDirectories(root + "/stale")
    try "4194305\n".write(toFile: stale, atomically: false, encoding: .utf8)
    #expect(InstanceLock.probe(missing) == .notRunning(stalePid: nil))
    #expect(InstanceLock.probe(stale) == .notRunning(stalePid: 4_194_305))
    let lock = try InstanceLock(path: held)
    #expect(InstanceLock.probe(held) == .running(pid: getpid()))
    // The one a daemon holds wins over one that merely exists, wherever it is in the list.
    #expect(InstanceLock.probe(paths: [missing, stale, held]) == (held, .running(pid: getpid())))
    #expect(InstanceLock.probe(paths: [missing, stale]) == (stale, .notRunning(stalePid: 4_194_305)))
    #expect(InstanceLock.probe(paths: [missing]) == (missing, .notRunning(stalePid: nil)))
    withExtendedLifetime(lock) {}
  }

  @Test("a poke signals the process holding the lock, and nothing when nobody holds it")
  func poke() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-poke-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try Posix.makeDirectories(root)
    let lock = root + "/daemon.lock"
    let heard = root + "/heard"
    try "4194305\n".write(toFile: lock, atomically: false, encoding: .utf8)
    #expect(InstanceLock.poke(paths: [lock]) == nil)
    // A stand-in daemon: holds the lock, writes its pid, and notes SIGUSR1 when it comes.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    holder.arguments = [
      lock, "/bin/sh", "-c",
      "trap 'echo usr1 > \(heard); exit 0' USR1; echo $$ > \(lock); while :; do sleep 0.05; done",
    ]
    try holder.run()
    defer { if holder.isRunning { holder.terminate() } }
    var pid: Int32?
    for _ in 0..<200 where pid == nil {
      if case .running(let found?) = InstanceLock.probe(lock), found != 4_194_305 {
        pid = found
      } else {
        usleep(20_000)
      }
    }
    #expect(pid != nil)
    #expect(InstanceLock.poke(paths: [lock]) == pid)
    holder.waitUntilExit()
    #expect((try? String(contentsOfFile: heard, encoding: .utf8)) == "usr1\n")
  }
}

import AffirmCore
import Glibc
import Testing

@testable import AffirmNotify

@Suite("telling a stopped server from a busy one", .timeLimit(.minutes(2)))
struct StoppedProcessTests {
  @Test("a running process is not stopped; a SIGSTOPped one is")
  func stoppedState() throws {
    #expect(!LibNotifyNotifier.isStopped(pid: UInt32(getpid())))
    var pid: pid_t = 0
    var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
    defer { argv.forEach { free($0) } }
    #expect(posix_spawn(&pid, "/bin/sleep", nil, nil, &argv, environ) == 0)
    defer {
      kill(pid, SIGKILL)
      waitpid(pid, nil, 0)
    }
    kill(pid, SIGSTOP)
    var stopped = false
    for _ in 0..<200 where !stopped {
      stopped = LibNotifyNotifier.isStopped(pid: UInt32(pid))
      usleep(5000)
    }
    #expect(stopped)
  }
}

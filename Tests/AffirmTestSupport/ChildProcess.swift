package import Foundation

/// The outcome of one run of the built `affirm` binary.
package struct RunResult: Sendable {
  package var status: Int32
  package var stdout: String
  package var stderr: String
  package var seconds: Double

  package init(status: Int32, stdout: String, stderr: String, seconds: Double) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
    self.seconds = seconds
  }
}

/// Runs `executable` to its end with stdin from /dev/null; stdout and stderr captured.
package func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
  -> RunResult
{
  let output = try TemporaryDirectory()
  let start = Date()
  let child = try ChildProcess(
    executable, arguments, environment: environment,
    stdout: output.path + "/stdout", stderr: output.path + "/stderr")
  let status = child.wait()
  let seconds = Date().timeIntervalSince(start)
  return RunResult(
    status: status,
    stdout: (try? String(contentsOfFile: output.path + "/stdout", encoding: .utf8)) ?? "",
    stderr: (try? String(contentsOfFile: output.path + "/stderr", encoding: .utf8)) ?? "",
    seconds: seconds
  )
}

/// A child process started with posix_spawn and a clean signal mask.
///
/// Foundation's `Process` hands the test runner's blocked signals down to the child, so a
/// dbus-daemon or `affirm run` started that way ignores SIGTERM. Spawning with an empty mask
/// and default handlers gives children the signals a shell would.
package final class ChildProcess: @unchecked Sendable {
  package let pid: pid_t
  private var status: Int32?

  package init(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    stdout: String = "/dev/null", stderr: String = "/dev/null"
  ) throws {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let pairs = environment.map { $0.map { "\($0.key)=\($0.value)" } }
    let envp = pairs.map { $0.map { strdup($0) } + [nil] }
    defer { envp?.forEach { free($0) } }

    var pid: pid_t = 0
    let result: Int32 =
      if let envp {
        posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
      } else {
        posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
      }
    guard result == 0 else { throw SpawnError(executable: executable, code: result) }
    self.pid = pid
  }

  package func signal(_ signal: Int32) { kill(pid, signal) }

  /// Waits for the exit; 128 + n for a death by signal n, as shells report it.
  @discardableResult
  package func wait() -> Int32 {
    if let status { return status }
    var raw: Int32 = 0
    while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
    let decoded = Self.decode(raw)
    status = decoded
    return decoded
  }

  /// The exit status if the process ended within `timeout` seconds, else nil.
  package func wait(timeout: Double) -> Int32? {
    if let status { return status }
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      var raw: Int32 = 0
      if waitpid(pid, &raw, WNOHANG) == pid {
        status = Self.decode(raw)
        return status
      }
      Thread.sleep(forTimeInterval: 0.01)
    } while Date() < deadline
    return nil
  }

  package var isRunning: Bool { wait(timeout: 0) == nil }

  /// Ends the process (SIGTERM, then SIGKILL after a second) and reaps it.
  package func stop() {
    guard isRunning else { return }
    kill(pid, SIGCONT)
    kill(pid, SIGTERM)
    if wait(timeout: 1) == nil {
      kill(pid, SIGKILL)
      wait()
    }
  }

  private static func decode(_ raw: Int32) -> Int32 {
    let signal = raw & 0x7f
    return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
  }
}

package struct SpawnError: Error, CustomStringConvertible {
  package var executable: String
  package var code: Int32
  package var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
}

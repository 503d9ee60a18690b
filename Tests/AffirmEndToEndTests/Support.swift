import Foundation
import Testing

/// The outcome of one run of the built `affirm` binary.
struct RunResult: Sendable {
  var status: Int32
  var stdout: String
  var stderr: String
  var seconds: Double
}

/// Runs the built binary the way a user, cron or a script would.
enum Affirm {
  /// `AFFIRM_BIN` (set by scripts/test), else the debug build beside the package.
  static var binary: String {
    if let path = ProcessInfo.processInfo.environment["AFFIRM_BIN"], !path.isEmpty { return path }
    return packageRoot + "/.build/debug/affirm"
  }

  static var packageRoot: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }

  /// Runs `affirm arguments`; `environment` replaces the whole environment when given. Where
  /// it would leave the state in the user's real home (no environment, or one with neither
  /// HOME nor XDG_STATE_HOME), the state directory is one of this test process's own: the real
  /// one may hold a database another build of affirm wrote.
  static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> RunResult {
    var chosen = environment ?? ProcessInfo.processInfo.environment
    if environment == nil || (chosen["HOME"] == nil && chosen["XDG_STATE_HOME"] == nil) {
      chosen["XDG_STATE_HOME"] = privateStateHome
    }
    return try runProcess(binary, arguments, environment: chosen)
  }

  static let privateStateHome = FileManager.default.temporaryDirectory
    .appendingPathComponent("affirm-test-state-\(getpid())").path

  /// nobody's uid and gid: the user `runDroppingRoot` runs as when the tests run as root.
  static let unprivilegedID: UInt32 = 65534

  /// Whether root can drop its privileges with setpriv (util-linux), so that permissions bind
  /// as they do for a user. CI runs the tests as root, where they would not bind otherwise.
  static let canDropPrivileges = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

  /// Runs `affirm arguments` with exactly `environment`, as nobody (uid 65534, through setpriv,
  /// no supplementary groups) when the tests run as root, else as the user running them. What
  /// the command must read has to be readable by others (the temporary directories are).
  static func runDroppingRoot(_ arguments: [String], environment: [String: String]) throws -> RunResult {
    guard getuid() == 0 else { return try run(arguments, environment: environment) }
    let id = unprivilegedID
    return try runProcess(
      "/usr/bin/setpriv",
      ["--reuid=\(id)", "--regid=\(id)", "--clear-groups", "/usr/bin/env", "-i"]
        + environment.map { "\($0.key)=\($0.value)" } + [binary] + arguments)
  }
}

func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> RunResult {
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
final class ChildProcess: @unchecked Sendable {
  let pid: pid_t
  private var status: Int32?

  init(
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

  func signal(_ signal: Int32) { kill(pid, signal) }

  /// Waits for the exit; 128 + n for a death by signal n, as shells report it.
  @discardableResult
  func wait() -> Int32 {
    if let status { return status }
    var raw: Int32 = 0
    while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
    let decoded = Self.decode(raw)
    status = decoded
    return decoded
  }

  /// The exit status if the process ended within `timeout` seconds, else nil.
  func wait(timeout: Double) -> Int32? {
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

  var isRunning: Bool { wait(timeout: 0) == nil }

  /// Ends the process (SIGTERM, then SIGKILL after a second) and reaps it.
  func stop() {
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

struct SpawnError: Error, CustomStringConvertible {
  var executable: String
  var code: Int32
  var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
}

/// The private notification stack scripts/test started, read through dunst's `-print` log.
enum Stack {
  static var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// The log dunst writes every notification to; tests fail clearly when scripts/test did not start one.
  static func dunstLog() throws -> String {
    try #require(
      environment["AFFIRM_TEST_DUNST_LOG"],
      "no notification server: run the suite through scripts/test, which starts dunst on a private bus")
  }

  static func busAddress() throws -> String {
    try #require(environment["DBUS_SESSION_BUS_ADDRESS"], "run the suite through scripts/test")
  }

  /// The notification whose body contains `marker`, waiting up to `timeout` seconds for it;
  /// in `log` when given (a dunst of a test's own, `-print`), else in the suite's dunst.
  static func notification(
    containing marker: String, timeout: Double = 20, log: String? = nil
  ) throws -> [String: String]? {
    let path = try log ?? dunstLog()
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      if let found = parseDunstLog(log).last(where: { $0["body"]?.contains(marker) == true }) { return found }
      Thread.sleep(forTimeInterval: 0.02)
    } while Date() < deadline
    return nil
  }

  /// Shows a notification of the test's own on `bus` (the shared one unless given) and waits
  /// until the dunst that logs to `log` has logged it. dunst takes calls in the order they
  /// come, so whatever reached it before (from a process that has since ended, or answered)
  /// is in its log by then: absence is asserted after this, never after a sleep.
  static func sentinel(bus: String? = nil, log: String? = nil) throws {
    let marker = "sentinel-" + uniqueMarker()
    let sent = try runProcess(
      "/usr/bin/notify-send", ["-a", "affirm-tests", "sentinel", marker],
      environment: ["DBUS_SESSION_BUS_ADDRESS": try bus ?? busAddress(), "PATH": "/usr/bin:/bin"])
    try #require(sent.status == 0, "notify-send: \(sent.stderr)")
    let path = try log ?? dunstLog()
    try waitUntil("dunst logs the sentinel", timeout: 30) {
      parseDunstLog((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains {
        $0["body"]?.contains(marker) == true
      }
    }
  }

  /// Splits dunst's `-print` output into one dictionary per notification (`key: value`, quotes dropped).
  static func parseDunstLog(_ log: String) -> [[String: String]] {
    var notifications: [[String: String]] = []
    var current: [String: String]?
    for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "{" { current = [:]; continue }
      if line == "}" {
        if let current { notifications.append(current) }
        current = nil
        continue
      }
      guard current != nil, line.hasPrefix("\t"), let colon = line.firstIndex(of: ":") else { continue }
      let key = line[line.index(after: line.startIndex)..<colon].trimmingCharacters(in: .whitespaces)
      var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
        value = String(value.dropFirst().dropLast())
      }
      if current?[key] == nil { current?[key] = value }
    }
    return notifications
  }
}

/// A temporary directory removed when the test ends.
final class TemporaryDirectory {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `contents` to `name` inside the directory and returns its path.
  @discardableResult
  func write(_ name: String, _ contents: String) throws -> String {
    let file = path + "/" + name
    try contents.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }

  @discardableResult
  func write(_ name: String, bytes: [UInt8]) throws -> String {
    let file = path + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    return file
  }
}

/// A second private session bus, for the failure modes the shared stack must not suffer.
final class PrivateBus {
  let directory: TemporaryDirectory
  let address: String
  private(set) var daemon: ChildProcess
  private var server: ChildProcess?
  private let config: String

  /// `allowingEveryUser` lets other users connect too (a session bus admits only its owner):
  /// for a command run as nobody while the tests run as root.
  init(allowingEveryUser: Bool = false) throws {
    directory = try TemporaryDirectory()
    let socket = directory.path + "/bus"
    let everyUser = allowingEveryUser ? "<allow user=\"*\"/>" : ""
    config = try directory.write(
      "bus.conf",
      """
      <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
       "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
      <busconfig>
        <type>session</type>
        <listen>unix:path=\(socket)</listen>
        <auth>EXTERNAL</auth>
        <policy context="default">\(everyUser)<allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
      </busconfig>
      """)
    daemon = try ChildProcess("/usr/bin/dbus-daemon", ["--config-file=\(config)", "--nofork", "--nopidfile"])
    address = "unix:path=\(socket)"
    try waitForBus()
  }

  /// The socket file appears at bind(), before listen(): wait until the bus answers a call,
  /// or a test that stops the daemon at once could find it refusing connections instead.
  private func waitForBus() throws {
    try waitUntil("dbus-daemon answers") {
      try FileManager.default.fileExists(atPath: directory.path + "/bus") && self.busAnswers()
    }
  }

  /// A new dbus-daemon at the same address, after the old one has gone (it is stopped first).
  func restartBus() throws {
    daemon.stop()
    daemon = try ChildProcess("/usr/bin/dbus-daemon", ["--config-file=\(config)", "--nofork", "--nopidfile"])
    try waitForBus()
  }

  /// Starts dunst on this bus (on the suite's Xvfb display) and waits until it owns the name;
  /// `config` replaces the suite's dunstrc, and `log` receives every notification (`-print`).
  func startDunst(config: String? = nil, log: String? = nil) throws -> ChildProcess {
    let display = try #require(Stack.environment["DISPLAY"], "run the suite through scripts/test (it starts Xvfb)")
    let config = try config ?? #require(Stack.environment["AFFIRM_TEST_DUNSTRC"], "run the suite through scripts/test")
    let dunst = try ChildProcess(
      "/usr/bin/dunst", ["-config", config] + (log == nil ? [] : ["-print"]),
      environment: ["DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": address, "HOME": directory.path],
      stdout: log ?? "/dev/null")
    server = dunst
    try waitUntil("dunst owns org.freedesktop.Notifications") { try self.hasNotificationServer() }
    return dunst
  }

  func busAnswers() throws -> Bool {
    let result = try runProcess(
      "/usr/bin/dbus-send",
      [
        "--bus=\(address)", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus.GetId",
      ])
    return result.status == 0
  }

  func hasNotificationServer() throws -> Bool {
    let result = try runProcess(
      "/usr/bin/dbus-send",
      [
        "--bus=\(address)", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications",
      ])
    return result.stdout.contains("boolean true")
  }

  deinit {
    server?.stop()
    daemon.stop()
  }
}

/// Polls `condition` until it holds. The timeout only ends a wait for something that should
/// come: generous, as it costs nothing when the thing comes (never use it to prove absence).
func waitUntil(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
  let deadline = Date().addingTimeInterval(timeout)
  while try !condition() {
    if Date() > deadline { throw WaitTimeout(what: what) }
    Thread.sleep(forTimeInterval: 0.02)
  }
}

struct WaitTimeout: Error, CustomStringConvertible {
  var what: String
  var description: String { "timed out waiting until \(what)" }
}

/// A string no corpus line will contain by chance.
func uniqueMarker() -> String { "marker-" + UUID().uuidString.prefix(8).lowercased() }

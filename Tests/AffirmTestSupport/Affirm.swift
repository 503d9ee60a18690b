import Foundation

/// Runs the built binary the way a user, cron or a script would.
package enum Affirm {
  /// `AFFIRM_BIN` (set by scripts/test), else the debug build beside the package.
  package static var binary: String {
    if let path = ProcessInfo.processInfo.environment["AFFIRM_BIN"], !path.isEmpty { return path }
    return packageRoot + "/.build/debug/affirm"
  }

  package static var packageRoot: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }

  /// Runs `affirm arguments`; `environment` replaces the whole environment when given. Where
  /// it would leave the state in the user's real home (no environment, or one with neither
  /// HOME nor XDG_STATE_HOME), the state directory is one of this test process's own: the real
  /// one may hold a database another build of affirm wrote.
  package static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> RunResult {
    var chosen = environment ?? ProcessInfo.processInfo.environment
    if environment == nil || (chosen["HOME"] == nil && chosen["XDG_STATE_HOME"] == nil) {
      chosen["XDG_STATE_HOME"] = privateStateHome
    }
    return try runProcess(binary, arguments, environment: chosen)
  }

  package static let privateStateHome = FileManager.default.temporaryDirectory
    .appendingPathComponent("affirm-test-state-\(getpid())").path

  /// nobody's uid and gid: the user `runDroppingRoot` runs as when the tests run as root.
  package static let unprivilegedID: UInt32 = 65534

  /// Whether root can drop its privileges with setpriv (util-linux), so that permissions bind
  /// as they do for a user. CI runs the tests as root, where they would not bind otherwise.
  package static let canDropPrivileges =
    getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

  /// Runs `affirm arguments` with exactly `environment`, as nobody (uid 65534, through setpriv,
  /// no supplementary groups) when the tests run as root, else as the user running them. What
  /// the command must read has to be readable by others (the temporary directories are).
  package static func runDroppingRoot(_ arguments: [String], environment: [String: String]) throws -> RunResult {
    guard getuid() == 0 else { return try run(arguments, environment: environment) }
    let id = unprivilegedID
    return try runProcess(
      "/usr/bin/setpriv",
      ["--reuid=\(id)", "--regid=\(id)", "--clear-groups", "/usr/bin/env", "-i"]
        + environment.map { "\($0.key)=\($0.value)" } + [binary] + arguments)
  }
}

/// The binary's path as /proc/self/exe reports it (links resolved).
package var resolvedBinary: String {
  guard let resolved = realpath(Affirm.binary, nil) else { return Affirm.binary }
  defer { free(resolved) }
  return String(cString: resolved)
}

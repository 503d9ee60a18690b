import Foundation
import Testing

/// A home directory for install and uninstall: nothing outside it is touched.
struct InstallHome {
  let directory: TemporaryDirectory
  var path: String { directory.path }
  var unit: String { path + "/.config/systemd/user/affirm.service" }
  var autostart: String { path + "/.config/autostart/affirm.desktop" }
  var environment: [String: String] { ["HOME": path, "PATH": "/usr/bin:/bin"] }

  init() throws { directory = try TemporaryDirectory() }

  func affirm(_ arguments: [String]) throws -> RunResult { try Affirm.run(arguments, environment: environment) }

  func read(_ file: String) throws -> String { try String(contentsOfFile: file, encoding: .utf8) }

  /// Every file and link under the home, relative to it, sorted.
  func listing() throws -> [String] {
    (FileManager.default.subpaths(atPath: path) ?? []).sorted()
  }

  func modificationDate(_ file: String) throws -> Date? {
    try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date
  }
}

/// The binary's path as /proc/self/exe reports it (links resolved).
var resolvedBinary: String {
  guard let resolved = realpath(Affirm.binary, nil) else { return Affirm.binary }
  defer { free(resolved) }
  return String(cString: resolved)
}

let systemdAnalyze = "/usr/bin/systemd-analyze"

@Suite("affirm install and uninstall", .timeLimit(.minutes(3)))
struct InstallTests {
  @Test("install writes the systemd user unit, prints how to enable it and where the log is")
  func installUnit() throws {
    let home = try InstallHome()
    let result = try home.affirm(["install"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("wrote \(home.unit)"))
    #expect(result.stdout.contains("systemctl --user daemon-reload && systemctl --user enable --now affirm.service"))
    #expect(result.stdout.contains("journalctl --user -u affirm"))
    let unit = try home.read(home.unit)
    #expect(unit.hasPrefix("# Written by affirm install; affirm uninstall removes it.\n"))
    #expect(unit.contains("\nExecStart=\(resolvedBinary) run\n"))
    #expect(unit.contains("\nRestart=on-failure\n"))
    #expect(unit.contains("\nWantedBy=default.target\n"))
    #expect(
      try home.listing() == [
        ".config", ".config/systemd", ".config/systemd/user", ".config/systemd/user/affirm.service",
      ])
  }

  @Test("install follows XDG_CONFIG_HOME")
  func xdgConfigHome() throws {
    let home = try InstallHome()
    let result = try Affirm.run(
      ["install", "--autostart"], environment: home.environment.merging(["XDG_CONFIG_HOME": home.path + "/cfg"]) { $1 })
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: home.path + "/cfg/autostart/affirm.desktop"))
  }

  @Test("a second install leaves the identical file alone and says so; a different binary updates it")
  func idempotent() throws {
    let home = try InstallHome()
    #expect(try home.affirm(["install"]).status == 0)
    let before = try home.read(home.unit)
    // A stamp in the past, so that any rewrite shows (without waiting for the clock to move on).
    let stamp = Date(timeIntervalSince1970: 1_000_000_000)
    try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: home.unit)
    let again = try home.affirm(["install"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.hasPrefix("already installed: \(home.unit)"))
    #expect(try home.read(home.unit) == before)
    #expect(try home.modificationDate(home.unit) == stamp)

    let other = try home.affirm(["install", "--binary", "/bin/true"])
    #expect(other.status == 0, "\(other.stderr)")
    #expect(other.stdout.hasPrefix("updated \(home.unit)"))
    #expect(try home.read(home.unit).contains("\nExecStart=/bin/true run\n"))
    #expect(try home.listing().filter { $0.contains(".tmp") }.isEmpty)
  }

  @Test("a unit affirm did not write is never overwritten (exit 73) and never removed")
  func foreignFile() throws {
    let home = try InstallHome()
    try FileManager.default.createDirectory(
      atPath: home.path + "/.config/systemd/user", withIntermediateDirectories: true)
    let mine = "[Unit]\nDescription=my own affirm unit\n"
    try mine.write(toFile: home.unit, atomically: true, encoding: .utf8)
    let result = try home.affirm(["install"])
    #expect(result.status == 73)
    #expect(
      result.stderr.contains("affirm: \(home.unit) exists and affirm did not write it"), "\(result.stderr)")
    #expect(try home.read(home.unit) == mine)

    let removal = try home.affirm(["uninstall"])
    #expect(removal.status == 0, "\(removal.stderr)")
    #expect(removal.stdout.contains("left \(home.unit) alone: affirm did not write it"))
    #expect(try home.read(home.unit) == mine)
  }

  @Test("--autostart writes the XDG autostart entry instead of the unit")
  func autostart() throws {
    let home = try InstallHome()
    let result = try home.affirm(["install", "--autostart"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("wrote \(home.autostart)"))
    let entry = try home.read(home.autostart)
    let lines = entry.split(separator: "\n").map(String.init)
    #expect(lines.first == "# Written by affirm install; affirm uninstall removes it.")
    for expected in [
      "[Desktop Entry]", "Type=Application", "Name=affirm", "Exec=\(resolvedBinary) run", "NoDisplay=true",
      "X-GNOME-Autostart-enabled=true",
    ] {
      #expect(lines.contains(expected), "missing \(expected)")
    }
    #expect(lines.contains { $0.hasPrefix("Comment=") })
    #expect(!FileManager.default.fileExists(atPath: home.unit))
    #expect(try home.affirm(["install", "--autostart"]).stdout.hasPrefix("already installed: \(home.autostart)"))
  }

  @Test("--cron prints crontab lines with the absolute binary and writes nothing")
  func cron() throws {
    let home = try InstallHome()
    let result = try home.affirm(["install", "--cron"])
    #expect(result.status == 0, "\(result.stderr)")
    let entries = result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
    #expect(
      entries == [
        "0 8 * * * \(resolvedBinary) send --tag morning",
        "30 23 * * * \(resolvedBinary) send --tag late-night --urgency critical",
      ])
    #expect(result.stdout.contains("no DBUS_SESSION_BUS_ADDRESS"))
    #expect(try home.listing().isEmpty)
  }

  @Test("uninstall removes the unit and the autostart entry, says so, and then has nothing to remove")
  func uninstall() throws {
    let home = try InstallHome()
    #expect(try home.affirm(["install"]).status == 0)
    #expect(try home.affirm(["install", "--autostart"]).status == 0)
    let result = try home.affirm(["uninstall"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("removed \(home.unit)"))
    #expect(result.stdout.contains("removed \(home.autostart)"))
    #expect(result.stdout.contains("systemctl --user daemon-reload"))
    #expect(!FileManager.default.fileExists(atPath: home.unit))
    #expect(!FileManager.default.fileExists(atPath: home.autostart))
    // The directories stay: other programs' files may live there.
    #expect(try home.listing() == [".config", ".config/autostart", ".config/systemd", ".config/systemd/user"])

    let again = try home.affirm(["uninstall"])
    #expect(again.status == 0)
    #expect(again.stdout == "nothing to remove: affirm install has written nothing here\n")
  }

  /// nss_wrapper (libnss-wrapper, which scripts/test installs) answers getpwuid from a passwd
  /// file of the test's own, so the passwd home can be a temporary directory.
  static let nssWrapper = "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so"

  @Test("with HOME unset, install and uninstall use the passwd entry's home, as every other command does")
  func passwdHome() throws {
    try #require(
      FileManager.default.fileExists(atPath: Self.nssWrapper), "needs libnss-wrapper (scripts/test installs it)")
    let home = try InstallHome()
    let files = try TemporaryDirectory()
    try "me:x:\(getuid()):\(getgid()):me:\(home.path):/bin/sh\n"
      .write(toFile: files.path + "/passwd", atomically: true, encoding: .utf8)
    try "me:x:\(getgid()):\n".write(toFile: files.path + "/group", atomically: true, encoding: .utf8)
    let environment = [
      "PATH": "/usr/bin:/bin", "LD_PRELOAD": Self.nssWrapper,
      "NSS_WRAPPER_PASSWD": files.path + "/passwd", "NSS_WRAPPER_GROUP": files.path + "/group",
    ]
    let result = try Affirm.run(["install"], environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("wrote \(home.unit)"), "\(result.stdout)")
    #expect(try home.read(home.unit).contains("\nExecStart=\(resolvedBinary) run\n"))
    let removed = try Affirm.run(["uninstall"], environment: environment)
    #expect(removed.status == 0, "\(removed.stderr)")
    #expect(removed.stdout.contains("removed \(home.unit)"))
  }

  @Test("an enabled unit is kept until it is disabled: exit 75 with the systemctl command")
  func enabledUnit() throws {
    let home = try InstallHome()
    #expect(try home.affirm(["install"]).status == 0)
    let wants = home.path + "/.config/systemd/user/default.target.wants"
    try FileManager.default.createDirectory(atPath: wants, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: wants + "/affirm.service", withDestinationPath: home.unit)
    let reinstall = try home.affirm(["install"])
    #expect(reinstall.stdout.contains("It is enabled."))

    let result = try home.affirm(["uninstall"])
    #expect(result.status == 75)
    #expect(result.stderr.contains("systemctl --user disable --now affirm.service"), "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: home.unit))

    try FileManager.default.removeItem(atPath: wants + "/affirm.service")
    let after = try home.affirm(["uninstall"])
    #expect(after.status == 0, "\(after.stderr)")
    #expect(after.stdout.contains("removed \(home.unit)"))
  }

  @Test("--binary must be an absolute path to an executable; systemd-unsafe paths are refused")
  func binaryValidation() throws {
    let home = try InstallHome()
    let relative = try home.affirm(["install", "--binary", "bin/affirm"])
    #expect(relative.status == 64)
    #expect(relative.stderr.contains("--binary bin/affirm: not an absolute path"))
    let missing = try home.affirm(["install", "--binary", home.path + "/none"])
    #expect(missing.status == 64)
    #expect(missing.stderr.contains("no such file or directory"))
    let quoted = home.path + "/it's"
    try FileManager.default.copyItem(atPath: "/bin/true", toPath: quoted)
    let refused = try home.affirm(["install", "--binary", quoted])
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("systemd runs no executable whose path holds a quote"))
    #expect(try home.affirm(["install", "--autostart", "--cron"]).status == 64)
  }

  @Test(
    "the unit passes systemd-analyze verify, also with a space and a % in the binary's path",
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: systemdAnalyze),
      "systemd-analyze is not installed (Debian package systemd)"))
  func verify() throws {
    let home = try InstallHome()
    let odd = home.path + "/my apps 100%"
    try FileManager.default.createDirectory(atPath: odd, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "/bin/true", toPath: odd + "/affirm")
    let runtime = home.path + "/runtime"
    try FileManager.default.createDirectory(
      atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    for binary in [nil, odd + "/affirm"] {
      let install = try home.affirm(["install"] + (binary.map { ["--binary", $0] } ?? []))
      #expect(install.status == 0, "\(install.stderr)")
      let result = try runProcess(
        systemdAnalyze, ["--user", "verify", home.unit],
        environment: ["HOME": home.path, "XDG_RUNTIME_DIR": runtime, "PATH": "/usr/bin:/bin"])
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      // Unknown keys and bad values are only warnings to systemd: none may appear.
      #expect(result.stderr == "", "\(result.stderr)")
    }
  }
}

@Suite("affirm doctor", .serialized, .timeLimit(.minutes(3)))
struct DoctorTests {
  @Test("a healthy setup: exit 0, names dunst, and sees the daemon come and go")
  func healthy() throws {
    let home = try DaemonHome()
    let environment = try home.environment()
    let result = try Affirm.run(["doctor"], environment: environment)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let text = flattened(result.stdout)
    #expect(text.contains("✓ session bus: found through DBUS_SESSION_BUS_ADDRESS \(try Stack.busAddress())"))
    #expect(text.contains("✓ notification server: dunst"))
    #expect(text.contains("body-markup"))
    #expect(text.contains("buttons: late-night and urge lines offer \"It passed\""))
    #expect(text.contains("✓ config: the built-in default"))

    #expect(text.contains("✓ corpus: built-in"))
    #expect(text.contains("! state database: not created yet"))
    #expect(text.contains("! daemon: not running not set up to start with your session fix: affirm install"))
    #expect(text.contains("✓ next fire times:"))
    #expect(result.stdout.hasSuffix("\nA notification can be shown now. 2 things above need care.\n"))
    expectReadable(result.stdout)

    let daemon = try home.start()
    defer { daemon.stop() }
    try home.waitForLog("started")
    let running = try Affirm.run(["doctor"], environment: environment)
    #expect(running.status == 0)
    #expect(running.stdout.contains("\n✓ daemon: running (pid \(daemon.pid))\n"), "\(running.stdout)")
    #expect(running.stdout.contains("✓ state database: 0 notifications shown so far"), "\(running.stdout)")
    daemon.stop()
    // The lock file still names the pid, but nobody holds the lock: not running.
    let stopped = try Affirm.run(["doctor"], environment: environment)
    #expect(stopped.stdout.contains("\n! daemon: not running\n"), "\(stopped.stdout)")
    #expect(flattened(stopped.stdout).contains("names pid \(daemon.pid), which no longer holds it"))
  }

  @Test("with the unit installed, the fix for a stopped daemon is the systemctl command")
  func installedButStopped() throws {
    let home = try DaemonHome()
    var environment = try home.environment()
    environment["XDG_CONFIG_HOME"] = home.directory.path + "/cfg"
    #expect(try Affirm.run(["install"], environment: environment).status == 0)
    let result = try Affirm.run(["doctor"], environment: environment)
    #expect(result.status == 0, "\(result.stdout)")
    #expect(
      flattened(result.stdout).contains(
        "set up as a systemd user unit (not enabled): \(home.directory.path)/cfg/systemd/user/affirm.service"))
    #expect(result.stdout.contains("\n      systemctl --user enable --now affirm.service\n"))
  }

  @Test("no bus at all: exit 69, says how to fix it")
  func noBus() throws {
    let home = try InstallHome()
    let result = try Affirm.run(["doctor"], environment: ["HOME": home.path])
    #expect(result.status == 69, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ session bus: none found"))
    #expect(text.contains("fix: run affirm inside your desktop session, or set DBUS_SESSION_BUS_ADDRESS"))
    #expect(text.contains("✗ notification server: not checked without a bus"))
    #expect(result.stdout.hasSuffix("\nNo notification can be shown now; fix the ✗ lines above.\n"))
    expectReadable(result.stdout)
  }

  @Test("a bus with no notification server: exit 69, says how to fix it")
  func noServer() throws {
    let bus = try PrivateBus()
    let home = try InstallHome()
    let result = try Affirm.run(["doctor"], environment: ["HOME": home.path, "DBUS_SESSION_BUS_ADDRESS": bus.address])
    #expect(result.status == 69, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✓ session bus: found through DBUS_SESSION_BUS_ADDRESS \(bus.address)"))
    #expect(text.contains("✗ notification server: none on the bus"))
    #expect(text.contains("fix: start one, such as dunst or mako"))
  }

  @Test("a bad config: exit 65 with file:line:column")
  func badConfig() throws {
    let home = try DaemonHome()
    try "timezone = \"UTC\"\n[[slot]]\nname = \"x\"\nat = [\"25:00\"]\n"
      .write(toFile: home.config, atomically: true, encoding: .utf8)
    let result = try Affirm.run(["doctor", "--config", home.config], environment: try home.environment())
    #expect(result.status == 65, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ config: invalid \(home.config):4:7: invalid time \"25:00\""), "\(result.stdout)")
    #expect(text.contains("affirm check lists every problem"))
    #expect(!text.contains("next fire times"))
  }

  @Test("a state database that is a directory is a problem with its fix; notifications still work")
  func stateDirectory() throws {
    let home = try DaemonHome()
    let database = home.directory.path + "/state/affirm/state.sqlite"
    try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
    let result = try Affirm.run(["doctor"], environment: try home.environment())
    #expect(result.status == 0, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ state database: unusable \(database) it is a directory, not a database"))
    #expect(text.contains("mv \(database) \(database).old"))
  }

  @Test("a state database of garbage bytes is a problem, and says what send will do about it")
  func stateGarbage() throws {
    let home = try DaemonHome()
    let database = home.directory.path + "/state/affirm/state.sqlite"
    try FileManager.default.createDirectory(
      atPath: home.directory.path + "/state/affirm", withIntermediateDirectories: true)
    try home.directory.write("state/affirm/state.sqlite", bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) })
    let result = try Affirm.run(["doctor"], environment: try home.environment())
    #expect(result.status == 0, "\(result.stdout)")
    let text = flattened(result.stdout)
    #expect(text.contains("✗ state database: unusable \(database) file is not a database"), "\(result.stdout)")
    #expect(text.contains("moves it aside"))
  }

  /// The report with each wrapped or indented line joined to the one before, so that
  /// expectations do not depend on where a long temporary path made a line break.
  func flattened(_ output: String) -> String {
    output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
  }

  /// Lines fit 80 columns, except a single word too long for any line (a temporary path)
  /// or a command shown whole.
  func expectReadable(_ output: String) {
    for line in output.split(separator: "\n") where line.count > 80 {
      let words = line.split(separator: " ")
      #expect(words.count == 1 || line.hasPrefix("      "), "too wide: \(line)")
    }
  }
}

@Suite(
  "scripts/install (a release build; scripts/test sets AFFIRM_TEST_INSTALL_SCRIPT=1)",
  .enabled(
    if: ProcessInfo.processInfo.environment["AFFIRM_TEST_INSTALL_SCRIPT"] == "1",
    "builds release into .build-install-test, minutes the first time: run with AFFIRM_TEST_INSTALL_SCRIPT=1"),
  // A first release build on two shared cores: minutes.
  .timeLimit(.minutes(20)))
struct InstallScriptTests {
  @Test("installs the binary, corpus, completions and man page into PREFIX, then affirm install uses it")
  func installScript() throws {
    let home = try InstallHome()
    let prefix = home.path + "/prefix"
    // The script keeps the real HOME: SwiftPM finds its package cache (and any mirrors) there,
    // so a fresh build directory resolves offline. The temporary HOME serves affirm install.
    var environment = ProcessInfo.processInfo.environment
    // swift test holds the lock on its own scratch path while the tests run, so a build into
    // that one would wait forever: the script builds into a directory of its own.
    environment["AFFIRM_SCRATCH_PATH"] =
      environment["AFFIRM_TEST_INSTALL_SCRATCH_PATH"] ?? Affirm.packageRoot + "/.build-install-test"
    let result = try runProcess(Affirm.packageRoot + "/scripts/install", [prefix], environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    let expected = [
      "bin/affirm", "share/affirm/affirmations/no-contact.txt", "share/bash-completion/completions/affirm",
      "share/zsh/site-functions/_affirm", "share/fish/vendor_completions.d/affirm.fish", "share/man/man1/affirm.1",
      "share/icons/hicolor/scalable/apps/affirm.svg", "share/applications/affirm.desktop",
    ]
    for file in expected {
      let path = prefix + "/" + file
      let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
      #expect(size > 0, "\(file) missing or empty")
      // Files are listed one by one, the corpus as its directory.
      #expect(result.stdout.contains(file.hasPrefix("share/affirm/") ? prefix + "/share/affirm/affirmations/" : path))
    }
    #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/affirm"))
    #expect(try String(contentsOfFile: prefix + "/share/man/man1/affirm.1", encoding: .utf8).contains("doctor"))
    #expect(
      try String(contentsOfFile: prefix + "/share/bash-completion/completions/affirm", encoding: .utf8)
        .contains("install"))
    #expect(result.stdout.contains("the binary embeds it"))
    // The desktop entry the notifications' desktop-entry hint names: hidden, with the icon.
    let entry = try String(contentsOfFile: prefix + "/share/applications/affirm.desktop", encoding: .utf8)
    #expect(entry.contains("\nNoDisplay=true\n") && entry.contains("\nIcon=affirm\n"))
    #expect(result.stdout.contains("next: \(prefix)/bin/affirm install"))

    let version = try runProcess(prefix + "/bin/affirm", ["--version"], environment: [:])
    #expect(version.stdout == "0.1.0\n")
    try expectRunsWithoutToolchain(prefix + "/bin/affirm", home: home)
    let install = try runProcess(prefix + "/bin/affirm", ["install"], environment: home.environment)
    #expect(install.status == 0, "\(install.stderr)")
    #expect(try home.read(home.unit).contains("\nExecStart=\(prefix)/bin/affirm run\n"))
  }

  /// Runs `binary` where the Swift toolchain cannot be reached: as root, in a mount namespace
  /// with an empty tmpfs over the toolchain (a RUNPATH into it would otherwise still find it);
  /// else (not root, or no namespaces allowed) with a bare environment, and the loader's list
  /// of what it needs checked instead.
  func expectRunsWithoutToolchain(_ binary: String, home: InstallHome) throws {
    let path = ProcessInfo.processInfo.environment["PATH", default: ""]
    let onPath = path.split(separator: ":").map { String($0) + "/swift" }
    let swift = onPath.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/opt/swift/usr/bin/swift"
    // <toolchain>/usr/bin/swift: hide <toolchain>.
    let toolchain = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().path
    try "timezone = \"Europe/Berlin\"\n[[slot]]\nname = \"m\"\nat = [\"02:30\"]\n".write(
      toFile: home.path + "/config.toml", atomically: true, encoding: .utf8)
    let commands = [
      ["--version"], ["next", "--count", "1", "--from", "2027-03-28T00:00", "--config", home.path + "/config.toml"],
      ["send", "--dry-run", "--tag", "morning"], ["check"],
    ]
    let bare = ["PATH": "/usr/bin:/bin", "HOME": home.path, "LD_LIBRARY_PATH": ""]
    let unshare = "/usr/bin/unshare"
    // A container may refuse a mount namespace even to root: then the bare environment.
    var namespaces = getuid() == 0 && FileManager.default.isExecutableFile(atPath: unshare)
    if namespaces {
      let probe = try runProcess(unshare, ["-m", "/bin/sh", "-c", "mount -t tmpfs none \"$0\"", toolchain])
      namespaces = probe.status == 0
    }
    guard namespaces else {
      let loader = try runProcess("/usr/bin/ldd", [binary], environment: bare)
      #expect(!loader.stdout.contains(toolchain) && !loader.stdout.contains("libswift"), "\(loader.stdout)")
      for command in commands {
        let result = try runProcess(binary, command, environment: bare)
        #expect(result.status == 0, "\(command): \(result.stderr)")
      }
      return
    }
    let hidden = { (binary: String, command: [String]) throws -> RunResult in
      try runProcess(
        unshare, ["-m", "/bin/sh", "-c", "mount -t tmpfs none \"$0\" && exec \"$@\"", toolchain, binary] + command,
        environment: bare)
    }
    // The control: the test's own build (dynamically linked, in debug) cannot start there.
    if try runProcess("/usr/bin/ldd", [Affirm.binary]).stdout.contains("libswiftCore") {
      let control = try hidden(Affirm.binary, ["--version"])
      #expect(control.status == 127, "the toolchain was not hidden: \(control.stdout)\(control.stderr)")
      #expect(control.stderr.contains("libswift"), "\(control.stderr)")
    }
    for command in commands {
      let result = try hidden(binary, command)
      #expect(result.status == 0, "\(command) without \(toolchain): \(result.stderr)")
      #expect(!result.stdout.isEmpty, "\(command)")
    }
    #expect(try hidden(binary, ["--version"]).stdout == "0.1.0\n")
    #expect(try hidden(binary, commands[1]).stdout.hasPrefix("2027-03-28T03:30:00+02:00"))
  }
}

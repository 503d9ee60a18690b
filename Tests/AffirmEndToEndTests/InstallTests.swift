import AffirmTestSupport
import Foundation
import Testing

let systemdAnalyze = "/usr/bin/systemd-analyze"

@Suite("affirm install and uninstall", .timeLimit(.minutes(10)))
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

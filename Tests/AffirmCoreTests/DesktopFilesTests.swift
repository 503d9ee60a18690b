import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("desktop files: what affirm install writes", .timeLimit(.minutes(2)))
struct DesktopFilesTests {
  let binary = "/home/me/.local/bin/affirm"

  @Test("files go under an absolute XDG_CONFIG_HOME, else HOME/.config; neither means nil")
  func locations() throws {
    let xdg = try #require(DesktopFiles.Locations(environment: ["HOME": "/home/a", "XDG_CONFIG_HOME": "/cfg/"]))
    #expect(xdg.unit == "/cfg/systemd/user/affirm.service")
    #expect(xdg.autostart == "/cfg/autostart/affirm.desktop")
    let home = try #require(DesktopFiles.Locations(environment: ["HOME": "/home/a/", "XDG_CONFIG_HOME": "rel"]))
    #expect(home.unit == "/home/a/.config/systemd/user/affirm.service")
    #expect(home.unitDirectory == "/home/a/.config/systemd/user")
    #expect(home.autostart == "/home/a/.config/autostart/affirm.desktop")
    #expect(DesktopFiles.Locations(environment: [:]) == nil)
    #expect(DesktopFiles.Locations(environment: ["HOME": "relative"]) == nil)
  }

  @Test("the unit runs the binary, restarts on failure and is wanted by default.target")
  func unit() {
    let text = DesktopFiles.systemdUnit(binary: binary)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == DesktopFiles.marker)
    #expect(DesktopFiles.isOurs(text))
    for expected in [
      "[Unit]", "[Service]", "ExecStart=/home/me/.local/bin/affirm run", "Restart=on-failure", "RestartSec=10",
      "[Install]", "WantedBy=default.target", "ExecReload=/bin/kill -HUP $MAINPID",
    ] {
      #expect(lines.contains(expected), "missing \(expected)")
    }
    #expect(lines.contains { $0.hasPrefix("Description=") })
    // The choice about the graphical session is explained in comments, not made in directives.
    let directives = lines.filter { !$0.hasPrefix("#") }
    #expect(!directives.contains { $0.contains("graphical-session") })
    #expect(lines.contains { $0.hasPrefix("#") && $0.contains("PartOf=") })
    #expect(text.hasSuffix("\n"))
    #expect(lines.allSatisfy { $0.count <= 100 })
  }

  @Test("the autostart entry has the keys the XDG autostart spec and GNOME read")
  func autostart() {
    let text = DesktopFiles.autostartEntry(binary: binary)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == DesktopFiles.marker)
    #expect(lines.dropFirst().first == "[Desktop Entry]")
    for expected in [
      "Type=Application", "Name=affirm", "Exec=/home/me/.local/bin/affirm run", "NoDisplay=true",
      "X-GNOME-Autostart-enabled=true",
    ] {
      #expect(lines.contains(expected), "missing \(expected)")
    }
    #expect(lines.contains { $0.hasPrefix("Comment=") })
  }

  @Test("the cron lines send a morning and a critical late-night line, everything else is a comment")
  func cron() {
    let lines = DesktopFiles.crontab(binary: binary).split(separator: "\n").map(String.init)
    let entries = lines.filter { !$0.hasPrefix("#") }
    #expect(
      entries == [
        "0 8 * * * /home/me/.local/bin/affirm send --tag morning",
        "30 23 * * * /home/me/.local/bin/affirm send --tag late-night --urgency critical",
      ])
    #expect(lines.contains { $0.contains("DBUS_SESSION_BUS_ADDRESS") })
  }

  @Test("paths are quoted for each format: systemd, desktop entry, sh under cron")
  func quoting() {
    #expect(DesktopFiles.systemdQuoted("/opt/my apps/affirm") == "\"/opt/my apps/affirm\"")
    #expect(DesktopFiles.systemdQuoted("/opt/100%/affirm") == "/opt/100%%/affirm")
    #expect(DesktopFiles.systemdQuoted("/opt/a$b/affirm") == "/opt/a$b/affirm")
    #expect(DesktopFiles.desktopExecQuoted("/usr/bin/affirm") == "/usr/bin/affirm")
    #expect(DesktopFiles.desktopExecQuoted("/opt/my apps/affirm") == "\"/opt/my apps/affirm\"")
    #expect(DesktopFiles.desktopExecQuoted("/opt/50%/affirm") == "/opt/50%%/affirm")
    // The spec: a literal backslash in a quoted argument takes four backslashes.
    #expect(DesktopFiles.desktopExecQuoted("/opt/a\\b") == #""/opt/a\\\\b""#)
    #expect(DesktopFiles.desktopExecQuoted("/opt/$x") == #""/opt/\\$x""#)
    #expect(DesktopFiles.cronQuoted("/usr/bin/affirm") == "/usr/bin/affirm")
    #expect(DesktopFiles.cronQuoted("/opt/my apps/affirm") == "'/opt/my apps/affirm'")
    #expect(DesktopFiles.cronQuoted("/opt/it's/affirm") == #"'/opt/it'\''s/affirm'"#)
    #expect(DesktopFiles.cronQuoted("/opt/50%/affirm") == #"/opt/50\%/affirm"#)
  }

  @Test("a path must be absolute and on one line; systemd takes no quote or backslash in it")
  func pathProblems() {
    #expect(DesktopFiles.pathProblem("/usr/bin/affirm") == nil)
    #expect(DesktopFiles.pathProblem("bin/affirm") == "not an absolute path")
    #expect(DesktopFiles.pathProblem("/a\nb") != nil)
    #expect(DesktopFiles.unitPathProblem("/opt/my apps/affirm") == nil)
    #expect(DesktopFiles.unitPathProblem("/opt/it's/affirm") != nil)
    #expect(DesktopFiles.unitPathProblem("/opt/a\\b") != nil)
  }

  @Test("only a file whose first line is the marker is affirm's")
  func marker() {
    #expect(DesktopFiles.isOurs(DesktopFiles.marker + "\n[Unit]\n"))
    #expect(DesktopFiles.isOurs(DesktopFiles.marker + "  \r\n[Unit]\n"))
    #expect(DesktopFiles.isOurs(DesktopFiles.marker))
    #expect(!DesktopFiles.isOurs("[Unit]\n" + DesktopFiles.marker + "\n"))
    #expect(!DesktopFiles.isOurs("# my own unit\n"))
    #expect(!DesktopFiles.isOurs(""))
  }

  @Test("install plans: create, leave alone, update, refuse")
  func plans() {
    let desired = DesktopFiles.systemdUnit(binary: binary)
    #expect(DesktopFiles.plan(existing: .missing, desired: desired) == .create)
    #expect(DesktopFiles.plan(existing: .ours(desired), desired: desired) == .unchanged)
    #expect(
      DesktopFiles.plan(existing: .ours(DesktopFiles.systemdUnit(binary: "/usr/bin/affirm")), desired: desired)
        == .update)
    #expect(DesktopFiles.plan(existing: .foreign, desired: desired) == .refuse)
    #expect(DesktopFiles.plan(existing: .notRegularFile, desired: desired) == .refuse)
  }

  @Test("install creates, leaves an identical file alone, updates its own, refuses others")
  func installFiles() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/deep/er/affirm.service"
    let first = DesktopFiles.systemdUnit(binary: binary)
    #expect(try DesktopFiles.install(first, at: path) == .created)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == first)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o644)
    #expect(try DesktopFiles.install(first, at: path) == .unchanged)
    let second = DesktopFiles.systemdUnit(binary: "/usr/bin/affirm")
    #expect(try DesktopFiles.install(second, at: path) == .updated)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == second)

    let foreign = directory + "/foreign.service"
    try "[Unit]\nDescription=mine\n".write(toFile: foreign, atomically: true, encoding: .utf8)
    #expect(throws: DesktopFileError.foreign(path: foreign, isRegularFile: true)) {
      try DesktopFiles.install(first, at: foreign)
    }
    #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "[Unit]\nDescription=mine\n")

    // A link is not replaced, even one that points at a file affirm wrote.
    let link = directory + "/link.service"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
    #expect(throws: DesktopFileError.foreign(path: link, isRegularFile: false)) {
      try DesktopFiles.install(first, at: link)
    }
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == path)
  }

  @Test("remove deletes only affirm's file and says what it found")
  func removeFiles() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let ours = directory + "/affirm.desktop"
    _ = try DesktopFiles.install(DesktopFiles.autostartEntry(binary: binary), at: ours)
    #expect(try DesktopFiles.remove(ours) == .removed)
    #expect(!FileManager.default.fileExists(atPath: ours))
    #expect(try DesktopFiles.remove(ours) == .absent)
    let foreign = directory + "/other.desktop"
    try "[Desktop Entry]\n".write(toFile: foreign, atomically: true, encoding: .utf8)
    #expect(try DesktopFiles.remove(foreign) == .foreign)
    #expect(FileManager.default.fileExists(atPath: foreign))
    #expect(try DesktopFiles.remove(directory + "/missing/dir/x") == .absent)
  }

  @Test("enablement links are found in any *.wants directory beside the unit, dangling or not")
  func enablement() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let locations = try #require(DesktopFiles.Locations(environment: ["XDG_CONFIG_HOME": directory]))
    #expect(DesktopFiles.enablementLinks(in: locations).isEmpty)
    let wants = locations.unitDirectory + "/default.target.wants"
    try FileManager.default.createDirectory(atPath: wants, withIntermediateDirectories: true)
    #expect(DesktopFiles.enablementLinks(in: locations).isEmpty)
    try FileManager.default.createSymbolicLink(atPath: wants + "/affirm.service", withDestinationPath: locations.unit)
    #expect(DesktopFiles.enablementLinks(in: locations) == [wants + "/affirm.service"])
  }

  @Test("a binary must be an absolute path to an executable regular file")
  func binaries() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(DesktopFiles.binaryProblem("/bin/sh") == nil)
    #expect(DesktopFiles.binaryProblem("sh") == "not an absolute path")
    #expect(DesktopFiles.binaryProblem(directory + "/none") == "no such file or directory")
    #expect(DesktopFiles.binaryProblem(directory) == "not a regular file")
    let plain = directory + "/plain"
    try "text".write(toFile: plain, atomically: true, encoding: .utf8)
    #expect(DesktopFiles.binaryProblem(plain) == "not executable")
  }

  @Test("the running binary is found through /proc/self/exe")
  func currentExecutable() throws {
    let path = try DesktopFiles.currentExecutable().get()
    #expect(path.hasPrefix("/"))
    #expect(DesktopFiles.binaryProblem(path) == nil)
  }

  func scratchDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-desktop-\(UUID().uuidString)")
      .path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

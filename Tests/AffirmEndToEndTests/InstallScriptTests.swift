import AffirmTestSupport
import Foundation
import Testing

@Suite(
  "scripts/install (a release build; scripts/test sets AFFIRM_TEST_INSTALL_SCRIPT=1)",
  .enabled(
    if: ProcessInfo.processInfo.environment["AFFIRM_TEST_INSTALL_SCRIPT"] == "1",
    "builds release into .build-install-test, minutes the first time: run with AFFIRM_TEST_INSTALL_SCRIPT=1"),
  // A first release build on two shared cores: minutes.
  .timeLimit(.minutes(20)))
struct InstallScriptTests {
  @Test("installs binary, corpus, completions and man page into PREFIX; affirm install uses it; uninstall removes it")
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

    // scripts/uninstall takes back every file, the unit through affirm uninstall, and keeps
    // the user's own config and state, naming them with the command that deletes them.
    let config = home.path + "/.config/affirm/config.toml"
    #expect(try runProcess(prefix + "/bin/affirm", ["config", "init"], environment: home.environment).status == 0)
    let uninstall = try runProcess(Affirm.packageRoot + "/scripts/uninstall", [prefix], environment: home.environment)
    #expect(uninstall.status == 0, "\(uninstall.stderr)")
    for file in expected + ["share/affirm"] {
      #expect(!FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file) left behind")
    }
    #expect(!FileManager.default.fileExists(atPath: home.unit))
    #expect(uninstall.stdout.contains("removed \(home.unit)"), "\(uninstall.stdout)")
    #expect(FileManager.default.fileExists(atPath: config))
    #expect(uninstall.stdout.contains("rm -r \(home.path)/.config/affirm"), "\(uninstall.stdout)")
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

import AffirmTestSupport
import Foundation
import Testing

/// affirm opens libnotify only to show a notification. Here the dynamic loader finds a broken
/// libnotify.so.4 first (an empty file on LD_LIBRARY_PATH), as on a system without libnotify4.
@Suite("affirm without a loadable libnotify", .needsNotificationStack, .timeLimit(.minutes(10)))
struct LibNotifyLoadingTests {
  let home: DaemonHome
  let library: String

  init() throws {
    home = try DaemonHome()
    library = home.directory.path + "/lib"
    try FileManager.default.createDirectory(atPath: library, withIntermediateDirectories: true)
    _ = try home.directory.write("lib/libnotify.so.4", "")
  }

  func environment(_ extra: [String: String] = [:]) throws -> [String: String] {
    try home.environment().merging(["LD_LIBRARY_PATH": library].merging(extra) { $1 }) { $1 }
  }

  var sentence: String {
    "libnotify could not be loaded (\(library)/libnotify.so.4: file too short); install it: apt install libnotify4"
  }

  @Test("send: exit 69 with the sentence that says how to install it, even with a working bus")
  func send() throws {
    let result = try Affirm.run(["send", "--config", home.config], environment: try environment())
    #expect(result.status == 69)
    #expect(result.stderr == "affirm: \(sentence)\n")
  }

  @Test("run: the daemon refuses to start, exit 69, rather than run without a way to deliver")
  func daemon() throws {
    let result = try Affirm.run(["run", "--config", home.config], environment: try environment())
    #expect(result.status == 69)
    #expect(result.stderr.hasSuffix("affirm: \(sentence)\n"), "\(result.stderr)")
  }

  @Test("doctor: says libnotify cannot be loaded and why, and how to install it")
  func doctor() throws {
    let result = try Affirm.run(["doctor", "--config", home.config], environment: try environment())
    #expect(result.status == 69)
    #expect(result.stdout.contains("✗ libnotify: cannot be loaded, so no notification can be shown"))
    #expect(result.stdout.contains("file too short"))
    #expect(result.stdout.contains("sudo apt install libnotify4"))
    #expect(result.stdout.contains("✓ session bus: found through DBUS_SESSION_BUS_ADDRESS"))
    #expect(result.stdout.contains("✗ notification server: not checked without libnotify"))
  }

  @Test(
    "commands that show nothing never open libnotify, GLib or GIO",
    arguments: [["--version"], ["next", "--count", "1"], ["send", "--dry-run"], ["status"], ["history"], ["check"]])
  func commandsThatShowNothing(_ arguments: [String]) throws {
    // The loader lists every library it opens on stderr.
    let result = try Affirm.run(arguments, environment: try environment(["LD_DEBUG": "files"]))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("libc.so.6"), "LD_DEBUG=files lists nothing here")
    for library in ["libnotify", "libglib", "libgio", "libgobject", "libgdk_pixbuf"] {
      #expect(!result.stderr.contains(library), "\(arguments) opened \(library)")
    }
  }
}

import Foundation

/// A home whose config lists the user's own corpus file, `~/mine.txt`.
package struct OwnCorpusHome {
  package let home: DaemonHome
  package var path: String { home.directory.path }
  package var config: String { home.config }
  package var mine: String { path + "/mine.txt" }

  package init(ownLines: String, config: String) throws {
    home = try DaemonHome()
    try home.directory.write("mine.txt", ownLines)
    try config.write(toFile: home.config, atomically: true, encoding: .utf8)
  }

  /// No bus: the commands here show nothing, or must not reach the shared stack.
  package var environment: [String: String] {
    ["HOME": path, "XDG_STATE_HOME": path + "/state", "PATH": "/usr/bin:/bin", "TZ": "UTC"]
  }

  package func affirm(_ arguments: [String]) throws -> RunResult { try Affirm.run(arguments, environment: environment) }
}

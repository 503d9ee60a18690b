package import Foundation

/// A home directory for install and uninstall: nothing outside it is touched.
package struct InstallHome {
  package let directory: TemporaryDirectory
  package var path: String { directory.path }
  package var unit: String { path + "/.config/systemd/user/affirm.service" }
  package var autostart: String { path + "/.config/autostart/affirm.desktop" }
  package var environment: [String: String] { ["HOME": path, "PATH": "/usr/bin:/bin"] }

  package init() throws { directory = try TemporaryDirectory() }

  package func affirm(_ arguments: [String]) throws -> RunResult { try Affirm.run(arguments, environment: environment) }

  package func read(_ file: String) throws -> String { try String(contentsOfFile: file, encoding: .utf8) }

  /// Every file and link under the home, relative to it, sorted.
  package func listing() throws -> [String] {
    (FileManager.default.subpaths(atPath: path) ?? []).sorted()
  }

  package func modificationDate(_ file: String) throws -> Date? {
    try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date
  }
}

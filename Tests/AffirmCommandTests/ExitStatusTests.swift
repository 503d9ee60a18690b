import AffirmCore
import AffirmState
import AffirmSystem
import TOML
import Testing

@testable import affirm

/// The executable alone maps errors to exit statuses; these are the README's table.
@Suite(.timeLimit(.minutes(2))) struct ExitStatusTests {
  static let state = StateError.unavailable(path: "/s", cause: .busy("database is locked"))

  static let table: [(error: any Error, status: Int32)] = [
    (SelectionError.unknownTags(["x"], known: []), 64),
    (SelectionError.noEligibleEntry(tags: []), 65),
    (ConfigLoadError.unreadable(path: "/c", reason: "r"), 66),
    (ConfigLoadError.invalid(ConfigError(TOML.SourceLocation(file: "c", line: 1), "m")), 65),
    (CorpusChoiceError(source: nil, .unreadable(path: "/x", reason: "r")), 66),
    (CorpusLoadError.noCorpusFiles(directory: "/d"), 66),
    (DeliveryError.noServer, 69),
    (state, 75),
    (ShownButNotRecorded(underlying: state), 75),
    (DaemonStartError.alreadyRunning(pid: 1), 75),
    (ConfigInitError.exists("/c"), 73),
    (ChartWriteError(path: "/c.svg", reason: "Is a directory"), 73),
    (DesktopFileError.foreign(path: "/f", isRegularFile: true), 73),
    (DesktopFileError.unreadable(path: "/f", reason: "r"), 66),
    (DesktopFileError.noHome, 78),
    (DesktopFileError.noExecutable("r"), 64),
  ]

  @Test("each error type a command reports ends the process with its status")
  func statuses() {
    for (error, status) in Self.table {
      let mapped: Int32 = ExitStatus(for: error).rawValue
      #expect(mapped == status, "\(error)")
    }
  }
}

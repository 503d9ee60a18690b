import Foundation
import Logging

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// A config parsed from `text` as the file config.toml.
func parseConfig(_ text: String) throws(ConfigError) -> Config {
  try ConfigParser.parse(Array(text.utf8), file: "config.toml")
}

/// `count` entries tagged `tag`, `"\(prefix) 0"`, `"\(prefix) 1"`, ...
func entries(_ count: Int, tag: String = "t", prefix: String = "line") -> [Affirmation] {
  (0..<count).map {
    Affirmation(text: "\(prefix) \($0)", tags: [tag], location: SourceLocation(file: "c", line: $0 + 1))
  }
}

/// A catalog over exactly these entries (as a corpus of one file).
func catalog(_ entries: [Affirmation]) -> Corpus {
  Corpus(files: [CorpusFile(path: "c", entries: entries, diagnostics: [])])
}

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A fresh state database in a temporary directory.
func temporaryStore() throws -> (StateStore, String) {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("affirm-state-\(UUID().uuidString)")
    .path
  let path = directory + "/state.sqlite"
  return (try StateStore.open(path: path, now: Instant(seconds: 1_800_000_000), logger: quietLogger), path)
}

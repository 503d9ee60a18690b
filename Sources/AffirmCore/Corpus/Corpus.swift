import TOML

/// All entries a command may pick from: the files given with `--corpus`, or the built-in corpus.
public struct Corpus: Sendable {
  /// Entries in file order; a duplicate keeps its first occurrence only.
  public private(set) var entries: [Affirmation] = []
  /// Every problem found while reading, for `affirm check`.
  public private(set) var diagnostics: [CorpusDiagnostic] = []
  /// Whether any entry names an idea.
  public private(set) var namesIdeas = false

  public init(files: [CorpusFile]) {
    var firstSeen: [EntryID: SourceLocation] = [:]
    for file in files {
      diagnostics += file.diagnostics
      for entry in file.entries {
        if let first = firstSeen[entry.id] {
          diagnostics.append(CorpusDiagnostic(at: entry.location, .duplicate(of: first)))
        } else {
          firstSeen[entry.id] = entry.location
          entries.append(entry)
          namesIdeas = namesIdeas || entry.idea != nil
        }
      }
    }
    diagnostics.sort { ($0.location.file, $0.location.line) < ($1.location.file, $1.location.line) }
  }

  /// The corpus shipped with affirm, compiled into the binary so that it works from anywhere.
  public static func builtin(parser: CorpusParser = CorpusParser()) -> Corpus {
    Corpus(files: BuiltinCorpus.files.map { parser.parse(Array($0.text.utf8), file: $0.name) })
  }

  /// Every tag some entry carries, sorted.
  public var knownTags: [String] { Set(entries.flatMap(\.tags)).sorted() }
}

/// A corpus path that cannot be used.
public enum CorpusLoadError: UserFacingError, Equatable {
  case unreadable(path: String, reason: String)
  case noCorpusFiles(directory: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "cannot read corpus \(path): \(reason)"
    case .noCorpusFiles(let directory):
      "corpus directory \(directory) holds no corpus files; affirm reads the *.txt files in it"
    }
  }
}

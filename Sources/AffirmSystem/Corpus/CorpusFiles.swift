public import AffirmCore

/// Corpus files on disk: a file, or a directory's `*.txt` files in name order.
extension Corpus {
  /// Reads corpus files; a directory contributes its `*.txt` files in name order.
  public static func load(paths: [String], parser: CorpusParser = CorpusParser()) throws(CorpusLoadError) -> Corpus {
    var files: [CorpusFile] = []
    for path in paths {
      for file in try corpusFiles(at: path) {
        files.append(parser.parse(try read(file), file: file))
      }
    }
    return Corpus(files: files)
  }

  static func corpusFiles(at path: String) throws(CorpusLoadError) -> [String] {
    do {
      switch try TextFiles.kind(of: path) {
      case .file: return [path]
      case .other: throw CorpusLoadError.unreadable(path: path, reason: "not a regular file or directory")
      case .directory:
        let files = try TextFiles.names(in: path).filter { $0.hasSuffix(".txt") && !$0.hasPrefix(".") }.sorted()
        guard !files.isEmpty else { throw CorpusLoadError.noCorpusFiles(directory: path) }
        let base = path.hasSuffix("/") ? path : path + "/"
        return files.map { base + $0 }
      }
    } catch let error as TextFiles.Failure {
      throw .unreadable(path: path, reason: error.reason)
    } catch let error as CorpusLoadError {
      throw error
    } catch {
      throw .unreadable(path: path, reason: "\(error)")
    }
  }

  static func read(_ path: String) throws(CorpusLoadError) -> [UInt8] {
    do {
      return try TextFiles.read(path)
    } catch {
      throw .unreadable(path: path, reason: error.reason)
    }
  }
}

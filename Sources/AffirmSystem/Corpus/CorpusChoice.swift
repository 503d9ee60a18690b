public import AffirmCore

/// Which lines a command works with: the `--corpus` paths when any are given (they replace
/// everything), else the built-in corpus (unless the config says `builtin_corpus = false`)
/// together with the config's own `corpus = [...]` files and directories.
public struct CorpusChoice: Sendable, Equatable {
  public var builtin: Bool
  /// The `--corpus` paths; empty when none were given.
  public var commandLine: [String]
  /// The config's corpus paths, when no `--corpus` replaces them.
  public var configured: [CorpusSource]

  public init(commandLine: [String], config: Config) {
    self.commandLine = commandLine
    builtin = commandLine.isEmpty && config.builtinCorpus
    configured = commandLine.isEmpty ? config.corpus : []
  }

  /// How the lines are named in `doctor` and `check`: "built-in", "built-in + ~/my-lines.txt", ...
  public var label: String {
    if !commandLine.isEmpty { return commandLine.joined(separator: ", ") }
    return ((builtin ? ["built-in"] : []) + configured.map(\.written)).joined(separator: " + ")
  }

  /// The whole corpus, parsed (the daemon, `check`, `doctor`); the first path that cannot be
  /// read is an error naming where it is listed.
  public func load(parser: CorpusParser = CorpusParser()) throws(CorpusChoiceError) -> Corpus {
    let (corpus, unreadable) = try loadSkippingUnreadable(parser: parser)
    if let first = unreadable.first { throw first }
    return corpus
  }

  /// The corpus without the config's paths that cannot be read, and why each could not:
  /// `check` and `doctor` report those and look at the rest. A `--corpus` path that cannot be
  /// read is still an error at once.
  public func loadSkippingUnreadable(parser: CorpusParser = CorpusParser()) throws(CorpusChoiceError) -> (
    Corpus, [CorpusChoiceError]
  ) {
    if !commandLine.isEmpty {
      do {
        return (try Corpus.load(paths: commandLine, parser: parser), [])
      } catch {
        throw CorpusChoiceError(source: nil, error)
      }
    }
    var files = builtin ? BuiltinCorpus.files.map { parser.parse(Array($0.text.utf8), file: $0.name) } : []
    var unreadable: [CorpusChoiceError] = []
    for source in configured {
      do throws(CorpusLoadError) {
        var read: [CorpusFile] = []
        for file in try Corpus.corpusFiles(at: source.path) {
          read.append(parser.parse(try Corpus.read(file), file: file))
        }
        files += read
      } catch {
        unreadable.append(CorpusChoiceError(source: source, error))
      }
    }
    return (Corpus(files: files), unreadable)
  }

  /// What a send picks from: the built-in corpus as compiled in, and the user's files through
  /// their cached index (parsed in full only when a file changed).
  public func catalog(cacheDirectory: String) throws(CorpusChoiceError) -> any EntryCatalog {
    if !commandLine.isEmpty {
      do {
        return try CorpusIndex.catalog(paths: commandLine, cacheDirectory: cacheDirectory)
      } catch {
        throw CorpusChoiceError(source: nil, error)
      }
    }
    guard !configured.isEmpty else { return Corpus.builtin() }
    // Listing each source first says which config entry a missing path comes from.
    for source in configured {
      do {
        _ = try Corpus.corpusFiles(at: source.path)
      } catch {
        throw CorpusChoiceError(source: source, error)
      }
    }
    let own: any EntryCatalog
    do {
      own = try CorpusIndex.catalog(paths: configured.map(\.path), cacheDirectory: cacheDirectory)
    } catch {
      let path: String
      switch error {
      case .unreadable(let unreadable, _): path = unreadable
      case .noCorpusFiles(let directory): path = directory
      }
      let source = configured.first { path == $0.path || path.hasPrefix($0.path.trimmingSuffix("/") + "/") }
      throw CorpusChoiceError(source: source ?? configured[0], error)
    }
    return builtin ? CombinedCatalog([Corpus.builtin(), own]) : own
  }
}

/// A corpus path that cannot be read; for a path the config lists, where it lists it.
public struct CorpusChoiceError: UserFacingError, Equatable {
  /// The config's entry; nil for a `--corpus` path.
  public var source: CorpusSource?
  public var error: CorpusLoadError

  public init(source: CorpusSource?, _ error: CorpusLoadError) {
    self.source = source
    self.error = error
  }

  public var description: String {
    guard let source else { return error.description }
    return "\(source.location): \(error) (listed in corpus as \(quotedString(source.written)))"
  }
}

/// Several catalogs read as one, in order: the built-in lines, then the user's indexed
/// files. An entry that repeats one of an earlier catalog is left out, as a `Corpus` keeps
/// only the first of two equal lines, so the shuffle bag never holds one id twice.
public struct CombinedCatalog: EntryCatalog {
  let parts: [any EntryCatalog]
  /// Where each part starts among the combined positions.
  let starts: [Int]
  /// Combined positions whose entry repeats an earlier one.
  let repeated: Set<Int>
  public let count: Int
  public let knownTags: [String]

  public init(_ parts: [any EntryCatalog]) {
    self.parts = parts
    var starts: [Int] = []
    var count = 0
    var seen: Set<EntryID> = []
    var repeated: Set<Int> = []
    for (number, part) in parts.enumerated() {
      starts.append(count)
      if number == parts.count - 1, let index = part as? CorpusIndex {
        // The user's index may hold 100,000 lines: its ids are scanned where they are mapped,
        // and looked up in the small set of the earlier parts, never copied into it.
        for position in index.positions(withIDsIn: seen) { repeated.insert(count + position) }
      } else {
        for position in 0..<part.count where !seen.insert(part.id(at: position)).inserted {
          repeated.insert(count + position)
        }
      }
      count += part.count
    }
    self.starts = starts
    self.count = count
    self.repeated = repeated
    knownTags = Set(parts.flatMap(\.knownTags)).sorted()
  }

  public func positions(forAnyOf tags: Set<String>) -> EntryPositions {
    if tags.isEmpty && repeated.isEmpty && !knownTags.contains(where: Moment.Tag.askedForOnly.contains) {
      return .all(count)
    }
    var positions: [Int] = []
    for (part, start) in zip(parts, starts) {
      let own = part.positions(forAnyOf: tags)
      positions.reserveCapacity(positions.count + own.count)
      for position in own where !repeated.contains(start + position) { positions.append(start + position) }
    }
    return EntryPositions(positions)
  }

  public func id(at position: Int) -> EntryID {
    let (part, offset) = locate(position)
    return parts[part].id(at: offset)
  }

  public func entry(at position: Int) -> Affirmation? {
    let (part, offset) = locate(position)
    return parts[part].entry(at: offset)
  }

  public func idea(at position: Int) -> String? {
    let (part, offset) = locate(position)
    return parts[part].idea(at: offset)
  }

  public var namesIdeas: Bool { parts.contains(where: \.namesIdeas) }

  private func locate(_ position: Int) -> (part: Int, offset: Int) {
    for index in parts.indices where starts[index] <= position && position < starts[index] + parts[index].count {
      return (index, position - starts[index])
    }
    preconditionFailure("entry position out of range")
  }
}

extension CorpusIndex {
  /// The positions whose id is one of `wanted`, read straight from the mapped id array.
  func positions(withIDsIn wanted: Set<EntryID>) -> [Int] {
    guard !wanted.isEmpty else { return [] }
    let raw = Set(wanted.map(\.rawValue))
    // A 4096-bit filter of the ids' low bits spares nearly every id a hash lookup.
    var filter = [UInt64](repeating: 0, count: 64)
    for id in raw { filter[Int(truncatingIfNeeded: (id >> 6) & 63)] |= 1 << (id & 63) }
    let array = UnsafeRawBufferPointer(rebasing: file.bytes[ids..<(ids + count * 8)])
    var found: [Int] = []
    for position in 0..<count {
      let id = UInt64(littleEndian: array.loadUnaligned(fromByteOffset: position * 8, as: UInt64.self))
      if filter[Int(truncatingIfNeeded: (id >> 6) & 63)] & (1 << (id & 63)) != 0 && raw.contains(id) {
        found.append(position)
      }
    }
    return found
  }
}

import AffirmTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// One row of Tests/Fixtures/bad-config/EXPECTED.tsv.
struct BadConfigCase: Sendable, CustomTestStringConvertible {
  /// A fixture in the directory, or `@name` for one the test makes at run time.
  var file: String
  var status: Int32
  /// How the error line starts after "affirm: "; `{file}` stands for the path given.
  var message: String

  var testDescription: String { file }
}

/// One row of Tests/Fixtures/bad-corpus/EXPECTED.tsv.
struct BadCorpusCase: Sendable, CustomTestStringConvertible {
  /// A fixture in the directory, or `@name` for one the test makes at run time.
  var name: String
  var checkStatus: Int32
  var checkMessage: String
  var sendStatus: Int32
  var sendMessage: String

  var testDescription: String { name }
}

/// The catalogue of malformed inputs: the manifests, and the cases too large or too odd for git.
enum Catalogue {
  static let configDirectory = Affirm.packageRoot + "/Tests/Fixtures/bad-config"
  static let corpusDirectory = Affirm.packageRoot + "/Tests/Fixtures/bad-corpus"
  /// Generous: every case finishes in well under a second, but the suite shares two cores.
  static let timeout = 20.0

  static let configCases: [BadConfigCase] = rows(configDirectory + "/EXPECTED.tsv").compactMap { row in
    guard row.count == 3, let status = Int32(row[1]) else { return nil }
    return BadConfigCase(file: row[0], status: status, message: row[2])
  }

  static let corpusCases: [BadCorpusCase] = rows(corpusDirectory + "/EXPECTED.tsv").compactMap { row in
    guard row.count == 5, let check = Int32(row[1]), let send = Int32(row[3]) else { return nil }
    return BadCorpusCase(name: row[0], checkStatus: check, checkMessage: row[2], sendStatus: send, sendMessage: row[4])
  }

  /// The tab-separated rows of a manifest, without comments and blank lines. A row with the
  /// wrong number of columns is kept as it is, so that `manifests` can name it.
  static func rows(_ path: String) -> [[String]] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
      if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { return nil }
      return line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  /// The environment of every run: a fresh HOME, so no user config or state is read.
  static func environment(home: String) -> [String: String] {
    ["HOME": home, "PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8"]
  }

  /// Runs the binary, killing it after `timeout` seconds; nil (and a recorded issue) if it hung.
  static func run(_ arguments: [String], home: String) throws -> RunResult? {
    let output = try TemporaryDirectory()
    let start = Date()
    let child = try ChildProcess(
      Affirm.binary, arguments, environment: environment(home: home),
      stdout: output.path + "/stdout", stderr: output.path + "/stderr")
    guard let status = child.wait(timeout: timeout) else {
      child.stop()
      Issue.record("affirm \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
      return nil
    }
    func read(_ name: String) -> String {
      FileManager.default.contents(atPath: output.path + "/" + name).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
    return RunResult(
      status: status, stdout: read("stdout"), stderr: read("stderr"), seconds: Date().timeIntervalSince(start))
  }

  /// Whether a line of stdout, or of stderr after "affirm: ", starts with `prefix`.
  static func reports(_ result: RunResult, _ prefix: String) -> Bool {
    let stdout = result.stdout.split(separator: "\n").map(String.init)
    let stderr = result.stderr.split(separator: "\n").map { line in
      line.hasPrefix("affirm: ") ? String(line.dropFirst("affirm: ".count)) : String(line)
    }
    return (stdout + stderr).contains { $0.hasPrefix(prefix) }
  }

  static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

  // MARK: Cases made at run time

  /// The path of config case `name` inside `directory`, made there first when it is generated.
  static func configPath(_ name: String, in directory: TemporaryDirectory) throws -> String {
    guard name.hasPrefix("@") else { return configDirectory + "/" + name }
    let path = directory.path + "/" + name.dropFirst()
    switch name {
    case "@long-line-1mb.toml":
      // One line of about 1 MB (under the 1 MiB config limit) with an error at its end.
      try write(
        Array("timezone = \"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 1_000_000) + Array("\" junk\n".utf8),
        to: path)
    case "@too-large.toml":
      try write(Array(String(repeating: "# " + String(repeating: "x", count: 98) + "\n", count: 20_000).utf8), to: path)
    case "@directory.toml":
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    case "@missing.toml":
      break
    case "@fifo.toml":
      try makeFIFO(path)
    case "@symlink-loop.toml":
      try makeSymlink(path, pointingTo: path)
    default:
      throw UnknownCase(name: name)
    }
    return path
  }

  /// The path of corpus case `name` inside `directory`, made there first when it is generated.
  static func corpusPath(_ name: String, in directory: TemporaryDirectory) throws -> String {
    guard name.hasPrefix("@") else { return corpusDirectory + "/" + name }
    let path = directory.path + "/" + name.dropFirst()
    let manager = FileManager.default
    func makeDirectory(withEntry: Bool = true) throws {
      try manager.createDirectory(atPath: path, withIntermediateDirectories: false)
      if withEntry { try write(Array("[morning]\nYou are enough.\n".utf8), to: path + "/a.txt") }
    }
    switch name {
    case "@long-line-1mb.txt":
      try write(
        Array("[morning]\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 1_000_000)
          + Array("\nKeep going.\n".utf8), to: path)
    case "@ten-thousand-files":
      try makeDirectory(withEntry: false)
      for index in 0..<10_000 {
        try write(Array("[t]\nEntry number \(index).\n".utf8), to: path + "/" + String(format: "%05d.txt", index))
      }
    case "@missing":
      break
    case "@symlink-loop":
      try makeSymlink(path, pointingTo: path)
    case "@symlink-loop-in-directory":
      try makeDirectory()
      try makeSymlink(path + "/loop.txt", pointingTo: "loop.txt")
    case "@dangling-symlink-in-directory":
      try makeDirectory()
      try makeSymlink(path + "/gone.txt", pointingTo: "nowhere.txt")
    case "@no-txt-files":
      try makeDirectory(withEntry: false)
      try write(Array("You are enough.\n".utf8), to: path + "/notes.md")
      try write(Array("You are enough.\n".utf8), to: path + "/.hidden.txt")
    case "@empty-directory":
      try makeDirectory(withEntry: false)
    case "@directory-named-txt":
      try makeDirectory()
      try manager.createDirectory(atPath: path + "/sub.txt", withIntermediateDirectories: false)
    case "@fifo":
      try makeFIFO(path)
    case "@fifo-in-directory":
      // Opening a FIFO waits for a writer: the reader must refuse it, not hang.
      try makeDirectory()
      try makeFIFO(path + "/pipe.txt")
    case "@sparse-100mb.txt":
      // Sparse: 100 MB on paper, nothing on disk, and over the reader's 64 MiB limit.
      guard manager.createFile(atPath: path, contents: nil), truncate(path, 100 << 20) == 0 else {
        throw SystemCallError(call: "truncate", path: path)
      }
    default:
      throw UnknownCase(name: name)
    }
    return path
  }

  static func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  static func makeFIFO(_ path: String) throws {
    guard mkfifo(path, 0o600) == 0 else { throw SystemCallError(call: "mkfifo", path: path) }
  }

  static func makeSymlink(_ path: String, pointingTo target: String) throws {
    guard symlink(target, path) == 0 else { throw SystemCallError(call: "symlink", path: path) }
  }
}

struct UnknownCase: Error, CustomStringConvertible {
  var name: String
  var description: String { "the manifest names \(name), which CatalogueTests.swift does not know how to make" }
}

struct SystemCallError: Error, CustomStringConvertible {
  var call: String
  var path: String
  var code = errno
  var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
}

@Suite("the catalogue of malformed configs and corpora", .timeLimit(.minutes(10)))
struct CatalogueTests {
  @Test("the manifests list every fixture, enough cases, and a location for every config error")
  func manifests() throws {
    let configs = Catalogue.configCases
    let corpora = Catalogue.corpusCases
    #expect(configs.count >= 40)
    #expect(corpora.count >= 15)
    #expect(Catalogue.rows(Catalogue.configDirectory + "/EXPECTED.tsv").count == configs.count)
    #expect(Catalogue.rows(Catalogue.corpusDirectory + "/EXPECTED.tsv").count == corpora.count)
    for row in Catalogue.rows(Catalogue.configDirectory + "/EXPECTED.tsv") {
      #expect(row.count == 3, "bad-config/EXPECTED.tsv: \(row)")
    }
    for row in Catalogue.rows(Catalogue.corpusDirectory + "/EXPECTED.tsv") {
      #expect(row.count == 5, "bad-corpus/EXPECTED.tsv: \(row)")
    }

    let manager = FileManager.default
    let configFiles = try manager.contentsOfDirectory(atPath: Catalogue.configDirectory).filter {
      $0.hasSuffix(".toml")
    }
    #expect(Set(configFiles) == Set(configs.map(\.file).filter { !$0.hasPrefix("@") }))
    let corpusFiles = try manager.contentsOfDirectory(atPath: Catalogue.corpusDirectory).filter { $0 != "EXPECTED.tsv" }
    #expect(Set(corpusFiles) == Set(corpora.map(\.name).filter { !$0.hasPrefix("@") }))
    #expect(Set(configs.map(\.file)).count == configs.count, "a config case is listed twice")
    #expect(Set(corpora.map(\.name)).count == corpora.count, "a corpus case is listed twice")

    // A bad config names file:line:column; an unreadable one names the file and the reason.
    let located = /^\{file\}:\d+:\d+: \S/
    for row in configs {
      switch row.status {
      case 65: #expect(row.message.contains(located), "\(row.file): \(row.message)")
      case 66: #expect(row.message.contains("{file}: "), "\(row.file): \(row.message)")
      default: Issue.record("\(row.file): a bad config exits with 65 or 66, not \(row.status)")
      }
    }
    // Every corpus problem that `check` reports names file:line; an empty corpus, the file alone.
    for row in corpora where row.checkStatus == 1 {
      #expect(row.checkMessage.contains(/^\{path\}(:\d+(:\d+)?)?: \S/), "\(row.name): \(row.checkMessage)")
    }
  }

  @Test(
    "a bad config fails check and send --dry-run with its status and one located line on stderr",
    arguments: Catalogue.configCases)
  func badConfig(_ row: BadConfigCase) throws {
    let home = try TemporaryDirectory()
    let scratch = try TemporaryDirectory()
    let path = try Catalogue.configPath(row.file, in: scratch)
    let message = row.message.replacingOccurrences(of: "{file}", with: path)

    for arguments in [["check", "--config", path], ["send", "--dry-run", "--config", path]] {
      let command = arguments[0]
      guard let result = try Catalogue.run(arguments, home: home.path) else { continue }
      #expect(result.status < 128, "\(command) crashed: \(result.stderr)")
      #expect(result.status == row.status, "\(command): \(result.stdout)\(result.stderr)")
      let stderr = Catalogue.lines(result.stderr)
      #expect(stderr.count == 1, "\(command) stderr: \(result.stderr)")
      #expect(Catalogue.reports(result, message), "\(command): \(result.stdout)\(result.stderr)")
      if command == "send" {
        // Outside check, the error itself is the one line on stderr.
        #expect(stderr.first?.hasPrefix("affirm: " + message) == true, "send stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "send stdout: \(result.stdout)")
      }
    }
  }

  @Test(
    "a bad corpus is reported with its file:line, or refused with its path, and nothing hangs",
    arguments: Catalogue.corpusCases)
  func badCorpus(_ row: BadCorpusCase) throws {
    let home = try TemporaryDirectory()
    let scratch = try TemporaryDirectory()
    let emptyConfig = try home.write("empty.toml", "")
    let path = try Catalogue.corpusPath(row.name, in: scratch)

    let runs: [(arguments: [String], status: Int32, message: String)] = [
      (["check", "--corpus", path, "--config", emptyConfig], row.checkStatus, row.checkMessage),
      (["send", "--dry-run", "--json", "--corpus", path, "--config", emptyConfig], row.sendStatus, row.sendMessage),
    ]
    for run in runs {
      let command = run.arguments[0]
      guard let result = try Catalogue.run(run.arguments, home: home.path) else { continue }
      #expect(result.status < 128, "\(command) crashed: \(result.stderr)")
      #expect(result.status == run.status, "\(command): \(result.stdout)\(result.stderr)")
      #expect(Catalogue.lines(result.stderr).count <= 1, "\(command) stderr: \(result.stderr)")
      let message = run.message.replacingOccurrences(of: "{path}", with: path)
      #expect(Catalogue.reports(result, message), "\(command): \(result.stdout)\(result.stderr)")
    }
  }

  @Test(
    "edge cases that are valid configs pass check",
    arguments: [
      ("empty", ""),
      ("only comments and blank lines", "# nothing yet\n\n   \n# still nothing\n"),
      ("byte-order mark only", "\u{FEFF}"),
      ("CRLF line endings", "timezone = \"UTC\"\r\n\r\n[[slot]]\r\nname = \"morning\"\r\nat = [\"08:00\"]\r\n"),
      ("no newline at the end", "cooldown = \"3d\""),
      ("a TOML local time", "[[slot]]\nname = \"morning\"\nat = [08:00:00, \"09:30\"]\n"),
    ])
  func validEdgeConfig(_ name: String, _ text: String) throws {
    let home = try TemporaryDirectory()
    let path = try home.write("config.toml", text)
    let result = try #require(try Catalogue.run(["check", "--config", path], home: home.path))
    #expect(result.status == 0, "\(name): \(result.stdout)\(result.stderr)")
    // A config without slots is valid, with a warning that the daemon will show nothing; the
    // "ok" line and the table of lines per idea follow.
    let lines = result.stdout.split(separator: "\n")
    let ok = try #require(lines.firstIndex { $0.hasPrefix("ok: ") }, "\(name): \(result.stdout)")
    let warnings = lines[..<ok]
    #expect(warnings.allSatisfy { $0.hasPrefix("warning: \(path): no slots") }, "\(name): \(result.stdout)")
    #expect(warnings.count <= 1)
    #expect(result.stderr == (warnings.isEmpty ? "" : "affirm: 1 warning\n"), "\(name): \(result.stderr)")
  }
}

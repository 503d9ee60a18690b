import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#endif

@main
struct AffirmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "affirm",
    abstract: "Short, kind lines for the hard moments of No Contact, shown as desktop notifications.",
    version: affirmVersion,
    subcommands: [
      Send.self, Sos.self, Run.self, Next.self, History.self, Stats.self, Reset.self, Check.self, ConfigCommand.self,
      Pause.self, Resume.self, Status.self, Install.self, Uninstall.self, Doctor.self,
    ],
    defaultSubcommand: nil
  )
}

/// Options for commands that read the corpus.
struct CorpusOptions: ParsableArguments {
  @Option(
    name: .customLong("corpus"),
    help: ArgumentHelp(
      "A corpus file or a directory of *.txt corpus files (repeatable); replaces the built-in corpus and the config's corpus.",
      valueName: "path")
  )
  var paths: [String] = []

  /// The lines the command works with: the given files, else the config's corpus and the built-in one.
  func choice(config: Config) -> CorpusChoice { CorpusChoice(commandLine: paths, config: config) }
}

/// Options for commands that read the config file.
struct ConfigOptions: ParsableArguments {
  @Option(
    name: .customLong("config"),
    help: ArgumentHelp("The config file (default: $XDG_CONFIG_HOME/affirm/config.toml).", valueName: "path")
  )
  var path: String?

  /// The process environment, with HOME taken from the user's passwd entry where it is unset
  /// or empty (`env -i`, some service managers), so that files never land under `/`.
  var environment: [String: String] { processEnvironment() }

  var paths: AffirmPaths { AffirmPaths(environment: environment) }

  /// The config in force: the given file, the XDG file, or the built-in default.
  func load() throws(ConfigLoadError) -> LoadedConfig {
    try LoadedConfig.load(explicitPath: path, paths: paths)
  }
}

/// Runs `body`, turning a user-facing error into one line on stderr and its exit status.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as any UserFacingError {
    printError("affirm: \(error)")
    throw ExitCode(ExitStatus(for: error))
  }
}

func printError(_ line: String) {
  var standardError = StandardError()
  print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    var bytes = Array(string.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
      if written <= 0 { return }
      offset += written
    }
  }
}

/// The process environment, with HOME taken from the user's passwd entry where it is unset
/// or empty (`env -i`, some service managers), so that files never land under `/`.
func processEnvironment() -> [String: String] {
  // Read from environ directly: setting up ProcessInfo cost a one-shot send more than its pick.
  var environment: [String: String] = [:]
  var entry = environ
  while let pointer = entry.pointee {
    let variable = String(cString: pointer)
    if let equals = variable.firstIndex(of: "="), environment[String(variable[..<equals])] == nil {
      environment[String(variable[..<equals])] = String(variable[variable.index(after: equals)...])
    }
    entry += 1
  }
  if environment["HOME", default: ""].isEmpty, let home = passwdHome() { environment["HOME"] = home }
  return environment
}

/// The current user's home directory from the passwd database; nil where there is none.
private func passwdHome() -> String? {
  var entry = passwd()
  var result: UnsafeMutablePointer<passwd>?
  var buffer = [CChar](repeating: 0, count: 4096)
  guard getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result) == 0, result != nil, let directory = entry.pw_dir
  else { return nil }
  let home = String(cString: directory)
  return home.hasPrefix("/") ? home : nil
}

extension AffirmCommand {
  /// Runs the command line. A plain `affirm send` line (a cron job's, a hotkey's) is read by
  /// `SendRequest(quickParsing:)`, and `affirm --version` answered at once; everything else, and
  /// every line the quick reader declines, goes to argument-parser.
  static func main() {
    let arguments = CommandLine.arguments.dropFirst()
    if arguments.count == 1, arguments.first == "--version" {
      print(configuration.version)
      return
    }
    if let tz = TimeZoneRules.unusableTZ(getenv("TZ").map { String(cString: $0) }) {
      printError(
        "affirm: TZ=\(quotedString(tz)) names no time zone (use a name like Europe/Berlin); "
          + "UTC applies where the config sets no timezone")
    }
    // argument-parser reads `-1h` as the flags -1 and -h and prints the help: a negative
    // duration is a mistake to point out.
    if arguments.first == "pause",
      let negative = arguments.dropFirst().prefix(while: { $0 != "--" }).first(where: {
        $0.count > 1 && $0.hasPrefix("-") && $0.dropFirst().first?.isNumber == true
      })
    {
      // Read as a duration (after --), it fails pause's own check with its own sentence.
      do {
        _ = try AffirmCommand.parseAsRoot(["pause", "--", negative])
      } catch {
        AffirmCommand.exit(withError: error)
      }
    }
    if arguments.first == "send", let request = SendRequest(quickParsing: arguments.dropFirst()) {
      do {
        try request.run()
      } catch {
        exit(withError: error)
      }
      return
    }
    main(nil)
  }
}

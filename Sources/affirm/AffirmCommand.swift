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

  /// The process environment, with HOME from the passwd entry where it is unset (`Environment`).
  var environment: [String: String] { Environment.current.variables }

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
  mutating func write(_ string: String) { try? Posix.writeAll(STDERR_FILENO, Array(string.utf8)) }
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
    if let tz = TimeZoneRules.unusableTZ(Environment.current["TZ"]) {
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

import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#endif

extension AffirmCommand {
  struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "config",
      abstract: "Write the default config file, or show the config in force.",
      subcommands: [Init.self, Show.self]
    )

    struct Init: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write the default config, with comments, where affirm reads it (never over an existing file).")

      @OptionGroup var config: ConfigOptions

      func run() throws {
        let path = config.path ?? config.paths.configFile
        try reportingFailures {
          do throws(ConfigWriter.Failure) {
            try ConfigWriter.create(path: path, text: Config.defaultText)
          } catch .exists {
            throw ConfigInitError.exists(path)
          } catch .unwritable(let reason) {
            throw ConfigInitError.unwritable(path, reason)
          }
        }
        print("wrote \(path)")
      }
    }

    struct Show: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the config in force, as TOML.")

      @OptionGroup var config: ConfigOptions

      func run() throws {
        let loaded = try reportingFailures { try config.load() }
        print("# from \(loaded.path ?? "the built-in default (no config file)")")
        print(loaded.config.tomlText, terminator: "")
      }
    }
  }
}

enum ConfigInitError: UserFacingError {
  case exists(String)
  case unwritable(String, String)

  var description: String {
    switch self {
    case .exists(let path): "\(path) already exists; affirm config init never overwrites it (see affirm config show)"
    case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
    }
  }
}

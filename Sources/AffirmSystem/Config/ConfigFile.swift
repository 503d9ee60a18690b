public import AffirmCore

/// Where affirm keeps its files, from the XDG base directory variables.
public struct AffirmPaths: Sendable, Equatable {
  public var configFile: String
  public var stateDirectory: String
  /// Where prepared corpus indexes are kept; removing it loses nothing.
  public var cacheDirectory: String
  /// `$XDG_RUNTIME_DIR/affirm` where the variable is set; else nil.
  public var runtimeDirectory: String?
  /// `$HOME` (the executable fills it from the passwd entry where it is unset); what `~/`
  /// stands for in the config's corpus paths. Nil where it is unset or not absolute.
  public var home: String?

  public init(environment: [String: String]) {
    self.home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
    func base(_ variable: String, _ fallback: String) -> String {
      // The spec: a relative path in the variable is invalid and is ignored.
      if let value = environment[variable], value.hasPrefix("/") { return value.trimmingSuffix("/") }
      return home.trimmingSuffix("/") + "/" + fallback
    }
    configFile = base("XDG_CONFIG_HOME", ".config") + "/affirm/config.toml"
    stateDirectory = base("XDG_STATE_HOME", ".local/state") + "/affirm"
    cacheDirectory = base("XDG_CACHE_HOME", ".cache") + "/affirm"
    runtimeDirectory = environment["XDG_RUNTIME_DIR"].flatMap {
      $0.hasPrefix("/") ? $0.trimmingSuffix("/") + "/affirm" : nil
    }
  }
}

extension String {
  func trimmingSuffix(_ suffix: String) -> String {
    var text = self
    while text.count > 1 && text.hasSuffix(suffix) { text.removeLast(suffix.count) }
    return text
  }
}

/// The config in force and where it came from.
public struct LoadedConfig: Sendable, Equatable {
  public var config: Config
  /// The file read, or nil for the built-in default.
  public var path: String?

  /// Reads `explicitPath` (which must exist), else the XDG config file when it exists,
  /// else the built-in default.
  public static func load(explicitPath: String?, paths: AffirmPaths) throws(ConfigLoadError) -> LoadedConfig {
    let path = explicitPath ?? paths.configFile
    let bytes: [UInt8]
    do {
      bytes = try TextFiles.read(path, limit: 1 << 20)
    } catch {
      if explicitPath == nil, (try? TextFiles.kind(of: path)) == nil {
        // Nothing there: the built-in default. A link to nothing (or a loop) is a config
        // that went missing, not an absent one: say so rather than silently use the default.
        guard let target = TextFiles.symbolicLinkTarget(path) else {
          return LoadedConfig(config: .builtInDefault, path: nil)
        }
        throw .unreadable(
          path: path,
          reason: "it is a symbolic link to \(target), which cannot be followed (\(error.reason)); "
            + "fix the link, or remove it to use the built-in default")
      }
      throw .unreadable(path: path, reason: error.reason)
    }
    do {
      return LoadedConfig(config: try ConfigParser.parse(bytes, file: path, home: paths.home), path: path)
    } catch {
      throw .invalid(error)
    }
  }

  /// Every error in the config file at `path` (for `affirm check`, which names them all);
  /// empty when it is valid or cannot be read.
  public static func allErrors(path: String, paths: AffirmPaths) -> [ConfigError] {
    guard let bytes = try? TextFiles.read(path, limit: 1 << 20) else { return [] }
    return ConfigParser.diagnose(bytes, file: path, home: paths.home).errors
  }
}

/// A config that could not be used.
public enum ConfigLoadError: UserFacingError, Equatable {
  case unreadable(path: String, reason: String)
  case invalid(ConfigError)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "cannot read config \(path): \(reason)"
    case .invalid(let error): error.description
    }
  }
}

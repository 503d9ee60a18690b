public import TOML

/// One entry of the config's `corpus = [...]`: a corpus file, or a directory of `*.txt` files.
public struct CorpusSource: Sendable, Equatable {
  /// As the config writes it, such as `~/my-lines.txt`.
  public var written: String
  /// Where it is read from: `~` expanded to the home directory, and a relative path taken
  /// from the config file's directory.
  public var path: String
  /// Where the config names it, so a path that cannot be read is pointed at there.
  public var location: SourceLocation

  public init(written: String, path: String, location: SourceLocation) {
    self.written = written
    self.path = path
    self.location = location
  }

  /// The path `written` stands for in a config read from `configFile`, or why it stands for none.
  static func resolve(_ written: String, configFile: String, home: String?) -> Result<String, ResolveFailure> {
    guard !written.isEmpty else { return .failure(.empty) }
    if written == "~" || written.hasPrefix("~/") {
      guard var home, home.hasPrefix("/") else { return .failure(.noHome) }
      while home.count > 1 && home.hasSuffix("/") { home.removeLast() }
      let rest = written.dropFirst(written == "~" ? 1 : 2)
      return .success(home + (rest.isEmpty ? "" : (home == "/" ? "" : "/") + rest))
    }
    if written.hasPrefix("~") { return .failure(.otherUser) }
    if written.hasPrefix("/") { return .success(written) }
    guard let slash = configFile.lastIndex(of: "/") else { return .success(written) }
    return .success(String(configFile[...slash]) + written)
  }

  enum ResolveFailure: Error {
    case empty, noHome, otherUser
  }
}

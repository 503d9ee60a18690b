#if canImport(Glibc)
  import Glibc
#endif

/// The process environment, read once from `environ`, with HOME taken from the user's passwd
/// entry where it is unset or empty (`env -i`, some service managers), so that files never
/// land under `/`. Every command reads its variables from here.
public struct Environment: Sendable {
  public var variables: [String: String]

  public init(variables: [String: String]) { self.variables = variables }

  /// The snapshot, taken at its first use. (environ is read directly: setting up
  /// ProcessInfo cost a one-shot send more than its pick.)
  public static let current = Environment(
    variables: withHomeFallback(environ: readEnviron(), passwdHome: passwdHome))

  public subscript(name: String) -> String? { variables[name] }

  /// `environ` with HOME from `passwdHome()` where it is unset or empty.
  package static func withHomeFallback(
    environ variables: [String: String], passwdHome: () -> String?
  ) -> [String: String] {
    var variables = variables
    if variables["HOME", default: ""].isEmpty, let home = passwdHome() { variables["HOME"] = home }
    return variables
  }

  /// Every `NAME=value` in `environ`; the first of two with the same name wins, as for getenv(3).
  private static func readEnviron() -> [String: String] {
    var variables: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
      let variable = String(cString: pointer)
      if let equals = variable.firstIndex(of: "="), variables[String(variable[..<equals])] == nil {
        variables[String(variable[..<equals])] = String(variable[variable.index(after: equals)...])
      }
      entry += 1
    }
    return variables
  }

  /// The current user's home directory from the passwd database; nil where there is none.
  private static func passwdHome() -> String? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result) == 0, result != nil,
      let directory = entry.pw_dir
    else { return nil }
    let home = String(cString: directory)
    return home.hasPrefix("/") ? home : nil
  }
}

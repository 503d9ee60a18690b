/// An error whose description is the sentence a user sees. Which exit status follows is the
/// executable's to decide (`ExitStatus`), not the library's.
public protocol UserFacingError: Error, CustomStringConvertible {}

/// A place in a text file, printed the way compilers do: `file:line` or `file:line:column`.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int?

  public init(file: String, line: Int, column: Int? = nil) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    if let column { return "\(file):\(line):\(column)" }
    return "\(file):\(line)"
  }
}

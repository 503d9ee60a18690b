import TOML

/// Exit statuses from `sysexits.h`, so scripts and cron can tell failures apart.
public enum ExitStatus {
  /// The command line was wrong (an unknown tag, a bad option value).
  public static let usage: Int32 = 64
  /// The input was malformed (a bad config, no eligible entry).
  public static let dataError: Int32 = 65
  /// An input file is missing or unreadable.
  public static let noInput: Int32 = 66
  /// A service is unavailable: no session bus, no notification server.
  public static let unavailable: Int32 = 69
  /// A temporary failure: the state could not be recorded, another daemon runs.
  public static let temporaryFailure: Int32 = 75
}

/// An error that knows the sentence a user sees and the exit status the process ends with.
public protocol UserFacingError: Error, CustomStringConvertible {
  var exitStatus: Int32 { get }
}

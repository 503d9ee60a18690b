import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser

/// The exit statuses affirm ends with besides 0 and 1, from `sysexits.h`, so that scripts,
/// cron and systemd (`RestartPreventExitStatus=`) can tell failures apart. The executable is
/// the only place that turns an error into one: library errors say what went wrong, never
/// which status follows. README's exit-status table lists the same.
enum ExitStatus: Int32 {
  /// The command line was wrong (an unknown tag, a bad option value, no binary to name).
  case usage = 64
  /// The input was malformed (a bad config, no eligible entry).
  case dataErr = 65
  /// An input file is missing or unreadable.
  case noInput = 66
  /// A service is unavailable: libnotify, the session bus, a notification server.
  case unavailable = 69
  /// An error this table does not know: a bug in affirm.
  case software = 70
  /// A file could not be written, or one is in the way that affirm did not write.
  case cantCreate = 73
  /// A temporary failure: the state could not be read or recorded, another daemon runs.
  case tempFail = 75
  /// The environment is unusable: no home directory to install into.
  case config = 78

  /// The status an error ends the process with. Every error type a command reports is listed;
  /// any other is a bug in affirm, and says so with `software`.
  init(for error: any Error) {
    switch error {
    case let error as SelectionError:
      switch error {
      case .unknownTags: self = .usage
      case .noEligibleEntry, .needsPeople: self = .dataErr
      }
    case let error as ConfigLoadError:
      switch error {
      case .unreadable: self = .noInput
      case .invalid: self = .dataErr
      }
    case is ConfigError: self = .dataErr
    case is CorpusChoiceError, is CorpusLoadError: self = .noInput
    case is DeliveryError: self = .unavailable
    case is StateError, is ShownButNotRecorded, is DaemonStartError: self = .tempFail
    case is ConfigInitError, is ChartWriteError: self = .cantCreate
    case let error as DesktopFileError:
      switch error {
      case .foreign, .unwritable, .unremovable: self = .cantCreate
      case .unreadable: self = .noInput
      case .noHome: self = .config
      case .noExecutable, .unsuitableBinary: self = .usage
      }
    default: self = .software
    }
  }
}

extension ExitCode {
  init(_ status: ExitStatus) { self.init(status.rawValue) }
}

import AffirmSystem

#if canImport(Glibc)
  import Glibc
#endif

extension StateError.Cause {
  /// What a person can do about a state database at `path` that could not be used for this
  /// cause, as `doctor` prints it: the first line prose, each further line a command to run.
  public func fix(path: String) -> String {
    let file = DesktopFiles.shellQuoted(path)
    let directory = DesktopFiles.shellQuoted(FilePath(path).directory.string)
    let moveAway = "mv \(file) \(DesktopFiles.shellQuoted(path + ".old"))"
    switch self {
    case .damaged:
      return "the next affirm send or affirm run moves it aside (to state.sqlite.corrupt-<time>) and starts "
        + "a fresh one; or move it away yourself"
    case .newerSchema:
      return "a newer affirm wrote it: use that version again, or let the next affirm send or affirm run "
        + "move it aside (to state.sqlite.corrupt-<time>) and start a fresh one"
    case .stuck(_, let code):
      return "it cannot be moved aside (\(String(cString: strerror(code)).lowercased())): "
        + "make its directory yours and writable, or move it away yourself:\n\(moveAway)"
    case .busy:
      return "another program holds it locked (an sqlite3 shell left open?): close that program, "
        + "then run affirm doctor again"
    case .diskFull:
      return "the disk that holds it is full: make room there, then run affirm doctor again:\ndf -h \(directory)"
    case .denied:
      return "affirm may not open it: make the file and its directory yours, readable and writable:\n"
        + "ls -ld \(directory) \(file)"
    case .system(let code):
      return "\(String(cString: strerror(code)).lowercased()) on the file or its directory: "
        + "check that both are yours and can be read:\nls -ld \(directory) \(file)"
    case .missing:
      return "the first affirm send, affirm sos or affirm run creates it"
    case .sqlite, .noEligibleEntry, .other:
      return "move it away, and the next affirm send or affirm run starts a fresh one:\n\(moveAway)"
    }
  }
}

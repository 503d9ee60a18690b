public import AffirmCore

#if canImport(Glibc)
  import Glibc
#endif

/// What `affirm install` writes so that `affirm run` starts with the session, and the checks
/// that keep it away from files it did not write.
///
/// Contents, paths, quoting and the marker check are pure. The file operations at the end go
/// straight to POSIX so that errors keep errno's reason.
public enum DesktopFiles {
  /// The first line of every file affirm writes; only such files are replaced or removed.
  public static let marker = "# Written by affirm install; affirm uninstall removes it."
  public static let unitName = "affirm.service"

  /// The commands `affirm install` suggests after writing the unit.
  public static let enableCommand = "systemctl --user daemon-reload && systemctl --user enable --now affirm.service"
  public static let disableCommand = "systemctl --user disable --now affirm.service"
  public static let logCommand = "journalctl --user -u affirm"

  // MARK: - Where

  /// Where the files go: under `$XDG_CONFIG_HOME` (absolute), else `$HOME/.config`.
  public struct Locations: Sendable, Equatable {
    public var configHome: String

    /// Nil when neither an absolute `XDG_CONFIG_HOME` nor an absolute `HOME` is set.
    public init?(environment: [String: String]) {
      if let value = environment["XDG_CONFIG_HOME"], value.hasPrefix("/") {
        configHome = value.trimmingSuffix("/")
      } else if let home = environment["HOME"], home.hasPrefix("/") {
        configHome = home.trimmingSuffix("/") + "/.config"
      } else {
        return nil
      }
      if configHome == "/" { configHome = "" }
    }

    /// `systemd --user` reads units from `$XDG_CONFIG_HOME/systemd/user`.
    public var unitDirectory: String { configHome + "/systemd/user" }
    public var unit: String { unitDirectory + "/" + DesktopFiles.unitName }
    /// The XDG autostart directory.
    public var autostart: String { configHome + "/autostart/affirm.desktop" }
  }

  // MARK: - What

  /// Where the Debian package installs the unit for every user of the machine.
  public static let packagedUnit = "/usr/lib/systemd/user/affirm.service"
  public static let packagedEnableCommand = "systemctl --user enable --now affirm.service"

  /// The systemd user unit that runs `binary run`: the one `affirm install` writes (with the
  /// marker), or with `packaged` the one the Debian package ships in `packagedUnit`.
  public static func systemdUnit(binary: String, packaged: Bool = false) -> String {
    let header =
      packaged
      ? """
      # affirm's scheduler as a systemd user service, installed by the affirm package for every
      # user of this machine. Enable and start it for yourself with
      #   \(packagedEnableCommand)
      """
      : """
      \(marker)
      # affirm's scheduler as a systemd user service. Enable and start it with
      #   \(enableCommand)
      """
    return """
      \(header)
      # and read its log with
      #   \(logCommand)

      [Unit]
      Description=affirm: kind lines for the hard moments of No Contact, as desktop notifications
      # No After= or PartOf=graphical-session.target, on purpose. The daemon needs only the
      # session bus, and it finds $XDG_RUNTIME_DIR/bus by itself; under systemd --user that
      # socket (dbus.socket) listens before services start. With no notification server up
      # yet, the daemon logs one line and tries again at the next fire time. After= would
      # order nothing: a session starts graphical-session.target later, in a job of its own,
      # and many sessions never start it. PartOf= would stop the daemon when a graphical
      # session ends, and with WantedBy=default.target nothing would start it again until
      # the user manager restarts.

      [Service]
      Type=exec
      ExecStart=\(systemdQuoted(binary)) run
      # SIGHUP reloads the config (systemctl --user reload affirm.service).
      ExecReload=/bin/kill -HUP $MAINPID
      Restart=on-failure
      RestartSec=10
      # A bad option (64), a bad config (65), an unreadable corpus (66) or another daemon
      # already running (75) stays so on a restart: fix it, then
      # systemctl --user restart affirm.service.
      RestartPreventExitStatus=64 65 66 75

      [Install]
      WantedBy=default.target

      """
  }

  /// The XDG autostart entry that runs `binary run`, for sessions without systemd --user.
  public static func autostartEntry(binary: String) -> String {
    """
    \(marker)
    [Desktop Entry]
    Type=Application
    Name=affirm
    Comment=Kind lines for the hard moments of No Contact, as desktop notifications
    Exec=\(desktopExecQuoted(binary)) run
    Terminal=false
    NoDisplay=true
    X-GNOME-Autostart-enabled=true

    """
  }

  /// The crontab lines `affirm install --cron` prints: comments, then one line per send.
  public static func crontab(binary: String) -> String {
    let command = cronQuoted(binary)
    return """
      # affirm from cron. Add these lines once with `crontab -e`, or append them with
      #   (crontab -l 2>/dev/null; affirm install --cron) | crontab -
      # affirm finds the session bus from cron's bare environment by itself
      # ($XDG_RUNTIME_DIR/bus, else /run/user/<uid>/bus), so no DBUS_SESSION_BUS_ADDRESS
      # or DISPLAY is needed. Times are in the system's time zone. Use these instead of the
      # scheduler (affirm install), not with it, or the lines come twice.
      0 8 * * * \(command) send --tag morning
      30 23 * * * \(command) send --tag late-night --urgency critical

      """
  }

  // MARK: - Quoting

  /// Why `path` cannot be written into the files, or nil: it must be absolute and on one line.
  public static func pathProblem(_ path: String) -> String? {
    if !path.hasPrefix("/") { return "not an absolute path" }
    if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
      return "it contains a control character (such as a newline)"
    }
    return nil
  }

  /// Why systemd would refuse `path` as the executable of `ExecStart=`, or nil. It takes no
  /// quote or backslash there ("Executable name contains special characters").
  public static func unitPathProblem(_ path: String) -> String? {
    if let problem = pathProblem(path) { return problem }
    if path.contains(where: { "\"'\\".contains($0) }) {
      return "systemd runs no executable whose path holds a quote or a backslash"
    }
    return nil
  }

  /// The executable of an `ExecStart=` line: `%` doubled (specifiers; systemd expands no
  /// variables in the executable itself), in double quotes where it holds a space or `;`.
  static func systemdQuoted(_ executable: String) -> String {
    let escaped = executable.replacing("%", with: "%%")
    return escaped.contains(where: { $0 == " " || $0 == ";" }) ? "\"" + escaped + "\"" : escaped
  }

  /// One argument of a desktop entry's `Exec=`: quoted where it holds a reserved character
  /// (with `"`, `` ` ``, `$` and `\` escaped inside), `%` doubled, and then every backslash
  /// doubled again for the string value the key is (the spec's four backslashes).
  static func desktopExecQuoted(_ word: String) -> String {
    let reserved = " \t\"'\\><~|&;$*?#()`"
    var argument = word.replacing("%", with: "%%")
    if argument.contains(where: { reserved.contains($0) }) {
      var quoted = "\""
      for character in argument {
        if "\"`$\\".contains(character) { quoted.append("\\") }
        quoted.append(character)
      }
      argument = quoted + "\""
    }
    return argument.replacing("\\", with: "\\\\")
  }

  /// One word for sh: single-quoted where it holds anything but plain characters.
  public static func shellQuoted(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+,:@=%".contains($0)) }
    return plain && !word.isEmpty ? word : "'" + word.replacing("'", with: "'\\''") + "'"
  }

  /// One word of a crontab command: quoted for sh, then `%` escaped for cron (which turns a
  /// bare `%` into a newline).
  static func cronQuoted(_ word: String) -> String {
    shellQuoted(word).replacing("%", with: "\\%")
  }

  // MARK: - Ours or not

  /// Whether `text` is a file affirm wrote: its first line is the marker.
  public static func isOurs(_ text: String) -> Bool {
    // By newline Characters: "\r\n" is one Character, not "\r" then "\n".
    let firstLine = text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? ""
    return firstLine.trimmingTrailingWhitespace() == marker
  }

  /// What is at a target path now.
  public enum Existing: Sendable, Equatable {
    case missing
    /// A regular file affirm wrote, with its text.
    case ours(String)
    /// A regular file without the marker.
    case foreign
    /// A link, a directory or anything else that is not a regular file.
    case notRegularFile
  }

  /// What installing `desired` over `existing` does.
  public enum Plan: Sendable, Equatable {
    case create
    case unchanged
    case update
    case refuse
  }

  public static func plan(existing: Existing, desired: String) -> Plan {
    switch existing {
    case .missing: .create
    case .ours(let text): text == desired ? .unchanged : .update
    case .foreign, .notRegularFile: .refuse
    }
  }

  // MARK: - Files

  /// What `install` did.
  public enum InstallOutcome: Sendable, Equatable {
    case created
    case unchanged
    case updated
  }

  /// What `remove` did.
  public enum RemoveOutcome: Sendable, Equatable {
    case removed
    case absent
    /// Something is there that affirm did not write; it was left alone.
    case foreign
  }

  /// Looks at `path` without following a final symbolic link.
  public static func inspect(_ path: String) throws(DesktopFileError) -> Existing {
    var info = stat()
    guard lstat(path, &info) == 0 else {
      if errno == ENOENT || errno == ENOTDIR { return .missing }
      throw .unreadable(path: path, reason: errnoReason())
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return .notRegularFile }
    do {
      let text = String(decoding: try TextFiles.read(path, limit: 1 << 20), as: UTF8.self)
      return isOurs(text) ? .ours(text) : .foreign
    } catch {
      throw .unreadable(path: path, reason: error.reason)
    }
  }

  /// Writes `text` to `path` unless a file affirm did not write is there; atomic, mode 0644.
  public static func install(_ text: String, at path: String) throws(DesktopFileError) -> InstallOutcome {
    let existing = try inspect(path)
    switch plan(existing: existing, desired: text) {
    case .unchanged: return .unchanged
    case .refuse: throw .foreign(path: path, isRegularFile: existing == .foreign)
    case .create, .update: break
    }
    do {
      try Posix.makeDirectories(FilePath(path).directory.string)
    } catch {
      throw .unwritable(path: error.path, reason: error.errno.description)
    }
    do {
      try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
    } catch {
      throw .unwritable(path: error.path, reason: error.reason)
    }
    return existing == .missing ? .created : .updated
  }

  /// Removes `path` when affirm wrote it; leaves anything else alone.
  public static func remove(_ path: String) throws(DesktopFileError) -> RemoveOutcome {
    switch try inspect(path) {
    case .missing: return .absent
    case .foreign, .notRegularFile: return .foreign
    case .ours:
      guard unlink(path) == 0 else {
        if errno == ENOENT { return .absent }
        throw .unremovable(path: path, reason: errnoReason())
      }
      return .removed
    }
  }

  /// The links `systemctl --user enable` made to the unit (`*.wants/affirm.service` beside
  /// it); empty when it is not enabled there.
  public static func enablementLinks(in locations: Locations) -> [String] {
    let directory = locations.unitDirectory
    guard let names = try? TextFiles.names(in: directory) else { return [] }
    return names.filter { $0.hasSuffix(".wants") || $0.hasSuffix(".requires") }.sorted().compactMap { name in
      let link = directory + "/" + name + "/" + unitName
      var info = stat()
      return lstat(link, &info) == 0 ? link : nil
    }
  }

  /// The absolute path of the running binary (from /proc/self/exe), or why there is none.
  public static func currentExecutable() -> Result<String, DesktopFileError> {
    guard let path = TextFiles.symbolicLinkTarget("/proc/self/exe") else {
      return .failure(.noExecutable("/proc/self/exe cannot be read"))
    }
    if path.hasSuffix(" (deleted)") {
      return .failure(.noExecutable("the running binary \(path.dropLast(10)) was deleted or replaced"))
    }
    return .success(path)
  }

  /// Why `path` cannot be the binary the files run, or nil when it is an absolute path to an
  /// executable regular file.
  public static func binaryProblem(_ path: String) -> String? {
    if let problem = pathProblem(path) { return problem }
    var info = stat()
    guard stat(path, &info) == 0 else { return errnoReason() }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file" }
    guard access(path, X_OK) == 0 else { return "not executable" }
    return nil
  }

  private static func errnoReason() -> String {
    let reason = String(cString: strerror(errno))
    return (reason.first?.lowercased() ?? "") + reason.dropFirst()
  }
}

/// Why `affirm install` or `affirm uninstall` could not do its work.
public enum DesktopFileError: UserFacingError, Equatable {
  /// A file is at the target that affirm did not write (no marker line), or a link or directory.
  case foreign(path: String, isRegularFile: Bool)
  case unreadable(path: String, reason: String)
  case unwritable(path: String, reason: String)
  case unremovable(path: String, reason: String)
  /// Neither an absolute XDG_CONFIG_HOME nor an absolute HOME.
  case noHome
  /// The running binary's path cannot be told; `--binary` can.
  case noExecutable(String)
  /// The binary's path cannot go into the file.
  case unsuitableBinary(path: String, reason: String)

  public var description: String {
    switch self {
    case .foreign(let path, true):
      "\(path) exists and affirm did not write it (its first line is not \"\(DesktopFiles.marker)\"); "
        + "affirm never overwrites it: move it away, or edit it yourself"
    case .foreign(let path, false):
      "\(path) exists and is not a regular file (a link or a directory); affirm never replaces it: move it away"
    case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
    case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
    case .unremovable(let path, let reason): "cannot remove \(path): \(reason)"
    case .noHome: "neither HOME nor XDG_CONFIG_HOME is set to an absolute path; affirm installs under $HOME/.config"
    case .noExecutable(let reason): "cannot tell where the affirm binary is (\(reason)); give it with --binary PATH"
    case .unsuitableBinary(let path, let reason):
      "cannot run \(TerminalText.visible(path)) from the unit, autostart entry or crontab: \(reason); "
        + "give another path with --binary (a link will do)"
    }
  }
}

extension Substring {
  fileprivate func trimmingTrailingWhitespace() -> Substring {
    var text = self
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
    return text
  }
}

import AffirmCore
import AffirmState
import AffirmSystem
import ArgumentParser
import FoundationEssentials

extension AffirmCommand {
  struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "install",
      abstract: "Start affirm run with your session: a systemd user unit, an autostart entry, or cron lines.",
      discussion: """
        Writes $XDG_CONFIG_HOME/systemd/user/affirm.service (default ~/.config/systemd/user) and \
        prints the systemctl commands that enable it. With --autostart, writes an XDG autostart \
        entry (~/.config/autostart/affirm.desktop) instead, for sessions without systemd --user. \
        With --cron, prints crontab lines and writes nothing. Touches nothing outside your config \
        directory, and never a file it did not write (those carry a marker line); running it again \
        leaves an identical file alone and updates one that differs. Exit status 73 when a file \
        affirm did not write is in the way.
        """
    )

    @Flag(help: "Write an XDG autostart entry instead of the systemd unit (for sessions without systemd --user).")
    var autostart = false

    @Flag(help: "Print crontab lines for one-off sends instead; write nothing.")
    var cron = false

    @Option(
      help: ArgumentHelp("The affirm binary to run (default: this one, from /proc/self/exe).", valueName: "path"))
    var binary: String?

    /// For scripts/package: prints the unit the Debian package ships, running this path.
    @Option(help: .hidden) var printPackagedUnit: String?

    func validate() throws {
      if autostart && cron { throw ValidationError("--autostart and --cron are alternatives; give one of them") }
      if let binary, let problem = DesktopFiles.binaryProblem(binary) {
        throw ValidationError("--binary \(TerminalText.visible(binary)): \(problem)")
      }
    }

    func run() throws {
      if let printPackagedUnit {
        print(DesktopFiles.systemdUnit(binary: printPackagedUnit, packaged: true), terminator: "")
        return
      }
      let binary = try reportingFailures { try self.binary ?? DesktopFiles.currentExecutable().get() }
      // The running binary's own path goes into the same lines as --binary would, so it passes
      // the same check: a newline in a directory name must not split Exec= or add a cron line.
      if self.binary == nil, let problem = DesktopFiles.binaryProblem(binary) {
        try reportingFailures { throw DesktopFileError.unsuitableBinary(path: binary, reason: problem) }
      }
      if cron {
        print(DesktopFiles.crontab(binary: binary), terminator: "")
        return
      }
      let locations = try reportingFailures { try desktopLocations() }
      if binary.contains("/.build/") || binary.contains("/.build-") {
        printError("affirm: note: \(binary) is a build directory; scripts/install puts a copy in ~/.local/bin")
      }
      if autostart {
        let path = locations.autostart
        let outcome = try reportingFailures {
          try DesktopFiles.install(DesktopFiles.autostartEntry(binary: binary), at: path)
        }
        print(outcome.sentence(path: path, binary: binary))
        print("\nIt starts with your next login. To start it now, without logging out:")
        print("  setsid -f \(DesktopFiles.shellQuoted(binary)) run >/dev/null 2>&1")
        if case .ours = try? DesktopFiles.inspect(locations.unit) { printBoth(locations.unit) }
        noteOwnCorpus(reload: "kill -HUP <pid>   (affirm doctor shows the daemon's pid)")
        return
      }
      if usesPackagedUnit(binary: binary, locations: locations) { return }
      if let problem = DesktopFiles.unitPathProblem(binary) {
        try reportingFailures { throw DesktopFileError.unsuitableBinary(path: binary, reason: problem) }
      }
      let path = locations.unit
      let outcome = try reportingFailures {
        try DesktopFiles.install(DesktopFiles.systemdUnit(binary: binary), at: path)
      }
      print(outcome.sentence(path: path, binary: binary))
      let enabled = !DesktopFiles.enablementLinks(in: locations).isEmpty
      switch (outcome, enabled) {
      case (.updated, true):
        print("\nIt is enabled; load the change and restart it:")
        print("  systemctl --user daemon-reload && systemctl --user restart affirm.service")
      case (.unchanged, true):
        print("\nIt is enabled.")
      default:
        print("\nEnable it and start it now (and at every login):")
        print("  \(DesktopFiles.enableCommand)")
      }
      print("Read its log:\n  \(DesktopFiles.logCommand)")
      if case .ours = try? DesktopFiles.inspect(locations.autostart) { printBoth(locations.autostart) }
      noteOwnCorpus(reload: "systemctl --user reload affirm.service")
    }

    /// The Debian package ships the unit for every user: with it installed, and this binary
    /// the packaged one, `install` writes no second unit and says how to enable that one.
    /// Returns false (write our own) when there is no packaged unit or `--binary` names another.
    func usesPackagedUnit(binary: String, locations: DesktopFiles.Locations) -> Bool {
      guard (try? TextFiles.kind(of: DesktopFiles.packagedUnit)) == .file,
        binary == "/usr/bin/affirm" || binary == "/bin/affirm"
      else { return false }
      print("The affirm package installed its unit for every user: \(DesktopFiles.packagedUnit)")
      if case .ours = try? DesktopFiles.inspect(locations.unit) {
        print("\nYour own \(locations.unit), from an earlier affirm install, takes its place;")
        print("to use the packaged one, disable yours and remove it:")
        print("  \(DesktopFiles.disableCommand) && affirm uninstall")
      }
      print("\nEnable it and start it now (and at every login):")
      print("  \(DesktopFiles.packagedEnableCommand)")
      print("Read its log:\n  \(DesktopFiles.logCommand)")
      noteOwnCorpus(reload: "systemctl --user reload affirm.service")
      return true
    }

    /// The config's own lines (`corpus = [...]`) need nothing in the unit: `affirm run` reads
    /// them itself. Says which they are, and warns of a path that cannot be read now.
    func noteOwnCorpus(reload: String) {
      let paths = AffirmPaths(environment: Environment.current.variables)
      guard let loaded = try? LoadedConfig.load(explicitPath: nil, paths: paths), !loaded.config.corpus.isEmpty
      else { return }
      let choice = CorpusChoice(commandLine: [], config: loaded.config)
      print("\nYour own lines, from \(loaded.path ?? paths.configFile): \(choice.label).")
      print("The daemon reads them when it starts; after editing them:\n  \(reload)")
      for problem in (try? choice.loadSkippingUnreadable().1) ?? [] { printError("affirm: warning: \(problem)") }
    }

    func printBoth(_ other: String) {
      print("\nNote: \(other) is installed too. Only one daemon runs (a second one exits")
      print("with status 75); affirm uninstall removes both.")
    }
  }

  struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "uninstall",
      abstract: "Remove what affirm install wrote: the systemd user unit and the autostart entry.",
      discussion: """
        Removes only files that carry affirm install's marker line. An enabled unit is left in \
        place until it is disabled (systemctl --user disable --now affirm.service), so that no \
        dangling link is left behind. Nothing to remove is not an error. Exit status 75 when the \
        unit is still enabled.
        """
    )

    func run() throws {
      let locations = try reportingFailures { try desktopLocations() }
      var removedAny = false
      var leftAlone = false
      var stillEnabled: [String] = []
      for path in [locations.unit, locations.autostart] {
        let isUnit = path == locations.unit
        if isUnit, case .ours = try? DesktopFiles.inspect(path) {
          stillEnabled = DesktopFiles.enablementLinks(in: locations)
          if !stillEnabled.isEmpty { continue }
        }
        switch try reportingFailures({ try DesktopFiles.remove(path) }) {
        case .removed:
          removedAny = true
          print("removed \(path)")
          if isUnit {
            print("  then: systemctl --user daemon-reload")
            print("  (and if it still runs: systemctl --user stop affirm.service)")
          } else {
            print("  a daemon it started runs until you log out (affirm doctor shows its pid)")
          }
        case .foreign:
          leftAlone = true
          print("left \(path) alone: affirm did not write it")
        case .absent:
          break
        }
      }
      if !stillEnabled.isEmpty {
        printError(
          "affirm: affirm.service is enabled (\(stillEnabled.joined(separator: ", "))); disable it first, "
            + "then run affirm uninstall again:\n  \(DesktopFiles.disableCommand)")
        throw ExitCode(ExitStatus.tempFail)
      }
      if !removedAny && !leftAlone {
        print("nothing to remove: affirm install has written nothing here")
      }
    }
  }
}

/// Where install and uninstall look, from the same environment every command reads (HOME from
/// the passwd entry where it is unset).
func desktopLocations() throws(DesktopFileError) -> DesktopFiles.Locations {
  guard let locations = DesktopFiles.Locations(environment: Environment.current.variables) else {
    throw .noHome
  }
  return locations
}

extension DesktopFiles.InstallOutcome {
  func sentence(path: String, binary: String) -> String {
    switch self {
    case .created: "wrote \(path) (it runs \(binary) run)"
    case .updated: "updated \(path) (it now runs \(binary) run)"
    case .unchanged: "already installed: \(path) (unchanged; it runs \(binary) run)"
    }
  }
}

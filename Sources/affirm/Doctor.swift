import AffirmCore
import AffirmNotify
import AffirmState
import AffirmSystem
import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#endif

extension AffirmCommand {
  struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "doctor",
      abstract: "Show on one screen what works and what does not, each problem with its fix.",
      discussion: """
        Checks libnotify, the session bus, the notification server, the config, the corpus, the \
        state database and the daemon, and lists the next fire times and the hard days. Exit status 0 when a \
        notification can be shown now (other problems are still listed), 65 for a bad config, \
        66 for an unreadable config or corpus, 69 for no libnotify, no bus or no notification \
        server.
        """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var corpus: CorpusOptions

    func run() throws {
      var report = DoctorReport()
      let binary = (try? DesktopFiles.currentExecutable().get()) ?? "affirm"
      report.text("affirm \(AffirmCommand.configuration.version) (\(binary))\n")

      let deliveryStatus = checkDelivery(&report)
      let (loaded, configStatus) = checkConfig(&report)
      let recentFailures = checkState(&report, config: loaded?.config)
      checkDaemon(&report, binary: binary)
      if let loaded { checkSchedule(&report, loaded.config) }

      let status = configStatus ?? deliveryStatus
      let others = report.problems + report.warnings
      var summary: String
      if status == nil, let latest = recentFailures {
        // The server answers, but answering is not showing: it refused the latest ones.
        summary = "The notification server answers now, but the latest delivery failed: \(latest)."
        if others > 0 {
          summary += " \(others) thing\(others == 1 ? "" : "s") above need\(others == 1 ? "s" : "") care."
        }
      } else if status == nil {
        summary = "A notification can be shown now."
        if others > 0 {
          summary += " \(others) thing\(others == 1 ? "" : "s") above need\(others == 1 ? "s" : "") care."
        }
      } else if configStatus != nil {
        summary = "affirm cannot work with this config or corpus; fix the ✗ lines above."
      } else {
        summary = "No notification can be shown now; fix the ✗ lines above."
      }
      report.text("\n" + summary)
      print(report.output, terminator: "")
      if let status { throw ExitCode(status) }
    }

    /// libnotify, the bus and the server; 69 when a notification cannot reach a server.
    func checkDelivery(_ report: inout DoctorReport) -> ExitStatus? {
      let libnotifyLoaded = checkLibnotify(&report)
      let bus: SessionBus
      do throws(DeliveryError) {
        bus = try BusDiscovery.locate(environment: config.environment, userID: BusDiscovery.currentUserID)
      } catch {
        switch error {
        case .refusedAddress(let address):
          report.add(
            .problem, "session bus: DBUS_SESSION_BUS_ADDRESS is \"\(address)\", which would start a hidden bus",
            fix:
              "set it to your session's bus (usually unix:path=/run/user/\(BusDiscovery.currentUserID)/bus), or unset it"
          )
        default:
          report.add(
            .problem, "session bus: none found",
            details: [
              "DBUS_SESSION_BUS_ADDRESS is unset, and neither $XDG_RUNTIME_DIR/bus nor "
                + "/run/user/\(BusDiscovery.currentUserID)/bus exists."
            ],
            fix: "run affirm inside your desktop session, or set DBUS_SESSION_BUS_ADDRESS to its bus, "
              + "which a terminal of the session prints:\necho $DBUS_SESSION_BUS_ADDRESS")
        }
        report.add(.problem, "notification server: not checked without a bus")
        return .unavailable
      }
      report.add(.ok, "session bus: found through \(bus.source)", details: [bus.address])
      guard libnotifyLoaded else {
        report.add(.problem, "notification server: not checked without libnotify")
        return .unavailable
      }

      let notifier = LibNotifyNotifier(bus: bus)
      do throws(DeliveryError) {
        let server = try notifier.serverInformation()
        let capabilities = notifier.capabilities.listed.map(\.rawValue).joined(separator: ", ")
        report.add(
          .ok, "notification server: \(server.name) \(server.version) by \(server.vendor), spec \(server.specVersion)",
          details: [
            "capabilities: " + (capabilities.isEmpty ? "none listed" : capabilities),
            !notifier.capabilities.contains(.actions)
              ? "buttons: none (the server does not list \"actions\"); notifications come plain"
              : ServerQuirks(server: server).contains(.buttonsInMenuOnly)
                ? "buttons: late-night and urge lines offer \"It passed\" and \"I want to reach out\", "
                  + "but this server draws none: they are in its menu (makoctl menu)"
                : "buttons: late-night and urge lines offer \"It passed\" and \"I want to reach out\"",
          ])

        if !notifier.capabilities.isEmpty && !notifier.capabilities.contains(.body) {
          report.add(
            .warning, "the server shows summaries only (no \"body\" capability)",
            details: ["affirm's lines are in the body; you will see only the short summary."])
        }
        return nil
      } catch {
        switch error {
        case .busUnreachable(let address, let reason):
          report.add(
            .problem, "session bus: \(address) does not answer", details: [reason],
            fix: "check that your desktop session, and its bus, run:\nsystemctl --user status dbus")
        case .serverNotResponding(let pid, let seconds):
          let who = pid.map { "pid \($0)" } ?? "the server"
          report.add(
            .problem,
            "notification server: \(who) did not answer within \(seconds.formatted(maximumFractionDigits: 1)) s",
            fix: "it may be stopped or hung: restart it" + (pid.map { " (if it was stopped: kill -CONT \($0))" } ?? ""))
        case .rejected(let reason):
          report.add(.problem, "notification server: it answered with an error", details: [reason], fix: "restart it")
        case .libnotifyUnavailable(let reason):
          reportLibnotifyMissing(&report, reason: reason)
        default:
          report.add(
            .problem, "notification server: none on the bus (nothing owns org.freedesktop.Notifications)",
            fix: "start one, such as dunst or mako, or log in to a desktop that has one (GNOME, KDE, Xfce)")
        }
        return .unavailable
      }
    }

    /// Whether libnotify loads (affirm opens it only to show a notification), and from where.
    func checkLibnotify(_ report: inout DoctorReport) -> Bool {
      do throws(DeliveryError) {
        report.add(.ok, "libnotify: loaded", details: [try LibNotifyLibrary.load()])
        return true
      } catch {
        guard case .libnotifyUnavailable(let reason) = error else { return false }
        reportLibnotifyMissing(&report, reason: reason)
        return false
      }
    }

    func reportLibnotifyMissing(_ report: inout DoctorReport, reason: String) {
      report.add(
        .problem, "libnotify: cannot be loaded, so no notification can be shown", details: [reason],
        fix: "install it:\nsudo apt install libnotify4")
    }

    /// The config and the corpus; their exit status when affirm cannot work with them.
    func checkConfig(_ report: inout DoctorReport) -> (LoadedConfig?, ExitStatus?) {
      let loaded: LoadedConfig
      do throws(ConfigLoadError) {
        loaded = try config.load()
      } catch {
        switch error {
        case .invalid(let problem):
          report.add(
            .problem, "config: invalid", details: [problem.description],
            fix: "edit it; affirm check lists every problem, and affirm config show prints the config in force")
        case .unreadable:
          report.add(
            .problem, "config: unreadable", details: [error.description],
            fix: "make it readable, or give another with --config")
        }
        _ = checkCorpus(&report, config: nil)
        return (nil, ExitStatus(for: error))
      }
      let zone = loaded.config.zone(environment: config.environment).identifier
      let slots = "\(loaded.config.slots.count) slot\(loaded.config.slots.count == 1 ? "" : "s"), zone \(zone)"
      if let path = loaded.path {
        report.add(.ok, "config: \(slots)", details: [path])
      } else {
        report.add(
          .ok, "config: the built-in default, \(slots)",
          details: ["no file at \(config.paths.configFile)", "affirm config init writes one to edit"])
      }
      return (loaded, checkCorpus(&report, config: loaded.config))
    }

    func checkCorpus(_ report: inout DoctorReport, config: Config?) -> ExitStatus? {
      let choice = corpus.choice(config: config ?? .builtInDefault)
      let loaded: Corpus
      let unreadable: [CorpusChoiceError]
      do throws(CorpusChoiceError) {
        (loaded, unreadable) = try choice.loadSkippingUnreadable()
      } catch {
        report.add(
          .problem, "corpus: unreadable", details: [error.description],
          fix: "give a readable file or directory with --corpus")
        return ExitStatus(for: error)
      }
      for problem in unreadable {
        report.add(
          .problem, "corpus: \(problem.source?.written ?? "a path") cannot be read", details: [problem.description],
          fix: "correct the path in the config's corpus = [...], or remove it")
      }
      let source = choice.label
      guard !loaded.entries.isEmpty else {
        report.add(.problem, "corpus: \(source) has no entries", fix: "affirm check shows why")
        return unreadable.first.map { ExitStatus(for: $0) } ?? .dataErr
      }
      let tags = loaded.knownTags.map { tag in "\(tag) \(loaded.entries.count { $0.tags.contains(tag) })" }
      report.add(
        .ok, "corpus: \(source), \(loaded.entries.count) entries", details: ["by tag: " + tags.joined(separator: ", ")])
      if !loaded.diagnostics.isEmpty {
        let count = loaded.diagnostics.count
        report.add(
          .warning, "corpus: \(count) problem\(count == 1 ? "" : "s") (such entries may be skipped)",
          fix: "affirm check lists them")
      }
      let unknown = config.map { Picker(corpus: loaded).slotProblems(in: $0) } ?? []
      if !unknown.isEmpty {
        report.add(
          .problem, "config: slots that would find no line to show; affirm run refuses to start",
          details: unknown.map(\.description),
          fix: "change the slot's tags, add entries that carry them, or list the people its lines name")
      }
      // A path that cannot be read stops affirm run (66) before its slot tags matter.
      if let first = unreadable.first { return ExitStatus(for: first) }
      return unknown.isEmpty ? nil : .dataErr
    }

    /// The state database's health, and the latest deliveries that failed. Returns the reason
    /// of the newest delivery when it failed. Times are shown in the config's zone, as
    /// `history` shows them (the system's when the config cannot be read).
    func checkState(_ report: inout DoctorReport, config settings: Config?) -> String? {
      let path = StateStore.defaultPath(paths: config.paths)
      if let problem = StateFileSafety.problem(path: path) {
        report.add(.problem, "state database: refused", details: [path, problem.description], fix: problem.fix)
        return nil
      }
      do throws(StateError) {
        guard let store = try StateStore.openReadOnly(path: path) else {
          report.add(
            .warning, "state database: not created yet",
            details: [path, "the first affirm send, affirm sos or affirm run creates it"])
          return nil
        }
        let shown = try store.deliveredCount()
        report.add(.ok, "state database: \(shown) notification\(shown == 1 ? "" : "s") shown so far", details: [path])
        let recent = try store.recentOutcomes(limit: Self.recentDeliveries)
        let failed = recent.filter(\.failed)
        guard let newest = failed.first else { return nil }
        let zone = (settings ?? Config(slots: [])).zone(environment: config.environment)
        report.add(
          .warning,
          "recent deliveries: \(failed.count) of the latest \(recent.count) failed",
          details: ["latest failure, \(ISO8601.format(newest.at, in: zone)): \(newest.reason ?? "no reason recorded")"],
          fix: "affirm history lists each one with its reason")
        return recent.first?.failed == true ? newest.reason ?? "no reason recorded" : nil
      } catch {
        var info = stat()
        let isDirectory = stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        let fix: String
        switch error {
        case _ where isDirectory:
          fix = "move it away:\nmv \(DesktopFiles.shellQuoted(path)) \(DesktopFiles.shellQuoted(path + ".old"))"
        case .unavailable(_, let cause), .unreadable(_, let cause): fix = cause.fix(path: path)
        case .refused(_, let problem): fix = problem.fix
        }
        report.add(
          .problem, "state database: unusable",
          details: [path, isDirectory ? "it is a directory, not a database" : error.reason], fix: fix)
        return nil
      }
    }

    /// How many of the latest deliveries doctor looks through for failures.
    static let recentDeliveries = 20

    func checkDaemon(_ report: inout DoctorReport, binary: String) {
      // `affirm run` takes the first place it can use: a daemon holding any of them runs.
      let (lockPath, daemon) = InstanceLock.probe(paths: InstanceLock.candidatePaths(config.paths))
      let locations = DesktopFiles.Locations(environment: config.environment)
      var setup: [String] = []
      var unitEnabled = false
      var unitInstalled = false
      var autostartInstalled = false
      if let locations {
        if case .ours = try? DesktopFiles.inspect(locations.unit) {
          unitInstalled = true
          unitEnabled = !DesktopFiles.enablementLinks(in: locations).isEmpty
          setup += ["set up as a systemd user unit (\(unitEnabled ? "enabled" : "not enabled")):", locations.unit]
        }
        if case .ours = try? DesktopFiles.inspect(locations.autostart) {
          autostartInstalled = true
          setup += ["set up as an autostart entry:", locations.autostart]
        }
      }
      let started = setup.isEmpty ? ["not set up to start with your session"] : setup

      switch daemon {
      case .running(let pid):
        report.add(.ok, "daemon: running" + (pid.map { " (pid \($0))" } ?? ""), details: started)
        return
      case .unknown(let reason):
        report.add(.warning, "daemon: cannot tell whether it runs", details: ["\(lockPath): \(reason)"] + started)
        return
      case .notRunning(let stalePid):
        var details = started
        if let stalePid { details.append("\(lockPath) names pid \(stalePid), which no longer holds it (stale)") }
        let fix: String
        if unitEnabled {
          fix =
            "see why it stopped, and start it again:\n\(DesktopFiles.logCommand)\nsystemctl --user restart affirm.service"
        } else if unitInstalled {
          fix = "enable and start it:\nsystemctl --user daemon-reload\nsystemctl --user enable --now affirm.service"
        } else if autostartInstalled {
          fix =
            "it starts with your next login; to start it now:\n"
            + "setsid -f \(DesktopFiles.shellQuoted(binary)) run >/dev/null 2>&1"
        } else {
          fix = "affirm install, then run the two systemctl commands it prints (or affirm install --autostart)"
        }
        report.add(.warning, "daemon: not running", details: details, fix: fix)
      }
    }

    func checkSchedule(_ report: inout DoctorReport, _ config: Config) {
      let now = WallClock.system.now()
      var schedule = config.schedule(environment: self.config.environment)
      do {
        let windows: [UrgeWindow]
        (schedule, windows) = try followingUrges(schedule, now: now, store: self.config.readOnlyStore)
        if !windows.isEmpty {
          report.add(.ok, "windows that follow your urges:", details: windows.map(\.line))
        }
      } catch {
        report.add(
          .warning, "windows that follow your urges: as written, the urges cannot be read",
          details: ["\(error)"], fix: "see the state database line above")
      }
      let upcoming = schedule.upcoming(after: now, count: 3)
      // One line for the hard days, after the fire times: how many, and which comes next.
      defer {
        if let line = config.hardDays.summary(asOf: schedule.zone.localTime(at: now).date) { report.add(.ok, line) }
      }
      guard !upcoming.isEmpty else {
        report.add(.warning, "next fire times: none", details: ["the config has no slots that fire"])
        return
      }
      let width = upcoming.map(\.slot.count).max() ?? 0
      report.add(
        .ok, "next fire times:",
        details: upcoming.map {
          "\(ISO8601.format($0.instant, in: schedule.zone))  \($0.slot.padding(width))  \($0.urgency.rawValue)"
        })
    }
  }
}

/// The doctor's screen: one line per finding with its mark, details and fix indented below,
/// wrapped at 80 columns.
struct DoctorReport {
  enum Mark: String {
    case ok = "✓"
    case warning = "!"
    case problem = "✗"
  }

  static let width = 80
  private(set) var output = ""
  private(set) var problems = 0
  private(set) var warnings = 0

  mutating func text(_ line: String) { output += line + "\n" }

  mutating func add(_ mark: Mark, _ headline: String, details: [String] = [], fix: String? = nil) {
    switch mark {
    case .ok: break
    case .warning: warnings += 1
    case .problem: problems += 1
    }
    output += Self.wrap(headline, first: mark.rawValue + " ", rest: "    ")
    for detail in details { output += Self.wrap(detail, first: "    ", rest: "      ") }
    guard let fix else { return }
    // The first line of a fix is prose; each further line is a command, shown whole.
    let parts = fix.split(separator: "\n")
    output += Self.wrap("fix: " + (parts.first ?? ""), first: "    ", rest: "      ")
    for command in parts.dropFirst() { output += "      " + command + "\n" }
  }

  /// `text` broken at spaces to fit the width; a word longer than a line gets a line of its own.
  static func wrap(_ text: String, first: String, rest: String) -> String {
    var lines: [String] = []
    var line = first
    var lineHasWord = false
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      if lineHasWord && line.count + 1 + word.count > width {
        lines.append(line)
        line = rest + word
      } else {
        line += (lineHasWord ? " " : "") + word
      }
      lineHasWord = true
    }
    lines.append(line)
    return lines.joined(separator: "\n") + "\n"
  }
}

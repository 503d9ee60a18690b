import AffirmCore
import AffirmNotify
import AffirmSystem
import ArgumentParser
import FoundationEssentials
import Logging

extension AffirmCommand {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the scheduler: show each slot's affirmations at their times.",
      discussion: """
        Waits for each fire time of the config's slots and shows an entry carrying the slot's \
        tags. One daemon per user; SIGHUP reloads the config, SIGTERM stops it. Logs go to stderr. \
        Exit status: 65 bad config, 75 another daemon is running.
        """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var corpus: CorpusOptions

    func run() throws {
      let waiter = try reportingFailures { () throws -> SystemWaiter in
        do throws(SystemWaiter.SetupError) {
          return try SystemWaiter()
        } catch {
          throw DaemonStartError.setup(error.description)
        }
      }
      LoggingSystem.bootstrap {
        StandardErrorLogHandler(label: "affirm[\(ProcessInfo.processInfo.processIdentifier)]: \($0)")
      }
      let logger = Logger(label: "run")
      let environment = config.environment
      let paths = config.paths

      let (loaded, picker) = try reportingFailures { () throws -> (LoadedConfig, Picker) in
        let loaded = try config.load()
        let picker = Picker(corpus: try corpus.load())
        if let problem = picker.unknownSlotTags(in: loaded.config).first { throw ConfigLoadError.invalid(problem) }
        return (loaded, picker)
      }
      let lock = try reportingFailures { () throws -> InstanceLock in
        let lockPath = (paths.runtimeDirectory ?? paths.stateDirectory) + "/daemon.lock"
        do throws(InstanceLock.Failure) {
          return try InstanceLock(path: lockPath)
        } catch .held(let pid) {
          throw DaemonStartError.alreadyRunning(pid: pid)
        } catch .unusable(let path, let reason) {
          throw DaemonStartError.setup("cannot lock \(path): \(reason)")
        }
      }
      let marks = FireMarksFile(path: paths.stateDirectory + "/daemon-marks")
      let explicitPath = config.path
      var host = LiveDaemonHost(
        waiter: waiter, picker: picker, marksFile: marks, logger: logger,
        notifier: {
          () throws(DeliveryError) -> LibNotifyNotifier in
          LibNotifyNotifier(
            bus: try BusDiscovery.locate(environment: environment, userID: BusDiscovery.currentUserID))
        },
        reload: {
          let reloaded = try LoadedConfig.load(explicitPath: explicitPath, paths: paths)
          if let problem = picker.unknownSlotTags(in: reloaded.config).first { throw ConfigLoadError.invalid(problem) }
          return reloaded.config.schedule(environment: environment)
        })
      logger.info("config: \(loaded.path ?? "built-in default")")
      var loop = DaemonLoop(
        schedule: loaded.config.schedule(environment: environment), marks: marks.load(), logger: logger)
      let status = loop.run(host: &host)
      withExtendedLifetime(lock) {}
      throw ExitCode(status)
    }
  }
}

/// Why the daemon could not start.
enum DaemonStartError: UserFacingError {
  case alreadyRunning(pid: Int32?)
  case setup(String)

  var exitStatus: Int32 { ExitStatus.temporaryFailure }

  var description: String {
    switch self {
    case .alreadyRunning(let pid?):
      "affirm run is already running (pid \(pid)); stop it first, or send it SIGHUP to reload"
    case .alreadyRunning(nil): "affirm run is already running; stop it first"
    case .setup(let reason): reason
    }
  }
}

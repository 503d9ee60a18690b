import AffirmCore
import AffirmNotify
import AffirmState
import AffirmSystem
import ArgumentParser
import FoundationEssentials
import Logging

#if canImport(Glibc)
  import Glibc
#endif

extension AffirmCommand {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract: "Run the scheduler: show each slot's affirmations at their times.",
      discussion: """
        Waits for each fire time of the config's slots and shows an entry carrying the slot's \
        tags. One daemon per user; SIGHUP reloads the config and the corpus, SIGTERM stops it. Logs go to stderr. \
        Exit status: 65 bad config, 66 unreadable corpus, 69 libnotify cannot be loaded, 75 another daemon is running.
        """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var corpusOptions: CorpusOptions

    func run() throws {
      let waiter = try reportingFailures { () throws -> SystemWaiter in
        do throws(SystemWaiter.SetupError) {
          return try SystemWaiter(zoneFile: TimeZoneRules.systemZoneFile(environment: config.environment))
        } catch {
          throw DaemonStartError.setup(error.description)
        }
      }
      let logger = bootstrapLogging(command: "run")
      // SIGTERM is answered within a second even while the loop is busy (a hung server).
      TerminationWatch.start(logger: logger)
      let environment = config.environment
      let paths = config.paths

      let explicitPath = config.path
      let cacheDirectory = paths.cacheDirectory
      let options = corpusOptions
      // The config and the corpus as they are on disk now; `DaemonLoop` judges them.
      let readSettings = { (loaded: LoadedConfig) throws -> DaemonSettings in
        let choice = options.choice(config: loaded.config)
        return DaemonSettings(
          config: loaded.config, schedule: loaded.config.schedule(environment: environment),
          corpus: try choice.catalog(cacheDirectory: cacheDirectory),
          corpusLabel: choice.label)
      }
      let (loaded, settings) = try reportingFailures { () throws -> (LoadedConfig, DaemonSettings) in
        let loaded = try config.load()
        let settings = try readSettings(loaded)
        if let problem = settings.problem { throw ConfigLoadError.invalid(problem) }
        return (loaded, settings)
      }
      // libnotify is loaded here: a daemon that cannot load it could never show anything, so
      // it does not start (exit 69, with the sentence that says how to install it).
      let pump = try reportingFailures { () throws -> MainContextPump in try MainContextPump() }
      let lock = try reportingFailures { () throws -> InstanceLock in
        do throws(InstanceLock.Failure) {
          let (lock, skipped) = try InstanceLock.acquire(paths: InstanceLock.candidatePaths(paths))
          for case .unusable(let path, let reason) in skipped {
            logger.warning("cannot lock \(path) (\(reason)); using \(lock.path) instead")
          }
          return lock
        } catch .held(let pid) {
          throw DaemonStartError.alreadyRunning(pid: pid)
        } catch .unusable(let path, let reason) {
          throw DaemonStartError.setup("cannot lock \(path): \(reason)")
        } catch .refused(let path, let reason) {
          throw DaemonStartError.setup("refusing the lock file \(path): \(reason)")
        }
      }
      var store: StateStore?
      do {
        store = try StateStore.open(
          path: StateStore.defaultPath(paths: paths), now: WallClock.system.now(), logger: logger)
      } catch {
        logger.error("\(error); running without it: deliveries are not recorded and missed times are not remembered")
      }
      if let closed = try? store?.closeInterrupted(now: WallClock.system.now()), closed > 0 {
        logger.warning("\(StateStore.interruptedSentence(count: closed))")
      }
      let marks = (try? store?.marks()) ?? [:]
      logger.info("corpus: \(settings.corpusLabel), \(settings.corpus.count) entries")
      var host = LiveDaemonHost(
        waiter: waiter, pump: pump,
        dispatcher: Dispatcher(
          corpus: settings.corpus, config: settings.config, zone: settings.schedule.zone, store: store, logger: logger),
        notifier: SessionNotifier(environment: environment, replacesPrevious: true), logger: logger,
        reload: {
          // The corpus is read again too, so an edited file of one's own lines takes effect.
          try readSettings(LoadedConfig.load(explicitPath: explicitPath, paths: paths))
        })
      host.rideMinuteSeconds = Sos.minuteSeconds(environment: environment)
      logger.info("config: \(loaded.path ?? "built-in default")")
      var loop = DaemonLoop(settings: settings, marks: marks, logger: logger)
      let status = loop.run(host: &host)
      withExtendedLifetime(lock) {}
      // The loop ends only when asked to stop (SIGTERM): a clean exit.
      throw ExitCode(status)
    }
  }
}

/// Sends log lines to stderr, labelled with the pid, once per process.
func bootstrapLogging(command: String) -> Logger {
  let pid = getpid()
  LoggingSystem.bootstrap { StandardErrorLogHandler(label: "affirm[\(pid)]: \($0)") }
  return Logger(label: command)
}

/// Why the daemon could not start.
enum DaemonStartError: UserFacingError {
  case alreadyRunning(pid: Int32?)
  case setup(String)

  var description: String {
    switch self {
    case .alreadyRunning(let pid?):
      "affirm run is already running (pid \(pid)); stop it first, or send it SIGHUP to reload"
    case .alreadyRunning(nil): "affirm run is already running; stop it first"
    case .setup(let reason): reason
    }
  }
}

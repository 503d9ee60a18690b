import AffirmCore
import AffirmState
import AffirmSystem
import FoundationEssentials
import Logging

/// What the one-shot commands share: the config, the corpus, the zone, the state database
/// and a dispatcher over them.
struct CommandContext {
  var loaded: LoadedConfig
  var dispatcher: Dispatcher
  var now: Instant
  var paths: AffirmPaths
  /// The process environment (`Environment.current`).
  var environment: [String: String]

  /// `readOnly` opens an existing database without writing (and creates none).
  init(config: ConfigOptions, corpus: CorpusOptions? = nil, readOnly: Bool = false) throws {
    try self.init(configPath: config.path, corpusPaths: corpus?.paths ?? [], readOnly: readOnly)
  }

  /// The same from plain values: the `--config` file, if any, and the `--corpus` paths
  /// (none: the config's corpus and the built-in one).
  init(configPath: String?, corpusPaths: [String], readOnly: Bool = false) throws {
    let logger = bootstrapLogging(command: "state")
    environment = Environment.current.variables
    paths = AffirmPaths(environment: environment)
    loaded = try LoadedConfig.load(explicitPath: configPath, paths: paths)
    let corpus = try CorpusChoice(commandLine: corpusPaths, config: loaded.config).catalog(
      cacheDirectory: paths.cacheDirectory)
    now = WallClock.system.now()
    let zone = loaded.config.zone(environment: environment)
    let path = StateStore.defaultPath(paths: paths)
    var store: StateStore?
    if readOnly {
      do {
        store = try StateStore.openReadOnly(path: path, logger: logger)
      } catch {
        stateError = error
      }
    } else {
      do {
        store = try StateStore.open(path: path, now: now, logger: logger)
      } catch {
        stateError = error
      }
    }
    dispatcher = Dispatcher(corpus: corpus, config: loaded.config, zone: zone, store: store, logger: logger)
  }

  /// Why the state database could not be opened, when it could not.
  var stateError: StateError?

  var zone: TimeZoneRules { dispatcher.zone }
  var today: LocalDate { zone.localTime(at: now).date }

  /// The store opened read-only: nil when there is none yet, and an error when there is one
  /// that cannot be read (what a read-only command would print instead would be a guess).
  func readableStore() throws -> StateStore? {
    if let stateError { throw stateError }
    return dispatcher.store
  }

  /// The store, or the reason there is none.
  func requireStore() throws -> StateStore {
    if let store = dispatcher.store { return store }
    throw stateError
      ?? StateError.unavailable(path: StateStore.defaultPath(paths: paths), cause: .missing)
  }
}

/// `schedule` with each slot that follows urges (`follow_urges`) in its window in force at
/// `now`, and those windows. The urges come from `store`, asked only when a slot follows them.
func followingUrges(_ schedule: Schedule, now: Instant, store: () throws -> StateStore?) throws -> (
  schedule: Schedule, windows: [UrgeWindow]
) {
  guard schedule.followsUrges else { return (schedule, []) }
  let urges = try store()?.urgeInstants() ?? []
  let windows = schedule.urgeWindows(urges: urges, now: now)
  return (schedule.applying(windows), windows)
}

extension ConfigOptions {
  /// The state database opened read-only for commands that work without a context (`next`,
  /// `doctor`): nil when there is none yet.
  func readOnlyStore() throws -> StateStore? {
    try StateStore.openReadOnly(path: StateStore.defaultPath(paths: paths))
  }
}

extension CommandContext {
  /// Tells a running daemon that an urge was just logged (SIGUSR1) when a slot follows urges,
  /// so that it moves that slot's window now rather than at its next wake.
  func pokeDaemonAfterUrge() {
    guard loaded.config.slots.contains(where: \.followsUrges) else { return }
    InstanceLock.poke(paths: InstanceLock.candidatePaths(paths))
  }
}

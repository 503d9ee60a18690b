public import AffirmCore
public import AffirmSystem
import GRDB
public import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// The one SQLite database affirm keeps: deliveries, urges, the no-contact streaks, the
/// shuffle bags and the daemon's last fire times. The only code that writes state.
///
/// Every process (the daemon and any number of one-shot sends) opens it on its own; WAL and
/// a busy timeout let them write concurrently, and each pick happens inside an IMMEDIATE
/// transaction that also reserves the entry, so two sends at the same moment never pick the
/// same line.
public final class StateStore: @unchecked Sendable {
  public let path: String
  let database: DatabaseQueue
  /// Where a row that cannot be read (edited by hand) is reported, once per query.
  let logger: Logger

  /// How long a reserved delivery with no outcome yet still holds its entry (a crash between
  /// reserving and delivering must not hide an entry forever).
  static let pendingLifetime: Int64 = 120

  public static func defaultPath(paths: AffirmPaths) -> String { paths.stateDirectory + "/state.sqlite" }

  /// Opens (creating when missing) the database. A file that is not SQLite, is damaged, or has
  /// a newer schema than this build knows is moved aside to `<path>.corrupt-<timestamp>` (with
  /// `-2`, `-3`... when that name is taken: nothing is ever replaced) and a fresh one is started;
  /// it is never deleted.
  ///
  /// Creating, migrating and moving aside all happen under a flock on the state directory, so
  /// any number of processes opening a missing or damaged database at once agree on one file.
  /// Not on the database file: closing a descriptor of it drops every fcntl lock this process
  /// holds on it, SQLite's own among them, and the next process to close its connection then
  /// takes itself for the last one and deletes the WAL this one goes on writing to.
  public static func open(path: String, now: Instant, logger: Logger) throws(StateError) -> StateStore {
    let directory = FilePath(path).directory.string
    do {
      try Posix.makeDirectories(directory)
    } catch {
      throw .unavailable(path: path, cause: .system(errno: error.errno.rawValue))
    }
    if let problem = StateFileSafety.problem(path: path) {
      throw .refused(path: path, problem)
    }
    let store: StateStore
    do {
      let lock = DirectoryLock(directory)
      defer { withExtendedLifetime(lock) {} }
      store = try openOrMoveAside(path: path, now: now, logger: logger)
    }
    // Outside the lock: this may wait for another process's write.
    store.closeAbandonedDeliveries(now: now)
    return store
  }

  private static func openOrMoveAside(path: String, now: Instant, logger: Logger) throws(StateError) -> StateStore {
    let damage: StateError.Cause
    do throws(StateError.Cause) {
      return try StateStore(path: path, logger: logger)
    } catch {
      guard error.isDamage else { throw .unavailable(path: path, cause: error) }
      damage = error
    }
    let aside: String
    switch StateFileSafety.moveAside(path, stamp: now.seconds) {
    case .success(let name): aside = name
    case .failure(let failure): throw .unavailable(path: path, cause: .stuck(damage, errno: failure.code))
    }
    for suffix in ["-wal", "-shm"] { _ = StateFileSafety.moveWithoutReplacing(path + suffix, to: aside + suffix) }
    logger.error("the state database was unusable (\(damage)); moved it to \(aside) and started a fresh one")
    do throws(StateError.Cause) {
      return try StateStore(path: path, logger: logger)
    } catch {
      throw .unavailable(path: path, cause: error)
    }
  }

  /// Opens an existing database without writing anything, for `--dry-run`, history and stats;
  /// nil when there is none yet (or another process is still creating it).
  public static func openReadOnly(path: String, logger: Logger = Logger(label: "state")) throws(StateError)
    -> StateStore?
  {
    if let problem = StateFileSafety.problem(path: path) {
      throw .refused(path: path, problem)
    }
    var info = stat()
    guard lstat(path, &info) == 0 else {
      if errno == ENOENT { return nil }
      throw .unreadable(path: path, cause: .system(errno: errno))
    }
    let store: StateStore
    do throws(StateError.Cause) {
      store = try StateStore(path: path, readOnly: true, logger: logger)
    } catch {
      throw .unreadable(path: path, cause: error)
    }
    do {
      return try store.database.read { try $0.tableExists("delivery") } ? store : nil
    } catch let error as DatabaseError {
      throw .unreadable(path: path, cause: StateError.Cause(error))
    } catch {
      throw .unreadable(path: path, cause: .other("\(error)"))
    }
  }

  private init(path: String, readOnly: Bool = false, logger: Logger) throws(StateError.Cause) {
    self.path = path
    self.logger = logger
    if !readOnly { try Self.prepareFile(path) }
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    configuration.readonly = readOnly
    configuration.label = "affirm.state"
    // In WAL mode NORMAL keeps the database consistent through any crash and only skips the
    // fsync per commit; a power cut can lose the last delivery row, never corrupt the file.
    if !readOnly {
      configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    }
    do {
      database = try DatabaseQueue(path: path, configuration: configuration)
      if !readOnly { try Self.setUpWAL(database, path: path) }
      let migrator = Self.migrator
      if try database.read({ try migrator.hasBeenSuperseded($0) }) {
        throw StateError.Cause.newerSchema
      }
      if !readOnly, try !database.read({ try migrator.hasCompletedMigrations($0) }) {
        try migrator.migrate(database)
      }
    } catch let cause as StateError.Cause {
      throw cause
    } catch let error as DatabaseError {
      throw StateError.Cause(error)
    } catch {
      throw .other("\(error)")
    }
  }

  /// WAL mode, which is stored in the file: asking for it again is a no-op. GRDB's
  /// `journalMode = .wal` would do the same and then, for its DatabasePool readers, make sure
  /// a non-empty -wal file exists: a Foundation file-size lookup and, whenever the last
  /// connection has closed (so after every send), a write transaction creating and dropping
  /// a table. A DatabaseQueue needs neither.
  private static func setUpWAL(_ database: DatabaseQueue, path: String) throws {
    try database.writeWithoutTransaction { db in
      guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
        throw DatabaseError(message: "could not activate WAL Mode at path: \(path)")
      }
    }
  }

  /// The file 0600, created before SQLite does (SQLite gives its -wal and -shm files the
  /// database file's mode), never through a symlink.
  private static func prepareFile(_ path: String) throws(StateError.Cause) {
    // Only when missing: closing a descriptor of a database this process already has open
    // would drop its locks (see open).
    var info = stat()
    guard lstat(path, &info) != 0 else { return }
    let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    if descriptor >= 0 {
      close(descriptor)
    } else if errno != EACCES && errno != EROFS && errno != EEXIST {
      throw .system(errno: errno)
    }
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.create(table: "delivery") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("at", .integer).notNull()
        t.column("source", .text).notNull()  // "send", "sos", "slot"
        t.column("slot", .text)
        t.column("bag", .text).notNull()
        t.column("entry", .text).notNull()  // EntryID
        t.column("body", .text).notNull()
        t.column("status", .text).notNull()  // DeliveryStatus: "pending", "delivered", "failed"
        t.column("reason", .text)
      }
      try db.create(index: "delivery_entry", on: "delivery", columns: ["entry", "id"])
      try db.create(table: "bag") { t in
        t.primaryKey("key", .text)
        t.column("cycle_start", .integer).notNull()  // delivery ids after this are this cycle's
      }
      try db.create(table: "urge") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("at", .integer).notNull()
        t.column("note", .text)
      }
      try db.create(table: "streak") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("started", .text).notNull()  // local date, ISO 8601
        t.column("reset_at", .integer).notNull()  // when it was recorded
      }
      try db.create(table: "mark") { t in
        t.primaryKey("slot", .text)
        t.column("at", .integer).notNull()
      }
    }
    migrator.registerMigration("v2: pause") { db in
      try db.create(table: "pause") { t in
        t.primaryKey("id", .integer)  // one row: the pause in force
        t.column("until", .integer).notNull()
        t.column("set_at", .integer).notNull()
      }
    }
    migrator.registerMigration("v3: strength") { db in
      try db.create(table: "strength") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("at", .integer).notNull()  // when "It passed" (once "I stayed strong") was pressed
      }
    }
    migrator.registerMigration("v4: idea") { db in
      // The idea key of the entry shown (nil for a corpus without keys), so that every
      // process keeps the same idea apart across a night.
      // Whether it was a night line (late-night, urge, sos): a milestone is marked on the
      // day's first line that was not.
      try db.alter(table: "delivery") { t in
        t.add(column: "idea", .text)
        t.add(column: "night", .boolean)
      }
    }
    migrator.registerMigration("v5: pending and time indexes") { db in
      // Every writing command looks for deliveries a killed process left pending; history
      // pages through each kind newest first.
      // A schema names its values as text (DeliveryStatus.pending); as applied, never edited.
      try db.execute(sql: "CREATE INDEX delivery_pending ON delivery (at) WHERE status = 'pending'")
      try db.create(index: "delivery_at", on: "delivery", columns: ["at"])
      try db.create(index: "urge_at", on: "urge", columns: ["at"])
    }
    migrator.registerMigration("v6: live notification") { db in
      try db.create(table: "live") { t in
        t.primaryKey("id", .integer)  // one row: affirm's latest notification, maybe still open
        t.column("notification", .integer).notNull()  // the server's id for it
        t.column("server", .text).notNull()  // the unique bus name of the server that gave the id
      }
    }
    migrator.registerMigration("v7: rides") { db in
      try db.create(table: "ride") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("requested", .integer).notNull()  // when `affirm sos --ride` or the button asked for it
        t.column("started", .integer)  // when a process took it on; null: a request nobody carries yet
        t.column("carrier", .text)  // "daemon" or "command"
        t.column("planned_seconds", .integer).notNull()  // one round
        t.column("rounds", .integer).notNull().defaults(to: 1)
        t.column("ended", .integer)
        t.column("outcome", .text)  // RideOutcome: passed, still-hard, unanswered, stopped
      }
      try db.create(index: "ride_started", on: "ride", columns: ["started"])
    }
    return migrator
  }
}

/// The state database could not be used; the notification may still have been shown.
public enum StateError: UserFacingError, Equatable {
  case unavailable(path: String, cause: Cause)
  /// A read-only command could not read it: what it would print would be a guess.
  case unreadable(path: String, cause: Cause)
  /// A symlink, or a directory others own or may write: never opened.
  case refused(path: String, StateFileProblem)

  public var description: String {
    switch self {
    case .unavailable(let path, let cause): "cannot use the state database \(path): \(cause)"
    case .unreadable(let path, let cause): "the state cannot be read from \(path): \(cause)"
    case .refused(let path, let problem): "refusing the state database \(path): \(problem)"
    }
  }

  public var path: String {
    switch self {
    case .unavailable(let path, _), .unreadable(let path, _), .refused(let path, _): path
    }
  }

  /// Why, without the path: SQLite's message, errno's text, or the refusal's reason.
  public var reason: String {
    switch self {
    case .unavailable(_, let cause), .unreadable(_, let cause): cause.description
    case .refused(_, let problem): problem.description
    }
  }

  /// Why the database could not be used, as far as the code tells causes apart. SQLite's
  /// message is kept where there is one: it is what the user reads.
  public indirect enum Cause: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an SQLite database, or a damaged one (SQLITE_NOTADB, SQLITE_CORRUPT,
    /// SQLITE_FORMAT). Opening it for writing moves it aside and starts afresh.
    case damaged(String)
    /// Written by a newer affirm, with a schema this build does not know; moved aside alike.
    case newerSchema
    /// Damaged (or newer), and it could not be moved aside either: errno's code of the move.
    case stuck(Cause, errno: Int32)
    /// Another process held it past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED).
    case busy(String)
    /// The disk or the file system is full (SQLITE_FULL).
    case diskFull(String)
    /// Not allowed: permissions, a read-only file system, a file that cannot be opened
    /// (SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_AUTH).
    case denied(String)
    /// Any other SQLite error, with its message.
    case sqlite(String)
    /// A system call on the file or its directory failed: errno's code.
    case system(errno: Int32)
    /// There is no database yet.
    case missing
    /// No entry could be reserved.
    case noEligibleEntry
    /// Anything else, as it describes itself.
    case other(String)

    /// The cause of a GRDB error, by SQLite's primary result code.
    init(_ error: DatabaseError) {
      let message = error.message ?? "\(error.resultCode)"
      switch error.resultCode {
      case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT: self = .damaged(message)
      case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy(message)
      case .SQLITE_FULL: self = .diskFull(message)
      case .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_AUTH: self = .denied(message)
      default: self = .sqlite(message)
      }
    }

    /// Whether the file itself is beyond use (so opening for writing moves it aside).
    public var isDamage: Bool {
      switch self {
      case .damaged, .newerSchema: true
      default: false
      }
    }

    public var description: String {
      switch self {
      case .damaged(let message), .busy(let message), .diskFull(let message), .denied(let message),
        .sqlite(let message), .other(let message):
        message
      case .newerSchema: "it was written by a newer affirm (unknown schema)"
      case .stuck(let damage, let code): "\(damage), and it cannot be moved aside: \(String(cString: strerror(code)))"
      case .system(let code): String(cString: strerror(code))
      case .missing: "it does not exist yet"
      case .noEligibleEntry: "no eligible entry"
      }
    }
  }

  static func wrapping(_ error: any Error, path: String) -> StateError {
    if let error = error as? StateError { return error }
    if let error = error as? DatabaseError { return .unavailable(path: path, cause: Cause(error)) }
    return .unavailable(path: path, cause: .other("\(error)"))
  }
}

extension StateStore {
  /// Runs raw SQL; for tests that damage or age a database on purpose.
  func executeForTesting(_ sql: String) throws {
    try database.write { try $0.execute(sql: sql) }
  }
}

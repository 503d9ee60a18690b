public import AffirmCore
import AffirmSystem
import GRDB

/// One line of `affirm history`.
public struct HistoryItem: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case delivery(source: String, slot: String?, body: String, status: String, reason: String?)
    case urge(note: String?)
    case reset(started: LocalDate)
    /// "It passed" (once "I stayed strong"), pressed on a notification.
    case stayedStrong
    /// A ride of a wave, at its start: its length in minutes per round, its rounds and how it
    /// ended (nil while it runs).
    case ride(minutes: Int, rounds: Int, outcome: RideOutcome?)
  }

  public var at: Instant
  public var kind: Kind
}

extension StateStore {
  public func recordUrge(at instant: Instant, note: String?) throws(StateError) {
    do {
      try database.write { db in
        try db.execute(sql: "INSERT INTO urge (at, note) VALUES (?, ?)", arguments: [instant.seconds, note])
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// Records a press of "It passed".
  public func recordStrength(at instant: Instant) throws(StateError) {
    do {
      try database.write { db in
        try db.execute(sql: "INSERT INTO strength (at) VALUES (?)", arguments: [instant.seconds])
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// How many times "It passed" was pressed.
  public func strengthCount() throws(StateError) -> Int {
    do {
      // A database from before v3, opened read-only, has no table yet: none.
      return try database.read { db in
        try db.tableExists("strength") ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM strength") ?? 0 : 0
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// Records that the no-contact count starts (again) on `date`; earlier streaks stay.
  public func recordReset(to date: LocalDate, at instant: Instant) throws(StateError) {
    do {
      try database.write { db in
        try db.execute(
          sql: "INSERT INTO streak (started, reset_at) VALUES (?, ?)", arguments: [date.description, instant.seconds])
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// Every start of the count recorded with `affirm reset`, oldest first.
  public func resets() throws(StateError) -> [(started: LocalDate, at: Instant)] {
    do {
      return try database.read { db in
        var resets: [(started: LocalDate, at: Instant)] = []
        var skipped = 0
        for row in try Row.fetchAll(db, sql: "SELECT started, reset_at FROM streak ORDER BY id") {
          guard let started = Self.text(row[0]).flatMap(LocalDate.init(iso:)), let at = Self.instant(row[1]) else {
            skipped += 1
            continue
          }
          resets.append((started, at))
        }
        reportSkipped(skipped, in: "streak")
        return resets
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// The outcomes of the newest `limit` deliveries that are no longer pending, newest first
  /// (for doctor). Rows edited by hand into something affirm never writes are left out.
  public func recentOutcomes(limit: Int) throws(StateError) -> [(at: Instant, failed: Bool, reason: String?)] {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          SQLRequest(
            literal: """
              SELECT at, status, reason FROM delivery
              WHERE status IN (\(DeliveryStatus.delivered.literal), \(DeliveryStatus.failed.literal)) AND typeof(at) = 'integer'
                AND (reason IS NULL OR typeof(reason) = 'text')
              ORDER BY id DESC LIMIT \(limit)
              """)
        ).map { row in
          (at: Instant(seconds: row["at"]), failed: row["status"] as DeliveryStatus == .failed, reason: row["reason"])
        }
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// Deliveries, urges, resets and moments of strength since `since`, newest first.
  public func history(since: Instant?) throws(StateError) -> [HistoryItem] {
    var items: [HistoryItem] = []
    try forEachHistoryItem(since: since) { items.append($0) }
    return items
  }

  /// Hands `body` every delivery, urge, reset and moment of strength since `since`, newest
  /// first (the same instant: deliveries, urges, resets, then strength; newest row first),
  /// without holding more than one row of each kind: four cursors, merged.
  public func forEachHistoryItem(since: Instant?, _ body: (HistoryItem) throws -> Void) throws(StateError) {
    let from = since?.seconds ?? Int64.min
    do {
      try database.read { db in
        var sources: [HistoryCursor] = [
          try HistoryCursor(
            db,
            sql: "SELECT at, source, slot, body, status, reason FROM delivery WHERE at >= ? ORDER BY at DESC, id DESC",
            from: from, decode: Self.delivery),
          try HistoryCursor(
            db, sql: "SELECT at, note FROM urge WHERE at >= ? ORDER BY at DESC, id DESC", from: from,
            decode: Self.urge),
          try HistoryCursor(
            db, sql: "SELECT reset_at, started FROM streak WHERE reset_at >= ? ORDER BY reset_at DESC, id DESC",
            from: from, decode: Self.reset),
        ]
        if try db.tableExists("strength") {
          sources.append(
            try HistoryCursor(
              db, sql: "SELECT at FROM strength WHERE at >= ? ORDER BY at DESC, id DESC", from: from,
              decode: Self.strength))
        }
        if try db.tableExists("ride") {
          sources.append(
            try HistoryCursor(
              db,
              sql: "SELECT started, planned_seconds, rounds, outcome FROM ride "
                + "WHERE started IS NOT NULL AND started >= ? ORDER BY started DESC, id DESC", from: from,
              decode: Self.rideItem))
        }
        var heads = try sources.indices.map { try sources[$0].next() }
        while true {
          var newest: Int?
          for index in heads.indices {
            guard let head = heads[index] else { continue }
            if let current = newest, let best = heads[current], best.at >= head.at { continue }
            newest = index
          }
          guard let index = newest, let item = heads[index] else { break }
          try body(item)
          heads[index] = try sources[index].next()
        }
        reportSkipped(sources.reduce(0) { $0 + $1.skippedRows }, in: "history")
      }
    } catch let error as StateError {
      throw error
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  private static func delivery(_ row: Row) -> HistoryItem? {
    guard let at = instant(row[0]), let source = text(row[1]), let body = text(row[3]), let status = text(row[4])
    else { return nil }
    let slot: String? = row[2] as DatabaseValue == .null ? nil : text(row[2])
    let reason: String? = row[5] as DatabaseValue == .null ? nil : text(row[5])
    if row[2] as DatabaseValue != .null && slot == nil { return nil }
    if row[5] as DatabaseValue != .null && reason == nil { return nil }
    return HistoryItem(at: at, kind: .delivery(source: source, slot: slot, body: body, status: status, reason: reason))
  }

  private static func urge(_ row: Row) -> HistoryItem? {
    guard let at = instant(row[0]) else { return nil }
    let note = text(row[1])
    if row[1] as DatabaseValue != .null && note == nil { return nil }
    return HistoryItem(at: at, kind: .urge(note: note))
  }

  private static func reset(_ row: Row) -> HistoryItem? {
    guard let at = instant(row[0]), let started = text(row[1]).flatMap(LocalDate.init(iso:)) else { return nil }
    return HistoryItem(at: at, kind: .reset(started: started))
  }

  private static func rideItem(_ row: Row) -> HistoryItem? {
    guard let at = instant(row[0]), case .int64(let planned) = (row[1] as DatabaseValue).storage,
      case .int64(let rounds) = (row[2] as DatabaseValue).storage, rounds > 0
    else { return nil }
    let outcome = text(row[3]).flatMap(RideOutcome.init(rawValue:))
    return HistoryItem(at: at, kind: .ride(minutes: Int(planned / 60), rounds: Int(rounds), outcome: outcome))
  }

  private static func strength(_ row: Row) -> HistoryItem? {
    instant(row[0]).map { HistoryItem(at: $0, kind: .stayedStrong) }
  }

  /// The instants of every urge logged, oldest first.
  public func urgeInstants() throws(StateError) -> [Instant] { try instants(in: "urge") }

  /// The instants of every press of "It passed" (once "I stayed strong"), oldest first.
  public func strengthInstants() throws(StateError) -> [Instant] { try instants(in: "strength") }

  /// The `at` of every row of `table` (urge or strength), oldest first; rows edited by hand
  /// into something else are left out and counted in the log.
  private func instants(in table: String) throws(StateError) -> [Instant] {
    do {
      return try database.read { db in
        // A database from before v3, opened read-only, has no strength table yet: none.
        guard try db.tableExists(table) else { return [] }
        var instants: [Instant] = []
        var skipped = 0
        for value in try DatabaseValue.fetchAll(db, sql: "SELECT at FROM \(table) ORDER BY at") {
          guard let at = Self.instant(value) else {
            skipped += 1
            continue
          }
          instants.append(at)
        }
        reportSkipped(skipped, in: table)
        return instants
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// How many notifications the server accepted.
  public func deliveredCount() throws(StateError) -> Int {
    do {
      return try database.read { db in
        try Int.fetchOne(
          db, SQLRequest(literal: "SELECT COUNT(*) FROM delivery WHERE status = \(DeliveryStatus.delivered.literal)"))
          ?? 0
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }
}

// MARK: - Rows edited by hand

extension StateStore {
  /// The instants affirm can have written: the years 1 to 9999. Anything else in an `at`
  /// column (text, a blob, INT64_MIN) was put there by hand.
  static let plausibleSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

  static func instant(_ value: DatabaseValue) -> Instant? {
    guard case .int64(let seconds) = value.storage, plausibleSeconds.contains(seconds) else { return nil }
    return Instant(seconds: seconds)
  }

  static func text(_ value: DatabaseValue) -> String? {
    guard case .string(let text) = value.storage else { return nil }
    return text
  }

  /// One log line for the rows a read left out, however many.
  func reportSkipped(_ count: Int, in table: String) {
    guard count > 0 else { return }
    logger.warning(
      "skipped \(count) unreadable row\(count == 1 ? "" : "s") in the state database's \(table) (edited by hand?)")
  }
}

/// One kind of history row, newest first, decoded as it is read; the rows it cannot read are
/// left out and counted.
final class HistoryCursor: Cursor {
  private let rows: RowCursor
  private let decode: (Row) -> HistoryItem?
  private(set) var skippedRows = 0

  init(_ db: Database, sql: String, from: Int64, decode: @escaping (Row) -> HistoryItem?) throws {
    rows = try Row.fetchCursor(db, sql: sql, arguments: [from])
    self.decode = decode
  }

  func next() throws -> HistoryItem? {
    while let row = try rows.next() {
      if let item = decode(row) { return item }
      skippedRows += 1
    }
    return nil
  }
}

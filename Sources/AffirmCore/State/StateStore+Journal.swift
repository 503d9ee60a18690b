import GRDB

/// One line of `affirm history`.
public struct HistoryItem: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case delivery(source: String, slot: String?, body: String, status: String, reason: String?)
    case urge(note: String?)
    case reset(started: LocalDate)
    /// "I stayed strong", pressed on a notification.
    case stayedStrong
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

  /// Records a press of "I stayed strong".
  public func recordStrength(at instant: Instant) throws(StateError) {
    do {
      try database.write { db in
        try db.execute(sql: "INSERT INTO strength (at) VALUES (?)", arguments: [instant.seconds])
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// How many times "I stayed strong" was pressed.
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
        try Row.fetchAll(db, sql: "SELECT started, reset_at FROM streak ORDER BY id").compactMap { row in
          LocalDate(iso: row["started"] as String).map { ($0, Instant(seconds: row["reset_at"])) }
        }
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// Deliveries, urges, resets and moments of strength since `since`, newest first.
  public func history(since: Instant?, limit: Int = 10_000) throws(StateError) -> [HistoryItem] {
    let from = since?.seconds ?? Int64.min
    do {
      return try database.read { db in
        var items: [HistoryItem] = []
        for row in try Row.fetchAll(
          db, sql: "SELECT at, source, slot, body, status, reason FROM delivery WHERE at >= ? ORDER BY id DESC LIMIT ?",
          arguments: [from, limit])
        {
          items.append(
            HistoryItem(
              at: Instant(seconds: row["at"]),
              kind: .delivery(
                source: row["source"], slot: row["slot"], body: row["body"], status: row["status"],
                reason: row["reason"])))
        }
        for row in try Row.fetchAll(
          db, sql: "SELECT at, note FROM urge WHERE at >= ? ORDER BY id DESC LIMIT ?", arguments: [from, limit])
        {
          items.append(HistoryItem(at: Instant(seconds: row["at"]), kind: .urge(note: row["note"])))
        }
        for row in try Row.fetchAll(
          db, sql: "SELECT started, reset_at FROM streak WHERE reset_at >= ? ORDER BY id DESC", arguments: [from])
        {
          if let date = LocalDate(iso: row["started"] as String) {
            items.append(HistoryItem(at: Instant(seconds: row["reset_at"]), kind: .reset(started: date)))
          }
        }
        let strengths =
          try db.tableExists("strength")
          ? try Int64.fetchAll(
            db, sql: "SELECT at FROM strength WHERE at >= ? ORDER BY id DESC LIMIT ?", arguments: [from, limit]) : []
        for at in strengths {
          items.append(HistoryItem(at: Instant(seconds: at), kind: .stayedStrong))
        }
        return items.sorted { $0.at > $1.at }
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// The instants of every urge logged.
  public func urgeInstants() throws(StateError) -> [Instant] {
    do {
      return try database.read { db in
        try Int64.fetchAll(db, sql: "SELECT at FROM urge ORDER BY at").map(Instant.init(seconds:))
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// How many notifications the server accepted.
  public func deliveredCount() throws(StateError) -> Int {
    do {
      return try database.read { db in
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status = 'delivered'") ?? 0
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }
}

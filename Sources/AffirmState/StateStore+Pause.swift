public import AffirmCore
import AffirmSystem
import GRDB

extension StateStore {
  /// Holds the daemon's notifications until `until`; every process sees it.
  public func pause(until: Instant, at now: Instant) throws(StateError) {
    do {
      try database.write { db in
        try db.execute(
          sql:
            "INSERT INTO pause (id, until, set_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET until = excluded.until, set_at = excluded.set_at",
          arguments: [until.seconds, now.seconds])
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  public func resume() throws(StateError) {
    do {
      try database.write { db in try db.execute(sql: "DELETE FROM pause") }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// When the pause in force ends; nil when none is (or it has ended by `now`).
  public func pausedUntil(now: Instant) throws(StateError) -> Instant? {
    do {
      // A database from before pauses existed, opened read-only, has no table yet: no pause.
      // An end edited by hand into something affirm never writes is no pause, with a log line.
      let until = try database.read { db -> Instant? in
        guard try db.tableExists("pause"),
          let value = try DatabaseValue.fetchOne(db, sql: "SELECT until FROM pause WHERE id = 1")
        else { return nil }
        guard let until = Self.instant(value) else {
          reportSkipped(1, in: "pause")
          return nil
        }
        return until
      }
      return until.flatMap { $0 > now ? $0 : nil }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }
}

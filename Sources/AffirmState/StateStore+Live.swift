public import AffirmCore
import AffirmSystem
import GRDB

extension StateStore {
  /// affirm's latest notification that may still be open, whichever process showed it: the
  /// next delivery closes it first, so a server never holds more than one of affirm's.
  public func liveNotification() throws(StateError) -> LiveNotification? {
    do {
      return try database.read { db in
        guard try db.tableExists("live"),
          let row = try Row.fetchOne(db, sql: "SELECT notification, server FROM live WHERE id = 1")
        else { return nil }
        return LiveNotification(id: UInt32(truncatingIfNeeded: row["notification"] as Int64), server: row["server"])
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// Remembers `live` as affirm's latest notification (nil: none is open).
  public func setLiveNotification(_ live: LiveNotification?) throws(StateError) {
    do {
      try database.write { db in
        if let live {
          try db.execute(
            sql: """
              INSERT INTO live (id, notification, server) VALUES (1, ?, ?)
              ON CONFLICT(id) DO UPDATE SET notification = excluded.notification, server = excluded.server
              """,
            arguments: [Int64(live.id), live.server])
        } else {
          try db.execute(sql: "DELETE FROM live")
        }
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }
}

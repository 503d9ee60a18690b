public import AffirmCore
import GRDB

/// One ride of a wave as the state database holds it.
public struct RideRecord: Sendable, Equatable {
  public var id: Int64
  public var requested: Instant
  /// nil while it is a request no process carries yet.
  public var started: Instant?
  public var carrier: String?
  /// One round's length.
  public var plannedSeconds: Int64
  public var rounds: Int
  public var ended: Instant?
  public var outcome: RideOutcome?

  /// The time ridden: each round's planned length (a passed ride rode them all).
  public var riddenSeconds: Int64 { plannedSeconds * Int64(rounds) }
}

extension StateStore {
  /// Who carries a ride.
  public enum RideCarrier: String, Sendable {
    case daemon, command
  }

  /// Asks for a ride of `plannedSeconds` a round, for the daemon to take on; its id.
  public func requestRide(plannedSeconds: Int64, at now: Instant) throws(StateError) -> Int64 {
    try writeRide { db in
      try db.execute(
        sql: "INSERT INTO ride (requested, planned_seconds) VALUES (?, ?)", arguments: [now.seconds, plannedSeconds])
      return db.lastInsertedRowID
    }
  }

  /// Records a ride `carrier` starts and carries at once (the button in the daemon); its id.
  public func startRide(plannedSeconds: Int64, carrier: RideCarrier, at now: Instant) throws(StateError) -> Int64 {
    try writeRide { db in
      try db.execute(
        sql: "INSERT INTO ride (requested, started, carrier, planned_seconds) VALUES (?, ?, ?, ?)",
        arguments: [now.seconds, now.seconds, carrier.rawValue, plannedSeconds])
      return db.lastInsertedRowID
    }
  }

  /// Takes on request `id` for `carrier`; false when another process took it first.
  public func claimRide(_ id: Int64, carrier: RideCarrier, at now: Instant) throws(StateError) -> Bool {
    try writeRide { db in
      try db.execute(
        sql: "UPDATE ride SET started = ?, carrier = ? WHERE id = ? AND started IS NULL",
        arguments: [now.seconds, carrier.rawValue, id])
      return db.changesCount == 1
    }
  }

  /// Requests nobody carries yet, asked for at most `freshness` seconds before `now` (an older
  /// one was given up on by the command that asked: it carried the ride itself).
  public func pendingRideRequests(at now: Instant, freshness: Int64 = 60) throws(StateError) -> [RideRecord] {
    try rides(where: "started IS NULL AND requested >= ?", [now.seconds - freshness])
  }

  /// Saves where ride `id` stands: its rounds, and its outcome and end once known.
  public func updateRide(_ id: Int64, rounds: Int, outcome: RideOutcome?, ended: Instant?) throws(StateError) {
    _ = try writeRide { db in
      try db.execute(
        sql: "UPDATE ride SET rounds = ?, outcome = ?, ended = ? WHERE id = ?",
        arguments: [rounds, outcome?.rawValue, ended?.seconds, id])
      return 0
    }
  }

  /// Ride `id`, or nil.
  public func ride(_ id: Int64) throws(StateError) -> RideRecord? {
    try rides(where: "id = ?", [id]).first
  }

  /// Every ride started, oldest first (requests nobody took are left out).
  public func startedRides() throws(StateError) -> [RideRecord] {
    try rides(where: "started IS NOT NULL", [])
  }

  private func rides(where condition: String, _ arguments: [any DatabaseValueConvertible]) throws(StateError)
    -> [RideRecord]
  {
    do {
      return try database.read { db in
        // A database from before v7, opened read-only, has no table yet: none.
        guard try db.tableExists("ride") else { return [] }
        var rides: [RideRecord] = []
        var skipped = 0
        for row in try Row.fetchAll(
          db,
          sql: "SELECT id, requested, started, carrier, planned_seconds, rounds, ended, outcome FROM ride "
            + "WHERE \(condition) ORDER BY id",
          arguments: StatementArguments(arguments))
        {
          guard let record = Self.ride(row) else {
            skipped += 1
            continue
          }
          rides.append(record)
        }
        reportSkipped(skipped, in: "ride")
        return rides
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  static func ride(_ row: Row) -> RideRecord? {
    func integer(_ value: DatabaseValue) -> Int64? {
      guard case .int64(let number) = value.storage else { return nil }
      return number
    }
    guard let id = integer(row[0]), let requested = instant(row[1]), let planned = integer(row[4]), planned > 0,
      let rounds = integer(row[5]), rounds > 0
    else { return nil }
    let started: Instant? = row[2] as DatabaseValue == .null ? nil : instant(row[2])
    let ended: Instant? = row[6] as DatabaseValue == .null ? nil : instant(row[6])
    let outcome = text(row[7]).flatMap(RideOutcome.init(rawValue:))
    return RideRecord(
      id: id, requested: requested, started: started, carrier: text(row[3]), plannedSeconds: planned,
      rounds: Int(rounds), ended: ended, outcome: outcome)
  }

  private func writeRide<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
    do {
      return try database.write { db in try body(db) }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }
}

public import AffirmCore
import AffirmSystem
import GRDB

/// A delivery that has picked and reserved its entry, waiting for the server's answer.
public struct Reservation: Sendable, Equatable {
  public var id: Int64
  public var entry: Affirmation
  /// Whether it marks the day's milestone, if the day is one: it shows a non-night line in
  /// the milestone hours, and no other delivery did earlier that day.
  public var marksMilestone: Bool
  /// The name that stands in the entry's `{person}`; nil when it names nobody.
  public var person: String?

  /// The text shown and recorded: the entry with `person` in its placeholder.
  public var body: String { person.map { People.substitute($0, in: entry.text) } ?? entry.text }
}

/// What became of a delivery, as the `status` column stores it. Every query names a status
/// through this type: a status written is an argument (`\(DeliveryStatus.failed)`), a status
/// in a condition is `literal`.
package enum DeliveryStatus: String, Sendable, CaseIterable, DatabaseValueConvertible {
  /// Picked and reserved; the server has not answered yet.
  case pending
  /// The server accepted the notification: the only status that counts as shown.
  case delivered
  /// The server refused it, none was there, or the process ended before it answered.
  case failed

  /// The status as a constant in the statement's text, for conditions:
  /// `WHERE status = \(DeliveryStatus.pending.literal)`. A condition on a bound status makes
  /// SQLite prepare the statement anew at every run (it tests the bound value against the
  /// `delivery_pending` index's `status = 'pending'`): a bag probe took about ten times as long.
  /// The raw values are plain lowercase words, so quoting them needs no escaping.
  var literal: SQL { SQL(sql: "'\(rawValue)'") }
}

/// Who asked for a delivery.
public enum DeliverySource: Sendable, Equatable {
  case send
  case sos
  case slot(String)

  var name: String {
    switch self {
    case .send: "send"
    case .sos: "sos"
    case .slot: "slot"
    }
  }

  var slot: String? {
    if case .slot(let name) = self { return name }
    return nil
  }
}

extension StateStore {
  /// Picks an entry from the shuffle bag of `tags` and records it as pending, in one
  /// IMMEDIATE transaction, so concurrent sends never pick the same entry.
  public func reserve(
    from catalog: some EntryCatalog, positions: EntryPositions, tags: [String], source: DeliverySource, now: Instant,
    milestoneHours: Range<Instant>?, cooldown: Span?, people: [String] = [],
    using generator: inout some RandomNumberGenerator
  ) throws(StateError) -> Reservation {
    let eligible = positions.lazy.map { catalog.id(at: $0) }
    let key = ShuffleBag.key(forTags: tags)
    var picker = SplitMix64(seed: generator.next())
    do {
      var reservation: Reservation?
      try database.inTransaction(.immediate) { db in
        let bag = try BagQuery(db, key: key, now: now, cooldown: cooldown)
        guard
          let choice = try ShuffleBag.pick(
            ids: eligible, ideas: catalog.namesIdeas ? { catalog.idea(at: positions[$0]) } : nil,
            isFresh: bag.isFresh, recentIdeas: bag.recentIdeas, history: bag.history, using: &picker),
          let entry = catalog.entry(at: positions[choice.index])
        else { return .rollback }
        let pick = ShuffleBag.Pick(entry: entry, startsNewCycle: choice.startsNewCycle)
        if pick.startsNewCycle {
          let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM delivery") ?? 0
          try db.execute(
            sql:
              "INSERT INTO bag (key, cycle_start) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET cycle_start = excluded.cycle_start",
            arguments: [key, newest])
        }
        let night = Moment(tags: pick.entry.tags).isNight
        var marksMilestone = false
        if !night, let milestoneHours, milestoneHours.contains(now) {
          // The newest rows first, so a day's later sends stop at once.
          let since = milestoneHours.lowerBound.seconds
          marksMilestone =
            try Bool.fetchOne(
              db,
              SQLRequest(
                literal: """
                  SELECT 1 FROM delivery
                  WHERE at >= \(since) AND night = 0 AND status IN (\(DeliveryStatus.delivered.literal), \(DeliveryStatus.pending.literal))
                  ORDER BY id DESC LIMIT 1
                  """)) == nil
        }
        var person: String?
        if !people.isEmpty, People.namesPerson(pick.entry.text) {
          let previous = try Self.lastPerson(db, catalog: catalog, people: people)
          person = People.choose(from: people, after: previous, using: &picker)
        }
        var picked = Reservation(id: 0, entry: pick.entry, marksMilestone: marksMilestone, person: person)
        try db.execute(
          literal: """
            INSERT INTO delivery (at, source, slot, bag, entry, body, status, idea, night)
            VALUES (\(now.seconds), \(source.name), \(source.slot), \(key), \(pick.entry.id.description),
              \(picked.body), \(DeliveryStatus.pending), \(pick.entry.idea), \(night))
            """)
        picked.id = db.lastInsertedRowID
        reservation = picked
        return .commit
      }
      guard let reservation else { throw StateError.unavailable(path: path, cause: .noEligibleEntry) }
      return reservation
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// The person the latest line with `{person}` named (shown or still pending), so the next
  /// names another: its recorded body is matched against its entry worded with each name.
  static func lastPerson(_ db: Database, catalog: some EntryCatalog, people: [String]) throws -> String? {
    guard catalog.knownTags.contains(People.tag) else { return nil }
    let positions = catalog.positions(forAnyOf: [People.tag])
    var templates: [String: Int] = [:]
    for position in positions { templates[catalog.id(at: position).description] = position }
    guard !templates.isEmpty else { return nil }
    let ids = templates.keys.sorted()
    let row = try Row.fetchOne(
      db,
      sql: """
        SELECT entry, body FROM delivery
        WHERE entry IN (\(ids.map { _ in "?" }.joined(separator: ", "))) AND status != '\(DeliveryStatus.failed.rawValue)'
        ORDER BY id DESC LIMIT 1
        """,
      arguments: StatementArguments(ids))
    guard let row, let id = row["entry"] as String?, let body = row["body"] as String?,
      let position = templates[id], let template = catalog.entry(at: position)?.text
    else { return nil }
    return People.named(in: body, template: template, people: people)
  }

  /// Records the server's answer: only an accepted delivery counts as shown.
  public func complete(_ reservation: Reservation, failure: String?) throws(StateError) {
    do {
      try database.write { db in
        let status: DeliveryStatus = failure == nil ? .delivered : .failed
        try db.execute(
          literal: "UPDATE delivery SET status = \(status), reason = \(failure) WHERE id = \(reservation.id)")
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// What history says of a delivery whose process died before the server answered.
  public static let interruptedReason =
    "interrupted: affirm ended before the notification server answered (it may have been shown)"

  /// Records as failed the deliveries that processes since ended left pending, so that no
  /// row stays half done. For the daemon at its start: no other daemon runs then, so every
  /// pending slot delivery was a dead one's; a send's counts once it is older than any send
  /// can take. Returns how many it closed.
  @discardableResult
  public func closeInterrupted(now: Instant) throws(StateError) -> Int {
    do {
      return try database.write { db in
        try db.execute(
          literal: """
            UPDATE delivery SET status = \(DeliveryStatus.failed), reason = \(Self.interruptedReason)
            WHERE status = \(DeliveryStatus.pending.literal) AND (source = 'slot' OR at <= \(now.seconds - Self.pendingLifetime))
            """)
        return db.changesCount
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// Records as failed the deliveries left pending longer than any delivery can take: a
  /// one-shot send killed while the server was taking its notification leaves its row pending,
  /// and with no daemon running nothing else would close it. Every writing open does this; a
  /// failure here is left to the command's own write to report.
  func closeAbandonedDeliveries(now: Instant) {
    let cutoff = now.seconds - Self.pendingLifetime
    do {
      // A read through the partial index first: most opens find nothing and write nothing.
      let found = try database.read { db in
        try Bool.fetchOne(
          db,
          SQLRequest(
            literal:
              "SELECT EXISTS (SELECT 1 FROM delivery WHERE status = \(DeliveryStatus.pending.literal) AND at <= \(cutoff))"
          ))
      }
      guard found == true else { return }
      let closed = try database.write { db in
        try db.execute(
          literal: """
            UPDATE delivery SET status = \(DeliveryStatus.failed), reason = \(Self.interruptedReason)
            WHERE status = \(DeliveryStatus.pending.literal) AND at <= \(cutoff)
            """)
        return db.changesCount
      }
      if closed > 0 { logger.warning("\(Self.interruptedSentence(count: closed))") }
    } catch {
      return
    }
  }

  /// The log line for deliveries found interrupted.
  public static func interruptedSentence(count: Int) -> String {
    "\(count) earlier deliver\(count == 1 ? "y was" : "ies were") interrupted before the notification server answered; recorded as failed"
  }

  /// Which entries are still in the bag of `tags` (for `--dry-run`, which reserves nothing).
  public func preview(
    from catalog: some EntryCatalog, positions: EntryPositions, tags: [String], now: Instant, cooldown: Span?,
    using generator: inout some RandomNumberGenerator
  ) throws(StateError) -> Affirmation? {
    let eligible = positions.lazy.map { catalog.id(at: $0) }
    let key = ShuffleBag.key(forTags: tags)
    do {
      return try database.read { db in
        let bag = try BagQuery(db, key: key, now: now, cooldown: cooldown)
        guard
          let choice = try ShuffleBag.pick(
            ids: eligible, ideas: catalog.namesIdeas ? { catalog.idea(at: positions[$0]) } : nil,
            isFresh: bag.isFresh, recentIdeas: bag.recentIdeas, history: bag.history, using: &generator)
        else { return nil }
        return catalog.entry(at: positions[choice.index])
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  /// What the shuffle bag of `key` needs from the history. A delivery still pending (picked,
  /// not yet answered) counts as shown for a while, so concurrent sends never share an entry.
  ///
  /// A probe asks about one entry through the `delivery_entry` index; the whole cycle is
  /// read only when the probes miss (a nearly empty bag), so a send does not pay for
  /// every row of a long history.
  ///
  /// Whatever the bag, a line shown tonight (within `IdeaSpacing.window`, by any bag: the
  /// late-night slot, `sos`, `send`) rests like one on cooldown, and its idea is kept apart.
  struct BagQuery {
    let db: Database
    let now: Instant
    /// Lines shown after this moment rest: the longer of the cooldown and the night.
    let restCutoff: Int64
    /// Delivery ids after this one are the current cycle's.
    let cycleStart: Int64
    /// What counts as shown: delivered, or pending and young enough that its sender may still
    /// be showing it. Its one argument, `pendingCutoff`, is kept out of the SQL text so that the
    /// daemon's cached statements stay the same from pick to pick.
    var counted: SQL {
      "(status = \(DeliveryStatus.delivered.literal) OR (status = \(DeliveryStatus.pending.literal) AND at > \(pendingCutoff)))"
    }
    let pendingCutoff: Int64

    init(_ db: Database, key: String, now: Instant, cooldown: Span?) throws {
      self.db = db
      self.now = now
      restCutoff = now.seconds - max(cooldown.map { Int64($0.seconds) } ?? 0, IdeaSpacing.window)
      pendingCutoff = now.seconds - StateStore.pendingLifetime
      cycleStart = try Int64.fetchOne(db, sql: "SELECT cycle_start FROM bag WHERE key = ?", arguments: [key]) ?? 0
    }

    /// Whether `id` is neither shown this cycle nor resting. Rows hold an entry as the 16
    /// hex digits `EntryID.description` writes, so the probe looks that text up.
    func isFresh(_ id: EntryID) throws -> Bool {
      try !Bool.fetchOne(
        db.cachedStatement(
          literal: """
            SELECT EXISTS (
              SELECT 1 FROM delivery WHERE entry = \(id.description) AND (id > \(cycleStart) OR at > \(restCutoff))
              AND \(counted))
            """))!
    }

    /// The ideas to keep apart: those shown tonight, and those of the last few picks.
    func recentIdeas() throws -> Set<String> {
      Set(
        try String.fetchAll(
          db,
          SQLRequest(
            literal: """
              SELECT idea FROM delivery WHERE idea IS NOT NULL AND at > \(now.seconds - IdeaSpacing.window) AND \(counted)
              UNION SELECT idea FROM (
                SELECT idea FROM delivery WHERE \(counted) ORDER BY id DESC LIMIT \(IdeaSpacing.lastPicks)
              ) WHERE idea IS NOT NULL
              """)))
    }

    /// The entries shown this cycle, the one shown last, those resting, and the ideas to keep apart.
    func history() throws -> ShuffleBag.History {
      let shown = Set(
        try String.fetchAll(
          db, SQLRequest(literal: "SELECT entry FROM delivery WHERE id > \(cycleStart) AND \(counted)")
        )
        .map(EntryID.init(hex:)))
      let last = try String.fetchOne(
        db, SQLRequest(literal: "SELECT entry FROM delivery WHERE \(counted) ORDER BY id DESC LIMIT 1")
      )
      .map(EntryID.init(hex:))
      let resting = Set(
        try String.fetchAll(
          db, SQLRequest(literal: "SELECT entry FROM delivery WHERE at > \(restCutoff) AND \(counted)")
        )
        .map(EntryID.init(hex:)))
      let ideas = try recentIdeas()
      return ShuffleBag.History(shownThisCycle: shown, lastShown: last, onCooldown: resting, recentIdeas: ideas)
    }
  }

  // MARK: - The daemon's marks

  /// The daemon's last fire time per slot. A mark that is not a plausible instant (edited by
  /// hand) is left out, with one log line: the slot starts afresh.
  public func marks() throws(StateError) -> [String: Instant] {
    do {
      return try database.read { db in
        var marks: [String: Instant] = [:]
        var skipped = 0
        for row in try Row.fetchAll(db, sql: "SELECT slot, at FROM mark") {
          guard let slot = Self.text(row[0]), let at = Self.instant(row[1]) else {
            skipped += 1
            continue
          }
          marks[slot] = at
        }
        reportSkipped(skipped, in: "mark")
        return marks
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }

  public func saveMarks(_ marks: [String: Instant]) throws(StateError) {
    do {
      try database.write { db in
        for (slot, instant) in marks {
          try db.execute(
            sql: "INSERT INTO mark (slot, at) VALUES (?, ?) ON CONFLICT(slot) DO UPDATE SET at = excluded.at",
            arguments: [slot, instant.seconds])
        }
      }
    } catch {
      throw StateError.wrapping(error, path: path)
    }
  }
}

extension EntryID {
  /// Reads the 16 hex digits `description` writes; an unreadable one maps to 0.
  init(hex: String) {
    self.init(rawValue: UInt64(hex, radix: 16) ?? 0)
  }
}

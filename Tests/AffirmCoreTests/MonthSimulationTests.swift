import Foundation
import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// Thirty nights of the default schedule as a person lives them: the real corpus, the real
/// selection and a real SQLite state file, with time and randomness injected. Each night has
/// the late-night slot's nudges and two `sos` at random moments; each morning its line.
///
/// `scripts/simulate-month` runs this suite with AFFIRM_MONTH_REPORT set and prints the
/// figures it writes there.
@Suite("a simulated month of the default schedule", .timeLimit(.minutes(3)))
struct MonthSimulationTests {
  struct Delivery {
    var at: Instant
    var entry: Affirmation
    var tags: [String]
    var source: String
    /// The night it belongs to (the local date its evening began), nil for a daytime one.
    var night: LocalDate?
    var summary: String
  }

  struct Month {
    var deliveries: [Delivery]
    var corpus: Corpus
    var pools: [String: Set<EntryID>]
  }

  static let zone = TimeZoneRules.named("Europe/Berlin")!
  /// Across the spring change (2027-03-28), so one night is an hour shorter.
  static let firstDate = LocalDate(iso: "2027-03-10")!

  static func simulate(seed: UInt64, nights: Int = 30) throws -> Month {
    let corpus = Corpus.builtin()
    let (store, _) = try temporaryStore()
    var config = Config.builtInDefault
    config.noContactSince = firstDate
    let dispatcher = Dispatcher(corpus: corpus, config: config, zone: zone, store: store, logger: quietLogger)
    let schedule = Schedule(slots: config.slots, zone: zone)
    var generator = SplitMix64(seed: seed)
    let notifier = RecordingNotifier()

    var events: [(at: Instant, tags: [String], source: DeliverySource)] = []
    for offset in 0..<nights {
      let date = firstDate.adding(days: offset)
      for fire in schedule.fireTimes(on: date) { events.append((fire.instant, fire.tags, .slot(fire.slot))) }
      // Two urges a night, somewhere between 22:00 and 02:30.
      let evening = zone.resolve(date, WallTime(hour: 22, minute: 0))
      let late = zone.resolve(date.adding(days: 1), WallTime(hour: 2, minute: 30))
      for _ in 0..<2 {
        let at = Instant(seconds: Int64.random(in: evening.seconds..<late.seconds, using: &generator))
        events.append((at, dispatcher.sosTags, .sos))
      }
    }
    events.sort { $0.at < $1.at }

    var deliveries: [Delivery] = []
    var pools: [String: Set<EntryID>] = [:]
    for event in events {
      let outcome = try dispatcher.deliver(
        tags: event.tags, urgency: .critical, source: event.source, now: event.at, notifier: notifier,
        using: &generator)
      let entry = try #require(corpus.entries.first { $0.text == outcome.request?.body })
      let key = ShuffleBag.key(forTags: event.tags)
      // What the dispatcher draws from: without people, the lines that name one are left out.
      if pools[key] == nil {
        pools[key] = Set(try dispatcher.eligiblePositions(tags: event.tags, lines: .allowed).map { corpus.id(at: $0) })
      }
      deliveries.append(
        Delivery(
          at: event.at, entry: entry, tags: event.tags, source: "\(event.source)", night: night(of: event.at),
          summary: outcome.request?.summary ?? ""))
    }
    return Month(deliveries: deliveries, corpus: corpus, pools: pools)
  }

  /// The night an instant belongs to: from 18:00 until 06:00 the next morning.
  static func night(of instant: Instant) -> LocalDate? {
    let local = zone.localTime(at: instant)
    let hour = local.secondsIntoDay / 3600
    if hour >= 18 { return local.date }
    if hour < 6 { return local.date.adding(days: -1) }
    return nil
  }

  /// Ideas said twice in one night, by night.
  static func repeatedIdeas(_ month: Month) -> [LocalDate: [String]] {
    var byNight: [LocalDate: [String]] = [:]
    for delivery in month.deliveries {
      guard let night = delivery.night, let idea = delivery.entry.idea else { continue }
      byNight[night, default: []].append(idea)
    }
    return byNight.compactMapValues { ideas in
      let twice = Dictionary(grouping: ideas, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
      return twice.isEmpty ? nil : twice
    }
  }

  /// Lines shown again while their pool still held lines not yet shown: the pool's cycle is
  /// followed here from the record alone (any delivery of a pool's line counts for it). A
  /// repeat is `forced` when every line still unshown said an idea already said that night:
  /// keeping ideas apart comes first, and the line waits for another night.
  static func earlyRepeats(_ month: Month) -> (forced: [String], unforced: [String]) {
    var seen: [String: Set<EntryID>] = [:]
    var forced: [String] = []
    var unforced: [String] = []
    let ideaOf = Dictionary(uniqueKeysWithValues: month.corpus.entries.map { ($0.id, $0.idea) })
    for (index, delivery) in month.deliveries.enumerated() {
      let key = ShuffleBag.key(forTags: delivery.tags)
      let pool = month.pools[key]!
      if seen[key, default: []].contains(delivery.entry.id) {
        let unshown = pool.subtracting(seen[key]!)
        if !unshown.isEmpty {
          let saidTonight = Set(
            month.deliveries[..<index].filter { $0.night != nil && $0.night == delivery.night }.compactMap(\.entry.idea)
          )
          let waiting = unshown.allSatisfy { id in ideaOf[id]!.map(saidTonight.contains) ?? false }
          let line = "\(delivery.at): \(delivery.entry.text)"
          if waiting { forced.append(line) } else { unforced.append(line) }
        } else {
          seen[key] = []
        }
      }
      for (other, otherPool) in month.pools where otherPool.contains(delivery.entry.id) {
        seen[other, default: []].insert(delivery.entry.id)
      }
    }
    return (forced, unforced)
  }

  @Test("no idea twice in one night; no line again before its pool is used up; every idea shown", arguments: [1, 2, 3])
  func month(seed: UInt64) throws {
    let month = try Self.simulate(seed: seed)
    #expect(month.deliveries.count == 30 * (1 + 6 + 2))
    #expect(Self.repeatedIdeas(month).isEmpty, "\(Self.repeatedIdeas(month))")
    let repeats = Self.earlyRepeats(month)
    #expect(repeats.unforced.isEmpty, "\(repeats.unforced)")
    #expect(repeats.forced.count <= 5, "\(repeats.forced)")
    let shownIdeas = Set(month.deliveries.compactMap(\.entry.idea))
    #expect(shownIdeas == Idea.keys, "never shown: \(Idea.keys.subtracting(shownIdeas).sorted())")
    // A line `sos` shows was not shown earlier the same night, by anything.
    for (index, delivery) in month.deliveries.enumerated() where delivery.source == "sos" {
      let earlier = month.deliveries[..<index].filter { $0.night == delivery.night && delivery.night != nil }
      #expect(!earlier.contains { $0.entry.id == delivery.entry.id }, "\(delivery.entry.text)")
    }
    // Titles keep their kindness with the day count, and never say what the line says.
    for delivery in month.deliveries {
      #expect(delivery.summary.hasPrefix("Day "), "\(delivery.summary)")
      let title = delivery.summary.split(separator: "·", maxSplits: 1).last.map(String.init) ?? ""
      #expect(!Wording.titleRepeats(title, line: delivery.entry.text), "\(delivery.summary) / \(delivery.entry.text)")
    }
    // "One full week" on day 8, on the morning line, and nowhere else.
    let marked = month.deliveries.filter { $0.summary.contains("One full week") }
    #expect(marked.count == 1)
    #expect(marked.first?.night == nil)
    #expect(marked.first.map { Self.zone.localTime(at: $0.at).date } == Self.firstDate.adding(days: 7))

    if let path = ProcessInfo.processInfo.environment["AFFIRM_MONTH_REPORT"], seed == 1 {
      try Self.report(month).write(toFile: path, atomically: true, encoding: .utf8)
    }
  }

  /// The month's figures, for the README.
  static func report(_ month: Month) -> String {
    var seen: Set<EntryID> = []
    var firstRepeat: LocalDate?
    for delivery in month.deliveries where !seen.insert(delivery.entry.id).inserted && firstRepeat == nil {
      firstRepeat = delivery.night ?? zone.localTime(at: delivery.at).date
    }
    let nightNumber = firstRepeat.map { $0.daysSinceEpoch - firstDate.daysSinceEpoch + 1 }
    let byIdea = Dictionary(grouping: month.deliveries.compactMap(\.entry.idea), by: { $0 }).mapValues(\.count)
    let never = month.pools.sorted { $0.key < $1.key }.map { key, pool in
      "\(key) \(pool.subtracting(seen).count) of \(pool.count)"
    }
    let repeats = earlyRepeats(month)
    return """
      deliveries: \(month.deliveries.count) (30 mornings, \(month.deliveries.count { $0.source.hasPrefix("slot") } - 30) late-night nudges, \(month.deliveries.count { $0.source == "sos" }) sos)
      distinct lines shown: \(seen.count) of \(month.corpus.entries.count)
      first repeated line: night \(nightNumber.map(String.init) ?? "none")
      nights with an idea twice: \(repeatedIdeas(month).count)
      lines shown again before their pool was used up: \(repeats.unforced.count), and \(repeats.forced.count) while every line left said an idea already said that night
      lines never shown, by pool: \(never.joined(separator: ", "))
      ideas shown: \(byIdea.count) of \(Idea.all.count) (fewest: \(byIdea.values.min() ?? 0) times, most: \(byIdea.values.max() ?? 0))

      """
  }
}

public import AffirmCore
import AffirmSystem
public import Logging

/// One delivery from start to end: pick from the shuffle bag, word the summary (the
/// no-contact day count), show it, record the outcome. Shared by `affirm send`, `affirm sos`
/// and the daemon, so all three pick, word and record alike.
public struct Dispatcher {
  public var corpus: any EntryCatalog
  public var config: Config
  public var zone: TimeZoneRules
  /// nil when the state database cannot be used: the notification is still shown.
  public var store: StateStore?
  public var logger: Logger

  public init(corpus: any EntryCatalog, config: Config, zone: TimeZoneRules, store: StateStore?, logger: Logger) {
    self.corpus = corpus
    self.config = config
    self.zone = zone
    self.store = store
    self.logger = logger
  }

  /// What happened to one delivery: whether it reached the screen, and whether it was recorded.
  public struct Outcome {
    /// What was shown or tried; nil only with `.nothingEligible`.
    public var request: NotificationRequest?
    public var delivery: Delivery
    /// Whether the state database took it. Success also where the dispatcher has no database:
    /// the caller that opened none knows why (see `recordingAlsoFailed(_:)`).
    public var recording: Result<Void, StateError>

    public init(
      request: NotificationRequest?, delivery: Delivery, recording: Result<Void, StateError> = .success(())
    ) {
      self.request = request
      self.delivery = delivery
      self.recording = recording
    }

    /// The one failure a caller reports, when there is one. Not shown wins over not recorded:
    /// a person who saw nothing is told that first, and a missing history row matters only
    /// for a notification that did reach them. Of several recording failures the first kept
    /// (see `recordingAlsoFailed(_:)`) wins: later ones usually repeat it.
    public var failure: Failure? {
      if case .notShown(let error) = delivery { return .notShown(error) }
      if case .failure(let error) = recording { return .notRecorded(error) }
      return nil
    }

    /// This outcome with `error` as its recording failure unless it already has one: for a
    /// failure around the delivery (the database could not be opened, an answer to its
    /// buttons could not be recorded).
    public func recordingAlsoFailed(_ error: StateError?) -> Outcome {
      guard let error, case .success = recording else { return self }
      var outcome = self
      outcome.recording = .failure(error)
      return outcome
    }
  }

  /// Whether a notification reached the server.
  public enum Delivery: Equatable, Sendable {
    /// Shown; the server's id for it.
    case shown(id: UInt32)
    /// Not shown, and why.
    case notShown(DeliveryError)
    /// Nothing was tried: no entry of the corpus could be picked (an answer to a button after
    /// the corpus was reloaded without entries).
    case nothingEligible
  }

  /// What a caller reports for an outcome (see `Outcome.failure`).
  public enum Failure: Error, Equatable {
    case notShown(DeliveryError)
    case notRecorded(StateError)
  }

  /// The request a delivery would show, without recording anything (`--dry-run`).
  public func preview(
    tags: [String], urgency: Urgency, expireTimeout: Int32, now: Instant,
    using generator: inout some RandomNumberGenerator
  ) throws(SelectionError) -> NotificationRequest {
    let positions = try eligiblePositions(tags: tags, lines: .allowed)
    let previewed =
      (try? store?.preview(
        from: corpus, positions: positions, tags: tags, now: now, cooldown: config.cooldown, using: &generator)) ?? nil
    guard var entry = previewed ?? randomEntry(positions, using: &generator) else { throw .noEligibleEntry(tags: tags) }
    entry.text = worded(entry.text, using: &generator)
    return request(for: entry, urgency: urgency, expireTimeout: expireTimeout, now: now, marksMilestone: false)
  }

  /// Which lines that name a person (`{person}`, tagged `person`) a pick may draw.
  public enum PersonLines: Sendable, Equatable {
    /// Any line; those naming a person only when the config lists people.
    case allowed
    /// Only lines naming a person: the answer to "I want to reach out" when people are listed.
    case only
  }

  /// The positions a pick of `tags` may draw from: lines naming a person are left out unless
  /// the config lists people (`.only` keeps nothing else).
  public func eligiblePositions(tags: [String], lines: PersonLines) throws(SelectionError) -> EntryPositions {
    let positions = try TagSelection(tags).eligiblePositions(in: corpus)
    guard corpus.knownTags.contains(People.tag) else {
      if lines == .only { throw .noEligibleEntry(tags: (tags + [People.tag]).sorted()) }
      return positions
    }
    if lines == .allowed && !config.people.isEmpty { return positions }
    let naming = Set(corpus.positions(forAnyOf: [People.tag]))
    let kept = lines == .only ? positions.filter(naming.contains) : positions.filter { !naming.contains($0) }
    guard !kept.isEmpty else {
      if config.people.isEmpty { throw .needsPeople(tags: tags.sorted()) }
      throw .noEligibleEntry(tags: (tags + [People.tag]).sorted())
    }
    return EntryPositions(kept)
  }

  /// `text` with one of the config's people in its `{person}`, chosen at random (for a pick
  /// the state database did not word: a preview, or a send without a database).
  func worded(_ text: String, using generator: inout some RandomNumberGenerator) -> String {
    guard People.namesPerson(text),
      let name = People.choose(from: config.people, after: nil, using: &generator)
    else { return text }
    return People.substitute(name, in: text)
  }

  /// Picks, shows and records one notification. With `offeringResponses`, a late-night or
  /// urge entry carries the two buttons (for a caller that stays to hear the answer).
  public func deliver(
    tags: [String], urgency: Urgency, expireTimeout: Int32 = -1, source: DeliverySource, now: Instant,
    offeringResponses: Bool = false, lines: PersonLines = .allowed, notifier: some Notifier,
    using generator: inout some RandomNumberGenerator
  ) throws(SelectionError) -> Outcome {
    let positions = try eligiblePositions(tags: tags, lines: lines)
    // Lines naming a person keep a bag of their own: drawing from part of a pool must not
    // start the whole pool's cycle anew.
    let bagTags = lines == .only ? tags + [People.tag] : tags
    var stateError: StateError?
    var reservation: Reservation?
    if let store {
      let today = zone.localTime(at: now).date
      let hours = NoContact.milestoneHours
      do {
        reservation = try store.reserve(
          from: corpus, positions: positions, tags: bagTags, source: source, now: now,
          milestoneHours: zone.resolve(today, hours.from)..<zone.resolve(today, hours.until),
          cooldown: config.cooldown, people: config.people, using: &generator)
      } catch {
        stateError = error
      }
    }
    guard var entry = reservation?.entry ?? randomEntry(positions, using: &generator) else {
      throw .noEligibleEntry(tags: tags)
    }
    entry.text = reservation?.body ?? worded(entry.text, using: &generator)
    var request = request(
      for: entry, urgency: urgency, expireTimeout: expireTimeout, now: now,
      marksMilestone: reservation?.marksMilestone ?? false
    )
    if offeringResponses && Response.offered(forTags: entry.tags) { request.responses = Response.nightButtons }
    let delivery: Delivery
    do {
      delivery = .shown(id: try show(request, notifier: notifier))
    } catch {
      delivery = .notShown(error)
    }
    if let store, let reservation {
      var failure: String?
      if case .notShown(let error) = delivery { failure = error.description }
      do {
        try store.complete(reservation, failure: failure)
      } catch {
        stateError = stateError ?? error
      }
    }
    return Outcome(request: request, delivery: delivery, recording: stateError.map { .failure($0) } ?? .success(()))
  }

  /// Acts on a button the person pressed. "It passed" is recorded and thanked for;
  /// "I want to reach out" is the SOS flow: the urge is recorded and an urge line shown at
  /// once with critical urgency (with the buttons again when `offeringResponses`).
  /// The outcome is that of what was shown; its recording fails when the answer, or what
  /// was shown for it, could not be recorded (the answer's failure first).
  public func respond(
    _ response: Response, now: Instant, offeringResponses: Bool, notifier: some Notifier,
    using generator: inout some RandomNumberGenerator
  ) -> Outcome {
    var recordError: StateError?
    switch response {
    case .stayedStrong:
      do {
        try store?.recordStrength(at: now)
      } catch {
        recordError = error
      }
      let request = Response.acknowledgement
      let delivery: Delivery
      do {
        delivery = .shown(id: try show(request, notifier: notifier))
      } catch {
        delivery = .notShown(error)
      }
      return Outcome(request: request, delivery: delivery, recording: recordError.map { .failure($0) } ?? .success(()))
    case .reachOut:
      do {
        try store?.recordUrge(at: now, note: Response.reachOutNote)
      } catch {
        recordError = error
      }
      // With people listed, the answer names one of them; a corpus without urge lines still
      // answers, with any line.
      var named: Outcome?
      if !config.people.isEmpty {
        named = try? deliver(
          tags: sosTags, urgency: .critical, source: .sos, now: now, offeringResponses: offeringResponses,
          lines: .only, notifier: notifier, using: &generator)
      }
      let outcome =
        named
        ?? (try? deliver(
          tags: sosTags, urgency: .critical, source: .sos, now: now, offeringResponses: offeringResponses,
          notifier: notifier, using: &generator))
        ?? (try? deliver(
          tags: [], urgency: .critical, source: .sos, now: now, offeringResponses: offeringResponses,
          notifier: notifier, using: &generator))
        ?? Outcome(request: nil, delivery: .nothingEligible)
      guard let recordError else { return outcome }
      var answered = outcome
      answered.recording = .failure(recordError)
      return answered
    case .ridePassed, .stillHard:
      // A ride's buttons: its carrier hears them (RideCarrier), never a delivery's.
      return Outcome(request: nil, delivery: .nothingEligible)
    }
  }

  /// What `affirm sos` and the "I want to reach out" button draw from: the urge and sos lines
  /// (those of the two tags the corpus has; every line when it has neither).
  public var sosTags: [String] { Moment.Tag.sosDraws.filter(corpus.knownTags.contains) }

  /// Shows `request` as affirm's one live notification: the previous one, whichever process
  /// showed it, is closed first where the same server instance still holds it, so affirm never
  /// fills a server's store or list. Where the notifier knows no servers, it only shows.
  func show(_ request: NotificationRequest, notifier: some Notifier) throws(DeliveryError) -> UInt32 {
    guard let aware = notifier as? any ServerAwareNotifier else { return try notifier.deliver(request) }
    if let live = try? store?.liveNotification() { try aware.withdraw(live) }
    let id = try aware.deliver(request)
    if let server = aware.server { try? store?.setLiveNotification(LiveNotification(id: id, server: server)) }
    return id
  }

  func randomEntry(_ positions: EntryPositions, using generator: inout some RandomNumberGenerator) -> Affirmation? {
    positions.randomElement(using: &generator).flatMap { corpus.entry(at: $0) }
  }

  func request(for entry: Affirmation, urgency: Urgency, expireTimeout: Int32, now: Instant, marksMilestone: Bool)
    -> NotificationRequest
  {
    var request = NotificationRequest(entry: entry, urgency: urgency, expireTimeout: expireTimeout)
    if let count = noContact(), let day = count.day(on: zone.localTime(at: now).date) {
      request.summary = NoContact.summary(day: day, title: request.summary, marksMilestone: marksMilestone)
    }
    return request
  }

  /// The count in force: the latest `affirm reset`, else the config's date.
  public func noContact() -> NoContact? {
    let resets = (try? store?.resets()) ?? []
    return NoContact.current(configured: config.noContactSince, resets: resets)
  }
}

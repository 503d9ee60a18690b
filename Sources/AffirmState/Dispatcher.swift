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

  /// What happened to one delivery.
  public struct Outcome {
    public var request: NotificationRequest
    /// The server's id for it, when shown.
    public var id: UInt32?
    /// Set when the server did not show it.
    public var deliveryError: DeliveryError?
    /// Set when it was shown (or not) but could not be recorded.
    public var stateError: StateError?

    public init(
      request: NotificationRequest, id: UInt32? = nil, deliveryError: DeliveryError? = nil,
      stateError: StateError? = nil
    ) {
      self.request = request
      self.id = id
      self.deliveryError = deliveryError
      self.stateError = stateError
    }
  }

  /// The request a delivery would show, without recording anything (`--dry-run`).
  public func preview(
    tags: [String], urgency: Urgency, expireTimeout: Int32, now: Instant,
    using generator: inout some RandomNumberGenerator
  ) throws(SelectionError) -> NotificationRequest {
    let positions = try TagSelection(tags).eligiblePositions(in: corpus)
    let previewed =
      (try? store?.preview(
        from: corpus, positions: positions, tags: tags, now: now, cooldown: config.cooldown, using: &generator)) ?? nil
    guard let entry = previewed ?? randomEntry(positions, using: &generator) else { throw .noEligibleEntry(tags: tags) }
    return request(for: entry, urgency: urgency, expireTimeout: expireTimeout, now: now, marksMilestone: false)
  }

  /// Picks, shows and records one notification. With `offeringResponses`, a late-night or
  /// urge entry carries the two buttons (for a caller that stays to hear the answer).
  public func deliver(
    tags: [String], urgency: Urgency, expireTimeout: Int32 = -1, source: DeliverySource, now: Instant,
    offeringResponses: Bool = false, notifier: some Notifier, using generator: inout some RandomNumberGenerator
  ) throws(SelectionError) -> Outcome {
    let positions = try TagSelection(tags).eligiblePositions(in: corpus)
    var stateError: StateError?
    var reservation: Reservation?
    if let store {
      let today = zone.localTime(at: now).date
      let hours = NoContact.milestoneHours
      do {
        reservation = try store.reserve(
          from: corpus, positions: positions, tags: tags, source: source, now: now,
          milestoneHours: zone.resolve(today, hours.from)..<zone.resolve(today, hours.until),
          cooldown: config.cooldown, using: &generator)
      } catch {
        stateError = error
      }
    }
    guard let entry = reservation?.entry ?? randomEntry(positions, using: &generator) else {
      throw .noEligibleEntry(tags: tags)
    }
    var request = request(
      for: entry, urgency: urgency, expireTimeout: expireTimeout, now: now,
      marksMilestone: reservation?.marksMilestone ?? false
    )
    if offeringResponses && Response.offered(forTags: entry.tags) { request.responses = Response.allCases }
    var deliveryError: DeliveryError?
    var id: UInt32?
    do {
      id = try show(request, notifier: notifier)
    } catch {
      deliveryError = error
    }
    if let store, let reservation {
      do {
        try store.complete(reservation, failure: deliveryError?.description)
      } catch {
        stateError = stateError ?? error
      }
    }
    return Outcome(request: request, id: id, deliveryError: deliveryError, stateError: stateError)
  }

  /// Acts on a button the person pressed. "It passed" is recorded and thanked for;
  /// "I want to reach out" is the SOS flow: the urge is recorded and an urge line shown at
  /// once with critical urgency (with the buttons again when `offeringResponses`).
  /// Returns the outcome of what was shown, and the error if recording failed.
  public func respond(
    _ response: Response, now: Instant, offeringResponses: Bool, notifier: some Notifier,
    using generator: inout some RandomNumberGenerator
  ) -> (outcome: Outcome?, stateError: StateError?) {
    var recordError: StateError?
    switch response {
    case .stayedStrong:
      do {
        try store?.recordStrength(at: now)
      } catch {
        recordError = error
      }
      let request = Response.acknowledgement
      do {
        let id = try show(request, notifier: notifier)
        return (Outcome(request: request, id: id), recordError)
      } catch {
        return (Outcome(request: request, deliveryError: error), recordError)
      }
    case .reachOut:
      do {
        try store?.recordUrge(at: now, note: Response.reachOutNote)
      } catch {
        recordError = error
      }
      // A corpus without urge lines still answers, with any line.
      let outcome =
        (try? deliver(
          tags: sosTags, urgency: .critical, source: .sos, now: now, offeringResponses: offeringResponses,
          notifier: notifier, using: &generator))
        ?? (try? deliver(
          tags: [], urgency: .critical, source: .sos, now: now, offeringResponses: offeringResponses,
          notifier: notifier, using: &generator))
      return (outcome, recordError)

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

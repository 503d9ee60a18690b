import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem

/// A server that, as dunst does, keeps a replaced notification's id and numbers new ones from 1.
final class ReplacingNotifier: ServerAwareNotifier {
  var server: String? = ":1.7"
  var shown: [NotificationRequest] = []
  var withdrawn: [LiveNotification] = []
  private var next: UInt32 = 1

  func deliver(_ request: NotificationRequest) throws(DeliveryError) -> UInt32 {
    shown.append(request)
    if let replacing = request.replacing { return replacing }
    defer { next += 1 }
    return next
  }

  func withdraw(_ live: LiveNotification) throws(DeliveryError) { withdrawn.append(live) }
}

@Suite("carrying a ride: lines by phase, one bubble, answers, records", .timeLimit(.minutes(2)))
struct RideCarrierTests {
  let start = Instant(seconds: 1_800_000_000)
  let corpus = Corpus.builtin()

  func carrier(minutes: Int = 6, store: StateStore?, id: Int64?) -> RideCarrier {
    RideCarrier(
      ride: Ride(length: RideLength(minutes: minutes), started: start), id: id, corpus: corpus, store: store,
      logger: quietLogger)
  }

  @Test("each minute updates the same bubble with a line of its phase's tag, then asks; \"It passed\" is recorded")
  func passed() throws {
    let (store, _) = try temporaryStore()
    let id = try store.requestRide(plannedSeconds: 360, at: start)
    #expect(try store.claimRide(id, carrier: .command, at: start))
    #expect(try !store.claimRide(id, carrier: .daemon, at: start))
    let notifier = ReplacingNotifier()
    var generator = SplitMix64(seed: 7)
    var ride = carrier(store: store, id: id)
    try ride.start(notifier: notifier, using: &generator)
    for minute in 1...6 {
      ride.advance(to: start.adding(seconds: Int64(minute) * 60), notifier: notifier, using: &generator)
    }
    let shown = notifier.shown
    #expect(shown.count == 7)
    // The first is new; every later one updates it (the recording notifier's first id is 1).
    #expect(shown.first?.replacing == nil)
    #expect(shown.dropFirst().allSatisfy { $0.replacing == 1 && $0.keepsOwnBubble })
    #expect(shown.map { $0.progress?.percent ?? -1 } == [0, 16, 33, 50, 66, 83, 100])
    // Minutes 0-1 rise, 2-3 peak, 4-5 ease off: each line comes from its phase's tag.
    let phases: [WavePhase] = [.rising, .rising, .peak, .peak, .easing, .easing]
    for (request, phase) in zip(shown, phases) {
      let entry = try #require(corpus.entries.first { $0.text == request.body }, "\(request.body)")
      #expect(entry.tags == [phase.tag])
    }
    // A line stays through its phase.
    #expect(shown[0].body == shown[1].body && shown[2].body == shown[3].body && shown[4].body == shown[5].body)
    #expect(shown[6].responses == [.ridePassed, .stillHard])
    #expect(try store.ride(id)?.outcome == nil)

    let answered = start.adding(seconds: 400)
    do {
      let handled = ride.handle(.answered(id: 1, .ridePassed), at: answered, notifier: notifier, using: &generator)
      #expect(handled)
    }
    #expect(ride.isOver)
    #expect(notifier.shown.last == Ride.thanks)
    let record = try #require(try store.ride(id))
    #expect(record.outcome == .passed)
    #expect(record.ended == answered)
    #expect(record.carrier == "command")
    #expect(record.riddenSeconds == 360)
    #expect(notifier.withdrawn.isEmpty)
  }

  @Test("\"Still hard\": a new bubble opens with leaning on someone; a closed bubble ends the ride as stopped")
  func stillHardThenClosed() throws {
    let (store, _) = try temporaryStore()
    let id = try store.startRide(plannedSeconds: 360, carrier: .daemon, at: start)
    let notifier = ReplacingNotifier()
    var generator = SplitMix64(seed: 3)
    var ride = carrier(store: store, id: id)
    try ride.start(notifier: notifier, using: &generator)
    ride.advance(to: start.adding(seconds: 360), notifier: notifier, using: &generator)
    // Another id's answer is not the ride's.
    do {
      let handled = ride.handle(.answered(id: 9, .stillHard), at: start, notifier: notifier, using: &generator)
      #expect(!handled)
    }
    do {
      let handled = ride.handle(
        .answered(id: 1, .stillHard), at: start.adding(seconds: 365), notifier: notifier, using: &generator)
      #expect(handled)
    }
    let opening = try #require(notifier.shown.last)
    #expect(opening.replacing == nil)
    #expect(opening.summary.hasSuffix("(round 2)"))
    let entry = try #require(corpus.entries.first { $0.text == opening.body })
    #expect(entry.idea == Ride.leanOnPeopleIdea)
    #expect(try store.ride(id)?.outcome == .stillHard)
    #expect(try store.ride(id)?.rounds == 2)

    let bubble = try #require(ride.bubble)
    do {
      let handled = ride.handle(
        .closed(id: bubble), at: start.adding(seconds: 400), notifier: notifier, using: &generator)
      #expect(handled)
    }
    #expect(ride.isOver)
    #expect(try store.ride(id)?.outcome == .stopped)
    #expect(try store.startedRides().count == 1)
  }

  @Test("stopped (SIGTERM, the daemon stopping): recorded as stopped and the bubble withdrawn")
  func stopped() throws {
    let (store, _) = try temporaryStore()
    let id = try store.startRide(plannedSeconds: 360, carrier: .daemon, at: start)
    let notifier = ReplacingNotifier()
    var generator = SplitMix64(seed: 1)
    var ride = carrier(store: store, id: id)
    try ride.start(notifier: notifier, using: &generator)
    ride.stop(at: start.adding(seconds: 90), notifier: notifier)
    #expect(notifier.withdrawn == [LiveNotification(id: 1, server: ":1.7")])
    #expect(try store.ride(id)?.outcome == .stopped)
    #expect(try store.ride(id)?.ended == start.adding(seconds: 90))
  }

  @Test("a request older than a minute is not taken: its command carried the ride itself")
  func staleRequests() throws {
    let (store, _) = try temporaryStore()
    let old = try store.requestRide(plannedSeconds: 1200, at: start)
    let fresh = try store.requestRide(plannedSeconds: 300, at: start.adding(seconds: 100))
    #expect(try store.pendingRideRequests(at: start.adding(seconds: 110)).map(\.id) == [fresh])
    #expect(try store.claimRide(fresh, carrier: .daemon, at: start.adding(seconds: 110)))
    #expect(try store.pendingRideRequests(at: start.adding(seconds: 110)).isEmpty)
    #expect(try store.startedRides().map(\.id) == [fresh])
    _ = old
  }
}

import Logging
import Testing

@testable import AffirmCore

@Suite("the notification buttons' answers", .timeLimit(.minutes(2)))
struct ResponseTests {
  let now = Instant(seconds: 1_800_000_000)

  func dispatcher(_ store: StateStore?, corpus: [Affirmation]? = nil) -> Dispatcher {
    let pool =
      corpus ?? entries(3, tag: "late-night", prefix: "night") + entries(3, tag: "urge", prefix: "urge")
      + entries(3, tag: "morning", prefix: "morning")
    return Dispatcher(
      corpus: catalog(pool), config: Config(slots: []), zone: .utc, store: store, logger: quietLogger)
  }

  @Test("only late-night and urge lines offer the buttons, and only when the caller stays to hear them")
  func offered() throws {
    let (store, _) = try temporaryStore()
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 1)
    for (tag, staying, expected) in [
      ("late-night", true, Response.allCases), ("urge", true, Response.allCases), ("morning", true, []),
      ("late-night", false, []),
    ] {
      let outcome = try dispatcher(store).deliver(
        tags: [tag], urgency: .normal, source: .send, now: now, offeringResponses: staying, notifier: notifier,
        using: &generator)
      #expect(outcome.request.responses == expected, "\(tag), staying: \(staying)")
      #expect(outcome.id == UInt32(notifier.shown.count))
    }
    #expect(Response.allCases.map(\.label) == ["It passed", "I want to reach out"])
  }

  @Test("\"It passed\" is recorded and thanked for, briefly and without buttons")
  func stayedStrong() throws {
    let (store, _) = try temporaryStore()
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 2)
    let (outcome, stateError) = dispatcher(store).respond(
      .stayedStrong, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(stateError == nil)
    #expect(outcome?.request == Response.acknowledgement)
    #expect(notifier.shown == [Response.acknowledgement])
    #expect(Response.acknowledgement.urgency == .low && Response.acknowledgement.responses.isEmpty)
    #expect(try store.strengthCount() == 1)
    #expect(try store.history(since: nil).map(\.kind) == [.stayedStrong])
    #expect(try store.deliveredCount() == 0, "the thanks is not an affirmation from the bag")
  }

  @Test("\"I want to reach out\" logs an urge and shows an urge line, critical, with the buttons if staying")
  func reachOut() throws {
    let (store, _) = try temporaryStore()
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 3)
    for staying in [true, false] {
      let (outcome, stateError) = dispatcher(store).respond(
        .reachOut, now: now, offeringResponses: staying, notifier: notifier, using: &generator)
      #expect(stateError == nil)
      let request = try #require(outcome?.request)
      #expect(request.tags == ["urge"])
      #expect(request.urgency == .critical)
      #expect(request.responses == (staying ? Response.allCases : []))
    }
    #expect(try store.urgeInstants() == [now, now])
    let notes = try store.history(since: nil).compactMap { item -> String? in
      if case .urge(let note) = item.kind { return note }
      return nil
    }
    #expect(notes == [Response.reachOutNote, Response.reachOutNote])
    #expect(try store.deliveredCount() == 2)
  }

  @Test("a corpus without urge lines still answers \"I want to reach out\", with any line")
  func reachOutWithoutUrgeLines() throws {
    let (store, _) = try temporaryStore()
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 4)
    let (outcome, _) = dispatcher(store, corpus: entries(2, tag: "late-night")).respond(
      .reachOut, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(outcome?.request.urgency == .critical)
    #expect(notifier.shown.count == 1)
    #expect(try store.urgeInstants() == [now])
  }

  @Test("without a state database the answer is still shown, and a failed show is reported")
  func withoutStoreOrServer() throws {
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 5)
    let (shown, _) = dispatcher(nil).respond(
      .stayedStrong, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(shown?.deliveryError == nil && notifier.shown.count == 1)
    notifier.failure = .noServer
    let (failed, _) = dispatcher(nil).respond(
      .reachOut, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(failed?.deliveryError == .noServer)
  }
}

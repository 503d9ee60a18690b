import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

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
      ("late-night", true, Response.nightButtons), ("urge", true, Response.nightButtons), ("morning", true, []),
      ("late-night", false, []),
    ] {
      let outcome = try dispatcher(store).deliver(
        tags: [tag], urgency: .normal, source: .send, now: now, offeringResponses: staying, notifier: notifier,
        using: &generator)
      #expect(outcome.request?.responses == expected, "\(tag), staying: \(staying)")
      #expect(outcome.delivery == .shown(id: UInt32(notifier.shown.count)))
    }
    #expect(Response.nightButtons.map(\.label) == ["It passed", "I want to reach out"])
    // A ride's question has two of its own.
    #expect(
      Ride(length: RideLength(minutes: 5), started: now).question.responses.map(\.label) == ["It passed", "Still hard"])
  }

  @Test("\"It passed\" is recorded and thanked for, briefly and without buttons")
  func stayedStrong() throws {
    let (store, _) = try temporaryStore()
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 2)
    let outcome = dispatcher(store).respond(
      .stayedStrong, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(outcome.failure == nil)
    #expect(outcome.request == Response.acknowledgement)
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
      let outcome = dispatcher(store).respond(
        .reachOut, now: now, offeringResponses: staying, notifier: notifier, using: &generator)
      #expect(outcome.failure == nil)
      let request = try #require(outcome.request)
      #expect(request.tags == ["urge"])
      #expect(request.urgency == .critical)
      #expect(request.responses == (staying ? Response.nightButtons : []))
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
    let outcome = dispatcher(store, corpus: entries(2, tag: "late-night")).respond(
      .reachOut, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(outcome.request?.urgency == .critical)
    #expect(notifier.shown.count == 1)
    #expect(try store.urgeInstants() == [now])
  }

  @Test("without a state database the answer is still shown, and a failed show is reported")
  func withoutStoreOrServer() throws {
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 5)
    let shown = dispatcher(nil).respond(
      .stayedStrong, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(shown.delivery == .shown(id: 1) && notifier.shown.count == 1)
    notifier.failure = .noServer
    let failed = dispatcher(nil).respond(
      .reachOut, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(failed.delivery == .notShown(.noServer))
  }

  @Test("an answer with no entry to show at all records the urge and says nothing was eligible")
  func reachOutWithEmptyCorpus() throws {
    let (store, _) = try temporaryStore()
    let notifier = RecordingNotifier()
    var generator = SplitMix64(seed: 6)
    let outcome = dispatcher(store, corpus: []).respond(
      .reachOut, now: now, offeringResponses: true, notifier: notifier, using: &generator)
    #expect(outcome.delivery == .nothingEligible && outcome.request == nil && outcome.failure == nil)
    #expect(notifier.shown.isEmpty)
    #expect(try store.urgeInstants() == [now])
  }
}

@Suite("which failure of a delivery is reported", .timeLimit(.minutes(2)))
struct OutcomeFailureTests {
  let request = NotificationRequest(summary: "s", body: "b", urgency: .normal, expireTimeout: -1, tags: [])
  let first = StateError.unavailable(path: "/s", cause: .other("first"))
  let second = StateError.unavailable(path: "/s", cause: .other("second"))

  @Test("not shown wins over not recorded; shown and recorded is no failure")
  func notShownFirst() {
    let both = Dispatcher.Outcome(request: request, delivery: .notShown(.noServer), recording: .failure(first))
    #expect(both.failure == .notShown(.noServer))
    #expect(both.recordingAlsoFailed(second).failure == .notShown(.noServer))
    let recordedOnlyFailed = Dispatcher.Outcome(request: request, delivery: .shown(id: 4), recording: .failure(first))
    #expect(recordedOnlyFailed.failure == .notRecorded(first))
    #expect(Dispatcher.Outcome(request: request, delivery: .shown(id: 4)).failure == nil)
    #expect(Dispatcher.Outcome(request: nil, delivery: .nothingEligible).failure == nil)
  }

  @Test("of recording failures the outcome's own is kept; one added fills in only where it recorded fine")
  func firstRecordingFailureKept() {
    let failed = Dispatcher.Outcome(request: request, delivery: .shown(id: 1), recording: .failure(first))
    #expect(failed.recordingAlsoFailed(second).failure == .notRecorded(first))
    let recorded = Dispatcher.Outcome(request: request, delivery: .shown(id: 1))
    #expect(recorded.recordingAlsoFailed(second).failure == .notRecorded(second))
    #expect(recorded.recordingAlsoFailed(nil).failure == nil)
  }

  @Test("a failed show is recorded as failed, and a recording failure of the reservation is reported")
  func deliverReportsBoth() throws {
    let (store, _) = try temporaryStore()
    let notifier = RecordingNotifier()
    notifier.failure = .noServer
    var generator = SplitMix64(seed: 7)
    let dispatcher = Dispatcher(
      corpus: catalog(entries(2, tag: "urge")), config: Config(slots: []), zone: .utc, store: store,
      logger: quietLogger)
    let outcome = try dispatcher.deliver(
      tags: [], urgency: .normal, source: .send, now: Instant(seconds: 1_800_000_000), notifier: notifier,
      using: &generator)
    #expect(outcome.failure == .notShown(.noServer))
    if case .failure = outcome.recording { Issue.record("a failed show is still recorded (as failed)") }
  }
}

import AffirmSimulation
import Logging
import Testing

@testable import AffirmCore

@Suite("the daemon re-plans when a window that follows urges moves", .timeLimit(.minutes(2)))
struct FollowUrgesDaemonTests {
  /// Every 30 minutes from 23:00 until 01:30 in Berlin, following urges.
  let schedule = Schedule(
    slots: [
      Slot(
        name: "late-night",
        timing: .every(from: WallTime("23:00")!, until: WallTime("01:30")!, interval: Span(seconds: 1800)),
        tags: ["late-night"], followsUrges: true)
    ], zone: zone("Europe/Berlin"))

  /// Seven urges at 21:40 on May 1 to 7, 2027.
  let seven = (1...7).map { instant("2027-05-0\($0)T21:40:00+02:00") }

  func times(_ fires: [FireTime]) -> [String] { fires.map { local($0, schedule) } }

  @Test("the eighth urge, logged with a poke, opens tonight's window at 21:00; without the poke, at the next wake")
  func pokeMovesTheNextFireTime() {
    let start = instant("2027-05-20T12:00:00+02:00")
    let end = instant("2027-05-20T22:15:00+02:00")
    let eighth = instant("2027-05-20T18:00:00+02:00")
    var poked = SimulatedHost(start: start, end: end, events: [.stateChange(at: eighth)])
    poked.urges = seven + [eighth]
    let loop = runDaemon(schedule, &poked)
    #expect(
      times(poked.delivered) == ["2027-05-20T21:00:00+02:00", "2027-05-20T21:30:00+02:00", "2027-05-20T22:00:00+02:00"])
    // The plan before the poke was 23:00; after it, 21:00.
    #expect(poked.waits.prefix(2) == [instant("2027-05-20T23:00:00+02:00"), instant("2027-05-20T21:00:00+02:00")])
    #expect(loop.urgeWindows.map { "\($0.from)-\($0.until)" } == ["21:00-01:30"])
    // Without the poke the daemon sleeps until 23:00 as planned, and only then follows.
    var unpoked = SimulatedHost(start: start, end: instant("2027-05-20T23:45:00+02:00"))
    unpoked.urges = seven + [eighth]
    _ = runDaemon(schedule, &unpoked)
    #expect(times(unpoked.delivered) == ["2027-05-20T23:00:00+02:00", "2027-05-20T23:30:00+02:00"])
    // Logged inside the window it opens, the eighth gets no catch-up of 21:00 or 21:30: the
    // window counts from the poke, and its next time is 22:00.
    let inside = instant("2027-05-20T21:45:00+02:00")
    var late = SimulatedHost(start: start, end: end, events: [.stateChange(at: inside)])
    late.urges = seven + [inside]
    _ = runDaemon(schedule, &late)
    #expect(times(late.delivered) == ["2027-05-20T22:00:00+02:00"])
    // With seven urges the window stays as written.
    var few = SimulatedHost(start: start, end: end, events: [.stateChange(at: eighth)])
    few.urges = seven
    _ = runDaemon(schedule, &few)
    #expect(few.delivered.isEmpty)
  }

  @Test("when the four weeks let go of the eighth urge the daemon wakes and plans by the written window again")
  func urgesAgeOut() {
    // Seven urges at 21:40 on May 2 to 8, and one at noon on May 1 (out of reach, but it
    // counts): the window opens at 21:00 until the noon urge leaves, at 12:00:01 on May 29.
    var host = SimulatedHost(start: instant("2027-05-28T12:00:00+02:00"), end: instant("2027-05-29T23:15:00+02:00"))
    host.urges = [instant("2027-05-01T12:00:00+02:00")] + (2...8).map { instant("2027-05-0\($0)T21:40:00+02:00") }
    _ = runDaemon(schedule, &host)
    let leaves = instant("2027-05-29T12:00:01+02:00")
    let index = host.waits.firstIndex(of: leaves)
    #expect(index != nil, "\(host.waits)")
    // The plan before the wake was that night's 21:00; after it, 23:00.
    if let index {
      #expect(host.waits[index + 1] == instant("2027-05-29T23:00:00+02:00"))
    }
    #expect(times(host.delivered).first == "2027-05-28T21:00:00+02:00")
    #expect(times(host.delivered).filter { $0.hasPrefix("2027-05-29T2") } == ["2027-05-29T23:00:00+02:00"])
  }
}

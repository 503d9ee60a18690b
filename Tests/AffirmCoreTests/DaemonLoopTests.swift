import AffirmSimulation
import Logging
import Testing

@testable import AffirmCore
@testable import TOML
@testable import AffirmState
@testable import AffirmSystem

/// The tests' and affirm-bench's one simulated host.
typealias SimulatedHost = SimulatedDaemonHost

func runDaemon(_ schedule: Schedule, _ host: inout SimulatedHost, marks: [String: Instant] = [:]) -> DaemonLoop {
  var loop = DaemonLoop(
    schedule: schedule, marks: marks, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
  #expect(loop.run(host: &host) == 0)
  return loop
}

@Suite("the daemon loop, with an injected clock", .timeLimit(.minutes(2)))
struct DaemonLoopTests {
  let schedule = Config.builtInDefault.schedule(environment: ["TZ": "Europe/Berlin"])

  @Test("a simulated week delivers every fire time once, on time")
  func week() {
    let start = instant("2027-03-22T12:00:00+01:00")
    var host = SimulatedHost(start: start, end: instant("2027-03-29T12:00:00+02:00"))
    _ = runDaemon(schedule, &host)
    let expected = schedule.fireTimes(after: start, through: host.end)
    // The DST night still has six: the lost hour (02:00-03:00) lies after the window's end.
    #expect(host.delivered.count == 7 + 7 * 6)
    #expect(host.delivered == expected)
    #expect(host.savedMarks["morning"] == instant("2027-03-29T08:00:00+02:00"))
  }

  @Test("a button pressed between fire times is handled at once and moves no fire time")
  func interactionBetweenFireTimes() {
    let start = instant("2027-05-10T22:00:00+02:00")
    let end = instant("2027-05-11T02:00:00+02:00")
    var quiet = SimulatedHost(start: start, end: end)
    _ = runDaemon(schedule, &quiet)
    let pressed = [instant("2027-05-10T23:07:00+02:00"), instant("2027-05-11T00:45:00+02:00")]
    var host = SimulatedHost(start: start, end: end, events: pressed.map { .interaction(at: $0) })
    _ = runDaemon(schedule, &host)
    #expect(host.interactions == pressed)
    #expect(host.delivered == quiet.delivered)
    #expect(!host.delivered.isEmpty)
  }

  @Test("a simulated year runs in milliseconds and never delivers a time twice")

  func year() {
    var host = SimulatedHost(start: instant("2027-01-01T00:00:00+01:00"), end: instant("2028-01-01T00:00:00+01:00"))
    _ = runDaemon(schedule, &host)
    #expect(Set(host.delivered.map { "\($0.slot)@\($0.instant.seconds)" }).count == host.delivered.count)
    #expect(host.delivered.count(where: { $0.slot == "morning" }) == 365)
  }

  @Test("a missed at time within grace is delivered once on wake; older ones are dropped")
  func missedAtTime() {
    let start = instant("2027-05-10T07:00:00+02:00")
    // Asleep 07:30 → 09:30: 08:00 was missed by 1.5 h (grace 2 h): delivered at 09:30.
    var host = SimulatedHost(
      start: start, end: instant("2027-05-10T12:00:00+02:00"),
      events: [.suspend(at: instant("2027-05-10T07:30:00+02:00"), until: instant("2027-05-10T09:30:00+02:00"))])
    _ = runDaemon(schedule, &host)
    #expect(host.delivered.map(\.slot) == ["morning"])
    // Asleep until 10:30: missed by 2.5 h, dropped.
    var late = SimulatedHost(
      start: start, end: instant("2027-05-10T12:00:00+02:00"),
      events: [.suspend(at: instant("2027-05-10T07:30:00+02:00"), until: instant("2027-05-10T10:30:00+02:00"))])
    _ = runDaemon(schedule, &late)
    #expect(late.delivered.isEmpty)
  }

  @Test("missed every times coalesce into one while the window is open, none once it has closed")
  func missedEveryTimes() {
    let start = instant("2027-05-10T22:00:00+02:00")
    var open = SimulatedHost(
      start: start, end: instant("2027-05-11T01:10:00+02:00"),
      events: [.suspend(at: instant("2027-05-10T23:10:00+02:00"), until: instant("2027-05-11T00:40:00+02:00"))])
    _ = runDaemon(schedule, &open)
    #expect(
      open.delivered.map { local($0, schedule) } == [
        "2027-05-10T23:00:00+02:00", "2027-05-11T00:30:00+02:00", "2027-05-11T01:00:00+02:00",
      ])

    var closed = SimulatedHost(
      start: start, end: instant("2027-05-11T04:00:00+02:00"),
      events: [.suspend(at: instant("2027-05-10T23:10:00+02:00"), until: instant("2027-05-11T03:00:00+02:00"))])
    _ = runDaemon(schedule, &closed)
    #expect(closed.delivered.map { local($0, schedule) } == ["2027-05-10T23:00:00+02:00"])
  }

  @Test("a clock stepped back never repeats a delivered time; stepped forward, never bursts")
  func clockSteps() {
    var back = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-10T12:00:00+02:00"),
      events: [.step(at: instant("2027-05-10T08:05:00+02:00"), to: instant("2027-05-10T07:00:00+02:00"))])
    _ = runDaemon(schedule, &back)
    #expect(back.delivered.map(\.slot) == ["morning"])

    var forward = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-13T09:00:00+02:00"),
      events: [.step(at: instant("2027-05-10T07:10:00+02:00"), to: instant("2027-05-13T08:30:00+02:00"))])
    _ = runDaemon(schedule, &forward)
    // Three days skipped: only the newest morning (within grace) is shown, once.
    #expect(forward.delivered.map { local($0, schedule) } == ["2027-05-13T08:00:00+02:00"])
  }

  @Test("a clock set back re-plans from the new time: that evening's fire times come, the handled morning not twice")
  func clockSetBackReplans() {
    // At 08:05, just after the morning was shown, the clock is set back to 22:50 the day before.
    let stepped = instant("2027-05-09T22:50:00+02:00")
    var host = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-11T03:00:00+02:00"),
      events: [.step(at: instant("2027-05-10T08:05:00+02:00"), to: stepped)])
    let lines = LogLines()
    var loop = DaemonLoop(schedule: schedule, marks: [:], logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    // Before the step the plan was the evening of the 10th; after it, the evening of the 9th.
    let planned = host.waits.compactMap { $0 }
    #expect(
      planned.prefix(3) == [
        instant("2027-05-10T08:00:00+02:00"), instant("2027-05-10T23:00:00+02:00"),
        instant("2027-05-09T23:00:00+02:00"),
      ])
    let night = ["23:00", "23:30", "00:00", "00:30", "01:00", "01:30"]
    func nightOf(_ day: String, _ next: String) -> [String] {
      night.map { "late-night \($0 < "12" ? next : day)T\($0):00+02:00" }
    }
    #expect(
      host.delivered.map { "\($0.slot) \(local($0, schedule))" }
        == ["morning 2027-05-10T08:00:00+02:00"] + nightOf("2027-05-09", "2027-05-10")
        + nightOf("2027-05-10", "2027-05-11"))
    #expect(lines.messages.filter { $0.hasPrefix("the wall clock changed") }.count == 1)
  }

  @Test("a zone change re-plans: the slots' wall-clock times are read in the new zone from then on")
  func zoneChangeReplans() {
    let newYork = Config.builtInDefault.schedule(environment: ["TZ": "America/New_York"])
    // At 09:00 in Berlin (03:00 in New York) the system's zone becomes New York.
    var host = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-11T12:00:00-04:00"),
      events: [.zoneChange(at: instant("2027-05-10T09:00:00+02:00"), to: newYork)])
    let lines = LogLines()
    var loop = DaemonLoop(schedule: schedule, marks: [:], logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    #expect(loop.schedule == newYork)
    // The plan right after the change: 08:00 in New York, no longer 23:00 in Berlin.
    #expect(
      host.waits.compactMap { $0 }.prefix(3) == [
        instant("2027-05-10T08:00:00+02:00"), instant("2027-05-10T23:00:00+02:00"),
        instant("2027-05-10T08:00:00-04:00"),
      ])
    #expect(
      host.delivered.map(\.slot) == ["morning", "morning"] + Array(repeating: "late-night", count: 6) + ["morning"])
    #expect(
      host.delivered.map(\.instant)
        == [
          "2027-05-10T08:00:00+02:00",  // in Berlin, before the change
          "2027-05-10T08:00:00-04:00", "2027-05-10T23:00:00-04:00", "2027-05-10T23:30:00-04:00",
          "2027-05-11T00:00:00-04:00", "2027-05-11T00:30:00-04:00", "2027-05-11T01:00:00-04:00",
          "2027-05-11T01:30:00-04:00", "2027-05-11T08:00:00-04:00",
        ].map(instant))
    #expect(lines.messages.contains { $0.hasPrefix("reloaded") && $0.contains("zone=America/New_York") })
  }

  @Test("a restart resumes from the saved marks: nothing twice, nothing lost")
  func restart() {
    var first = SimulatedHost(start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-10T08:30:00+02:00"))
    _ = runDaemon(schedule, &first)
    #expect(first.delivered.count == 1)
    // Down from 08:30 until 23:45: restarted with the saved marks; 23:30 is the newest missed.
    var second = SimulatedHost(start: instant("2027-05-10T23:45:00+02:00"), end: instant("2027-05-11T00:10:00+02:00"))
    _ = runDaemon(schedule, &second, marks: first.savedMarks)
    #expect(second.delivered.map { local($0, schedule) } == ["2027-05-10T23:30:00+02:00", "2027-05-11T00:00:00+02:00"])
  }

  @Test("killed in the middle of a delivery, a restart does not show that fire time again")
  func killedDuringDelivery() {
    /// Dies during its first delivery, the way kill -9 ends a daemon waiting on the server:
    /// what it had saved by then is all a restart gets.
    struct KilledHost: DaemonHost {
      var inner: SimulatedHost
      var savedWhenKilled: [String: Instant]?
      mutating func now() -> Instant { inner.now() }
      mutating func wait(until deadline: Instant?) -> WakeReason {
        savedWhenKilled == nil ? inner.wait(until: deadline) : .terminate
      }
      mutating func deliver(_ fire: FireTime) -> Bool {
        if savedWhenKilled == nil { savedWhenKilled = inner.savedMarks }
        return inner.deliver(fire)
      }
      mutating func reloadSchedule() throws -> Schedule { try inner.reloadSchedule() }
      mutating func saveMarks(_ marks: [String: Instant]) throws {
        if savedWhenKilled == nil { try inner.saveMarks(marks) }
      }
      mutating func handleInteraction() {}
    }
    var first = KilledHost(
      inner: SimulatedHost(start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-10T09:00:00+02:00")))
    var loop = DaemonLoop(
      schedule: schedule, marks: [:], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    _ = loop.run(host: &first)
    #expect(first.inner.delivered.map { local($0, schedule) } == ["2027-05-10T08:00:00+02:00"])
    // Restarted a minute later, well within the 08:00 slot's grace.
    var second = SimulatedHost(start: instant("2027-05-10T08:01:00+02:00"), end: instant("2027-05-10T09:00:00+02:00"))
    _ = runDaemon(schedule, &second, marks: first.savedWhenKilled ?? [:])
    #expect(second.delivered.isEmpty, "shown again: \(second.delivered.map { local($0, schedule) })")
  }

  @Test("a failed delivery is not retried: its fire time is tried once, the next one is delivered on time")
  func failedDelivery() {
    let start = instant("2027-05-10T22:50:00+02:00")
    let end = instant("2027-05-11T00:10:00+02:00")
    let times = ["2027-05-10T23:00:00+02:00", "2027-05-10T23:30:00+02:00", "2027-05-11T00:00:00+02:00"]
    // The server refuses the first notification only.
    var once = SimulatedHost(start: start, end: end)
    once.failingNext = ["late-night": 1]
    _ = runDaemon(schedule, &once)
    // In order, each fire time once: nothing tried again between 23:00 and 23:30.
    #expect(once.attempts.map { local($0, schedule) } == times)
    #expect(once.delivered.map { local($0, schedule) } == Array(times.dropFirst()))
    // A server that refuses every one: still each fire time once, and the mark moves on.
    var always = SimulatedHost(start: start, end: end)
    always.failing = ["late-night"]
    _ = runDaemon(schedule, &always)
    #expect(always.attempts.map { local($0, schedule) } == times)
    #expect(always.delivered.isEmpty)
    #expect(always.savedMarks["late-night"] == instant("2027-05-11T00:00:00+02:00"))
  }

  @Test("SIGHUP reloads a good config and keeps the old one when the new one is bad")
  func reload() {
    let noon = Slot(name: "noon", timing: .at([WallTime("12:00")!]))
    let good = Schedule(slots: [noon], zone: schedule.zone)
    var host = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-11T13:00:00+02:00"),
      events: [
        .reload(
          at: instant("2027-05-10T09:00:00+02:00"), .failure(ConfigError(SourceLocation(file: "c", line: 1), "bad"))),
        .reload(at: instant("2027-05-10T23:15:00+02:00"), .success(good)),
      ])
    let loop = runDaemon(schedule, &host)
    #expect(loop.schedule == good)
    #expect(
      host.delivered.map { "\($0.slot) \(local($0, schedule))" } == [
        "morning 2027-05-10T08:00:00+02:00", "late-night 2027-05-10T23:00:00+02:00", "noon 2027-05-11T12:00:00+02:00",
      ])
  }

  @Test("a saved mark a day ahead (the clock was ahead) is clamped to now, logged once: delivered at the real time")
  func futureMark() {
    let start = instant("2027-05-10T07:00:00+02:00")
    let ahead = [
      "morning": instant("2027-05-11T08:00:00+02:00"), "late-night": instant("2027-05-11T23:30:00+02:00"),
    ]
    let lines = LogLines()
    var host = SimulatedHost(start: start, end: instant("2027-05-10T23:45:00+02:00"))
    var loop = DaemonLoop(schedule: schedule, marks: ahead, logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    // The same times as a daemon that never saw the clock ahead: the next real ones.
    #expect(
      host.delivered.map { "\($0.slot) \(local($0, schedule))" } == [
        "morning 2027-05-10T08:00:00+02:00", "late-night 2027-05-10T23:00:00+02:00",
        "late-night 2027-05-10T23:30:00+02:00",
      ])
    #expect(lines.messages.filter { $0.contains("lies in the future") }.count == 1)
    // What the daemon logs as next at start is what it then delivers.
    #expect(lines.messages.first { $0.hasPrefix("started") }?.contains("2027-05-10T08:00:00+02:00 morning") == true)
    #expect(host.savedMarks["morning"] == instant("2027-05-10T08:00:00+02:00"))
  }

  @Test("a mark far in the future (INT64_MAX) or far in the past costs nothing and is never trusted")
  func extremeMarks() {
    let start = instant("2027-05-10T07:59:00+02:00")
    for mark in [Instant(seconds: .max), Instant(seconds: 0), Instant(seconds: .min)] {
      var host = SimulatedHost(start: start, end: instant("2027-05-10T08:30:00+02:00"))
      _ = runDaemon(schedule, &host, marks: ["morning": mark, "late-night": mark])
      #expect(host.delivered.map { local($0, schedule) } == ["2027-05-10T08:00:00+02:00"], "mark \(mark)")
    }
  }

  @Test("catch-up computes only the newest missed time: a 1 s slot whose mark is a year old, 50 such slots")
  func catchUpIsLazy() {
    // Below the config's floor on purpose: the core must not depend on it to stay small.
    let slots = (0..<50).map {
      Slot(
        name: "s\($0)", timing: .every(from: WallTime("00:00")!, until: WallTime("00:00")!, interval: Span(seconds: 1)))
    }
    let fast = Schedule(slots: slots, zone: schedule.zone)
    let now = instant("2027-05-10T12:00:00+02:00")
    let yearAgo = now.adding(seconds: -365 * 86_400)
    var loop = DaemonLoop(
      schedule: fast, marks: Dictionary(uniqueKeysWithValues: slots.map { ($0.name, yearAgo) }),
      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    let due = loop.takeDue(at: now)
    #expect(due.count == 50)
    #expect(due.allSatisfy { $0.instant == now })
    #expect(loop.nextFire(after: now)?.instant == now.adding(seconds: 1))
    #expect(fast.upcoming(after: now, count: 3).map(\.instant) == Array(repeating: now.adding(seconds: 1), count: 3))
  }
}

/// Keeps each log message with its metadata, for tests that check what the daemon says.
final class LogLines: LogHandler, @unchecked Sendable {
  var logLevel: Logger.Level = .trace
  var metadata: Logger.Metadata = [:]
  private(set) var messages: [String] = []

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let details = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    messages.append(([event.message.description] + details).joined(separator: " "))
  }
}

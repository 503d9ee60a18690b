import AffirmSimulation
import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// The tests' and affirm-bench's one simulated host.
typealias SimulatedHost = SimulatedDaemonHost

/// Settings for `schedule` with a corpus that carries every tag its slots draw on.
func settings(_ schedule: Schedule, config: Config? = nil) -> DaemonSettings {
  let config = config ?? Config(slots: schedule.slots)
  let tags = Set(config.slots.flatMap(\.tags)).sorted()
  let text = tags.map { "[\($0)]\nA line for \($0).\n" }.joined()
  return DaemonSettings(
    config: config, schedule: schedule, corpus: Corpus(files: [CorpusParser().parse(Array(text.utf8), file: "c.txt")]),
    corpusLabel: "c.txt")
}

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

  @Test("a poke (SIGUSR1) has the host read the state at once and moves no fire time")
  func pokeBetweenFireTimes() {
    let start = instant("2027-05-10T22:00:00+02:00")
    let end = instant("2027-05-11T02:00:00+02:00")
    var quiet = SimulatedHost(start: start, end: end)
    _ = runDaemon(schedule, &quiet)
    let poked = [instant("2027-05-10T23:07:00+02:00"), instant("2027-05-11T00:45:00+02:00")]
    var host = SimulatedHost(start: start, end: end, events: poked.map { .stateChange(at: $0) })
    _ = runDaemon(schedule, &host)
    #expect(host.stateChanges == poked)
    #expect(host.interactions.isEmpty)
    #expect(host.delivered == quiet.delivered)
    #expect(!host.delivered.isEmpty)
  }

  @Test("the host's own timed work (a ride's minutes) is run when due, between fire times, moving none")
  func timedWorkBetweenFireTimes() {
    let start = instant("2027-05-10T22:00:00+02:00")
    let end = instant("2027-05-11T02:00:00+02:00")
    var quiet = SimulatedHost(start: start, end: end)
    _ = runDaemon(schedule, &quiet)
    // A poke at 23:07 starts a ride: its minutes are due from then, none on a fire time.
    let minutes = (1...20).map { instant("2027-05-10T23:07:00+02:00").adding(seconds: Int64($0) * 60 + 7) }
    var host = SimulatedHost(start: start, end: end)
    host.timedWork = minutes
    _ = runDaemon(schedule, &host)
    #expect(host.timedWorkDone.map(\.due) == minutes)
    // Each ran at its own instant, not at the next fire time.
    #expect(host.timedWorkDone.map(\.at) == minutes)
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
      events: [.zoneChange(at: instant("2027-05-10T09:00:00+02:00"), to: settings(newYork))])
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
      mutating func pausedUntil(at now: Instant) -> Instant? { nil }
      mutating func reloadSettings() throws -> DaemonSettings { try inner.reloadSettings() }
      mutating func adopt(_ settings: DaemonSettings) {}
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
        .reload(at: instant("2027-05-10T23:15:00+02:00"), .success(settings(good))),
      ])
    let loop = runDaemon(schedule, &host)
    #expect(loop.schedule == good)
    #expect(
      host.delivered.map { "\($0.slot) \(local($0, schedule))" } == [
        "morning 2027-05-10T08:00:00+02:00", "late-night 2027-05-10T23:00:00+02:00", "noon 2027-05-11T12:00:00+02:00",
      ])
  }

  @Test("a pause holds fire times below critical (logged, never asked of the host) and lets critical ones through")
  func pauseHolds() throws {
    // Paused until 07:00 the next morning: the morning of the 10th (normal) is held, the
    // late-night nudges (critical) come, and the morning after the pause is shown.
    let start = instant("2027-05-10T07:00:00+02:00")
    let end = instant("2027-05-11T09:00:00+02:00")
    let until = instant("2027-05-11T07:00:00+02:00")
    let lines = LogLines()
    var host = SimulatedHost(start: start, end: end)
    host.pausedUntil = until
    var loop = DaemonLoop(
      settings: settings(schedule, config: Config.builtInDefault), marks: [:],
      logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    let night = ["23:00", "23:30", "00:00", "00:30", "01:00", "01:30"].map {
      "late-night 2027-05-\($0 < "12" ? "11" : "10")T\($0):00+02:00"
    }
    #expect(
      host.attempts.map { "\($0.slot) \(local($0, schedule))" } == night + ["morning 2027-05-11T08:00:00+02:00"])
    #expect(host.delivered == host.attempts)
    #expect(
      lines.messages.filter { $0.hasPrefix("held:") } == [
        "held: paused until 2027-05-11T07:00:00+02:00 slot=morning"
      ])
    // The held morning is handled, not shown late when the pause ends.
    #expect(host.savedMarks["morning"] == instant("2027-05-11T08:00:00+02:00"))

    // pause_includes_critical: everything waits for the end of the pause.
    var config = Config.builtInDefault
    config.pauseIncludesCritical = true
    var all = SimulatedHost(start: start, end: end)
    all.pausedUntil = until
    let allLines = LogLines()
    var strict = DaemonLoop(
      settings: settings(schedule, config: config), marks: [:],
      logger: Logger(label: "test", factory: { _ in allLines }))
    #expect(strict.run(host: &all) == 0)
    #expect(all.attempts.map { "\($0.slot) \(local($0, schedule))" } == ["morning 2027-05-11T08:00:00+02:00"])
    #expect(allLines.messages.filter { $0.hasPrefix("held: paused until") }.count == 7)
  }

  @Test("quiet hours that cross midnight hold what falls inside them, in local time; a critical slot still comes")
  func quietHoursAcrossMidnight() throws {
    let config = try ConfigParser.parse(
      Array(
        """
        timezone = "Europe/Berlin"
        quiet = ["23:00-01:00"]
        [[slot]]
        name = "evening"
        from = "22:00"
        until = "02:00"
        every = "30m"
        [[slot]]
        name = "urge"
        at = ["23:45"]
        urgency = "critical"

        """.utf8), file: "c.toml")
    let quietSchedule = config.schedule(environment: [:])
    let lines = LogLines()
    var host = SimulatedHost(start: instant("2027-05-10T21:00:00+02:00"), end: instant("2027-05-11T03:00:00+02:00"))
    var loop = DaemonLoop(
      settings: settings(quietSchedule, config: config), marks: [:],
      logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    #expect(
      host.delivered.map { "\($0.slot) \(local($0, quietSchedule))" } == [
        "evening 2027-05-10T22:00:00+02:00", "evening 2027-05-10T22:30:00+02:00", "urge 2027-05-10T23:45:00+02:00",
        "evening 2027-05-11T01:00:00+02:00", "evening 2027-05-11T01:30:00+02:00",
      ])
    #expect(host.attempts == host.delivered)
    // 23:00, 23:30, 00:00 and 00:30: on both sides of midnight.
    #expect(
      lines.messages.filter { $0.hasPrefix("held:") }
        == Array(repeating: "held: quiet hours 23:00-01:00 slot=evening", count: 4))
  }

  @Test("a reload the loop rejects (a slot's tag no entry carries) keeps the old schedule and says why")
  func rejectedReload() throws {
    let config = try ConfigParser.parse(
      Array("[[slot]]\nname = \"noon\"\nat = [\"12:00\"]\ntags = [\"nope\"]\n".utf8), file: "c.toml")
    let corpus = Corpus(files: [CorpusParser().parse(Array("[morning]\nA line.\n".utf8), file: "c.txt")])
    let bad = DaemonSettings(
      config: config, schedule: config.schedule(environment: ["TZ": "Europe/Berlin"]), corpus: corpus,
      corpusLabel: "c.txt")
    let lines = LogLines()
    var host = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-10T23:10:00+02:00"),
      events: [.reload(at: instant("2027-05-10T09:00:00+02:00"), .success(bad))])
    var loop = DaemonLoop(schedule: schedule, marks: [:], logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    #expect(loop.schedule == schedule)
    #expect(host.adopted.isEmpty)
    #expect(
      lines.messages.filter { $0.hasPrefix("keeping the previous config") } == [
        "keeping the previous config: c.toml:4:8: slot \"noon\" uses tag \"nope\" that no corpus entry carries "
          + "(known tags: morning)"
      ])
    #expect(!lines.messages.contains { $0.hasPrefix("reloaded") })
    // The old plan stands: no noon, the late-night nudge at 23:00.
    #expect(
      Array(host.waits.compactMap { $0 }.prefix(3))
        == ["2027-05-10T08:00:00+02:00", "2027-05-10T23:00:00+02:00", "2027-05-10T23:00:00+02:00"].map(instant))
    #expect(
      host.delivered.map { "\($0.slot) \(local($0, schedule))" } == [
        "morning 2027-05-10T08:00:00+02:00", "late-night 2027-05-10T23:00:00+02:00",
      ])
  }

  @Test("an accepted reload re-plans at once and its quiet hours apply from then on")
  func acceptedReload() throws {
    let config = try ConfigParser.parse(
      Array(
        "quiet = [\"11:30-12:30\"]\n[[slot]]\nname = \"noon\"\nat = [\"12:00\", \"13:00\"]\ntags = [\"t\"]\n".utf8),
      file: "c.toml")
    let noon = config.schedule(environment: ["TZ": "Europe/Berlin"])
    let lines = LogLines()
    var host = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-10T23:10:00+02:00"),
      events: [.reload(at: instant("2027-05-10T09:00:00+02:00"), .success(settings(noon, config: config)))])
    var loop = DaemonLoop(schedule: schedule, marks: [:], logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    #expect(loop.schedule == noon)
    #expect(loop.quiet == config.quiet)
    #expect(host.adopted.map(\.schedule) == [noon])
    // Waiting for 23:00 when the reload came; from then on, for noon's times.
    #expect(
      Array(host.waits.compactMap { $0 }.prefix(4))
        == [
          "2027-05-10T08:00:00+02:00", "2027-05-10T23:00:00+02:00", "2027-05-10T12:00:00+02:00",
          "2027-05-10T13:00:00+02:00",
        ]
        .map(instant))
    #expect(
      host.attempts.map { "\($0.slot) \(local($0, schedule))" } == [
        "morning 2027-05-10T08:00:00+02:00", "noon 2027-05-10T13:00:00+02:00",
      ])
    #expect(lines.messages.contains("held: quiet hours 11:30-12:30 slot=noon"))
    #expect(lines.messages.contains("corpus: c.txt, 1 entries"))
    #expect(
      lines.messages.contains { $0.hasPrefix("reloaded") && $0.contains("next=2027-05-10T12:00:00+02:00 noon") },
      "\(lines.messages)")
  }

  @Test("a clock stepped forward past a fire time follows the missed-time rule: within grace shown once, else dropped")
  func clockStepForwardPastFire() {
    func run(stepTo: String) -> (SimulatedHost, LogLines) {
      let lines = LogLines()
      var host = SimulatedHost(
        start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-10T23:10:00+02:00"),
        events: [.step(at: instant("2027-05-10T07:30:00+02:00"), to: instant(stepTo))])
      var loop = DaemonLoop(schedule: schedule, marks: [:], logger: Logger(label: "test", factory: { _ in lines }))
      #expect(loop.run(host: &host) == 0)
      return (host, lines)
    }
    // 07:30 → 09:30: 08:00 is 1h30m late, within the slot's 2 h grace: shown once, at once.
    let (within, withinLines) = run(stepTo: "2027-05-10T09:30:00+02:00")
    #expect(
      within.delivered.map { "\($0.slot) \(local($0, schedule))" } == [
        "morning 2027-05-10T08:00:00+02:00", "late-night 2027-05-10T23:00:00+02:00",
      ])
    #expect(withinLines.messages.contains("the wall clock changed; recomputing fire times"))
    #expect(
      withinLines.messages.contains { $0.hasPrefix("catching up on a missed fire time") && $0.contains("slot=morning") }
    )
    // The plan after the step: 23:00, not 08:00 again.
    #expect(
      Array(within.waits.compactMap { $0 }.prefix(2))
        == ["2027-05-10T08:00:00+02:00", "2027-05-10T23:00:00+02:00"].map(instant))
    // 07:30 → 10:30: 2h30m late, past grace: dropped, and said so; the evening comes on time.
    let (past, pastLines) = run(stepTo: "2027-05-10T10:30:00+02:00")
    #expect(past.attempts.map { "\($0.slot) \(local($0, schedule))" } == ["late-night 2027-05-10T23:00:00+02:00"])
    #expect(pastLines.messages.contains { $0.hasPrefix("dropping missed fire times") && $0.contains("slot=morning") })
    #expect(past.savedMarks["morning"] == instant("2027-05-10T08:00:00+02:00"))
  }

  @Test("after a zone change, the next fire time and the quiet hours are both read in the new zone's local time")
  func zoneChangeMovesFireAndQuietHours() throws {
    // No `timezone`: the system's zone, Berlin until 09:00 Berlin time, then New York.
    let config = try ConfigParser.parse(
      Array("quiet = [\"11:30-12:30\"]\n[[slot]]\nname = \"noon\"\nat = [\"12:00\", \"13:00\"]\n".utf8),
      file: "c.toml")
    let berlin = config.schedule(environment: ["TZ": "Europe/Berlin"])
    let newYork = config.schedule(environment: ["TZ": "America/New_York"])
    let lines = LogLines()
    var host = SimulatedHost(
      start: instant("2027-05-10T07:00:00+02:00"), end: instant("2027-05-10T14:00:00-04:00"),
      events: [.zoneChange(at: instant("2027-05-10T09:00:00+02:00"), to: settings(newYork, config: config))])
    var loop = DaemonLoop(
      settings: settings(berlin, config: config), marks: [:], logger: Logger(label: "test", factory: { _ in lines }))
    #expect(loop.run(host: &host) == 0)
    // Waiting for noon in Berlin when the zone changed; then for 12:00 and 13:00 in New York.
    #expect(
      Array(host.waits.compactMap { $0 }.prefix(3))
        == ["2027-05-10T12:00:00+02:00", "2027-05-10T12:00:00-04:00", "2027-05-10T13:00:00-04:00"].map(instant))
    // 12:00 in New York is quiet there (it is 18:00 in Berlin): held; 13:00 is shown.
    #expect(lines.messages.filter { $0.hasPrefix("held:") } == ["held: quiet hours 11:30-12:30 slot=noon"])
    #expect(host.attempts.map(\.instant) == [instant("2027-05-10T13:00:00-04:00")])
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

import Testing

@testable import AffirmCore

@Suite("riding a wave: lengths, minutes, phases, the question, rounds", .timeLimit(.minutes(2)))
struct RideTests {
  let start = Instant(seconds: 1_800_000_000)

  @Test(
    "--for takes whole minutes from 5 to 60",
    arguments: [
      ("20m", 20), ("5m", 5), ("60m", 60), ("1h", 60), ("300s", 5), ("45m", 45), ("1h0m", 60),
    ])
  func lengths(text: String, minutes: Int) throws {
    #expect(try RideLength.parse(text).get() == RideLength(minutes: minutes))
  }

  @Test(
    "bad lengths are refused with a sentence",
    arguments: [
      ("0", RideLengthError.notADuration("0")), ("x", .notADuration("x")), ("", .notADuration("")),
      ("0m", .outOfRange("0m")), ("4m", .outOfRange("4m")), ("61m", .outOfRange("61m")), ("3h", .outOfRange("3h")),
      ("90s", .notWholeMinutes("90s")), ("-5m", .notADuration("-5m")),
    ])
  func badLengths(text: String, error: RideLengthError) {
    #expect(RideLength.parse(text) == .failure(error))
    #expect(error.description.contains("between 5m and 60m"))
  }

  @Test("phases: the first third rises, the last third eases off, the peak between")
  func phases() {
    let twenty = (0..<20).map { WavePhase(minute: $0, of: 20) }
    #expect(twenty.prefix(7).allSatisfy { $0 == .rising })
    #expect(twenty[7..<14].allSatisfy { $0 == .peak })
    #expect(twenty[14...].allSatisfy { $0 == .easing })
    #expect((0..<5).map { WavePhase(minute: $0, of: 5) } == [.rising, .rising, .peak, .peak, .easing])
    #expect((0..<6).map { WavePhase(minute: $0, of: 6) } == [.rising, .rising, .peak, .peak, .easing, .easing])
    #expect(WavePhase.rising.tag == "wave-rising")
    #expect(WavePhase.peak.tag == "wave-peak")
    #expect(WavePhase.easing.tag == "wave-easing")
  }

  @Test("one update a minute, rising to 100% at the last minute, which asks the question")
  func minutes() throws {
    var ride = Ride(length: RideLength(minutes: 20), started: start)
    #expect(ride.percent == 0)
    #expect(ride.progressLine == "0 of 20 minutes")
    #expect(ride.nextDeadline == start.adding(seconds: 60))
    do {
      let step = ride.advance(to: start.adding(seconds: 59))
      #expect(step == nil)
    }
    var percents = [ride.percent]
    for minute in 1...20 {
      let now = start.adding(seconds: Int64(minute) * 60)
      #expect(ride.nextDeadline == now)
      do {
        let step = ride.advance(to: now)
        #expect(step == (minute == 20 ? .ask : .update))
      }
      percents.append(ride.percent)
      if minute == 7 { #expect(ride.progressLine == "7 of 20 minutes") }
    }
    #expect(percents == (0...20).map { $0 * 5 })
    #expect(ride.state == .asking)
    let question = ride.question
    #expect(question.responses == [.ridePassed, .stillHard])
    #expect(question.progress?.percent == 100)
    #expect(question.expireTimeout == 0)
    #expect(ride.nextDeadline == start.adding(seconds: 30 * 60))
  }

  @Test("percent rounds down, so only the last minute is 100")
  func rounding() {
    var ride = Ride(length: RideLength(minutes: 7), started: start, minuteSeconds: 1)
    var percents: [Int] = []
    for second in 1...7 {
      _ = ride.advance(to: start.adding(seconds: Int64(second)))
      percents.append(ride.percent)
    }
    #expect(percents == [14, 28, 42, 57, 71, 85, 100])
  }

  @Test("minutes missed while suspended are skipped: the latest is shown once")
  func suspended() {
    var ride = Ride(length: RideLength(minutes: 20), started: start)
    do {
      let step = ride.advance(to: start.adding(seconds: 9 * 60 + 30))
      #expect(step == .update)
    }
    #expect(ride.percent == 45)
    do {
      let step = ride.advance(to: start.adding(seconds: 9 * 60 + 40))
      #expect(step == nil)
    }
    do {
      let step = ride.advance(to: start.adding(seconds: 3 * 3600))
      #expect(step == .ask)
    }
  }

  @Test("\"It passed\" ends it passed; no answer within ten minutes ends it unanswered")
  func answers() {
    var passed = Ride(length: RideLength(minutes: 5), started: start)
    do {
      let step = passed.answer(passed: true, at: start)
      #expect(!step)
    }
    _ = passed.advance(to: start.adding(seconds: 300))
    do {
      let step = passed.answer(passed: true, at: start.adding(seconds: 320))
      #expect(step)
    }
    #expect(passed.state == .ended(.passed))
    #expect(passed.outcome == .passed)
    #expect(passed.nextDeadline == nil)

    var silent = Ride(length: RideLength(minutes: 5), started: start)
    _ = silent.advance(to: start.adding(seconds: 300))
    do {
      let step = silent.advance(to: start.adding(seconds: 300 + 599))
      #expect(step == nil)
    }
    do {
      let step = silent.advance(to: start.adding(seconds: 300 + 600))
      #expect(step == .ended(.unanswered))
    }
    #expect(silent.outcome == .unanswered)
  }

  @Test("\"Still hard\" starts another round of the same length, which opens leaning on someone")
  func stillHard() {
    var ride = Ride(length: RideLength(minutes: 6), started: start)
    #expect(!ride.drawsLeanOnPeople)
    _ = ride.advance(to: start.adding(seconds: 360))
    let again = start.adding(seconds: 400)
    do {
      let step = ride.answer(passed: false, at: again)
      #expect(step)
    }
    #expect(ride.rounds == 2)
    #expect(ride.outcome == .stillHard)
    #expect(ride.state == .riding)
    #expect(ride.percent == 0)
    #expect(ride.drawsLeanOnPeople)
    #expect(ride.update(line: "x").summary.contains("round 2"))
    #expect(ride.nextDeadline == again.adding(seconds: 60))
    do {
      let step = ride.advance(to: again.adding(seconds: 120))
      #expect(step == .update)
    }
    #expect(!ride.drawsLeanOnPeople)
    do {
      let step = ride.advance(to: again.adding(seconds: 360))
      #expect(step == .ask)
    }
    #expect(ride.question.body.hasPrefix("6 more minutes"))
    ride.stop()
    #expect(ride.outcome == .stopped)
  }

  @Test("an update is critical, never expires, keeps its own bubble and carries its progress")
  func update() {
    var ride = Ride(length: RideLength(minutes: 20), started: start)
    _ = ride.advance(to: start.adding(seconds: 7 * 60))
    let request = ride.update(line: "A wave.")
    #expect(request.summary == WavePhase.peak.title)
    #expect(request.body == "A wave.")
    #expect(request.urgency == .critical)
    #expect(request.expireTimeout == 0)
    #expect(request.keepsOwnBubble)
    #expect(request.progress == RideProgress(percent: 35, line: "7 of 20 minutes"))
    #expect(ride.lineKey == "1 peak")
  }

  @Test(
    "the median length of passed rides, in whole minutes",
    arguments: [
      ([], nil), ([1200], 20), ([1200, 2400], 30), ([300, 1200, 3600], 20), ([300, 330], 5), ([300, 390], 6),
    ] as [([Int64], Int?)])
  func median(lengths: [Int64], minutes: Int?) {
    #expect(Ride.medianMinutes(ofSeconds: lengths) == minutes)
  }
}

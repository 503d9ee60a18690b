@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// `YYYY-MM-DDTHH:MM:SS±HH:MM` → instant, for readable expectations.
func instant(_ text: String) -> Instant {
  let date = LocalDate(iso: text.prefix(10))!
  let time = WallTime(text.dropFirst(11).prefix(8))!
  let sign: Int64 = text.dropFirst(19).first == "-" ? -1 : 1
  let offsetText = text.dropFirst(20)
  let offset = offsetText.isEmpty ? 0 : sign * (Int64(offsetText.prefix(2))! * 3600 + Int64(offsetText.suffix(2))! * 60)
  return Instant(seconds: Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsIntoDay) - offset)
}

func zone(_ name: String) -> TimeZoneRules { TimeZoneRules.named(name)! }

extension Schedule {
  static func of(_ zoneName: String, _ slots: Slot...) -> Schedule {
    Schedule(slots: slots, zone: AffirmCoreTests.zone(zoneName))
  }
}

func local(_ fire: FireTime, _ schedule: Schedule) -> String { ISO8601.format(fire.instant, in: schedule.zone) }

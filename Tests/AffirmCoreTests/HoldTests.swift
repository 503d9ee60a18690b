import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("pause and quiet hours", .timeLimit(.minutes(2)))
struct HoldTests {
  let utc = TimeZoneRules.utc
  let noon = instant("2027-05-10T12:00:00Z")

  @Test("a pause holds normal and low notifications until it ends; critical ones come unless included")
  func pause() {
    let hold = Hold(pausedUntil: instant("2027-05-10T14:00:00Z"), quiet: [], includesCritical: false)
    #expect(hold.reason(for: .normal, at: noon, zone: utc) == "paused until 2027-05-10T14:00:00+00:00")
    #expect(hold.reason(for: .low, at: noon, zone: utc) != nil)
    #expect(hold.reason(for: .critical, at: noon, zone: utc) == nil)
    #expect(hold.reason(for: .normal, at: instant("2027-05-10T14:00:00Z"), zone: utc) == nil)
    let all = Hold(pausedUntil: instant("2027-05-10T14:00:00Z"), quiet: [], includesCritical: true)
    #expect(all.reason(for: .critical, at: noon, zone: utc) != nil)
  }

  @Test("quiet hours, also across midnight, in local time")
  func quietHours() throws {
    let office = try #require(QuietHours("09:00-17:00"))
    let night = try #require(QuietHours("22:00-07:00"))
    #expect(office.contains(secondsIntoDay: 9 * 3600) && !office.contains(secondsIntoDay: 17 * 3600))
    #expect(night.contains(secondsIntoDay: 23 * 3600) && night.contains(secondsIntoDay: 3600))
    #expect(!night.contains(secondsIntoDay: 12 * 3600))
    let hold = Hold(pausedUntil: nil, quiet: [office], includesCritical: false)
    let berlin = zone("Europe/Berlin")
    // 12:00 UTC is 14:00 in Berlin in May: quiet.
    #expect(hold.reason(for: .normal, at: noon, zone: berlin) == "quiet hours 09:00-17:00")
    #expect(hold.reason(for: .normal, at: instant("2027-05-10T16:00:00Z"), zone: berlin) == nil)
    #expect(QuietHours("9-17") == nil && QuietHours("09:00-09:00") == nil)
  }

  @Test("the config reads quiet and pause_includes_critical, with positioned errors")
  func config() throws {
    let config = try parseConfig("quiet = [\"09:00-17:00\"]\npause_includes_critical = true\n")
    #expect(config.quiet == [QuietHours("09:00-17:00")!])
    #expect(config.pauseIncludesCritical)
    #expect(
      throws: ConfigError(
        SourceLocation(file: "config.toml", line: 1, column: 10),
        "invalid quiet hours \"9-5\" (write them like \"09:00-17:00\" or \"22:00-07:00\")")
    ) {
      try parseConfig("quiet = [\"9-5\"]\n")
    }
  }

  @Test("a pause is stored for every process to see, and resume ends it")
  func stored() throws {
    let (store, _) = try temporaryStore()
    #expect(try store.pausedUntil(now: noon) == nil)
    try store.pause(until: instant("2027-05-10T14:00:00Z"), at: noon)
    #expect(try store.pausedUntil(now: noon) == instant("2027-05-10T14:00:00Z"))
    #expect(try store.pausedUntil(now: instant("2027-05-10T15:00:00Z")) == nil)
    try store.resume()
    #expect(try store.pausedUntil(now: noon) == nil)
  }
}

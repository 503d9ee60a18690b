import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("time zones read from the system's zone database", .timeLimit(.minutes(2)))
struct TimeZoneRulesTests {
  static let zones = [
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kathmandu", "UTC",
    "Pacific/Chatham", "America/Santiago", "Europe/Dublin", "Africa/Casablanca", "Asia/Tehran", "Pacific/Apia",
  ]

  @Test("offsets agree with Foundation's TimeZone hour by hour around every transition, 2000-2037", arguments: zones)
  func agreesWithFoundation(name: String) throws {
    let ours = zone(name)
    let theirs = try #require(TimeZone(identifier: name))
    var t = instant("2000-01-01T00:00:00Z").seconds
    let end = instant("2037-12-31T00:00:00Z").seconds
    var mismatches: [String] = []
    while t < end {
      let expected = theirs.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
      let actual = ours.offset(at: Instant(seconds: t))
      if expected != actual { mismatches.append("@\(t): \(actual) != \(expected)") }
      t += 3 * 3600 + 17
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  @Test("the POSIX footer rule carries far-future years")
  func footerRule() {
    let berlin = zone("Europe/Berlin")
    #expect(berlin.offset(at: instant("2090-07-01T12:00:00Z")) == 7200)
    #expect(berlin.offset(at: instant("2090-01-01T12:00:00Z")) == 3600)
    // Last Sunday of March 2090 is the 26th: 01:00 UTC switches.
    #expect(berlin.offset(at: instant("2090-03-26T00:59:59Z")) == 3600)
    #expect(berlin.offset(at: instant("2090-03-26T01:00:00Z")) == 7200)
  }

  @Test("POSIX TZ strings parse, including southern-hemisphere and half-hour rules")
  func posixRules() throws {
    let lordHowe = try #require(PosixTimeZoneRule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"))
    #expect(lordHowe.offset(at: instant("2050-01-15T00:00:00Z").seconds) == 39_600)
    #expect(lordHowe.offset(at: instant("2050-06-15T00:00:00Z").seconds) == 37_800)
    let newYork = try #require(PosixTimeZoneRule("EST5EDT,M3.2.0,M11.1.0"))
    #expect(newYork.offset(at: instant("2050-07-01T00:00:00Z").seconds) == -14_400)
    #expect(PosixTimeZoneRule("UTC0") != nil)
    #expect(PosixTimeZoneRule("nonsense") == nil)
    #expect(PosixTimeZoneRule("EST5EDT,M13.1.0,M11.1.0") == nil)
  }

  @Test("TZ in the environment decides the system zone")
  func systemZone() {
    #expect(TimeZoneRules.system(environment: ["TZ": "Asia/Kathmandu"]).offset(at: Instant(seconds: 0)) == 19_800)
    #expect(TimeZoneRules.system(environment: ["TZ": ":Europe/Berlin"]).identifier == "Europe/Berlin")
    #expect(TimeZoneRules.system(environment: ["TZ": ""]).identifier == "UTC")
    #expect(TimeZoneRules.system(environment: ["TZ": "EST5"]).offset(at: Instant(seconds: 0)) == -18_000)
  }

  @Test("unknown and hostile names are refused", arguments: ["Mars/Olympus", "../etc/passwd", "/etc/localtime", ""])
  func unknownNames(name: String) {
    #expect(TimeZoneRules.named(name) == nil)
  }
}

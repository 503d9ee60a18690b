import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// Local times checked against an independent oracle: a table made once by Python's zoneinfo
/// (`Tests/Fixtures/zone-oracle/make-oracle.py`, fold=0, RFC 5545's rule) over the gaps,
/// overlaps and midnight transitions of 39 zones from 2000 through 2025, a date Samoa skipped,
/// and late-night windows that cross midnight around each transition. Nothing here asks
/// `resolve` what the answer should be.
@Suite("local times against Python's zoneinfo", .timeLimit(.minutes(3)))
struct ZoneOracleTests {
  static let directory = #filePath.split(separator: "/").dropLast(2).joined(separator: "/") + "/Fixtures/zone-oracle"

  static func rows(_ file: String) throws -> [[Substring]] {
    let text = String(decoding: try TextFiles.read("/" + directory + "/" + file), as: UTF8.self)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t") }
  }

  @Test("every probed wall-clock time resolves to the oracle's instant")
  func resolves() throws {
    let rows = try Self.rows("resolve.tsv")
    #expect(rows.count > 1_900)
    #expect(Set(rows.map { $0[0] }).count >= 30)
    var zones: [Substring: TimeZoneRules] = [:]
    var mismatches: [String] = []
    for row in rows {
      let zone = try #require(zones[row[0]] ?? TimeZoneRules.named(String(row[0])), "\(row[0])")
      zones[row[0]] = zone
      let date = try #require(LocalDate(iso: row[1]))
      let time = try #require(WallTime(row[2]))
      let expected = try #require(Int64(row[3]))
      let actual = zone.resolve(date, time).seconds
      if actual != expected { mismatches.append("\(row[0]) \(row[1]) \(row[2]): \(actual), oracle \(expected)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(rows.count): \(mismatches.prefix(8))")
  }

  @Test("a time that happens reads back as itself; one in a gap reads back later by the gap")
  func readsBack() throws {
    var checked = 0
    for row in try Self.rows("resolve.tsv") {
      let zone = try #require(TimeZoneRules.named(String(row[0])))
      let date = try #require(LocalDate(iso: row[1]))
      let time = try #require(WallTime(row[2]))
      let local = zone.localTime(at: Instant(seconds: try #require(Int64(row[3]))))
      let asked = Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsIntoDay)
      let got = Int64(local.date.daysSinceEpoch) * 86_400 + Int64(local.secondsIntoDay)
      // Never earlier than asked; later only in a gap (at most a day, Samoa's).
      #expect(got >= asked && got - asked <= 86_400, "\(row)")
      checked += 1
    }
    #expect(checked > 1_900)
  }

  @Test("late-night windows that cross midnight open and close where the oracle says")
  func windows() throws {
    let rows = try Self.rows("windows.tsv")
    #expect(rows.count > 3_000)
    var mismatches: [String] = []
    for row in rows {
      let zone = try #require(TimeZoneRules.named(String(row[0])))
      let schedule = Schedule(slots: [], zone: zone)
      let date = try #require(LocalDate(iso: row[1]))
      let window = schedule.window(
        on: date, from: try #require(WallTime(row[2])), until: try #require(WallTime(row[3])))
      let expected = (try #require(Int64(row[4])), try #require(Int64(row[5])))
      if (window.start.seconds, window.end.seconds) != expected {
        mismatches.append("\(row[0]) \(row[1]) \(row[2])-\(row[3]): \(window), oracle \(expected)")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(rows.count): \(mismatches.prefix(8))")
  }

  @Test("an at time on the date Samoa skipped fires no time of its own; the next date fires once")
  func skippedDate() throws {
    let apia = try #require(TimeZoneRules.named("Pacific/Apia"))
    let slot = Slot(name: "morning", timing: .at([WallTime(hour: 8, minute: 0)]))
    let schedule = Schedule(slots: [slot], zone: apia)
    let oracle = try Self.rows("resolve.tsv").first {
      $0[0] == "Pacific/Apia" && $0[1] == "2011-12-30" && $0[2] == "08:00"
    }
    let eight = try #require(oracle.flatMap { Int64($0[3]) })
    #expect(schedule.fireTimes(on: LocalDate(iso: "2011-12-30")!).isEmpty)
    #expect(schedule.fireTimes(on: LocalDate(iso: "2011-12-31")!).map(\.instant.seconds) == [eight])
  }
}

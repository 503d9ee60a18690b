import Foundation
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import affirm

/// Every `--json` output goes through `JSONOutput`: these are the exact bytes each report
/// makes, and what a JSON parser reads back from them.
@Suite(.timeLimit(.minutes(2))) struct JSONOutputTests {
  func parsed(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

  @Test("send --dry-run --json: one line, keys in the order it always had")
  func dryRun() throws {
    let request = NotificationRequest(
      summary: "Good morning", body: "Choose \"yourself\" / now.", urgency: .normal, tags: ["morning", "self-worth"])
    let line = JSONOutput.line(DryRunReport(request))
    #expect(
      line
        == #"{"body": "Choose \"yourself\" / now.", "summary": "Good morning", "tags": ["morning", "self-worth"], "urgency": "normal"}"#
    )
    let object = try #require(try parsed(line) as? [String: Any])
    #expect(object["body"] as? String == "Choose \"yourself\" / now.")
    #expect(object["tags"] as? [String] == ["morning", "self-worth"])
  }

  @Test("next --json: one fire time a line, `[]` for none")
  func next() throws {
    let fires = [
      FireTime(
        instant: Instant(seconds: 1_800_000_000), slot: "late-night", date: LocalDate(year: 2027, month: 1, day: 15),
        urgency: .critical, tags: ["late-night", "urge"], windowEnd: nil),
      FireTime(
        instant: Instant(seconds: 1_800_003_600), slot: "any", date: LocalDate(year: 2027, month: 1, day: 15),
        urgency: .low, tags: [], windowEnd: nil),
    ]
    let text = JSONOutput.array(fires.map { NextFireReport($0, zone: .utc) })
    #expect(
      text == """
        [
          {"at": "2027-01-15T08:00:00+00:00", "slot": "late-night", "urgency": "critical", "tags": ["late-night", "urge"]},
          {"at": "2027-01-15T09:00:00+00:00", "slot": "any", "urgency": "low", "tags": []}
        ]
        """)
    #expect((try parsed(text) as? [[String: Any]])?.map { $0["slot"] as? String } == ["late-night", "any"])
    #expect(JSONOutput.array([NextFireReport]()) == "[]")
  }

  @Test("stats --json: every key in order, a missing day, window and median wave length as null")
  func stats() throws {
    var report = StatsReport(
      day: nil, longestStreak: 0, shown: 0, stayedStrong: 0, urges: 0, urgesByHour: [0, 2], suggestedWindow: nil,
      weeks: [.init(start: "2026-09-07", urges: 3, passed: 1)], wavesPassed: 1, medianWaveMinutes: nil)
    #expect(
      JSONOutput.line(report)
        == #"{"day": null, "longest_streak": 0, "shown": 0, "stayed_strong": 0, "urges": 0, "urges_by_hour": [0, 2], "suggested_window": null, "#
        + #""weeks": [{"start": "2026-09-07", "urges": 3, "passed": 1}], "waves_passed": 1, "median_wave_minutes": null}"#
    )
    report.day = 12
    report.suggestedWindow = .init(from: "14:00", until: "16:00")
    let line = JSONOutput.line(report)
    #expect(line.hasPrefix(#"{"day": 12, "#))
    #expect(line.contains(#""suggested_window": {"from": "14:00", "until": "16:00"}, "weeks": "#))
    let object = try #require(try parsed(line) as? [String: Any])
    #expect((object["suggested_window"] as? [String: String]) == ["from": "14:00", "until": "16:00"])
  }

  @Test("history --json: each kind's keys; control and bidirectional characters escaped, never raw")
  func history() throws {
    let at = Instant(seconds: 1_700_000_000)
    let items = [
      HistoryItem(
        at: at,
        kind: .delivery(source: "slot", slot: "night", body: "abc\u{202E}exe\u{9B}", status: "failed", reason: nil)),
      HistoryItem(at: at, kind: .urge(note: "hey\u{1B}]0;x\u{07}")),
      HistoryItem(at: at, kind: .urge(note: nil)),
      HistoryItem(at: at, kind: .reset(started: LocalDate(year: 2026, month: 1, day: 1))),
      HistoryItem(at: at, kind: .stayedStrong),
    ]
    var stream = JSONOutput.ArrayStream()
    let text = items.map { stream.next(HistoryReport($0, zone: .utc)) }.joined() + stream.end
    #expect(
      text == #"""
        [
          {"at": "2023-11-14T22:13:20+00:00", "kind": "delivery", "source": "slot", "slot": "night", "status": "failed", "body": "abc\u202Eexe\u009B", "reason": null},
          {"at": "2023-11-14T22:13:20+00:00", "kind": "urge", "note": "hey\u001B]0;x\u0007"},
          {"at": "2023-11-14T22:13:20+00:00", "kind": "urge", "note": null},
          {"at": "2023-11-14T22:13:20+00:00", "kind": "reset", "started": "2026-01-01"},
          {"at": "2023-11-14T22:13:20+00:00", "kind": "stayed-strong"}
        ]
        """#)
    let parsedItems = try #require(try parsed(text) as? [[String: Any]])
    #expect(parsedItems[0]["body"] as? String == "abc\u{202E}exe\u{9B}")
    #expect(parsedItems[1]["note"] as? String == "hey\u{1B}]0;x\u{07}")
    #expect(parsedItems[2]["note"] is NSNull)
    #expect(JSONOutput.ArrayStream().end == "[]")
  }
}

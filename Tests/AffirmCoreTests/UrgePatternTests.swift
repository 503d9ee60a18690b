import Foundation
import Logging
import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

@Suite("urges by hour", .timeLimit(.minutes(2)))
struct UrgePatternTests {
  @Test("urges clustered in the evening, outside 23:00-02:00, suggest a window that covers them")
  func suggestion() {
    var hours = [Int](repeating: 0, count: 24)
    hours[20] = 3
    hours[21] = 5
    hours[22] = 2
    hours[9] = 1
    let pattern = UrgePattern(byHour: hours)
    let window = pattern.suggestedWindow(
      covered: UrgePattern.hours(from: WallTime("23:00")!, until: WallTime("02:00")!))
    #expect(window?.from == WallTime("20:00")!)
    #expect(window?.until == WallTime("23:00")!)
    #expect(UrgePattern.hours(from: WallTime("23:00")!, until: WallTime("02:00")!) == [23, 0, 1])
  }

  @Test("urges inside the window, or too few, suggest nothing")
  func noSuggestion() {
    var hours = [Int](repeating: 0, count: 24)
    hours[23] = 4
    hours[0] = 3
    #expect(UrgePattern(byHour: hours).suggestedWindow(covered: [23, 0, 1]) == nil)
    var few = [Int](repeating: 0, count: 24)
    few[15] = 4
    #expect(UrgePattern(byHour: few).suggestedWindow(covered: [23, 0, 1]) == nil)
  }
}

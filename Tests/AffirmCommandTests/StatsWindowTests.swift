import AffirmCore
import Testing

@testable import affirm

/// The hours `stats` counts as covered by the late-night nudges: slots whose tags make night
/// lines (`Moment.isNight`), the one rule that also decides buttons and milestones.
@Suite(.timeLimit(.minutes(2))) struct StatsWindowTests {
  func slot(_ name: String, _ hour: Int, tags: [String]) -> Slot {
    Slot(name: name, timing: .at([WallTime(hour: hour, minute: 0)]), tags: tags)
  }

  @Test("late-night, urge and sos slots cover their hours; others do not")
  func nightSlots() throws {
    let config = Config(slots: [
      slot("a", 1, tags: ["late-night"]), slot("b", 2, tags: ["urge", "healing"]), slot("c", 3, tags: ["sos"]),
      slot("d", 4, tags: ["morning"]), slot("e", 5, tags: []),
    ])
    #expect(AffirmCommand.Stats().lateNightHours(config) == [1, 2, 3])
  }
}

import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// Inputs that crashed a fuzz target (scripts/fuzz), kept so the crash stays fixed.
@Suite("inputs the fuzzers found", .timeLimit(.minutes(2)))
struct FuzzRegressionTests {
  /// A combining mark after a digit makes one Character that `("0"..."9").contains` accepts
  /// but `Int` refuses, and WallTime and Span force-unwrapped that `Int`.
  static let combiningAcute = "\u{301}"

  @Test("a time with a combining mark is an invalid time, not a crash (fuzz target config)")
  func configTimeWithCombiningMark() {
    let text = "[[slot]]\nname = \"a\"\nat = [\"0\(Self.combiningAcute)0:00\"]\n"
    do {
      _ = try parseConfig(text)
      Issue.record("the config parsed")
    } catch {
      #expect(error.location == SourceLocation(file: "config.toml", line: 3, column: 7))
      #expect(error.message.hasPrefix("invalid time \"0\(Self.combiningAcute)0:00\""))
    }
  }

  @Test("a duration with a combining mark is an invalid duration, not a crash (fuzz target config)")
  func configDurationWithCombiningMark() {
    let text = "[[slot]]\nname = \"a\"\nfrom = \"23:00\"\nuntil = \"02:00\"\nevery = \"1\(Self.combiningAcute)m\"\n"
    do {
      _ = try parseConfig(text)
      Issue.record("the config parsed")
    } catch {
      #expect(error.location == SourceLocation(file: "config.toml", line: 5, column: 9))
      #expect(error.message.hasPrefix("invalid duration \"1\(Self.combiningAcute)m\" for every"))
    }
  }

  @Test("a fractional TOML time names the time, not its type")
  func configFractionalTime() {
    do {
      _ = try parseConfig("[[slot]]\nname = \"a\"\nat = [08:00:00.5]\n")
      Issue.record("the config parsed")
    } catch {
      #expect(error.location == SourceLocation(file: "config.toml", line: 3, column: 7))
      #expect(error.message.hasPrefix("invalid time \"08:00:00.5\""))
    }
  }

  // The next three crashed inside Sources/AffirmCore/Time before the fixes there.

  @Test("WallTime refuses a digit with a combining mark (fuzz target time)")
  func wallTimeWithCombiningMark() {
    #expect(WallTime("0\(Self.combiningAcute)0:00") == nil)
    #expect(WallTime("08:0\(Self.combiningAcute)0") == nil)
  }

  @Test("Span refuses a digit with a combining mark (fuzz target time)")
  func spanWithCombiningMark() {
    #expect(Span("1\(Self.combiningAcute)m") == nil)
    #expect(ISO8601.parse("2027-01-01T0\(Self.combiningAcute)0:00", in: .utc) == nil)
  }

  @Test("a TZif header whose version byte is below \"0\" is refused (fuzz target tzif)")
  func tzifVersionBelowZero() {
    let bytes = Array("TZif(".utf8) + [UInt8](repeating: 0, count: 15 + 6 * 4)
    #expect(throws: TimeZoneRules.FormatError.self) { try TimeZoneRules.parse(tzif: bytes, identifier: "fuzz") }
  }
}

public import TOML

/// The user's settings: the time zone and the slots of the schedule.
public struct Config: Sendable, Equatable {
  /// A zone name from the zone database; nil means the system's zone (`TZ` respected).
  public var timezone: String?
  public var slots: [Slot]
  /// The first local date of no contact (day 1); nil when the count is not used.
  public var noContactSince: LocalDate?
  /// An entry shown within this long is not picked while any other eligible entry is.
  public var cooldown: Span?
  /// Daily hours in which the daemon holds notifications below critical.
  public var quiet: [QuietHours] = []
  /// Whether a pause or quiet hours hold critical notifications too.
  public var pauseIncludesCritical = false
  /// Where each slot's `tags` were written, so `affirm check` can point at a tag the corpus lacks.
  public var tagLocations: [String: SourceLocation] = [:]
  /// The user's own corpus files and directories (`corpus = [...]`), read with the built-in lines.
  public var corpus: [CorpusSource] = []
  /// Whether the built-in lines count; `builtin_corpus = false` leaves only `corpus`.
  public var builtinCorpus = true
  /// Dates that are hard (`[[hard_day]]`): the morning line knows, the late-night window opens earlier.
  public var hardDays = HardDays()
  /// People to lean on (`people = ["Sam", "Mum"]`): urge and late-night lines that say
  /// `{person}` name one of them, and are drawn only when this is not empty.
  public var people: [String] = []

  public init(timezone: String? = nil, slots: [Slot], tagLocations: [String: SourceLocation] = [:]) {
    self.timezone = timezone
    self.slots = slots
    self.tagLocations = tagLocations
  }

  /// The schedule this config describes, in `zone` (the zone its `timezone` names, else the system's).
  public func schedule(in zone: TimeZoneRules) -> Schedule {
    Schedule(slots: slots, zone: zone, hardDays: hardDays)
  }

  /// What applies when there is no config file: a morning line at 08:00, and every 30 minutes
  /// from 23:00 until 02:00 a critical late-night nudge. Parsed from `defaultText`, so the
  /// file `affirm config init` writes and the built-in default cannot drift apart.
  public static let builtInDefault: Config = {
    do {
      return try ConfigParser.parse(Array(defaultText.utf8), file: "(built-in default)", zoneExists: { _ in true })
    } catch {
      preconditionFailure("the built-in default config is invalid: \(error)")
    }
  }()

  /// The commented default config, as `affirm config init` writes it.
  public static let defaultText = """
    # affirm's config. Times are local wall-clock times (HH:MM or HH:MM:SS).
    # Every [[slot]] has a unique name and exactly one of: at, every (with from/until), random (with from/until).

    # timezone = "Europe/Berlin"    # default: the system's zone (TZ is respected)
    # no_contact_since = 2026-11-01 # day 1 of no contact: titles then start with "Day N · "
    # cooldown = "3d"               # a line shown this recently waits while any other is left
    # corpus = ["~/my-lines.txt"]   # your own lines (files, or directories of *.txt), added to the built-in ones
    # builtin_corpus = false        # only your own lines (default: true)
    # people = ["Sam", "Mum"]       # someone to lean on: some urge and late-night lines name one of them

    # A line to start the day.
    [[slot]]
    name = "morning"
    at = ["08:00"]                  # one or more times
    # days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]   # default: every day
    tags = ["morning"]              # entries carrying any of these tags; default: every entry
    urgency = "normal"              # low, normal or critical
    # grace = "2h"                  # a missed time is still shown this late (at and random slots)

    # Extra nudges in the risky late-night hours, when the "hey" text arrives.
    [[slot]]
    name = "late-night"
    from = "23:00"
    until = "02:00"                 # may cross midnight; the end is exclusive
    every = "30m"                   # like 90s, 30m, 1h, 1h30m
    tags = ["late-night", "urge"]
    urgency = "critical"
    # follow_urges = true           # the window widens to the hours your urges came in the last 4 weeks
                                    # (from 8 of them; at most 6 hours; affirm status shows the window in force)

    # Some lines at random times of the day:
    # [[slot]]
    # name = "daytime"
    # from = "10:00"
    # until = "20:00"
    # random = 3                    # times a day inside the window
    # min_gap = "45m"               # spacing between them
    # tags = ["healing"]

    # A date that is hard: the morning line knows it, and late-night lines start 2 hours earlier.
    # [[hard_day]]
    # name = "their birthday"       # your words, shown in status and next
    # date = "03-14"                # "MM-DD" every year ("02-29" falls on 02-28 in other years), or 2027-02-14 once
    # days_before = 1               # the days leading up count as hard too (0 to 7)

    """

  /// The config as TOML, the way `affirm config show` prints it.
  public var tomlText: String {
    var lines: [String] = []
    if let timezone { lines.append("timezone = \(quoted(timezone))") }
    if let noContactSince { lines.append("no_contact_since = \(noContactSince)") }
    if let cooldown { lines.append("cooldown = \(quoted(cooldown.description))") }
    if !quiet.isEmpty { lines.append("quiet = [\(quiet.map { quoted($0.description) }.joined(separator: ", "))]") }
    if pauseIncludesCritical { lines.append("pause_includes_critical = true") }
    if !corpus.isEmpty { lines.append("corpus = [\(corpus.map { quoted($0.path) }.joined(separator: ", "))]") }
    if !builtinCorpus { lines.append("builtin_corpus = false") }
    if !people.isEmpty { lines.append("people = [\(people.map(quoted).joined(separator: ", "))]") }
    for slot in slots {
      if !lines.isEmpty { lines.append("") }
      lines.append("[[slot]]")
      lines.append("name = \(quoted(slot.name))")
      switch slot.timing {
      case .at(let times):
        lines.append("at = [\(times.map { quoted($0.description) }.joined(separator: ", "))]")
      case .every(let from, let until, let interval):
        lines += ["from = \(quoted(from.description))", "until = \(quoted(until.description))"]
        lines.append("every = \(quoted(interval.description))")
      case .random(let from, let until, let count, let gap):
        lines += ["from = \(quoted(from.description))", "until = \(quoted(until.description))"]
        lines.append("random = \(count)")
        if gap.seconds > 0 { lines.append("min_gap = \(quoted(gap.description))") }
      }
      if !slot.days.isEmpty {
        lines.append("days = [\(slot.days.sorted().map { quoted($0.shortName) }.joined(separator: ", "))]")
      }
      if !slot.tags.isEmpty { lines.append("tags = [\(slot.tags.map(quoted).joined(separator: ", "))]") }
      lines.append("urgency = \(quoted(slot.urgency.rawValue))")
      if case .every = slot.timing {} else { lines.append("grace = \(quoted(slot.grace.description))") }
      if slot.followsUrges { lines.append("follow_urges = true") }
    }
    for day in hardDays.days {
      if !lines.isEmpty { lines.append("") }
      lines.append("[[hard_day]]")
      lines.append("name = \(quoted(day.name))")
      lines.append("date = \(quoted(day.writtenDate))")
      if day.daysBefore > 0 { lines.append("days_before = \(day.daysBefore)") }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// A double-quoted string that reads back the same as a TOML basic string and as a JSON
/// string: quotes, backslashes and control characters (DEL too, as TOML asks) are escaped.
public func quotedString(_ text: String) -> String { quoted(text) }

private func quoted(_ text: String) -> String {
  var escaped = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": escaped += "\\\""
    case "\\": escaped += "\\\\"
    case "\n": escaped += "\\n"
    case "\t": escaped += "\\t"
    default:
      // Control characters (C0, DEL, C1) and bidirectional controls: escaped, never printed raw.
      if TerminalText.isControl(scalar) || TerminalText.isBidiControl(scalar) {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        escaped.unicodeScalars.append(scalar)
      }
    }
  }
  return escaped + "\""
}

/// A config problem, with the place in the file and what is allowed instead.
public struct ConfigError: UserFacingError, Equatable {
  public var location: SourceLocation
  public var message: String

  public init(_ location: SourceLocation, _ message: String) {
    self.location = location
    self.message = message
  }

  public var description: String { "\(location): \(message)" }
}

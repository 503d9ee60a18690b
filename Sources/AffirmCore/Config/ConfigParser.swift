import TOML

/// Reads a config file into a `Config`, checking every value and naming file:line:column
/// and what is allowed for each problem.
public enum ConfigParser {
  static let topLevelKeys = [
    "timezone", "no_contact_since", "cooldown", "quiet", "pause_includes_critical", "corpus", "builtin_corpus", "slot",
    "hard_day",
    "people",
  ]
  static let hardDayKeys = ["name", "date", "days_before"]
  static let slotKeys = [
    "name", "at", "from", "until", "every", "random", "min_gap", "days", "tags", "urgency", "grace", "follow_urges",
  ]

  /// The most slots a config may have: each costs the daemon a little on every wake.
  public static let maximumSlots = 100
  /// The shortest `every`: a notifier that fires more often than once a minute is a mistake,
  /// and the floor keeps a day's fire times few enough to reason about.
  public static let minimumEvery = Span(seconds: 60)
  /// The most `at` times one slot may list, as for `random` (one a minute for a whole day).
  public static let maximumTimesPerDay = 1440

  /// `home` is what `~/` in a `corpus` path stands for; without one, such a path is an error.
  /// `zoneExists` says whether the zone database knows a `timezone` name (the parser reads no
  /// files). Throws the first error `diagnose` finds.
  public static func parse(
    _ bytes: [UInt8], file: String, home: String? = nil, zoneExists: (String) -> Bool
  ) throws(ConfigError) -> Config {
    let (config, errors) = diagnose(bytes, file: file, home: home, zoneExists: zoneExists)
    if let first = errors.first { throw first }
    return config!
  }

  /// Every error in the config, in the order the checks meet them (the first is the one
  /// `parse` throws), and the config when there are none. After a TOML syntax error nothing
  /// more can be read; a slot is reported at its first error.
  public static func diagnose(
    _ bytes: [UInt8], file: String, home: String? = nil, zoneExists: (String) -> Bool
  ) -> (config: Config?, errors: [ConfigError]) {
    let root: TOMLTable
    do {
      root = try TOMLParser.parse(bytes: bytes, file: file)
    } catch {
      return (nil, [ConfigError(error.location, error.message)])
    }
    var errors = unknownKeys(in: root, allowed: topLevelKeys, context: "at the top level")
    func attempt<T>(_ body: () throws(ConfigError) -> T) -> T? {
      do {
        return try body()
      } catch {
        errors.append(error)
        return nil
      }
    }

    let timezone =
      attempt { () throws(ConfigError) -> String? in
        guard let entry = root["timezone"] else { return nil }
        let name = try string(entry)
        guard zoneExists(name) else {
          throw ConfigError(
            entry.value.location,
            "unknown time zone \"\(name)\" (use a name from /usr/share/zoneinfo, such as Europe/Berlin)")
        }
        return name
      } ?? nil

    let noContactSince =
      attempt { () throws(ConfigError) -> LocalDate? in
        guard let entry = root["no_contact_since"] else { return nil }
        switch entry.value.kind {
        case .localDate(let date):
          return LocalDate(year: date.year, month: date.month, day: date.day)
        case .string(let text):
          guard let date = LocalDate(iso: text) else {
            throw ConfigError(
              entry.value.location, "invalid date \"\(text)\" for no_contact_since (write it like 2026-11-01)")
          }
          return date
        default:
          throw ConfigError(
            entry.value.location,
            "no_contact_since must be a date like 2026-11-01, not \(article(entry.value.typeName))")
        }
      } ?? nil
    let cooldown = attempt { () throws(ConfigError) -> Span? in try root["cooldown"].map(span) } ?? nil

    var slots: [Slot] = []
    var tagLocations: [String: SourceLocation] = [:]
    var firstUse: [String: SourceLocation] = [:]
    if let entry = root["slot"] {
      if case .array(let values) = entry.value.kind {
        for (index, value) in values.enumerated() {
          guard index < maximumSlots else {
            errors.append(
              ConfigError(
                value.location,
                "too many slots: at most \(maximumSlots) are allowed; merge slots that share tags and urgency"))
            break
          }
          guard case .table(let table) = value.kind else {
            errors.append(
              ConfigError(value.location, "each slot must be a table ([[slot]]), not \(article(value.typeName))"))
            continue
          }
          guard let slot = attempt({ () throws(ConfigError) in try parseSlot(table) }) else { continue }
          if let first = firstUse[slot.name] {
            errors.append(
              ConfigError(
                table["name"]!.value.location,
                "slot name \"\(slot.name)\" is already used at line \(first.line); names must be unique"))
            continue
          }
          firstUse[slot.name] = table["name"]!.value.location
          if let tags = table["tags"] { tagLocations[slot.name] = tags.value.location }
          slots.append(slot)
        }
      } else {
        errors.append(
          ConfigError(entry.keyLocation, "slot must be written as [[slot]] tables, not as \(entry.value.typeName)"))
      }
    }
    var quiet: [QuietHours] = []
    if let entry = root["quiet"], let values = attempt({ () throws(ConfigError) in try array(entry) }) {
      for value in values {
        let hours = attempt { () throws(ConfigError) -> QuietHours in
          let text = try string(value, key: "quiet")
          guard let hours = QuietHours(text) else {
            throw ConfigError(
              value.location, "invalid quiet hours \"\(text)\" (write them like \"09:00-17:00\" or \"22:00-07:00\")")
          }
          return hours
        }
        if let hours { quiet.append(hours) }
      }
    }
    var pauseIncludesCritical = false
    if let entry = root["pause_includes_critical"] {
      if case .boolean(let value) = entry.value.kind {
        pauseIncludesCritical = value
      } else {
        errors.append(
          ConfigError(
            entry.value.location,
            "pause_includes_critical must be true or false, not \(article(entry.value.typeName))"))
      }
    }
    var hardDays: [HardDay] = []
    if let entry = root["hard_day"] {
      if case .array(let values) = entry.value.kind {
        for value in values {
          guard case .table(let table) = value.kind else {
            errors.append(
              ConfigError(
                value.location, "each hard day must be a table ([[hard_day]]), not \(article(value.typeName))"))
            continue
          }
          if let day = attempt({ () throws(ConfigError) in try parseHardDay(table) }) { hardDays.append(day) }
        }
      } else {
        errors.append(
          ConfigError(
            entry.keyLocation, "hard_day must be written as [[hard_day]] tables, not as \(entry.value.typeName)"))
      }
    }
    var people: [String] = []
    if let entry = root["people"], let values = attempt({ () throws(ConfigError) in try array(entry) }) {
      if values.count > People.maximumCount {
        errors.append(
          ConfigError(
            values[People.maximumCount].location,
            "people lists \(values.count) names; at most \(People.maximumCount) are allowed"))
      }
      var firstUse: [String: SourceLocation] = [:]
      for value in values.prefix(People.maximumCount) {
        guard let name = attempt({ () throws(ConfigError) in try person(value) }) else { continue }
        if let first = firstUse[name.lowercased()] {
          errors.append(
            ConfigError(
              value.location,
              "\"\(name)\" is already in people at \(first.line):\(first.column ?? 0); list each name once"))
          continue
        }
        firstUse[name.lowercased()] = value.location
        people.append(name)
      }
    }
    let sources = attempt { () throws(ConfigError) in try corpusSources(root, file: file, home: home) }
    guard errors.isEmpty, let (corpus, builtinCorpus) = sources else { return (nil, errors) }
    var config = Config(timezone: timezone, slots: slots, tagLocations: tagLocations)
    config.corpus = corpus
    config.builtinCorpus = builtinCorpus
    config.quiet = quiet
    config.pauseIncludesCritical = pauseIncludesCritical
    config.noContactSince = noContactSince
    config.cooldown = cooldown
    config.hardDays = HardDays(hardDays)
    config.people = people
    return (config, errors)
  }

  /// One name in `people`: visible text, no control characters, short enough that a line
  /// naming it still fits a notification.
  static func person(_ value: TOMLValue) throws(ConfigError) -> String {
    let name = try string(value, key: "each name in people")
    if let (_, hazard) = TerminalText.hazard(in: name) {
      throw ConfigError(value.location, "a name in people holds \(hazard); write the name as plain, visible text")
    }
    guard !name.allSatisfy(\.isWhitespace) else {
      throw ConfigError(value.location, "a name in people must not be empty")
    }
    guard name.first?.isWhitespace == false, name.last?.isWhitespace == false else {
      throw ConfigError(
        value.location, "name \"\(name)\" in people starts or ends with a space; write it without")
    }
    guard name.count <= People.maximumNameLength else {
      throw ConfigError(
        value.location,
        "name in people is \(name.count) characters long; keep it to \(People.maximumNameLength) so lines that name it fit a notification"
      )
    }
    return name
  }

  /// `corpus = [...]` and `builtin_corpus`: the user's own lines, and whether the built-in ones count.
  static func corpusSources(_ root: TOMLTable, file: String, home: String?) throws(ConfigError) -> (
    [CorpusSource], Bool
  ) {
    var sources: [CorpusSource] = []
    if let entry = root["corpus"] {
      let values: [TOMLValue]
      if case .array(let array) = entry.value.kind { values = array } else { values = [entry.value] }
      let key = entry.value.arrayValue == nil ? "corpus" : "each path in corpus"
      for value in values {
        let written = try string(value, key: key)
        switch CorpusSource.resolve(written, configFile: file, home: home) {
        case .success(let path):
          sources.append(CorpusSource(written: written, path: path, location: value.location))
        case .failure(.empty):
          throw ConfigError(value.location, "a corpus path must not be empty; name a file or a directory")
        case .failure(.noHome):
          throw ConfigError(
            value.location, "cannot expand ~ in \"\(written)\": there is no home directory (HOME); write a full path")
        case .failure(.otherUser):
          throw ConfigError(
            value.location, "corpus path \"\(written)\": only ~/ is expanded (your home); write a full path")
        }
      }
    }
    var builtin = true
    if let entry = root["builtin_corpus"] {
      guard case .boolean(let value) = entry.value.kind else {
        throw ConfigError(
          entry.value.location, "builtin_corpus must be true or false, not \(article(entry.value.typeName))")
      }
      guard value || !sources.isEmpty else {
        throw ConfigError(
          entry.value.location,
          "builtin_corpus = false leaves no lines to show; list your own in corpus = [\"~/my-lines.txt\"]")
      }
      builtin = value
    }
    return (sources, builtin)
  }

  static func parseSlot(_ table: TOMLTable) throws(ConfigError) -> Slot {
    try rejectUnknownKeys(in: table, allowed: slotKeys, context: "in [[slot]]")
    guard let nameEntry = table["name"] else {
      throw ConfigError(table.location, "[[slot]] has no name; add name = \"...\" (names are unique)")
    }
    let name = try string(nameEntry)
    guard !name.isEmpty else { throw ConfigError(nameEntry.value.location, "slot name must not be empty") }

    let kinds = ["at", "every", "random"].filter { table[$0] != nil }
    guard kinds.count == 1 else {
      if kinds.isEmpty {
        throw ConfigError(table.location, "slot \"\(name)\" needs one of at, every (with from and until) or random")
      }
      let second = table[kinds[1]]!
      throw ConfigError(
        second.keyLocation,
        "slot \"\(name)\" has both \(kinds[0]) and \(kinds[1]); use exactly one of at, every or random")
    }

    let timing: Slot.Timing
    switch kinds[0] {
    case "at":
      for key in ["from", "until", "min_gap"] {
        if let entry = table[key] {
          throw ConfigError(entry.keyLocation, "\(key) goes with every or random, not with at")
        }
      }
      let entry = table["at"]!
      let values: [TOMLValue]
      if case .array(let array) = entry.value.kind { values = array } else { values = [entry.value] }
      guard !values.isEmpty else {
        throw ConfigError(entry.value.location, "at needs at least one time, like [\"08:00\"]")
      }
      guard values.count <= maximumTimesPerDay else {
        throw ConfigError(
          entry.value.location, "at lists \(values.count) times; at most \(maximumTimesPerDay) are allowed")
      }
      var times: [WallTime] = []
      let key = entry.value.arrayValue == nil ? "at" : "each time in at"
      for value in values { times.append(try wallTime(value, key: key)) }
      timing = .at(times)
    case "every":
      let (from, until) = try window(table, name: name, kind: "every")
      if let entry = table["min_gap"] {
        throw ConfigError(entry.keyLocation, "min_gap goes with random, not with every")
      }
      let entry = table["every"]!
      let interval = try span(entry)
      guard interval >= minimumEvery else {
        throw ConfigError(
          entry.value.location,
          "every = \"\(try string(entry))\" is too often: every must be at least \(minimumEvery), like \"30m\"")
      }
      timing = .every(from: from, until: until, interval: interval)
    default:
      let (from, until) = try window(table, name: name, kind: "random")
      let entry = table["random"]!
      guard case .integer(let count) = entry.value.kind else {
        throw ConfigError(
          entry.value.location, "random must be a whole number of times a day, not \(article(entry.value.typeName))")
      }
      guard (1...1440).contains(count) else {
        throw ConfigError(entry.value.location, "random must be from 1 to 1440 times a day, not \(count)")
      }
      var gap = Span(seconds: 0)
      if let gapEntry = table["min_gap"] { gap = try span(gapEntry) }
      let length = Schedule.windowLength(from: from, until: until)
      guard RandomTimes.fit(count: Int(count), length: length, minimumGap: gap) else {
        throw ConfigError(
          entry.value.location,
          "random = \(count) with min_gap = \"\(gap)\" does not fit between \(from) and \(until); "
            + "lower random or min_gap, or widen the window")
      }
      timing = .random(from: from, until: until, count: Int(count), minimumGap: gap)
    }

    var days: Set<Weekday> = []
    if let entry = table["days"] {
      for value in try array(entry) {
        let text = try string(value, key: "each day in days")
        guard let day = Weekday(shortName: text) else {
          throw ConfigError(value.location, "unknown day \"\(text)\" (use mon, tue, wed, thu, fri, sat, sun)")
        }
        days.insert(day)
      }
      guard !days.isEmpty else {
        throw ConfigError(entry.value.location, "days must name at least one day, or be left out")
      }
    }

    var tags: [String] = []
    if let entry = table["tags"] {
      for value in try array(entry) {
        let tag = try string(value, key: "each tag in tags").lowercased()
        guard CorpusParser.isValidTag(tag) else {
          throw ConfigError(value.location, "tag \"\(tag)\" is not a word; use letters, digits, - and _")
        }
        if !tags.contains(tag) { tags.append(tag) }
      }
    }

    var urgency = Urgency.normal
    if let entry = table["urgency"] {
      let text = try string(entry)
      guard let value = Urgency(rawValue: text) else {
        throw ConfigError(entry.value.location, "unknown urgency \"\(text)\" (use low, normal or critical)")
      }
      urgency = value
    }

    var grace = Slot.defaultGrace
    if let entry = table["grace"] {
      if case .every = timing {
        throw ConfigError(
          entry.keyLocation, "grace goes with at or random; a missed every time is dropped once its window closes")
      }
      grace = try span(entry)
    }
    var followsUrges = false
    if let entry = table["follow_urges"] {
      guard case .boolean(let value) = entry.value.kind else {
        throw ConfigError(
          entry.value.location, "follow_urges must be true or false, not \(article(entry.value.typeName))")
      }
      if value {
        guard case .some((let from, let until)) = Slot(name: name, timing: timing).window else {
          throw ConfigError(
            entry.keyLocation,
            "follow_urges goes with every or random (a window that can widen), not with at; "
              + "write the slot with from, until and every or random")
        }
        let length = Schedule.windowLength(from: from, until: until)
        guard length < UrgeWindow.maximumLength else {
          throw ConfigError(
            entry.keyLocation,
            "follow_urges cannot widen \(from)-\(until): it is \(length) long, and a window that follows urges "
              + "is at most \(UrgeWindow.maximumLength); shorten the window or drop follow_urges")
        }
      }
      followsUrges = value
    }
    return Slot(
      name: name, timing: timing, days: days, tags: tags, urgency: urgency, grace: grace, followsUrges: followsUrges)
  }

  /// One `[[hard_day]]`: a name, a `date` ("MM-DD" every year, or a full date once) and
  /// optional `days_before`.
  static func parseHardDay(_ table: TOMLTable) throws(ConfigError) -> HardDay {
    try rejectUnknownKeys(in: table, allowed: hardDayKeys, context: "in [[hard_day]]")
    guard let nameEntry = table["name"] else {
      throw ConfigError(table.location, "[[hard_day]] has no name; add name = \"...\" (like \"her birthday\")")
    }
    let name = try string(nameEntry)
    guard !name.allSatisfy(\.isWhitespace) else {
      throw ConfigError(nameEntry.value.location, "hard day name must not be empty")
    }
    guard name.count <= HardDay.maximumNameLength else {
      throw ConfigError(
        nameEntry.value.location,
        "hard day name is \(name.count) characters long; keep it to \(HardDay.maximumNameLength)")
    }
    guard let dateEntry = table["date"] else {
      throw ConfigError(
        table.location,
        "hard day \"\(TerminalText.visible(name))\" needs a date, like \"02-14\" (every year) or 2027-02-14")
    }
    let when: HardDay.When
    let usage = "(write \"MM-DD\" for every year, like \"02-14\", or one date like 2027-02-14)"
    switch dateEntry.value.kind {
    case .localDate(let date):
      let local = LocalDate(year: date.year, month: date.month, day: date.day)
      guard local.isValid else {
        throw ConfigError(dateEntry.value.location, "invalid date \"\(local)\" for a hard day \(usage)")
      }
      when = .once(local)
    case .string(let text):
      if let date = LocalDate(iso: text) {
        when = .once(date)
      } else if let (month, day) = monthDay(text) {
        when = .yearly(month: month, day: day)
      } else {
        throw ConfigError(
          dateEntry.value.location, "invalid date \"\(TerminalText.visible(text))\" for a hard day \(usage)")
      }
    default:
      throw ConfigError(
        dateEntry.value.location,
        "date must be a string like \"02-14\" or a date, not \(article(dateEntry.value.typeName))")
    }
    var daysBefore = 0
    if let entry = table["days_before"] {
      guard case .integer(let count) = entry.value.kind, (0...Int64(HardDay.maximumDaysBefore)).contains(count) else {
        throw ConfigError(
          entry.value.location, "days_before must be a whole number from 0 to \(HardDay.maximumDaysBefore)")
      }
      daysBefore = Int(count)
    }
    return HardDay(name: name, when: when, daysBefore: daysBefore)
  }

  /// "MM-DD" with a month and a day that exist in some year (02-29 does, 02-30 does not).
  static func monthDay(_ text: String) -> (Int, Int)? {
    let bytes = Array(text.utf8)
    guard bytes.count == 5, bytes[2] == UInt8(ascii: "-"),
      bytes.enumerated().allSatisfy({ $0.offset == 2 || (0x30...0x39).contains($0.element) }),
      let month = Int(text.prefix(2)), let day = Int(text.suffix(2)),
      (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: 2000)
    else { return nil }
    return (month, day)
  }

  static func window(_ table: TOMLTable, name: String, kind: String) throws(ConfigError) -> (WallTime, WallTime) {
    guard let fromEntry = table["from"], let untilEntry = table["until"] else {
      let missing = table["from"] == nil ? "from" : "until"
      throw ConfigError(table[kind]!.keyLocation, "slot \"\(name)\" uses \(kind) and needs \(missing) = \"HH:MM\" too")
    }
    let from = try wallTime(fromEntry.value, key: "from")
    let until = try wallTime(untilEntry.value, key: "until")
    return (from, until)
  }

  static func rejectUnknownKeys(in table: TOMLTable, allowed: [String], context: String) throws(ConfigError) {
    if let first = unknownKeys(in: table, allowed: allowed, context: context).first { throw first }
  }

  /// One error for each key of `table` that is not `allowed`.
  static func unknownKeys(in table: TOMLTable, allowed: [String], context: String) -> [ConfigError] {
    table.entries.filter { !allowed.contains($0.key) }.map { entry in
      var message = "unknown key \"\(entry.key)\" \(context) (allowed: \(allowed.joined(separator: ", ")))"
      if let near = allowed.first(where: { $0.replacingUnderscores == entry.key.replacingUnderscores.lowercased() }) {
        message += "; did you mean \(near)?"
      }
      return ConfigError(entry.keyLocation, message)
    }
  }

  static func string(_ entry: TOMLEntry) throws(ConfigError) -> String {
    try string(entry.value, key: entry.key)
  }

  static func string(_ value: TOMLValue, key: String) throws(ConfigError) -> String {
    guard case .string(let text) = value.kind else {
      throw ConfigError(value.location, "\(key) must be a string, not \(article(value.typeName))")
    }
    return text
  }

  static func array(_ entry: TOMLEntry) throws(ConfigError) -> [TOMLValue] {
    guard case .array(let values) = entry.value.kind else {
      throw ConfigError(
        entry.value.location, "\(entry.key) must be an array like [\"a\", \"b\"], not \(article(entry.value.typeName))")
    }
    return values
  }

  static func wallTime(_ value: TOMLValue, key: String) throws(ConfigError) -> WallTime {
    let text: String
    if case .localTime(let time) = value.kind {
      if time.nanosecond == 0 { return WallTime(hour: time.hour, minute: time.minute, second: time.second) }
      text = time.description
    } else {
      text = try string(value, key: key)
    }
    // WallTime and Span read digits as Characters; only ASCII keeps a combining mark from
    // making "0\u{301}" look like a digit that Int then refuses.
    guard text.utf8.allSatisfy({ $0 < 0x80 }), let time = WallTime(text) else {
      throw ConfigError(value.location, "invalid time \"\(text)\" (use HH:MM or HH:MM:SS, from 00:00 to 23:59:59)")
    }
    return time
  }

  static func span(_ entry: TOMLEntry) throws(ConfigError) -> Span {
    let text = try string(entry)
    guard text.utf8.allSatisfy({ $0 < 0x80 }), let span = Span(text) else {
      throw ConfigError(
        entry.value.location, "invalid duration \"\(text)\" for \(entry.key) (use forms like 90s, 30m, 1h30m, 3d)")
    }
    return span
  }

  static func article(_ typeName: String) -> String {
    ["a", "e", "i", "o", "u"].contains(typeName.first.map(String.init) ?? "") ? "an \(typeName)" : "a \(typeName)"
  }
}

extension String {
  fileprivate var replacingUnderscores: String { String(map { $0 == "-" ? "_" : $0 }) }
}

extension Schedule {
  /// The nominal length of a window from its wall-clock ends (24 hours when they are equal).
  static func windowLength(from: WallTime, until: WallTime) -> Span {
    let difference = until.secondsIntoDay - from.secondsIntoDay
    return Span(seconds: Int64(difference > 0 ? difference : difference + 86_400))
  }
}

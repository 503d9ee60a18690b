public import AffirmCore

/// Where a zone comes from on this machine: the zone database, `TZ` and `/etc/localtime`.
extension TimeZoneRules {
  /// Reads `identifier` from the zone database; nil when there is no such zone.
  public static func named(_ identifier: String, zoneinfo: String = "/usr/share/zoneinfo") -> TimeZoneRules? {
    guard isPlausibleName(identifier) else { return nil }
    if identifier == "UTC" || identifier == "Etc/UTC" || identifier == "GMT" {
      if let bytes = try? TextFiles.read(zoneinfo + "/" + identifier),
        let zone = try? parse(tzif: bytes, identifier: identifier)
      {
        return zone
      }
      return TimeZoneRules(identifier: identifier, fixedOffset: 0)
    }
    guard let bytes = try? TextFiles.read(zoneinfo + "/" + identifier, limit: 1 << 20) else { return nil }
    return try? parse(tzif: bytes, identifier: identifier)
  }

  /// The zone the system uses: `TZ` when set (a name, a `:name`, a path or a POSIX rule),
  /// else `/etc/localtime`, else UTC.
  public static func system(environment: [String: String], zoneinfo: String = "/usr/share/zoneinfo") -> TimeZoneRules {
    if let tz = environment["TZ"] {
      return fromTZ(tz, zoneinfo: zoneinfo) ?? .utc
    }
    let path = "/etc/localtime"
    guard let bytes = try? TextFiles.read(path, limit: 1 << 20) else { return .utc }
    var identifier = "localtime"
    // The first "zoneinfo/" in the link's target, compared character by character as
    // firstRange(of:) would, without the string-processing module's generic searcher.
    if let target = TextFiles.symbolicLinkTarget(path),
      let start = target.indices.first(where: { target[$0...].starts(with: "zoneinfo/") })
    {
      identifier = String(target[target.index(start, offsetBy: "zoneinfo/".count)...])
    }
    return (try? parse(tzif: bytes, identifier: identifier)) ?? .utc
  }

  /// The zone `TZ` names (empty: UTC, as the C library reads it); nil when it names none.
  static func fromTZ(_ tz: String, zoneinfo: String) -> TimeZoneRules? {
    let name = tz.hasPrefix(":") ? String(tz.dropFirst()) : tz
    if name.isEmpty { return .utc }
    if name.hasPrefix("/"), let bytes = try? TextFiles.read(name, limit: 1 << 20),
      let zone = try? parse(tzif: bytes, identifier: name)
    {
      return zone
    }
    if let zone = named(name, zoneinfo: zoneinfo) { return zone }
    if let rule = PosixTimeZoneRule(name) {
      return TimeZoneRules(identifier: name, transitions: [], offsets: [], initialOffset: 0, rule: rule)
    }
    return nil
  }

  /// `tz` (the value of `TZ`) when it is set but names no zone, so that `system(environment:)` falls back to UTC:
  /// worth saying once, since it would otherwise silently move every fire time.
  public static func unusableTZ(_ tz: String?, zoneinfo: String = "/usr/share/zoneinfo") -> String? {
    guard let tz, fromTZ(tz, zoneinfo: zoneinfo) == nil else { return nil }
    return tz
  }

  /// The file whose replacement changes `system(environment:)`: the path `TZ` names when it
  /// is one (`TZ=/path` or `TZ=:/path`), else `/etc/localtime`. The daemon watches it.
  public static func systemZoneFile(environment: [String: String]) -> String {
    guard let tz = environment["TZ"] else { return "/etc/localtime" }
    let name = tz.hasPrefix(":") ? String(tz.dropFirst()) : tz
    return name.hasPrefix("/") ? name : "/etc/localtime"
  }

}

extension Config {
  /// The zone every command works in: the config's `timezone`, else the system's
  /// (`TZ`, then `/etc/localtime`, then UTC). The one way to get a zone.
  public func zone(environment: [String: String]) -> TimeZoneRules {
    timezone.flatMap { TimeZoneRules.named($0) } ?? TimeZoneRules.system(environment: environment)
  }

  /// The schedule this config describes, in `zone(environment:)`.
  public func schedule(environment: [String: String]) -> Schedule {
    schedule(in: zone(environment: environment))
  }
}

extension ConfigParser {
  /// Parses a config, checking its `timezone` against the system's zone database.
  public static func parse(_ bytes: [UInt8], file: String, home: String? = nil) throws(ConfigError) -> Config {
    try parse(bytes, file: file, home: home, zoneExists: systemZoneExists)
  }

  /// Every error in a config, checking its `timezone` against the system's zone database.
  public static func diagnose(_ bytes: [UInt8], file: String, home: String? = nil) -> (
    config: Config?, errors: [ConfigError]
  ) {
    diagnose(bytes, file: file, home: home, zoneExists: systemZoneExists)
  }

  static func systemZoneExists(_ name: String) -> Bool { TimeZoneRules.named(name) != nil }
}

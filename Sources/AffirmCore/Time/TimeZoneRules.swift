/// A time zone's UTC offsets through history, read from the system's TZif files
/// (`/usr/share/zoneinfo`, RFC 8536) with the POSIX rule in their footer for the future.
///
/// affirm reads the zone database itself rather than through Foundation's `TimeZone`,
/// because named zones there need ICU, which costs every one-shot `affirm send` several
/// milliseconds and megabytes. This is also the one place that says how a wall-clock time
/// on a local date becomes an instant (RFC 5545 / Temporal "compatible" disambiguation).
public struct TimeZoneRules: Sendable, Equatable, CustomStringConvertible {
  /// The zone's name (`Europe/Berlin`), or the TZ string it came from.
  public let identifier: String
  /// Instants at which the offset changes, ascending.
  let transitions: [Int64]
  /// The UTC offset in seconds from `transitions[i]` on.
  let offsets: [Int32]
  /// The offset before the first transition.
  let initialOffset: Int32
  /// The rule for instants after the last transition, from the TZif footer.
  let rule: PosixTimeZoneRule?

  public var description: String { identifier }

  public static let utc = TimeZoneRules(identifier: "UTC", fixedOffset: 0)

  public init(identifier: String, fixedOffset: Int) {
    self.identifier = identifier
    transitions = []
    offsets = []
    initialOffset = Int32(fixedOffset)
    rule = nil
  }

  package init(
    identifier: String, transitions: [Int64], offsets: [Int32], initialOffset: Int32, rule: PosixTimeZoneRule?
  ) {
    self.identifier = identifier
    self.transitions = transitions
    self.offsets = offsets
    self.initialOffset = initialOffset
    self.rule = rule
  }

  /// The UTC offset, in seconds east of Greenwich, in force at `instant`.
  public func offset(at instant: Instant) -> Int {
    let t = instant.seconds
    if let last = transitions.last, t >= last, let rule {
      return rule.offset(at: t)
    }
    guard let first = transitions.first else { return rule?.offset(at: t) ?? Int(initialOffset) }
    if t < first { return Int(initialOffset) }
    // The last transition at or before t.
    var low = 0
    var high = transitions.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if transitions[mid] <= t { low = mid } else { high = mid - 1 }
    }
    return Int(offsets[low])
  }

  /// The local date and seconds into that day at `instant`.
  public func localTime(at instant: Instant) -> (date: LocalDate, secondsIntoDay: Int) {
    let local = instant.seconds + Int64(offset(at: instant))
    let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    return (LocalDate(daysSinceEpoch: Int(days)), Int(local - days * 86_400))
  }

  /// The instant a wall-clock time on a local date names.
  ///
  /// A time that does not exist (the spring-forward gap) moves forward by the length of the
  /// gap: 02:30 on 2027-03-28 in Europe/Berlin is 03:30 CEST. A time that exists twice
  /// (fall-back) is its earlier occurrence. This is RFC 5545's rule and Temporal's "compatible".
  public func resolve(_ date: LocalDate, _ time: WallTime) -> Instant {
    resolve(localSeconds: Int64(date.daysSinceEpoch) * 86_400 + Int64(time.secondsIntoDay))
  }

  /// `resolve` for a local time given as seconds since 1970-01-01T00:00 local.
  public func resolve(localSeconds local: Int64) -> Instant {
    let before = Int64(offset(at: Instant(seconds: local - 86_400 * 2)))
    let after = Int64(offset(at: Instant(seconds: local + 86_400 * 2)))
    let early = Instant(seconds: local - before)
    let late = Instant(seconds: local - after)
    let earlyValid = Int64(offset(at: early)) == before
    let lateValid = Int64(offset(at: late)) == after
    switch (earlyValid, lateValid) {
    case (true, true): return min(early, late)
    case (true, false): return early
    case (false, true): return late
    // In the gap: read the time with the offset from before the transition, which lands
    // after it, later by the length of the gap.
    case (false, false): return early
    }
  }

  /// Names like `Europe/Berlin` or `UTC`: no `..`, not absolute, no odd characters.
  package static func isPlausibleName(_ name: String) -> Bool {
    !name.isEmpty && !name.hasPrefix("/") && !name.split(separator: "/").contains("..")
      && name.unicodeScalars.allSatisfy {
        $0.properties.isAlphabetic || ("0"..."9").contains($0) || "/_-+".unicodeScalars.contains($0)
      }
  }

  package struct FormatError: Error {}

  /// Parses a TZif file (versions 1 to 4).
  package static func parse(tzif bytes: [UInt8], identifier: String) throws(FormatError) -> TimeZoneRules {
    var reader = ByteReader(bytes)
    let first = try reader.header()
    guard first.version != 0 else {
      // Version 1: 32-bit times only, no footer.
      let data = try reader.block(first, timeSize: 4)
      return TimeZoneRules(identifier: identifier, data: data, rule: nil)
    }
    try reader.skipBlock(first, timeSize: 4)
    let second = try reader.header()
    let data = try reader.block(second, timeSize: 8)
    var rule: PosixTimeZoneRule?
    if reader.remaining.first == UInt8(ascii: "\n"),
      let end = reader.remaining.dropFirst().firstIndex(of: UInt8(ascii: "\n"))
    {
      let footer = String(decoding: reader.remaining[(reader.remaining.startIndex + 1)..<end], as: UTF8.self)
      rule = PosixTimeZoneRule(footer)
    }
    return TimeZoneRules(identifier: identifier, data: data, rule: rule)
  }

  private init(identifier: String, data: ByteReader.Block, rule: PosixTimeZoneRule?) {
    self.identifier = identifier
    transitions = data.times
    offsets = data.typeIndices.map { data.types[Int($0)].offset }
    // RFC 8536: local time type 0 applies before the first transition.
    initialOffset = data.types.first?.offset ?? 0
    self.rule = rule
  }
}

/// Reads the big-endian fields of a TZif file, refusing anything truncated or inconsistent.
private struct ByteReader {
  struct Header {
    var version: UInt8
    var isUTCCount, isStandardCount, leapCount, timeCount, typeCount, characterCount: Int
  }
  struct Block {
    var times: [Int64]
    var typeIndices: [UInt8]
    var types: [(offset: Int32, isDST: Bool)]
  }

  let bytes: [UInt8]
  var position = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var remaining: ArraySlice<UInt8> { bytes[position...] }

  mutating func take(_ count: Int) throws(TimeZoneRules.FormatError) -> ArraySlice<UInt8> {
    guard count >= 0, count <= bytes.count - position else { throw .init() }
    defer { position += count }
    return bytes[position..<(position + count)]
  }

  mutating func integer(_ size: Int) throws(TimeZoneRules.FormatError) -> Int64 {
    let field = try take(size)
    var value: UInt64 = 0
    for byte in field { value = value << 8 | UInt64(byte) }
    if size == 4 { return Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: value))) }
    return Int64(bitPattern: value)
  }

  mutating func header() throws(TimeZoneRules.FormatError) -> Header {
    guard Array(try take(4)) == Array("TZif".utf8) else { throw .init() }
    let versionByte = try take(1).first!
    // RFC 8536: NUL for version 1, else an ASCII digit ("2", "3", "4", later ones alike).
    guard versionByte == 0 || (UInt8(ascii: "2")...UInt8(ascii: "9")).contains(versionByte) else { throw .init() }
    _ = try take(15)
    var counts: [Int] = []
    for _ in 0..<6 {
      let count = try integer(4)
      guard count >= 0, count < 1 << 20 else { throw .init() }
      counts.append(Int(count))
    }
    let version: UInt8 = versionByte == 0 ? 0 : versionByte - UInt8(ascii: "0")
    return Header(
      version: version, isUTCCount: counts[0], isStandardCount: counts[1], leapCount: counts[2],
      timeCount: counts[3], typeCount: counts[4], characterCount: counts[5])
  }

  mutating func skipBlock(_ header: Header, timeSize: Int) throws(TimeZoneRules.FormatError) {
    _ = try take(
      header.timeCount * timeSize + header.timeCount + header.typeCount * 6 + header.characterCount
        + header.leapCount * (timeSize + 4) + header.isStandardCount + header.isUTCCount)
  }

  mutating func block(_ header: Header, timeSize: Int) throws(TimeZoneRules.FormatError) -> Block {
    var times: [Int64] = []
    for _ in 0..<header.timeCount { times.append(try integer(timeSize)) }
    let indices = Array(try take(header.timeCount))
    var types: [(offset: Int32, isDST: Bool)] = []
    for _ in 0..<header.typeCount {
      let offset = try integer(4)
      let isDST = try take(1).first! != 0
      _ = try take(1)
      guard abs(offset) < 26 * 3600 else { throw .init() }
      types.append((Int32(offset), isDST))
    }
    guard !types.isEmpty, indices.allSatisfy({ Int($0) < types.count }) else { throw .init() }
    guard zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }) else { throw .init() }
    _ = try take(header.characterCount + header.leapCount * (timeSize + 4) + header.isStandardCount + header.isUTCCount)
    return Block(times: times, typeIndices: indices, types: types)
  }
}

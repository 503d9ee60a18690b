// libFuzzer target: TZif files (RFC 8536) and the POSIX TZ rules of their footers.

@testable import AffirmCore

/// Instants from 1900 to 2100 and a few far ones, as the schedule could ask for.
let instants: [Int64] = [
  -2_208_988_800, -1_000_000_000, -1, 0, 1, 1_000_000_000, 1_806_000_000, 2_147_483_647, 2_147_483_648,
  4_102_444_800, 253_402_300_799,
]

func exercise(_ zone: TimeZoneRules) {
  for instant in instants {
    let offset = zone.offset(at: Instant(seconds: instant))
    precondition(abs(offset) < 2 * 86_400, "offset out of range")
    let local = zone.localTime(at: Instant(seconds: instant))
    _ = zone.resolve(local.date, WallTime(hour: 2, minute: 30))
    _ = zone.resolve(localSeconds: instant)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTZif(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if bytes.starts(with: Array("TZif".utf8)) {
    if let zone = try? TimeZoneRules.parse(tzif: bytes, identifier: "fuzz") { exercise(zone) }
  } else if let rule = PosixTimeZoneRule(String(decoding: bytes, as: UTF8.self)) {
    exercise(TimeZoneRules(identifier: "fuzz", transitions: [], offsets: [], initialOffset: 0, rule: rule))
  }
  return 0
}

// libFuzzer target: wall times, durations, dates and ISO 8601 date-times as text.

import Glibc

@testable import AffirmCore

/// A zone with DST, read once; UTC when the zone database is missing. AffirmCore reads no
/// files (AffirmSystem's `TimeZoneRules.named` does), so the harness reads the TZif bytes.
let berlin =
  zoneFile("/usr/share/zoneinfo/Europe/Berlin").flatMap {
    try? TimeZoneRules.parse(tzif: $0, identifier: "Europe/Berlin")
  } ?? .utc

/// The bytes of the file at `path`, or nil when it cannot be read.
func zoneFile(_ path: String) -> [UInt8]? {
  guard let file = fopen(path, "rb") else { return nil }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 4096)
  while true {
    let count = fread(&buffer, 1, buffer.count, file)
    if count == 0 { break }
    bytes += buffer[..<count]
  }
  return ferror(file) == 0 ? bytes : nil
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTime(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  if let time = WallTime(text) {
    precondition(WallTime(time.description) == time, "WallTime does not round-trip")
  }
  if let span = Span(text), span.seconds < 1_000_000_000 {
    precondition(Span(span.description) == span, "Span does not round-trip")
  }
  if let date = LocalDate(iso: text) {
    precondition(date.isValid && LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date, "LocalDate is off")
  }
  for zone in [TimeZoneRules.utc, berlin] {
    guard let instant = ISO8601.parse(text, in: zone) else { continue }
    // The printed form carries its offset, so it names exactly the same instant; ±HH:MM
    // cannot carry the seconds of a local mean time offset (Berlin before 1893: +00:53:28).
    let printed = ISO8601.format(instant, in: zone)
    guard zone.offset(at: instant) % 60 == 0 else { continue }
    precondition(ISO8601.parse(printed, in: zone) == instant, "ISO8601 does not round-trip: \(printed)")
  }
  return 0
}

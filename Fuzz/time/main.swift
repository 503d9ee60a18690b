// libFuzzer target: wall times, durations, dates and ISO 8601 date-times as text.

/// A zone with DST, read once; UTC when the zone database is missing.
let berlin = TimeZoneRules.named("Europe/Berlin") ?? .utc

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

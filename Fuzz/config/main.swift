// libFuzzer target: the TOML parser and the config checks over raw file bytes.
// scripts/fuzz links it against the TOML and AffirmCore modules, built with -enable-testing.
// Every `timezone` name counts as a known zone (the parser reads no zone database), so
// any name the TOML can spell reaches the checks and the round trip through `config show`.

import TOML

@testable import AffirmCore

/// The zone database the config is checked against: it knows every name.
func anyZone(_: String) -> Bool { true }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let config = try ConfigParser.parse(bytes, file: "fuzz.toml", home: "/home/fuzz", zoneExists: anyZone)
    // What config show prints must read back as the same slots, corpus paths and hard days.
    let shown = try ConfigParser.parse(
      Array(config.tomlText.utf8), file: "shown.toml", home: "/elsewhere", zoneExists: anyZone)
    precondition(
      shown.slots == config.slots && shown.timezone == config.timezone
        && shown.noContactSince == config.noContactSince && shown.cooldown == config.cooldown
        && shown.corpus.map(\.path) == config.corpus.map(\.path) && shown.builtinCorpus == config.builtinCorpus
        && shown.hardDays == config.hardDays,
      "config show does not round-trip")
  } catch {
    // Every error must carry a location inside the file.
    precondition(error.location.line >= 1 && (error.location.column ?? 1) >= 1, "error without a location")
  }
  return 0
}

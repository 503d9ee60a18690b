// libFuzzer target: the TOML parser and the config checks over raw file bytes.
// Built by scripts/fuzz together with the parser sources, so internal API is visible.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let config = try ConfigParser.parse(bytes, file: "fuzz.toml")
    // What config show prints must read back as the same slots.
    let shown = try ConfigParser.parse(Array(config.tomlText.utf8), file: "shown.toml")
    precondition(
      shown.slots == config.slots && shown.timezone == config.timezone
        && shown.noContactSince == config.noContactSince && shown.cooldown == config.cooldown,
      "config show does not round-trip")
  } catch {
    // Every error must carry a location inside the file.
    precondition(error.location.line >= 1 && (error.location.column ?? 1) >= 1, "error without a location")
  }
  return 0
}

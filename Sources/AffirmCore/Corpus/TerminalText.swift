/// Text that reaches a terminal or a notification: what must not be in it, and how to print it.
///
/// A corpus line or a `--note` is shown on screen and printed by `send --dry-run`, `history`
/// and `sos`. A control character there can move the cursor, set the window title or clear
/// the screen (ESC starts such a sequence); a bidirectional override (U+202E) makes a line
/// read differently from what it holds; a line of only invisible characters shows nothing.
public enum TerminalText {
  /// Why a text cannot be shown as written.
  public enum Hazard: Sendable, Hashable, CustomStringConvertible {
    /// ESC (U+001B), which starts a terminal escape sequence (ANSI colours, titles, clearing).
    case escapeSequence
    /// Any other control character (U+0000 to U+001F but tab, U+007F to U+009F, U+2028, U+2029).
    case controlCharacter(Unicode.Scalar)
    /// A bidirectional embedding, override or isolate (U+202A to U+202E, U+2066 to U+2069).
    case bidiControl(Unicode.Scalar)
    /// Nothing visible at all: only spaces, format and default-ignorable characters.
    case invisibleOnly

    /// What the text holds, as a phrase: "an escape character (U+001B), which ...".
    public var description: String {
      switch self {
      case .escapeSequence:
        "an escape character (U+001B), which starts a terminal control sequence"
      case .controlCharacter(let scalar):
        "a control character (\(TerminalText.codePoint(scalar)))"
      case .bidiControl(let scalar):
        "a bidirectional control (\(TerminalText.codePoint(scalar))), which makes text read other than it is written"
      case .invisibleOnly: "only invisible characters"
      }
    }
  }

  /// The first hazard in `text` and the 0-based offset (in Unicode scalars) where it stands;
  /// nil when the text is safe to show.
  public static func hazard(in text: some StringProtocol) -> (offset: Int, hazard: Hazard)? {
    var visible = false
    for (offset, scalar) in text.unicodeScalars.enumerated() {
      if scalar.value == 0x1B { return (offset, .escapeSequence) }
      if isControl(scalar) { return (offset, .controlCharacter(scalar)) }
      if isBidiControl(scalar) { return (offset, .bidiControl(scalar)) }
      if !visible && !isInvisible(scalar) { visible = true }
    }
    return visible || text.isEmpty ? nil : (0, .invisibleOnly)
  }

  /// `text` with every control character and bidirectional control written out as `\u{1B}`,
  /// so printing it can neither drive the terminal nor reorder the line. Tabs stay.
  public static func visible(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) || isBidiControl($0) }) else {
      return text
    }
    var result = ""
    result.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      if isControl(scalar) || isBidiControl(scalar) {
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09: false
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
    default: false
    }
  }

  static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
    (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
  }

  /// Shows nothing by itself: white space, format characters (zero-width space and joiners,
  /// marks) and default-ignorable code points (Hangul fillers, variation selectors).
  static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    let properties = scalar.properties
    return properties.isWhitespace || properties.isDefaultIgnorableCodePoint
      || properties.generalCategory == .format || properties.generalCategory == .control
      || scalar.value == 0x2800  // BRAILLE PATTERN BLANK
  }

  static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}

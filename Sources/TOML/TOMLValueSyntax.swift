/// Values: strings, numbers, booleans, date-times, arrays and inline tables.
extension TOMLReader {
  /// Reads one value starting at the cursor; `depth` is how deeply an array or inline table
  /// read here would be nested, checked against `maxDepth`.
  func parseValue(depth: Int) throws(TOMLError) -> TOMLValue {
    let start = pos
    let location = here()
    guard let byte = peek() else { throw failure("expected a value after \"=\"", at: start) }
    let kind: TOMLValue.Kind
    switch byte {
    case TOMLByte.quote:
      if peek(1) == TOMLByte.quote, peek(2) == TOMLByte.quote {
        kind = .string(try parseMultilineString(literal: false))
      } else {
        kind = .string(try parseBasicString())
      }
    case TOMLByte.apostrophe:
      if peek(1) == TOMLByte.apostrophe, peek(2) == TOMLByte.apostrophe {
        kind = .string(try parseMultilineString(literal: true))
      } else {
        kind = .string(try parseLiteralString())
      }
    case TOMLByte.openBracket:
      kind = .array(try parseArray(depth: depth))
    case TOMLByte.openBrace:
      kind = .table(try parseInlineTable(depth: depth, location: location))
    case TOMLByte.lf, TOMLByte.cr, TOMLByte.hash:
      throw failure("expected a value after \"=\"", at: start)
    case _ where TOMLByte.isDigit(byte):
      if isDigits(at: pos, count: 4), peek(4) == TOMLByte.minus {
        kind = try parseDate()
      } else if isDigits(at: pos, count: 2), peek(2) == TOMLByte.colon {
        kind = .localTime(try parseTime())
      } else {
        kind = try parseNumber()
      }
    case TOMLByte.plus, TOMLByte.minus:
      kind = try parseNumber()
    case _ where TOMLByte.isLetter(byte):
      kind = try parseWord()
    default:
      throw failure("expected a value", at: start)
    }
    return TOMLValue(kind, location: location)
  }

  /// Reads `true`, `false`, `inf` or `nan`; any other word is probably a string missing quotes.
  func parseWord() throws(TOMLError) -> TOMLValue.Kind {
    let start = pos
    advance(while: TOMLByte.isBareKey)
    let word = start..<pos
    if matches("true", word) { return .boolean(true) }
    if matches("false", word) { return .boolean(false) }
    if matches("inf", word) { return .float(.infinity) }
    if matches("nan", word) { return .float(.nan) }
    throw failure("expected a value; strings must be in quotes", at: start)
  }

  // MARK: Arrays and inline tables

  /// Reads `[ ... ]`: values of any types, newlines and comments between them, a trailing comma.
  func parseArray(depth: Int) throws(TOMLError) -> [TOMLValue] {
    let open = pos
    guard depth <= TOMLParser.maxDepth else { throw tooDeep(at: open) }
    pos += 1
    var elements: [TOMLValue] = []
    while true {
      skipBlankLines()
      guard let byte = peek() else { throw failure("unterminated array; expected \"]\"", at: open) }
      if byte == TOMLByte.closeBracket {
        pos += 1
        return elements
      }
      elements.append(try parseValue(depth: depth + 1))
      skipBlankLines()
      switch peek() {
      case TOMLByte.comma?:
        pos += 1
      case TOMLByte.closeBracket?:
        pos += 1
        return elements
      case nil:
        throw failure("unterminated array; expected \"]\"", at: open)
      default:
        throw failure("expected \",\" or \"]\" after an array element", at: pos)
      }
    }
  }

  /// Reads `{ a = 1, b.c = 2 }`: on one line, without a trailing comma, closed once read.
  func parseInlineTable(depth: Int, location: SourceLocation) throws(TOMLError) -> TOMLTable {
    let open = pos
    guard depth <= TOMLParser.maxDepth else { throw tooDeep(at: open) }
    pos += 1
    let table = TOMLTableBuilder(origin: .inline, location: location, depth: depth, path: "")
    skipWhitespace()
    if peek() == TOMLByte.closeBrace {
      pos += 1
      return table.build()
    }
    while true {
      try checkInlineTableContinues(open: open)
      let key = try parseKey()
      guard peek() == TOMLByte.equals else { throw failure("expected \"=\" after the key", at: pos) }
      pos += 1
      skipWhitespace()
      let value = try parseValue(depth: depth + key.count)
      try insert(value, at: key, into: table)
      skipWhitespace()
      try checkInlineTableContinues(open: open)
      switch peek() {
      case TOMLByte.closeBrace?:
        pos += 1
        return table.build()
      case TOMLByte.comma?:
        let comma = pos
        pos += 1
        skipWhitespace()
        if peek() == TOMLByte.closeBrace {
          throw failure("a trailing comma is not allowed in an inline table", at: comma)
        }
      default:
        throw failure("expected \",\" or \"}\" after an inline table entry", at: pos)
      }
    }
  }

  /// Refuses the end of the file or of the line inside an inline table.
  func checkInlineTableContinues(open: Int) throws(TOMLError) {
    switch peek() {
    case nil:
      throw failure("unterminated inline table; expected \"}\"", at: open)
    case TOMLByte.lf?, TOMLByte.cr?, TOMLByte.hash?:
      throw failure("an inline table must be on a single line", at: pos)
    default:
      return
    }
  }

  // MARK: Strings

  /// Reads a `"basic string"` with escapes, on one line.
  func parseBasicString() throws(TOMLError) -> String {
    let open = pos
    pos += 1
    var text: [UInt8] = []
    while true {
      let run = pos
      advance { !Self.endsBasicRun($0) }
      if text.isEmpty, peek() == TOMLByte.quote {
        // No escapes: the common case needs no copy.
        pos += 1
        return string(run..<(pos - 1))
      }
      text.append(contentsOf: slice(run..<pos))
      switch peek() {
      case TOMLByte.quote?:
        pos += 1
        return String(decoding: text, as: UTF8.self)
      case TOMLByte.backslash?:
        try parseEscape(into: &text)
      default:
        throw failure("unterminated string; expected a closing \"", at: open)
      }
    }
  }

  /// Reads a `'literal string'`: no escapes, on one line.
  func parseLiteralString() throws(TOMLError) -> String {
    let open = pos
    pos += 1
    let run = pos
    advance { $0 != TOMLByte.apostrophe && $0 != TOMLByte.lf && $0 != TOMLByte.cr }
    guard peek() == TOMLByte.apostrophe else { throw failure("unterminated string; expected a closing '", at: open) }
    pos += 1
    return string(run..<(pos - 1))
  }

  /// Reads a `"""multi-line"""` or `'''multi-line'''` string. A newline right after the
  /// opening quotes is dropped, CRLF becomes LF, and up to two quotes may precede the closing
  /// three. In basic ones a backslash at the end of a line joins it to the next text.
  func parseMultilineString(literal: Bool) throws(TOMLError) -> String {
    let open = pos
    let delimiter = literal ? TOMLByte.apostrophe : TOMLByte.quote
    pos += 3
    _ = skipNewline()
    var text: [UInt8] = []
    while true {
      let run = pos
      advance { $0 != delimiter && $0 != TOMLByte.cr && (literal || $0 != TOMLByte.backslash) }
      text.append(contentsOf: slice(run..<pos))
      guard let byte = peek() else {
        let quotes = literal ? "'''" : "\"\"\""
        throw failure("unterminated multi-line string; expected a closing \(quotes)", at: open)
      }
      if byte == TOMLByte.cr {
        pos += 2  // The encoding check guarantees a line feed follows.
        text.append(TOMLByte.lf)
      } else if byte == TOMLByte.backslash {
        if !skipLineEndingBackslash() { try parseEscape(into: &text) }
      } else {
        var count = 0
        while peek(count) == delimiter { count += 1 }
        if count >= 3 {
          let extra = min(count, 5) - 3
          text.append(contentsOf: repeatElement(delimiter, count: extra))
          pos += extra + 3
          return String(decoding: text, as: UTF8.self)
        }
        text.append(contentsOf: repeatElement(delimiter, count: count))
        pos += count
      }
    }
  }

  /// Skips a backslash that ends a line, and all whitespace and newlines after it; false,
  /// consuming nothing, when the backslash starts an ordinary escape.
  func skipLineEndingBackslash() -> Bool {
    var index = pos + 1
    while index < bytes.count, bytes[index] == TOMLByte.space || bytes[index] == TOMLByte.tab { index += 1 }
    guard index < bytes.count, bytes[index] == TOMLByte.lf || bytes[index] == TOMLByte.cr else { return false }
    pos = index
    while pos < bytes.count {
      switch bytes[pos] {
      case TOMLByte.space, TOMLByte.tab, TOMLByte.lf, TOMLByte.cr: pos += 1
      default: return true
      }
    }
    return true
  }

  /// Reads one escape sequence at the cursor's backslash and appends its UTF-8.
  func parseEscape(into text: inout [UInt8]) throws(TOMLError) {
    let start = pos
    guard let code = peek(1) else { throw failure("unterminated string; expected a closing \"", at: start) }
    pos += 2
    switch code {
    case UInt8(ascii: "b"): text.append(0x08)
    case UInt8(ascii: "t"): text.append(0x09)
    case UInt8(ascii: "n"): text.append(0x0A)
    case UInt8(ascii: "f"): text.append(0x0C)
    case UInt8(ascii: "r"): text.append(0x0D)
    case TOMLByte.quote: text.append(TOMLByte.quote)
    case TOMLByte.backslash: text.append(TOMLByte.backslash)
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      let count = code == UInt8(ascii: "u") ? 4 : 8
      var value: UInt32 = 0
      for offset in 0..<count {
        guard let digit = peek(offset).flatMap(Self.hexValue) else {
          let escape = "\\" + String(Character(Unicode.Scalar(code)))
          throw failure("expected \(count) hexadecimal digits after \"\(escape)\"", at: start)
        }
        value = value << 4 | UInt32(digit)
      }
      guard let scalar = Unicode.Scalar(value) else {
        let written = string(start..<(pos + count))
        throw failure("\"\(written)\" is not a Unicode scalar value", at: start)
      }
      pos += count
      text.append(contentsOf: String(Character(scalar)).utf8)
    case 0x21...0x7E:
      throw failure("invalid escape sequence \"\\\(Character(Unicode.Scalar(code)))\"", at: start)
    default:
      throw failure("invalid escape sequence; write a backslash as \"\\\\\"", at: start)
    }
  }

  /// Bytes that end a run of plain text inside a basic string.
  static func endsBasicRun(_ byte: UInt8) -> Bool {
    byte == TOMLByte.quote || byte == TOMLByte.backslash || byte == TOMLByte.lf || byte == TOMLByte.cr
  }

  static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
  }

  // MARK: Numbers

  /// Reads an integer or a float; the whole token is taken first so that `1.2.3` or `12ab`
  /// is one bad number rather than a number followed by junk.
  func parseNumber() throws(TOMLError) -> TOMLValue.Kind {
    let start = pos
    advance(while: Self.isNumberByte)
    let end = pos
    guard start < end else { throw failure("expected a value", at: start) }
    let negative = bytes[start] == TOMLByte.minus
    let signed = negative || bytes[start] == TOMLByte.plus
    let body = (signed ? start + 1 : start)..<end
    if matches("inf", body) { return .float(negative ? -.infinity : .infinity) }
    if matches("nan", body) { return .float(negative ? -.nan : .nan) }

    if body.count > 2, bytes[body.lowerBound] == UInt8(ascii: "0"),
      let radix = Self.radix(bytes[body.lowerBound + 1])
    {
      if signed { throw failure("a sign is not allowed before a \(radix.name) integer", at: start) }
      guard let digits = digitGroup(body.dropFirst(2), radix: radix.base) else {
        throw invalidNumber(start..<end)
      }
      guard let magnitude = Self.magnitude(digits, radix: radix.base), magnitude <= UInt64(Int64.max) else {
        throw failure("integer \"\(written(start..<end))\" does not fit in 64 bits", at: start)
      }
      return .integer(Int64(magnitude))
    }

    // Decimal: an integer part, then an optional fraction and an optional exponent.
    var index = body.lowerBound
    skipDigitsAndUnderscores(&index, end)
    guard let integerDigits = digitGroup(body.lowerBound..<index, radix: 10) else { throw invalidNumber(start..<end) }
    if integerDigits.count > 1, integerDigits.first == UInt8(ascii: "0") {
      throw failure("leading zeros are not allowed in \"\(written(start..<end))\"", at: start)
    }
    if index == end {
      let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
      guard let magnitude = Self.magnitude(integerDigits, radix: 10), magnitude <= limit else {
        throw failure("integer \"\(written(start..<end))\" does not fit in 64 bits", at: start)
      }
      if negative { return .integer(magnitude == limit ? .min : -Int64(magnitude)) }
      return .integer(Int64(magnitude))
    }

    var decimal: [UInt8] = negative ? [TOMLByte.minus] : []
    decimal += integerDigits
    if bytes[index] == TOMLByte.dot {
      index += 1
      let fractionStart = index
      skipDigitsAndUnderscores(&index, end)
      guard let fraction = digitGroup(fractionStart..<index, radix: 10) else { throw invalidNumber(start..<end) }
      decimal.append(TOMLByte.dot)
      decimal += fraction
    }
    if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
      decimal.append(UInt8(ascii: "e"))
      index += 1
      if index < end, bytes[index] == TOMLByte.plus || bytes[index] == TOMLByte.minus {
        decimal.append(bytes[index])
        index += 1
      }
      let exponentStart = index
      skipDigitsAndUnderscores(&index, end)
      guard let exponent = digitGroup(exponentStart..<index, radix: 10) else { throw invalidNumber(start..<end) }
      decimal += exponent
    }
    guard index == end, let value = Double(String(decoding: decimal, as: UTF8.self)) else {
      throw invalidNumber(start..<end)
    }
    guard value.isFinite else { throw failure("float \"\(written(start..<end))\" is too large", at: start) }
    return .float(value)
  }

  /// Bytes that may belong to a number token: digits, letters (`e`, `0x`, `inf`), `_ . + -`.
  static func isNumberByte(_ byte: UInt8) -> Bool {
    TOMLByte.isDigit(byte) || TOMLByte.isLetter(byte) || byte == TOMLByte.underscore || byte == TOMLByte.dot
      || byte == TOMLByte.plus || byte == TOMLByte.minus
  }

  /// Whether the bytes in `range` spell the ASCII `word`.
  func matches(_ word: StaticString, _ range: Range<Int>) -> Bool {
    guard range.count == word.utf8CodeUnitCount else { return false }
    var index = range.lowerBound
    for byte in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
      if bytes[index] != byte { return false }
      index += 1
    }
    return true
  }

  func skipDigitsAndUnderscores(_ index: inout Int, _ end: Int) {
    while index < end, TOMLByte.isDigit(bytes[index]) || bytes[index] == TOMLByte.underscore { index += 1 }
  }

  /// A number as written, shortened so a runaway token does not flood the message.
  func written(_ range: Range<Int>) -> String {
    let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[range.prefix(40)]), as: UTF8.self)
    return range.count > 40 ? shown + "…" : shown
  }

  func invalidNumber(_ range: Range<Int>) -> TOMLError {
    failure("invalid number \"\(written(range))\"", at: range.lowerBound)
  }

  /// The base named by the letter after a leading `0`, as in `0x`, `0o` and `0b`.
  static func radix(_ letter: UInt8) -> (base: UInt64, name: String)? {
    switch letter {
    case UInt8(ascii: "x"): (16, "hexadecimal")
    case UInt8(ascii: "o"): (8, "octal")
    case UInt8(ascii: "b"): (2, "binary")
    default: nil
    }
  }

  /// The digits in `range` without underscores, or nil unless they are one or more digits of
  /// `radix` with each underscore between two digits.
  func digitGroup(_ range: Range<Int>, radix: UInt64) -> [UInt8]? {
    var digits: [UInt8] = []
    digits.reserveCapacity(range.count)
    var afterDigit = false
    for index in range {
      let byte = bytes[index]
      if byte == TOMLByte.underscore {
        guard afterDigit else { return nil }
        afterDigit = false
      } else {
        guard let value = Self.hexValue(byte), UInt64(value) < radix else { return nil }
        digits.append(byte)
        afterDigit = true
      }
    }
    return afterDigit ? digits : nil
  }

  /// The value of validated digits, or nil when it overflows 64 bits.
  static func magnitude(_ digits: [UInt8], radix: UInt64) -> UInt64? {
    var result: UInt64 = 0
    for byte in digits {
      let shifted = result.multipliedReportingOverflow(by: radix)
      let sum = shifted.partialValue.addingReportingOverflow(UInt64(hexValue(byte) ?? 0))
      if shifted.overflow || sum.overflow { return nil }
      result = sum.partialValue
    }
    return result
  }

  // MARK: Dates and times

  func isDigits(at offset: Int, count: Int) -> Bool {
    guard offset >= 0, offset + count <= bytes.count else { return false }
    for index in offset..<(offset + count) where !TOMLByte.isDigit(bytes[index]) { return false }
    return true
  }

  /// The decimal value of `count` digits at `offset`, or nil if any is not a digit.
  func number(at offset: Int, count: Int) -> Int? {
    guard isDigits(at: offset, count: count) else { return nil }
    var value = 0
    for index in offset..<(offset + count) { value = value * 10 + Int(bytes[index] - 0x30) }
    return value
  }

  /// Reads a local date, a local date-time or an offset date-time.
  func parseDate() throws(TOMLError) -> TOMLValue.Kind {
    let start = pos
    guard let year = number(at: start, count: 4), peek(4) == TOMLByte.minus,
      let month = number(at: start + 5, count: 2), peek(7) == TOMLByte.minus,
      let day = number(at: start + 8, count: 2)
    else {
      throw failure("invalid date; expected YYYY-MM-DD", at: start)
    }
    // RFC 3339 allows year 0000, but toml-test and common parsers refuse it.
    guard year >= 1 else { throw failure("year 0000 is out of range (0001-9999)", at: start) }
    guard (1...12).contains(month) else {
      throw failure("month \(tomlPadded(month, 2)) is out of range (01-12)", at: start + 5)
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let lastDay = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    guard (1...lastDay).contains(day) else {
      let yearMonth = "\(tomlPadded(year, 4))-\(tomlPadded(month, 2))"
      throw failure("day \(tomlPadded(day, 2)) is out of range for \(yearMonth) (01-\(lastDay))", at: start + 8)
    }
    pos += 10
    let date = TOMLDate(year: year, month: month, day: day)

    // The spec allows a space instead of the `T`; a digit after it shows a time follows.
    switch peek() {
    case UInt8(ascii: "T")?, UInt8(ascii: "t")?:
      pos += 1
    case TOMLByte.space? where peek(1).map(TOMLByte.isDigit) == true:
      pos += 1
    default:
      return .localDate(date)
    }
    let time = try parseTime()

    switch peek() {
    case UInt8(ascii: "Z")?, UInt8(ascii: "z")?:
      pos += 1
      return .offsetDateTime(date, time, offsetSeconds: 0)
    case let sign? where sign == TOMLByte.plus || sign == TOMLByte.minus:
      guard let hours = number(at: pos + 1, count: 2), peek(3) == TOMLByte.colon,
        let minutes = number(at: pos + 4, count: 2)
      else {
        throw failure("invalid offset; expected Z or ±HH:MM", at: pos)
      }
      guard hours <= 23 else {
        throw failure("offset hour \(tomlPadded(hours, 2)) is out of range (00-23)", at: pos + 1)
      }
      guard minutes <= 59 else {
        throw failure("offset minute \(tomlPadded(minutes, 2)) is out of range (00-59)", at: pos + 4)
      }
      pos += 6
      let seconds = hours * 3600 + minutes * 60
      return .offsetDateTime(date, time, offsetSeconds: sign == TOMLByte.minus ? -seconds : seconds)
    default:
      return .localDateTime(date, time)
    }
  }

  /// Reads `HH:MM:SS` with an optional fraction; TOML 1.0 requires the seconds.
  func parseTime() throws(TOMLError) -> TOMLTime {
    let start = pos
    guard let hour = number(at: start, count: 2), peek(2) == TOMLByte.colon,
      let minute = number(at: start + 3, count: 2), peek(5) == TOMLByte.colon,
      let second = number(at: start + 6, count: 2)
    else {
      throw failure("invalid time; expected HH:MM:SS (TOML requires the seconds)", at: start)
    }
    guard hour <= 23 else { throw failure("hour \(tomlPadded(hour, 2)) is out of range (00-23)", at: start) }
    guard minute <= 59 else { throw failure("minute \(tomlPadded(minute, 2)) is out of range (00-59)", at: start + 3) }
    // RFC 3339, which TOML follows, allows a leap second.
    guard second <= 60 else { throw failure("second \(tomlPadded(second, 2)) is out of range (00-60)", at: start + 6) }
    pos += 8

    var nanosecond = 0
    if peek() == TOMLByte.dot {
      let point = pos
      pos += 1
      var digits = 0
      while let byte = peek(), TOMLByte.isDigit(byte) {
        // Digits beyond nanoseconds are dropped, as the spec allows.
        if digits < 9 {
          nanosecond = nanosecond * 10 + Int(byte - 0x30)
          digits += 1
        }
        pos += 1
      }
      guard pos > point + 1 else { throw failure("expected digits after the decimal point of the time", at: point) }
      while digits < 9 {
        nanosecond *= 10
        digits += 1
      }
    }
    return TOMLTime(hour: hour, minute: minute, second: second, nanosecond: nanosecond)
  }
}

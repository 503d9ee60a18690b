/// A parsed TOML file: its root table.
///
/// Exists so callers can hold "a config file" as one value; everything of interest is in
/// `root`, whose location is line 1, column 1 of the file.
public struct TOMLDocument: Sendable, Equatable {
  public var root: TOMLTable

  public init(root: TOMLTable) {
    self.root = root
  }

  /// Parses `text`, naming `file` in every location.
  public init(parsing text: String, file: String) throws(TOMLError) {
    root = try TOMLParser.parse(text, file: file)
  }

  /// Parses raw bytes, so that invalid UTF-8 is reported with its line and column.
  public init(bytes: [UInt8], file: String) throws(TOMLError) {
    root = try TOMLParser.parse(bytes: bytes, file: file)
  }

  public subscript(key: String) -> TOMLEntry? { root[key] }
}

/// A TOML table: its keys in source order, each with where it was written.
public struct TOMLTable: Sendable, Equatable {
  /// Entries in source order; keys unique.
  public var entries: [TOMLEntry]
  /// Where the table was opened: its `[header]`, its `{`, or line 1 column 1 for the root.
  ///
  /// A table that was only implied (the `a` of `[a.b]` or of `a.b = 1`) is located at the key
  /// that implied it.
  public var location: SourceLocation

  public init(entries: [TOMLEntry] = [], location: SourceLocation) {
    self.entries = entries
    self.location = location
  }

  /// The entry named `key`, found by a linear scan: config tables are small.
  public subscript(key: String) -> TOMLEntry? {
    for entry in entries where entry.key == key { return entry }
    return nil
  }

  /// The keys in source order.
  public var keys: [String] { entries.map(\.key) }
}

/// One key of a table with its value and where the key was written.
public struct TOMLEntry: Sendable, Equatable {
  public var key: String
  /// Where the key starts; for a dotted key `a.b.c`, where this entry's own part starts.
  /// Columns are 1-based and count Unicode scalars.
  public var keyLocation: SourceLocation
  public var value: TOMLValue

  public init(key: String, keyLocation: SourceLocation, value: TOMLValue) {
    self.key = key
    self.keyLocation = keyLocation
    self.value = value
  }
}

/// A TOML value and where it starts, so a config error can point at it.
public struct TOMLValue: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case localDate(TOMLDate)
    case localTime(TOMLTime)
    case localDateTime(TOMLDate, TOMLTime)
    /// A date-time with an offset from UTC; `Z` is an offset of 0.
    case offsetDateTime(TOMLDate, TOMLTime, offsetSeconds: Int)
    case array([TOMLValue])
    case table(TOMLTable)
  }

  public var kind: Kind
  /// Where the value starts: its first character, the `[[header]]` of an array of tables, or
  /// the `[header]` of a table.
  public var location: SourceLocation

  public init(_ kind: Kind, location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// The name of the value's type as a config error would say it: "string", "integer",
  /// "float", "boolean", "date", "time", "date-time", "array" or "table".
  public var typeName: String {
    switch kind {
    case .string: "string"
    case .integer: "integer"
    case .float: "float"
    case .boolean: "boolean"
    case .localDate: "date"
    case .localTime: "time"
    case .localDateTime, .offsetDateTime: "date-time"
    case .array: "array"
    case .table: "table"
    }
  }

  // The typed readers below but `arrayValue` serve the parser's tests only (the config parser
  // matches on `kind`): package, not public API.
  package var stringValue: String? {
    if case .string(let value) = kind { return value }
    return nil
  }

  package var integerValue: Int64? {
    if case .integer(let value) = kind { return value }
    return nil
  }

  package var floatValue: Double? {
    if case .float(let value) = kind { return value }
    return nil
  }

  package var booleanValue: Bool? {
    if case .boolean(let value) = kind { return value }
    return nil
  }

  public var arrayValue: [TOMLValue]? {
    if case .array(let value) = kind { return value }
    return nil
  }

  package var tableValue: TOMLTable? {
    if case .table(let value) = kind { return value }
    return nil
  }
}

/// A calendar date, already checked to exist (no February 30).
public struct TOMLDate: Sendable, Equatable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int

  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// `YYYY-MM-DD`, as TOML writes it.
  public var description: String {
    "\(tomlPadded(year, 4))-\(tomlPadded(month, 2))-\(tomlPadded(day, 2))"
  }
}

/// A time of day; `nanosecond` keeps at most nine digits of the fraction.
public struct TOMLTime: Sendable, Equatable, CustomStringConvertible {
  public var hour: Int
  public var minute: Int
  public var second: Int
  public var nanosecond: Int

  public init(hour: Int, minute: Int, second: Int = 0, nanosecond: Int = 0) {
    self.hour = hour
    self.minute = minute
    self.second = second
    self.nanosecond = nanosecond
  }

  /// `HH:MM:SS`, with the fraction only when there is one.
  public var description: String {
    var text = "\(tomlPadded(hour, 2)):\(tomlPadded(minute, 2)):\(tomlPadded(second, 2))"
    if nanosecond > 0 {
      var fraction = tomlPadded(nanosecond, 9)
      while fraction.hasSuffix("0") { fraction.removeLast() }
      text += "." + fraction
    }
    return text
  }
}

/// A syntax or structure error in a TOML file, always with line and column.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
  public var location: SourceLocation
  /// A short lowercase sentence without a trailing period, e.g. `expected "=" after the key`.
  public var message: String

  public init(location: SourceLocation, message: String) {
    self.location = location
    self.message = message
  }

  public var description: String { "\(location): \(message)" }
}

/// `value` in decimal, zero-padded on the left to `width` digits.
func tomlPadded(_ value: Int, _ width: Int) -> String {
  let digits = String(value)
  return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// Parses TOML 1.0 into tables whose every key and value knows its file, line and column.
///
/// Written by hand because config errors must point at the offending value, and no
/// available TOML package keeps positions. The parser works on UTF-8 bytes in one pass,
/// never recurses deeper than `maxDepth` containers, and never traps on hostile input.
public enum TOMLParser {
  /// The deepest nesting of arrays and tables accepted, so a fuzzer cannot exhaust the stack.
  public static let maxDepth = 128

  /// Parses `text`, naming `file` in every location and error.
  public static func parse(_ text: String, file: String) throws(TOMLError) -> TOMLTable {
    try parse(bytes: Array(text.utf8), file: file)
  }

  /// Parses raw file bytes; invalid UTF-8, a NUL or another control character is an error
  /// at its line and column. A leading byte-order mark is skipped.
  public static func parse(bytes: [UInt8], file: String) throws(TOMLError) -> TOMLTable {
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    // Reading through a buffer pointer keeps debug builds fast: an array subscript there
    // costs a retain and a release per byte. The reader never outlives this call.
    return try bytes.withUnsafeBufferPointer { (buffer) throws(TOMLError) -> TOMLTable in
      let reader = TOMLReader(bytes: UnsafeBufferPointer(rebasing: buffer[start...]), file: file)
      return try reader.parseDocument()
    }
  }
}

/// The bytes the grammar is written in, named so the code reads like the spec.
enum TOMLByte {
  static let tab: UInt8 = 0x09
  static let lf: UInt8 = 0x0A
  static let cr: UInt8 = 0x0D
  static let space: UInt8 = 0x20
  static let quote = UInt8(ascii: "\"")
  static let apostrophe = UInt8(ascii: "'")
  static let hash = UInt8(ascii: "#")
  static let equals = UInt8(ascii: "=")
  static let dot = UInt8(ascii: ".")
  static let comma = UInt8(ascii: ",")
  static let colon = UInt8(ascii: ":")
  static let plus = UInt8(ascii: "+")
  static let minus = UInt8(ascii: "-")
  static let underscore = UInt8(ascii: "_")
  static let backslash = UInt8(ascii: "\\")
  static let openBracket = UInt8(ascii: "[")
  static let closeBracket = UInt8(ascii: "]")
  static let openBrace = UInt8(ascii: "{")
  static let closeBrace = UInt8(ascii: "}")

  static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

  /// Bare keys are ASCII letters, digits, `_` and `-`.
  static func isBareKey(_ byte: UInt8) -> Bool {
    isLetter(byte) || isDigit(byte) || byte == underscore || byte == minus
  }

  /// The length of the well-formed UTF-8 sequence starting at `index`, or 0 when it is not
  /// one (overlong forms, surrogates and values above U+10FFFF included).
  static func utf8SequenceLength(_ bytes: TOMLBytes, at index: Int) -> Int {
    func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
      index + offset < bytes.count && (low...high).contains(bytes[index + offset])
    }
    switch bytes[index] {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: return continuation(1) ? 2 : 0
    case 0xE0: return continuation(1, 0xA0) && continuation(2) ? 3 : 0
    case 0xED: return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
    case 0xE1...0xEF: return continuation(1) && continuation(2) ? 3 : 0
    case 0xF0: return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF4: return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
    default: return 0
    }
  }
}

/// A table while the document is still being read, with what the spec's redefinition rules
/// need to know: how the table came to exist.
final class TOMLTableBuilder {
  /// How a table came to exist; it decides whether a header or a dotted key may reopen it.
  enum Origin {
    case root
    /// Implied by a longer header (`a` in `[a.b]`); one later `[a]` may still define it.
    case implicit
    /// Defined by its own `[header]`.
    case header
    /// Created by a dotted key (`a` in `a.b = 1`); no header may define it, though `[a.c]`
    /// may still add a sub-table.
    case dotted
    /// An inline `{ }` table, closed once its `}` is read.
    case inline
    /// One `[[element]]` of an array of tables.
    case arrayElement
  }

  /// A growing array of tables, a class so that appending does not copy the elements.
  final class TableArray {
    private(set) var elements: [TOMLTableBuilder]
    /// The element that headers below the array extend; never missing, unlike `elements.last`.
    private(set) var last: TOMLTableBuilder
    let location: SourceLocation

    init(first: TOMLTableBuilder) {
      elements = [first]
      last = first
      location = first.location
    }

    func append(_ element: TOMLTableBuilder) {
      elements.append(element)
      last = element
    }
  }

  enum Item {
    case value(TOMLValue)
    case table(TOMLTableBuilder)
    case tableArray(TableArray)
  }

  struct Slot {
    var keyLocation: SourceLocation
    var item: Item
  }

  var origin: Origin
  var location: SourceLocation
  /// How many tables enclose this one; the root is 0.
  let depth: Int
  /// The key path as a header would write it, for messages about redefined tables.
  let path: String
  private(set) var order: [String] = []
  private(set) var slots: [String: Slot] = [:]

  init(origin: Origin, location: SourceLocation, depth: Int, path: String) {
    self.origin = origin
    self.location = location
    self.depth = depth
    self.path = path
  }

  func insert(_ key: String, _ slot: Slot) {
    order.append(key)
    slots[key] = slot
  }

  /// The finished table; recursion is bounded because tables nest at most `maxDepth` deep.
  func build() -> TOMLTable {
    var entries: [TOMLEntry] = []
    entries.reserveCapacity(order.count)
    for key in order {
      guard let slot = slots[key] else { continue }
      let value: TOMLValue
      switch slot.item {
      case .value(let plain):
        value = plain
      case .table(let table):
        value = TOMLValue(.table(table.build()), location: table.location)
      case .tableArray(let array):
        let tables = array.elements.map { TOMLValue(.table($0.build()), location: $0.location) }
        value = TOMLValue(.array(tables), location: array.location)
      }
      entries.append(TOMLEntry(key: key, keyLocation: slot.keyLocation, value: value))
    }
    return TOMLTable(entries: entries, location: location)
  }
}

/// One part of a possibly dotted key, with where it was written.
struct TOMLKeyPart {
  var name: String
  var location: SourceLocation
  /// The byte offset of the part, for errors.
  var offset: Int
}

/// The document's bytes, read only while `TOMLParser.parse` holds the array they belong to.
typealias TOMLBytes = UnsafeBufferPointer<UInt8>

/// The cursor over the document's bytes; value syntax lives in TOMLValueSyntax.swift.
///
/// A class rather than a struct so that debug builds do not copy its fields on every call.
final class TOMLReader {
  /// Every read is bounds-checked by the code (`pos < bytes.count` or `peek`), never assumed.
  let bytes: TOMLBytes
  let file: String
  var pos = 0
  let root: TOMLTableBuilder
  /// The table that key/value lines go into: the root, or the last `[header]`'s table.
  var current: TOMLTableBuilder
  /// The last position turned into a line and column; locations are asked for in reading
  /// order, so counting on from here keeps the whole parse linear.
  private var mark = (offset: 0, line: 1, column: 1)

  init(bytes: TOMLBytes, file: String) {
    self.bytes = bytes
    self.file = file
    root = TOMLTableBuilder(
      origin: .root, location: SourceLocation(file: file, line: 1, column: 1), depth: 0, path: "")
    current = root
  }

  // MARK: Positions and errors

  func peek(_ offset: Int = 0) -> UInt8? {
    let index = pos + offset
    return index < bytes.count ? bytes[index] : nil
  }

  /// The line and column of byte `offset`; columns count Unicode scalars from 1.
  func location(at offset: Int) -> SourceLocation {
    if offset < mark.offset { mark = (0, 1, 1) }
    var (index, line, column) = mark
    let end = min(offset, bytes.count)
    while index < end {
      let byte = bytes[index]
      if byte == TOMLByte.lf {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
      index += 1
    }
    mark = (index, line, column)
    return SourceLocation(file: file, line: line, column: column)
  }

  func here() -> SourceLocation { location(at: pos) }

  /// The bytes in `range`, without the generic `Slice` that is slow in debug builds.
  func slice(_ range: Range<Int>) -> TOMLBytes { TOMLBytes(rebasing: bytes[range]) }

  /// The text in `range`; the encoding check has made sure it is valid UTF-8.
  func string(_ range: Range<Int>) -> String { String(decoding: slice(range), as: UTF8.self) }

  func failure(_ message: String, at offset: Int) -> TOMLError {
    TOMLError(location: location(at: offset), message: message)
  }

  // MARK: Whitespace, comments and line ends

  /// Moves the cursor past the bytes `accepts`; counting in a local keeps debug builds from
  /// checking exclusive access to `pos` at every byte.
  func advance(while accepts: (UInt8) -> Bool) {
    var index = pos
    while index < bytes.count, accepts(bytes[index]) { index += 1 }
    pos = index
  }

  func skipWhitespace() {
    advance { $0 == TOMLByte.space || $0 == TOMLByte.tab }
  }

  /// Skips to the end of the line; the encoding check has already refused control characters.
  func skipComment() {
    advance { $0 != TOMLByte.lf && $0 != TOMLByte.cr }
  }

  /// Consumes one LF or CRLF; false when the cursor is not at a line end.
  func skipNewline() -> Bool {
    if peek() == TOMLByte.lf {
      pos += 1
      return true
    }
    if peek() == TOMLByte.cr, peek(1) == TOMLByte.lf {
      pos += 2
      return true
    }
    return false
  }

  /// Skips whitespace, comments and newlines, as allowed between array elements.
  func skipBlankLines() {
    while true {
      skipWhitespace()
      if peek() == TOMLByte.hash { skipComment() }
      if !skipNewline() { return }
    }
  }

  /// Requires the rest of the line to be blank or a comment, then consumes its newline.
  func finishLine(after what: String) throws(TOMLError) {
    skipWhitespace()
    if peek() == TOMLByte.hash { skipComment() }
    if pos >= bytes.count || skipNewline() { return }
    throw failure("expected a newline or a comment after the \(what)", at: pos)
  }

  // MARK: Encoding

  /// Refuses invalid UTF-8 and control characters anywhere up front, so the grammar below
  /// can treat every byte sequence as a well-formed scalar.
  func checkEncoding() throws(TOMLError) {
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte >= 0x80 {
        let length = TOMLByte.utf8SequenceLength(bytes, at: index)
        guard length > 0 else { throw failure("invalid UTF-8", at: index) }
        index += length
        continue
      }
      if byte == TOMLByte.cr {
        guard index + 1 < bytes.count, bytes[index + 1] == TOMLByte.lf else {
          throw failure("a carriage return must be followed by a line feed", at: index)
        }
      } else if byte == 0 {
        throw failure("a NUL byte is not allowed", at: index)
      } else if (byte < 0x20 && byte != TOMLByte.tab && byte != TOMLByte.lf) || byte == 0x7F {
        let code = String(byte, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 4 - code.count) + code
        throw failure("control character U+\(padded) is not allowed", at: index)
      }
      index += 1
    }
  }

  // MARK: Document structure

  func parseDocument() throws(TOMLError) -> TOMLTable {
    try checkEncoding()
    while pos < bytes.count {
      skipWhitespace()
      guard let byte = peek() else { break }
      switch byte {
      case TOMLByte.hash, TOMLByte.lf, TOMLByte.cr:
        try finishLine(after: "comment")
      case TOMLByte.openBracket:
        try parseHeader()
        try finishLine(after: "table header")
      default:
        try parseKeyValue(into: current)
        try finishLine(after: "value")
      }
    }
    return root.build()
  }

  /// Reads `key = value` and adds it to `table`.
  func parseKeyValue(into table: TOMLTableBuilder) throws(TOMLError) {
    let key = try parseKey()
    guard peek() == TOMLByte.equals else { throw failure("expected \"=\" after the key", at: pos) }
    pos += 1
    skipWhitespace()
    let value = try parseValue(depth: table.depth + key.count)
    try insert(value, at: key, into: table)
  }

  /// Reads `[a.b]` or `[[a.b]]` and makes its table the current one.
  func parseHeader() throws(TOMLError) {
    let start = pos
    let location = here()
    let isArray = peek(1) == TOMLByte.openBracket
    pos += isArray ? 2 : 1
    skipWhitespace()
    let key = try parseKey()
    if isArray {
      guard peek() == TOMLByte.closeBracket, peek(1) == TOMLByte.closeBracket else {
        throw failure("expected \"]]\" to close the array of tables header", at: pos)
      }
      pos += 2
    } else {
      guard peek() == TOMLByte.closeBracket else { throw failure("expected \"]\" to close the table header", at: pos) }
      pos += 1
    }
    guard let last = key.last else { throw failure("expected a key", at: pos) }

    var table = root
    for index in key.indices.dropLast() {
      table = try headerChild(of: table, key[...index])
    }
    guard let slot = table.slots[last.name] else {
      current = try newTable(in: table, last, origin: isArray ? .arrayElement : .header, location: location)
      return
    }
    switch slot.item {
    case .table(let child) where !isArray && child.origin == .implicit:
      child.origin = .header
      child.location = location
      current = child
    case .table(let child) where !isArray:
      throw failure("table [\(child.path)] is already defined at line \(child.location.line)", at: start)
    case .tableArray(let array) where isArray:
      guard table.depth + 1 <= TOMLParser.maxDepth else { throw tooDeep(at: last.offset) }
      let element = TOMLTableBuilder(
        origin: .arrayElement, location: location, depth: table.depth + 1, path: Self.display(key))
      array.append(element)
      current = element
    default:
      throw clash(key[...], slot.item, line: slot.keyLocation.line)
    }
  }

  /// The table a header walks through at `path.last`, creating it as implicit if missing.
  func headerChild(of table: TOMLTableBuilder, _ path: ArraySlice<TOMLKeyPart>) throws(TOMLError)
    -> TOMLTableBuilder
  {
    guard let part = path.last else { return table }
    guard let slot = table.slots[part.name] else {
      return try newTable(in: table, part, origin: .implicit, location: part.location)
    }
    switch slot.item {
    case .table(let child):
      return child
    case .tableArray(let array):
      // A header below an array of tables extends its last element, as `[fruit.physical]`
      // after `[[fruit]]` does in the spec.
      return array.last
    case .value:
      throw clash(path, slot.item, line: slot.keyLocation.line)
    }
  }

  /// Adds `value` under a possibly dotted `key`, creating the tables the dots imply.
  func insert(_ value: TOMLValue, at key: [TOMLKeyPart], into table: TOMLTableBuilder) throws(TOMLError) {
    guard let last = key.last else { return }
    var table = table
    for index in key.indices.dropLast() {
      table = try dottedChild(of: table, key[...index])
    }
    if let existing = table.slots[last.name] {
      throw failure(
        "key \"\(Self.display(key))\" is already defined at line \(existing.keyLocation.line)", at: last.offset)
    }
    table.insert(last.name, .init(keyLocation: last.location, item: .value(value)))
  }

  /// The table a dotted key walks through at `path.last`. Dotted keys may not reopen a table
  /// that a header defined, nor an inline table, nor an array of tables.
  func dottedChild(of table: TOMLTableBuilder, _ path: ArraySlice<TOMLKeyPart>) throws(TOMLError)
    -> TOMLTableBuilder
  {
    guard let part = path.last else { return table }
    guard let slot = table.slots[part.name] else {
      return try newTable(in: table, part, origin: .dotted, location: part.location)
    }
    guard case .table(let child) = slot.item else { throw clash(path, slot.item, line: slot.keyLocation.line) }
    switch child.origin {
    case .dotted:
      return child
    case .implicit:
      // Implied by a longer header and not defined yet: the dotted key defines it now.
      child.origin = .dotted
      child.location = part.location
      return child
    case .root, .header, .inline, .arrayElement:
      throw failure(
        "table [\(child.path)] is already defined at line \(child.location.line) "
          + "and cannot be extended with dotted keys",
        at: part.offset)
    }
  }

  /// Creates a table under `part` in `parent`, refusing to nest deeper than `maxDepth`.
  func newTable(
    in parent: TOMLTableBuilder, _ part: TOMLKeyPart, origin: TOMLTableBuilder.Origin, location: SourceLocation
  ) throws(TOMLError) -> TOMLTableBuilder {
    guard parent.depth + 1 <= TOMLParser.maxDepth else { throw tooDeep(at: part.offset) }
    let name = Self.display(CollectionOfOne(part))
    let path = parent.path.isEmpty ? name : parent.path + "." + name
    let child = TOMLTableBuilder(origin: origin, location: location, depth: parent.depth + 1, path: path)
    let item: TOMLTableBuilder.Item =
      origin == .arrayElement ? .tableArray(.init(first: child)) : .table(child)
    parent.insert(part.name, .init(keyLocation: part.location, item: item))
    return child
  }

  func tooDeep(at offset: Int) -> TOMLError {
    failure("nesting is too deep (more than \(TOMLParser.maxDepth) levels)", at: offset)
  }

  /// The error for a key that is already something other than what the document needs here.
  func clash(_ path: ArraySlice<TOMLKeyPart>, _ item: TOMLTableBuilder.Item, line: Int) -> TOMLError {
    let what: String
    switch item {
    case .value(let value): what = value.kindWithArticle
    case .table: what = "a table"
    case .tableArray: what = "an array of tables"
    }
    let offset = path.last?.offset ?? pos
    return failure("key \"\(Self.display(path))\" is already defined at line \(line) as \(what)", at: offset)
  }

  // MARK: Keys

  /// Reads a possibly dotted key and the whitespace after it.
  func parseKey() throws(TOMLError) -> [TOMLKeyPart] {
    var parts: [TOMLKeyPart] = []
    while true {
      parts.append(try parseSimpleKey())
      skipWhitespace()
      guard peek() == TOMLByte.dot else { return parts }
      pos += 1
      skipWhitespace()
    }
  }

  func parseSimpleKey() throws(TOMLError) -> TOMLKeyPart {
    let start = pos
    let location = here()
    let name: String
    switch peek() {
    case TOMLByte.quote?:
      if peek(1) == TOMLByte.quote, peek(2) == TOMLByte.quote {
        throw failure("a key cannot be a multi-line string", at: start)
      }
      name = try parseBasicString()
    case TOMLByte.apostrophe?:
      if peek(1) == TOMLByte.apostrophe, peek(2) == TOMLByte.apostrophe {
        throw failure("a key cannot be a multi-line string", at: start)
      }
      name = try parseLiteralString()
    case let byte? where TOMLByte.isBareKey(byte):
      advance(while: TOMLByte.isBareKey)
      name = string(start..<pos)
    case let byte? where byte >= 0x80:
      throw failure("expected a key; quote keys that use characters other than A-Z, a-z, 0-9, _ and -", at: start)
    default:
      throw failure("expected a key", at: start)
    }
    return TOMLKeyPart(name: name, location: location, offset: start)
  }

  /// A key path as a TOML author would write it: bare where possible, quoted otherwise.
  static func display(_ parts: some Collection<TOMLKeyPart>) -> String {
    parts.map { part -> String in
      let name = part.name
      if !name.isEmpty, name.utf8.allSatisfy(TOMLByte.isBareKey) { return name }
      if name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && $0 != "'" }) {
        return "'\(name)'"
      }
      return name.debugDescription
    }.joined(separator: ".")
  }
}

extension TOMLValue {
  /// The value's type with an article, for messages like "already defined as an integer".
  var kindWithArticle: String {
    switch kind {
    case .integer: "an integer"
    case .array: "an array"
    case .table: "an inline table"
    default: "a \(typeName)"
    }
  }
}

import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

private func parse(_ text: String) throws(TOMLError) -> TOMLTable {
  try TOMLParser.parse(text, file: "c.toml")
}

/// The error parsing `text` throws, or nil when it parses.
private func failure(_ text: String) -> TOMLError? {
  failure(bytes: Array(text.utf8))
}

private func failure(bytes: [UInt8]) -> TOMLError? {
  do {
    _ = try TOMLParser.parse(bytes: bytes, file: "c.toml")
    return nil
  } catch {
    return error
  }
}

private func at(_ line: Int, _ column: Int) -> TOML.SourceLocation {
  SourceLocation(file: "c.toml", line: line, column: column)
}

private func date(_ year: Int, _ month: Int, _ day: Int) -> TOMLDate {
  TOMLDate(year: year, month: month, day: day)
}

private func time(_ hour: Int, _ minute: Int, _ second: Int, _ nanosecond: Int = 0) -> TOMLTime {
  TOMLTime(hour: hour, minute: minute, second: second, nanosecond: nanosecond)
}

/// A value written after `v = ` and what it must parse to.
struct ValueCase: Sendable, CustomTestStringConvertible {
  var source: String
  var expected: TOMLValue.Kind
  var testDescription: String { source }

  init(_ source: String, _ expected: TOMLValue.Kind) {
    self.source = source
    self.expected = expected
  }
}

/// A document that must fail, where, and with which message.
struct ErrorCase: Sendable, CustomTestStringConvertible {
  var source: String
  var line: Int
  var column: Int
  var message: String
  var testDescription: String { source.debugDescription }

  init(_ source: String, _ line: Int, _ column: Int, _ message: String) {
    self.source = source
    self.line = line
    self.column = column
    self.message = message
  }
}

@Suite("parsing TOML", .timeLimit(.minutes(3)))
struct TOMLParserTests {
  // MARK: Values

  @Test(
    "each kind of value parses",
    arguments: [
      ValueCase(#""hello""#, .string("hello")),
      ValueCase(#""""#, .string("")),
      ValueCase(#"'C:\Users\nodejs\templates'"#, .string(#"C:\Users\nodejs\templates"#)),
      ValueCase(#"'<\i\c*\s*>'"#, .string(#"<\i\c*\s*>"#)),
      ValueCase(#""tab\there""#, .string("tab\there")),
      ValueCase(#""\b\t\n\f\r\"\\""#, .string("\u{8}\t\n\u{C}\r\"\\")),
      ValueCase(#""\u00E9 \U0001F600 \u0000""#, .string("é 😀 \u{0}")),
      ValueCase("\"gr\u{FC}\u{DF}e \u{1F33F}\"", .string("grüße 🌿")),
      ValueCase("42", .integer(42)),
      ValueCase("+17", .integer(17)),
      ValueCase("-17", .integer(-17)),
      ValueCase("0", .integer(0)),
      ValueCase("-0", .integer(0)),
      ValueCase("1_000_000", .integer(1_000_000)),
      ValueCase("0xDEAD_beef", .integer(0xDEAD_BEEF)),
      ValueCase("0o755", .integer(0o755)),
      ValueCase("0b1101", .integer(13)),
      ValueCase("0x7FFFFFFFFFFFFFFF", .integer(.max)),
      ValueCase("9223372036854775807", .integer(.max)),
      ValueCase("-9223372036854775808", .integer(.min)),
      ValueCase("3.14", .float(3.14)),
      ValueCase("-0.01", .float(-0.01)),
      ValueCase("5e+22", .float(5e22)),
      ValueCase("1e06", .float(1e6)),
      ValueCase("-2E-2", .float(-0.02)),
      ValueCase("6.626e-34", .float(6.626e-34)),
      ValueCase("224_617.445_991", .float(224_617.445_991)),
      ValueCase("0e0", .float(0)),
      ValueCase("inf", .float(.infinity)),
      ValueCase("+inf", .float(.infinity)),
      ValueCase("-inf", .float(-.infinity)),
      ValueCase("true", .boolean(true)),
      ValueCase("false", .boolean(false)),
      ValueCase("2026-11-01", .localDate(date(2026, 11, 1))),
      ValueCase("2024-02-29", .localDate(date(2024, 2, 29))),
      ValueCase("07:32:00", .localTime(time(7, 32, 0))),
      ValueCase("00:32:00.999999", .localTime(time(0, 32, 0, 999_999_000))),
      ValueCase("23:59:60", .localTime(time(23, 59, 60))),
      ValueCase("1979-05-27T07:32:00", .localDateTime(date(1979, 5, 27), time(7, 32, 0))),
      ValueCase("1979-05-27 07:32:00", .localDateTime(date(1979, 5, 27), time(7, 32, 0))),
      ValueCase("1979-05-27T07:32:00Z", .offsetDateTime(date(1979, 5, 27), time(7, 32, 0), offsetSeconds: 0)),
      ValueCase("1979-05-27t07:32:00z", .offsetDateTime(date(1979, 5, 27), time(7, 32, 0), offsetSeconds: 0)),
      ValueCase(
        "1979-05-27 00:32:00-07:00", .offsetDateTime(date(1979, 5, 27), time(0, 32, 0), offsetSeconds: -25_200)),
      ValueCase(
        "1979-05-27T00:32:00.5+05:30",
        .offsetDateTime(date(1979, 5, 27), time(0, 32, 0, 500_000_000), offsetSeconds: 19_800)),
      ValueCase(
        "1979-05-27T07:32:00.1234567891Z",
        .offsetDateTime(date(1979, 5, 27), time(7, 32, 0, 123_456_789), offsetSeconds: 0)),
    ])
  func values(_ test: ValueCase) throws {
    let table = try parse("v = \(test.source)\n")
    #expect(table["v"]?.value.kind == test.expected)
    #expect(table["v"]?.value.location == at(1, 5))
  }

  @Test("nan parses as a float that is not a number")
  func notANumber() throws {
    let table = try parse("a = nan\nb = -nan\nc = +nan")
    for key in ["a", "b", "c"] {
      #expect(table[key]?.value.floatValue?.isNaN == true)
    }
  }

  @Test("type names are the ones config errors use")
  func typeNames() throws {
    let table = try parse(
      """
      s = "x"
      i = 1
      f = 1.5
      b = true
      d = 2026-11-01
      t = 08:00:00
      l = 2026-11-01T08:00:00
      o = 2026-11-01T08:00:00Z
      a = []
      it = {}
      [h]
      """)
    #expect(
      table.entries.map(\.value.typeName)
        == [
          "string", "integer", "float", "boolean", "date", "time", "date-time", "date-time", "array", "table", "table",
        ])
  }

  // MARK: Strings

  @Test(
    "multi-line strings trim the first newline, join backslashed lines and allow inner quotes",
    arguments: [
      ("\"\"\"\nRoses are red\nViolets are blue\"\"\"", "Roses are red\nViolets are blue"),
      ("\"\"\"\r\nOne\r\nTwo\r\n\"\"\"", "One\nTwo\n"),
      ("\"\"\"\nThe quick \\\n\n\n  brown \\\n   fox.\"\"\"", "The quick brown fox."),
      ("\"\"\"\\\n    The quick \\  \n    jumps.\\\n    \"\"\"", "The quick jumps."),
      (
        #""""Here are two quotation marks: "". Simple enough.""""#,
        #"Here are two quotation marks: "". Simple enough."#
      ),
      (
        #"""""This," she said, "is just a pointless statement.""""""#,
        #""This," she said, "is just a pointless statement."""#
      ),
      (#""""\t\u00E9\"""""#, "\té\""),
      (
        "'''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''",
        "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"
      ),
      (#"'''I [dw]on't need \d{2} apples'''"#, #"I [dw]on't need \d{2} apples"#),
      (#"''''That,' she said, 'is still pointless.'''''"#, #"'That,' she said, 'is still pointless.''"#),
    ] as [(String, String)])
  func multilineStrings(source: String, expected: String) throws {
    let table = try parse("v = \(source)\nnext = 1\n")
    #expect(table["v"]?.value.stringValue == expected)
    #expect(table["next"]?.keyLocation.line == source.utf8.filter { $0 == 0x0A }.count + 2)
  }

  // MARK: Keys and tables

  @Test("keys and values know their line and column, in Unicode scalars")
  func positions() throws {
    let table = try parse("# intro\n\n  name = \"Ana\"\n\"é\" = 'ü'  # note\n\tdays\t=\t[1,\n  2]\n")
    #expect(table.keys == ["name", "é", "days"])
    #expect(table["name"]?.keyLocation == at(3, 3))
    #expect(table["name"]?.value.location == at(3, 10))
    #expect(table["é"]?.keyLocation == at(4, 1))
    #expect(table["é"]?.value.location == at(4, 7))
    #expect(table["days"]?.keyLocation == at(5, 2))
    #expect(table["days"]?.value.arrayValue?.map(\.location) == [at(5, 10), at(6, 3)])
    #expect(table.location == at(1, 1))
  }

  @Test("bare, quoted and dotted keys")
  func keys() throws {
    let table = try parse(
      """
      bare_key-1 = 1
      1234 = 2
      "" = 3
      "ʎǝʞ" = 4
      'quoted "value"' = 5
      site."google.com" = true
      fruit . color = "red"
      fruit.flavor = "sweet"
      3.14159 = "pi"
      """)
    #expect(table.keys == ["bare_key-1", "1234", "", "ʎǝʞ", "quoted \"value\"", "site", "fruit", "3"])
    #expect(table["site"]?.value.tableValue?["google.com"]?.value.booleanValue == true)
    let fruit = try #require(table["fruit"]?.value.tableValue)
    #expect(fruit.keys == ["color", "flavor"])
    #expect(fruit.location == at(7, 1))
    #expect(fruit["color"]?.keyLocation == at(7, 9))
    #expect(fruit["flavor"]?.keyLocation == at(8, 7))
    #expect(table["3"]?.value.tableValue?["14159"]?.value.stringValue == "pi")
  }

  @Test("headers create nested tables; an implied table may be defined later once")
  func headers() throws {
    let table = try parse(
      """
      [a.b.c]
      x = 1
      [a]
      y = 2
      [ dog . "tater.man" ]
      type.name = "pug"
      """)
    #expect(table.keys == ["a", "dog"])
    let a = try #require(table["a"]?.value.tableValue)
    #expect(a.location == at(3, 1))
    #expect(a.keys == ["b", "y"])
    let c = try #require(a["b"]?.value.tableValue?["c"]?.value)
    #expect(c.location == at(1, 1))
    #expect(c.tableValue?["x"]?.value.integerValue == 1)
    #expect(
      table["dog"]?.value.tableValue?["tater.man"]?.value.tableValue?["type"]?.value.tableValue?["name"]?.value
        .stringValue == "pug")
  }

  @Test("dotted keys may be extended by sub-table headers, as in the spec")
  func dottedThenSubTable() throws {
    let table = try parse(
      """
      [fruit]
      apple.color = "red"
      apple.taste.sweet = true

      [fruit.apple.texture]
      smooth = true
      """)
    let apple = try #require(table["fruit"]?.value.tableValue?["apple"]?.value.tableValue)
    #expect(apple.keys == ["color", "taste", "texture"])
    #expect(apple["texture"]?.value.location == at(5, 1))
  }

  @Test("inline tables, also with dotted keys, nested and empty")
  func inlineTables() throws {
    let table = try parse(
      """
      name = { first = "Tom", last = "Preston-Werner" }
      point = {x=1,y=2}
      animal = { type.name = "pug", type.size = "small" }
      empty = {}
      nested = { a = { b = [1, { c = 2 }] } }
      spans = { list = [
        1, 2,
      ] }
      """)
    let name = try #require(table["name"]?.value)
    #expect(name.location == at(1, 8))
    #expect(name.tableValue?.location == at(1, 8))
    #expect(name.tableValue?.keys == ["first", "last"])
    #expect(name.tableValue?["last"]?.keyLocation == at(1, 25))
    #expect(table["point"]?.value.tableValue?["y"]?.value.integerValue == 2)
    #expect(table["animal"]?.value.tableValue?["type"]?.value.tableValue?.keys == ["name", "size"])
    #expect(table["empty"]?.value.tableValue?.entries.isEmpty == true)
    let inner = table["nested"]?.value.tableValue?["a"]?.value.tableValue?["b"]?.value.arrayValue
    #expect(inner?.last?.tableValue?["c"]?.value.integerValue == 2)
    #expect(table["spans"]?.value.tableValue?["list"]?.value.arrayValue?.count == 2)
  }

  @Test("arrays mix types and span lines with comments and a trailing comma")
  func arrays() throws {
    let table = try parse(
      """
      mixed = [1, "two", 3.0, [4], { five = 5 }, 2026-11-01]
      long = [ # first
        "a",   # one
        # alone
        "b",
      ]
      empty = [ ]
      nested = [[1, 2], ["a"]]
      """)
    let mixed = try #require(table["mixed"]?.value.arrayValue)
    #expect(mixed.map(\.typeName) == ["integer", "string", "float", "array", "table", "date"])
    #expect(mixed.map(\.location.column) == [10, 13, 20, 25, 30, 44])
    #expect(table["long"]?.value.arrayValue?.map(\.stringValue) == ["a", "b"])
    #expect(table["long"]?.value.arrayValue?.map(\.location) == [at(3, 3), at(5, 3)])
    #expect(table["empty"]?.value.arrayValue == [])
    #expect(table["nested"]?.value.arrayValue?.count == 2)
  }

  @Test("arrays of tables: each element is located at its [[header]]")
  func arraysOfTables() throws {
    let table = try parse(
      """
      timezone = "Europe/Berlin"
      no_contact_since = 2026-11-01

      [[slot]]
      name = "morning"
      at = ["08:00", "12:30:15"]
      days = ["mon", "fri"]

      [[slot]]
      name = "late-night"
      from = "23:00"
      until = "02:00"
      every = "30m"
      tags = ["late-night", "urge"]
      urgency = "critical"
      """)
    #expect(table.keys == ["timezone", "no_contact_since", "slot"])
    #expect(table["no_contact_since"]?.value.kind == .localDate(date(2026, 11, 1)))
    #expect(table["no_contact_since"]?.value.location == at(2, 20))
    let slot = try #require(table["slot"])
    #expect(slot.keyLocation == at(4, 3))
    #expect(slot.value.location == at(4, 1))
    let slots = try #require(slot.value.arrayValue)
    #expect(slots.count == 2)
    #expect(slots.map(\.location) == [at(4, 1), at(9, 1)])
    let first = try #require(slots[0].tableValue)
    #expect(first.location == at(4, 1))
    #expect(first["at"]?.value.arrayValue?.map(\.stringValue) == ["08:00", "12:30:15"])
    let second = try #require(slots[1].tableValue)
    #expect(second.location == at(9, 1))
    #expect(second.keys == ["name", "from", "until", "every", "tags", "urgency"])
    #expect(second["urgency"]?.keyLocation == at(15, 1))
    #expect(second["urgency"]?.value.location == at(15, 11))
    #expect(second["urgency"]?.value.stringValue == "critical")
    #expect(second["tags"]?.value.arrayValue?.map(\.location) == [at(14, 9), at(14, 23)])
  }

  @Test("nested arrays of tables and sub-tables of their last element")
  func nestedArraysOfTables() throws {
    let table = try parse(
      """
      [[fruit]]
        name = "apple"
        [fruit.physical]
          color = "red"
        [[fruit.variety]]
          name = "red delicious"
        [[fruit.variety]]
          name = "granny smith"
      [[fruit]]
        name = "banana"
        [[fruit.variety]]
          name = "plantain"
      """)
    let fruitValues = try #require(table["fruit"]?.value.arrayValue)
    let fruits = fruitValues.compactMap(\.tableValue)
    try #require(fruits.count == 2)
    #expect(fruits.map { $0["name"]?.value.stringValue } == ["apple", "banana"])
    #expect(fruits[0].keys == ["name", "physical", "variety"])
    #expect(fruits[0]["physical"]?.value.location == at(3, 3))
    #expect(fruits[0]["variety"]?.value.arrayValue?.map(\.location) == [at(5, 3), at(7, 3)])
    #expect(fruits[1]["variety"]?.value.arrayValue?.count == 1)
  }

  // MARK: Layout

  @Test("CRLF line endings and a byte-order mark are accepted")
  func crlfAndBOM() throws {
    let text = "# c\r\na = 1\r\n[t]\r\nb = \"x\" # c\r\n"
    let table = try TOMLParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8), file: "c.toml")
    #expect(table["a"]?.keyLocation == at(2, 1))
    #expect(table["t"]?.value.tableValue?["b"]?.value.location == at(4, 5))
    #expect(table["t"]?.value.tableValue?["b"]?.value.stringValue == "x")
    #expect(try parse("\u{FEFF}a = 1")["a"]?.keyLocation == at(1, 1))
  }

  @Test("empty documents, comments and whitespace only", arguments: ["", "\n", "  \t\n# only a comment", "\r\n\r\n"])
  func emptyDocuments(text: String) throws {
    #expect(try parse(text).entries.isEmpty)
  }

  @Test("a document wraps the root table")
  func document() throws {
    let document = try TOMLDocument(parsing: "a = 1", file: "c.toml")
    #expect(document["a"]?.value.integerValue == 1)
    #expect(document.root.location == at(1, 1))
    #expect(throws: TOMLError.self) { try TOMLDocument(bytes: [0xFF], file: "c.toml") }
  }

  @Test("date and time descriptions are in TOML form")
  func descriptions() {
    #expect(date(2026, 1, 2).description == "2026-01-02")
    #expect(time(8, 5, 0).description == "08:05:00")
    #expect(time(8, 5, 0, 120_000_000).description == "08:05:00.12")
  }

  // MARK: Errors

  @Test(
    "each error names the line, column and problem",
    arguments: [
      // Duplicates and clashes.
      ErrorCase("name = 1\n\nname = 2", 3, 1, #"key "name" is already defined at line 1"#),
      ErrorCase("a.b = 1\na.b = 2", 2, 3, #"key "a.b" is already defined at line 1"#),
      ErrorCase("a = { x = 1, x = 2 }", 1, 14, #"key "x" is already defined at line 1"#),
      ErrorCase("[a]\nx = 1\n[a]", 3, 1, "table [a] is already defined at line 1"),
      ErrorCase("[a]\n[a.b]\n[a.b]", 3, 1, "table [a.b] is already defined at line 2"),
      ErrorCase("[a]\nb.c = 1\n[a.b]", 3, 1, "table [a.b] is already defined at line 2"),
      ErrorCase("[fruit]\napple.color = 1\n[fruit.apple]", 3, 1, "table [fruit.apple] is already defined at line 2"),
      ErrorCase("a = 1\n[a]", 2, 2, #"key "a" is already defined at line 1 as an integer"#),
      ErrorCase("a = \"x\"\n[a.b]", 2, 2, #"key "a" is already defined at line 1 as a string"#),
      ErrorCase("[[a]]\n[a]", 2, 2, #"key "a" is already defined at line 1 as an array of tables"#),
      ErrorCase("[a]\n[[a]]", 2, 3, #"key "a" is already defined at line 1 as a table"#),
      ErrorCase("a = []\n[[a]]", 2, 3, #"key "a" is already defined at line 1 as an array"#),
      ErrorCase("a = {}\n[a.b]", 2, 2, #"key "a" is already defined at line 1 as an inline table"#),
      ErrorCase("a = { b = 1 }\na.c = 2", 2, 1, #"key "a" is already defined at line 1 as an inline table"#),
      ErrorCase("a.b = 1\na.b.c = 2", 2, 3, #"key "a.b" is already defined at line 1 as an integer"#),
      ErrorCase(
        "[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 3,
        "table [a.b.c] is already defined at line 1 and cannot be extended with dotted keys"),
      ErrorCase(
        "[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1", 4, 5,
        "table [a.b.c.d] is already defined at line 1 and cannot be extended with dotted keys"),
      ErrorCase("[a.b.c]\n[a]\nb.y = 2\n[a.b]", 4, 1, "table [a.b] is already defined at line 3"),
      ErrorCase(
        "[fruit]\napple.taste.sweet = true\n[fruit.apple.taste]", 3, 1,
        "table [fruit.apple.taste] is already defined at line 2"),
      ErrorCase("a = [{ b = 1 }]\n[a.c]", 2, 2, #"key "a" is already defined at line 1 as an array"#),
      ErrorCase(
        "t = { f = { a.b = 1 }, f.a.c = 2 }", 1, 24, #"key "f" is already defined at line 1 as an inline table"#),
      // Syntax.
      ErrorCase("a 1", 1, 3, #"expected "=" after the key"#),
      ErrorCase("a\n= 1", 1, 2, #"expected "=" after the key"#),
      ErrorCase("= 1", 1, 1, "expected a key"),
      ErrorCase("a. = 1", 1, 4, "expected a key"),
      ErrorCase("é = 1", 1, 1, "expected a key; quote keys that use characters other than A-Z, a-z, 0-9, _ and -"),
      ErrorCase(#""""a""" = 1"#, 1, 1, "a key cannot be a multi-line string"),
      ErrorCase("a =", 1, 4, #"expected a value after "=""#),
      ErrorCase("a = # nothing", 1, 5, #"expected a value after "=""#),
      ErrorCase("a = hello", 1, 5, "expected a value; strings must be in quotes"),
      ErrorCase("a = .5", 1, 5, "expected a value"),
      ErrorCase("a = 1 2", 1, 7, "expected a newline or a comment after the value"),
      ErrorCase("a = \"x\" b = 2", 1, 9, "expected a newline or a comment after the value"),
      ErrorCase("a = 07:32:00Z", 1, 13, "expected a newline or a comment after the value"),
      ErrorCase("a = \"\"\"x\"\"\"\"\"\"", 1, 14, "expected a newline or a comment after the value"),
      ErrorCase("[a] b = 1", 1, 5, "expected a newline or a comment after the table header"),
      ErrorCase("[a", 1, 3, #"expected "]" to close the table header"#),
      ErrorCase("[[a]", 1, 4, #"expected "]]" to close the array of tables header"#),
      ErrorCase("[]", 1, 2, "expected a key"),
      // Strings.
      ErrorCase("a = \"abc", 1, 5, #"unterminated string; expected a closing ""#),
      ErrorCase("a = \"abc\nb = 1", 1, 5, #"unterminated string; expected a closing ""#),
      ErrorCase("a = 'abc\n", 1, 5, "unterminated string; expected a closing '"),
      ErrorCase("\n a = \"\"\"abc\n\n", 2, 6, #"unterminated multi-line string; expected a closing """"#),
      ErrorCase("a = '''abc''", 1, 5, "unterminated multi-line string; expected a closing '''"),
      ErrorCase(#"a = "a\qb""#, 1, 7, #"invalid escape sequence "\q""#),
      ErrorCase(#"a = "\e""#, 1, 6, #"invalid escape sequence "\e""#),
      ErrorCase("a = \"\\ \"", 1, 6, #"invalid escape sequence; write a backslash as "\\""#),
      ErrorCase(#"a = "\u12""#, 1, 6, #"expected 4 hexadecimal digits after "\u""#),
      ErrorCase(#"a = "\UFFFFFFFF""#, 1, 6, #""\UFFFFFFFF" is not a Unicode scalar value"#),
      ErrorCase(#"a = "\uD800""#, 1, 6, #""\uD800" is not a Unicode scalar value"#),
      ErrorCase("a = \"x\u{1}y\"", 1, 7, "control character U+0001 is not allowed"),
      ErrorCase("# bell \u{7}", 1, 8, "control character U+0007 is not allowed"),
      ErrorCase("a = 'x\u{7F}'", 1, 7, "control character U+007F is not allowed"),
      ErrorCase("a = 1\u{0}", 1, 6, "a NUL byte is not allowed"),
      ErrorCase("a = 1\rb = 2", 1, 6, "a carriage return must be followed by a line feed"),
      // Arrays and inline tables.
      ErrorCase("a = [1, 2", 1, 5, #"unterminated array; expected "]""#),
      ErrorCase("a = [1, 2\nb = 3", 2, 1, #"expected "," or "]" after an array element"#),
      ErrorCase("a = [1 2]", 1, 8, #"expected "," or "]" after an array element"#),
      ErrorCase("a = [1,,2]", 1, 8, "expected a value"),
      ErrorCase("a = { b = 1", 1, 5, #"unterminated inline table; expected "}""#),
      ErrorCase("a = { b = 1,\n c = 2 }", 1, 13, "an inline table must be on a single line"),
      ErrorCase("a = {\n}", 1, 6, "an inline table must be on a single line"),
      ErrorCase("a = { b = 1, }", 1, 12, "a trailing comma is not allowed in an inline table"),
      ErrorCase("a = { b = 1 c = 2 }", 1, 13, #"expected "," or "}" after an inline table entry"#),
      // Numbers.
      ErrorCase("n = 0123", 1, 5, #"leading zeros are not allowed in "0123""#),
      ErrorCase("n = -01.5", 1, 5, #"leading zeros are not allowed in "-01.5""#),
      ErrorCase("n = 9223372036854775808", 1, 5, #"integer "9223372036854775808" does not fit in 64 bits"#),
      ErrorCase("n = -9223372036854775809", 1, 5, #"integer "-9223372036854775809" does not fit in 64 bits"#),
      ErrorCase("n = 0x8000000000000000", 1, 5, #"integer "0x8000000000000000" does not fit in 64 bits"#),
      ErrorCase("n = 1__0", 1, 5, #"invalid number "1__0""#),
      ErrorCase("n = 1_", 1, 5, #"invalid number "1_""#),
      ErrorCase("n = 1.", 1, 5, #"invalid number "1.""#),
      ErrorCase("n = 1.e5", 1, 5, #"invalid number "1.e5""#),
      ErrorCase("n = 1e", 1, 5, #"invalid number "1e""#),
      ErrorCase("n = 0x", 1, 5, #"invalid number "0x""#),
      ErrorCase("n = 0xG", 1, 5, #"invalid number "0xG""#),
      ErrorCase("n = 0b102", 1, 5, #"invalid number "0b102""#),
      ErrorCase("n = 1.2.3", 1, 5, #"invalid number "1.2.3""#),
      ErrorCase("n = +0x10", 1, 5, "a sign is not allowed before a hexadecimal integer"),
      ErrorCase("n = 1e999", 1, 5, #"float "1e999" is too large"#),
      ErrorCase("n = infinity", 1, 5, "expected a value; strings must be in quotes"),
      ErrorCase("n = -infinity", 1, 5, #"invalid number "-infinity""#),
      // Dates and times.
      ErrorCase("d = 2026-13-01", 1, 10, "month 13 is out of range (01-12)"),
      ErrorCase("d = 2026-00-01", 1, 10, "month 00 is out of range (01-12)"),
      ErrorCase("d = 2026-02-30", 1, 13, "day 30 is out of range for 2026-02 (01-28)"),
      ErrorCase("d = 2100-02-29", 1, 13, "day 29 is out of range for 2100-02 (01-28)"),
      ErrorCase("d = 2026-04-31", 1, 13, "day 31 is out of range for 2026-04 (01-30)"),
      ErrorCase("d = 2026-1-01", 1, 5, "invalid date; expected YYYY-MM-DD"),
      ErrorCase("d = 0000-12-31", 1, 5, "year 0000 is out of range (0001-9999)"),
      ErrorCase("t = 24:00:00", 1, 5, "hour 24 is out of range (00-23)"),
      ErrorCase("t = 12:60:00", 1, 8, "minute 60 is out of range (00-59)"),
      ErrorCase("t = 12:00:61", 1, 11, "second 61 is out of range (00-60)"),
      ErrorCase("t = 12:30", 1, 5, "invalid time; expected HH:MM:SS (TOML requires the seconds)"),
      ErrorCase("t = 12:30:00.", 1, 13, "expected digits after the decimal point of the time"),
      ErrorCase("d = 2026-11-01T25:00:00Z", 1, 16, "hour 25 is out of range (00-23)"),
      ErrorCase("d = 2026-11-01T", 1, 16, "invalid time; expected HH:MM:SS (TOML requires the seconds)"),
      ErrorCase("d = 2026-11-01 08:00", 1, 16, "invalid time; expected HH:MM:SS (TOML requires the seconds)"),
      ErrorCase("d = 2026-11-01T08:00:00+24:00", 1, 25, "offset hour 24 is out of range (00-23)"),
      ErrorCase("d = 2026-11-01T08:00:00+01", 1, 24, "invalid offset; expected Z or ±HH:MM"),
    ])
  func errors(_ test: ErrorCase) {
    let error = failure(test.source)
    #expect(error == TOMLError(location: at(test.line, test.column), message: test.message))
  }

  @Test("the error description reads file:line:column: message")
  func errorDescription() {
    #expect(failure("a = 1\na = 2")?.description == #"c.toml:2:1: key "a" is already defined at line 1"#)
  }

  @Test(
    "invalid UTF-8 is reported at the first bad byte",
    arguments: [
      [0xC3, 0x28], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82],
    ] as [[UInt8]])
  func invalidUTF8(bad: [UInt8]) {
    let bytes = Array("a = 1\n# é ".utf8) + bad + Array(" x\n".utf8)
    #expect(failure(bytes: bytes) == TOMLError(location: at(2, 5), message: "invalid UTF-8"))
  }

  // MARK: Limits

  @Test("nesting up to the limit parses; one level deeper is an error, not a crash")
  func nestingLimit() throws {
    let depth = TOMLParser.maxDepth
    let arrays = "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    #expect(try parse(arrays)["a"]?.value.typeName == "array")
    #expect(
      failure("a = " + String(repeating: "[", count: 100_000))
        == TOMLError(location: at(1, 5 + depth), message: "nesting is too deep (more than 128 levels)"))
    #expect(failure("a = " + String(repeating: "{b=", count: 10_000))?.location == at(1, 5 + 3 * depth))
    let header = "[" + Array(repeating: "t", count: 10_000).joined(separator: ".") + "]"
    #expect(failure(header)?.message == "nesting is too deep (more than 128 levels)")
    #expect(failure(header)?.location == at(1, 2 + 2 * depth))
    let dotted = Array(repeating: "k", count: depth + 2).joined(separator: ".") + " = 1"
    #expect(failure(dotted)?.location == at(1, 1 + 2 * depth))
    #expect(failure("[[a]]\n" + String(repeating: "x.", count: depth) + "y = 1") != nil)
  }

  @Test("a megabyte of config parses in linear time, also on one long line")
  func performance() throws {
    func document(slots: Int) -> String {
      var text = ""
      for index in 0..<slots {
        text += "[[slot]]\nname = \"slot \(index) \\u00e9\"\nat = [\"08:00\", 12, 1.5, 2026-11-01T08:00:00Z]\n"
        text += "flag = true # comment\n\n"
      }
      return text
    }
    func line(values: Int) -> String { "a = [" + String(repeating: "\"é\", 123_456, ", count: values) + "]\n" }
    let text = document(slots: 8_000)
    let oneLine = line(values: 70_000)
    let many = try parse(text)
    let long = try parse(oneLine)
    #expect(many["slot"]?.value.arrayValue?.count == 8_000)
    #expect(long["a"]?.value.arrayValue?.last?.location.column == 11 + 14 * 69_999)
    #expect(text.utf8.count + oneLine.utf8.count > 1_000_000)
    // Linear, not quadratic: four times the input takes well under sixteen times as long.
    // A ratio of two timings in one process, each the best of three, so a loaded machine
    // slows both alike (the absolute figure belongs to scripts/bench, not to a test).
    func best(_ text: String) throws -> Duration {
      var fastest = Duration.seconds(1_000)
      for _ in 0..<3 {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try parse(text)
        fastest = min(fastest, clock.now - start)
      }
      return fastest
    }
    let small = try best(document(slots: 2_000) + line(values: 17_500))
    let large = try best(text + oneLine)
    #expect(large / small < 9, "4x the input took \(large / small)x as long")
  }

  @Test("mangled documents throw or parse, and never crash or hang")
  func fuzz() {
    let sample = Array(
      """
      title = "T\\u00e9st" # c
      [a.b]
      n = [1, 0x1F, -2.5e3, inf, { x = 'y' }, 1979-05-27T07:32:00.5-07:00, 07:32:00]
      m = \"\"\"
      multi \\
        line\"\"\"
      [[c]]
      d.e = true
      """.utf8)
    for length in 0...sample.count {
      _ = failure(bytes: Array(sample[0..<length]))
    }
    let alphabet = Array("[]{}\"'=.,#\\\n\r\t 0123456789aeftxz:+-_".utf8) + [0x00, 0xC3, 0xA9, 0xFF]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    for _ in 0..<3_000 {
      var bytes = sample
      for _ in 0...next(4) {
        let index = next(bytes.count)
        switch next(3) {
        case 0: bytes[index] = alphabet[next(alphabet.count)]
        case 1: bytes.insert(alphabet[next(alphabet.count)], at: index)
        default: bytes.remove(at: index)
        }
      }
      if let error = failure(bytes: bytes) {
        #expect(error.location.column != nil)
        #expect(error.location.line >= 1)
      }
    }
  }
}

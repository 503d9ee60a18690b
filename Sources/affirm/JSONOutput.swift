import AffirmCore

/// The one writer of every `--json` output: each command hands it a small `Encodable` report.
///
/// The style is affirm's own, kept from the days these were written by hand: keys in the
/// order the report encodes them, `": "` and `", "` between items, every key present (nil is
/// `null`), and strings escaped as `quotedString` does, so that no control or bidirectional
/// character in a hand-edited database reaches a terminal raw (JSONEncoder would pass U+202E
/// and U+009B through). An array of reports puts one report on each line.
enum JSONOutput {
  /// `value` on one line, without a newline.
  static func line(_ value: some Encodable) -> String {
    let node = JSONNode()
    // Reports hold strings, integers and arrays of them: nothing a report encodes can fail.
    try! node.encode(value, codingPath: [])
    return node.rendered
  }

  /// `values` as an array, one element per line, without a final newline: `[]` when empty.
  static func array(_ values: some Sequence<some Encodable>) -> String {
    var stream = ArrayStream()
    return values.map { stream.next($0) }.joined() + stream.end
  }

  /// An array written as it is read, element by element, in the shape `array` gives.
  struct ArrayStream {
    private(set) var count = 0

    /// What goes out before `value`, and `value`.
    mutating func next(_ value: some Encodable) -> String {
      defer { count += 1 }
      return (count == 0 ? "[\n  " : ",\n  ") + JSONOutput.line(value)
    }

    /// What closes the array, without a final newline.
    var end: String { count == 0 ? "[]" : "\n]" }
  }
}

/// One value of the document being written: a scalar already in its JSON text, an array, or
/// an object whose members keep the order they were encoded in.
private final class JSONNode {
  enum Kind {
    case scalar(String)
    case array
    case object
  }

  var kind = Kind.scalar("null")
  var elements: [JSONNode] = []
  var members: [(key: String, node: JSONNode)] = []

  var rendered: String {
    switch kind {
    case .scalar(let text): text
    case .array: "[" + elements.map(\.rendered).joined(separator: ", ") + "]"
    case .object: "{" + members.map { quotedString($0.key) + ": " + $0.node.rendered }.joined(separator: ", ") + "}"
    }
  }

  func encode(_ value: some Encodable, codingPath: [any CodingKey]) throws {
    switch value {
    case let text as String: kind = .scalar(quotedString(text))
    case let flag as Bool: kind = .scalar(flag ? "true" : "false")
    default: try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
    }
  }

  func encode(number value: some BinaryInteger) { kind = .scalar(String(value)) }

  func encode(number value: some BinaryFloatingPoint & LosslessStringConvertible, codingPath: [any CodingKey]) throws {
    guard value.isFinite else {
      throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "not a JSON number"))
    }
    kind = .scalar(String(value))
  }

  func startObject() {
    if case .object = kind { return }
    kind = .object
  }

  func startArray() {
    if case .array = kind { return }
    kind = .array
  }
}

private struct NodeEncoder: Encoder {
  let node: JSONNode
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    node.startObject()
    return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    node.startArray()
    return UnkeyedContainer(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleContainer(node: node, codingPath: codingPath)
  }
}

/// Writes every key it is given; a nil value too, as `null` (the default would leave the key out).
private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: JSONNode
  let codingPath: [any CodingKey]

  private func member(_ key: Key) -> JSONNode {
    let child = JSONNode()
    node.members.append((key.stringValue, child))
    return child
  }

  mutating func encodeNil(forKey key: Key) throws { _ = member(key) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try member(key).encode(value, codingPath: codingPath + [key])
  }
  mutating func encode(_ value: Bool, forKey key: Key) throws {
    try member(key).encode(value, codingPath: codingPath + [key])
  }
  mutating func encode(_ value: String, forKey key: Key) throws {
    try member(key).encode(value, codingPath: codingPath + [key])
  }
  mutating func encode(_ value: Double, forKey key: Key) throws {
    try member(key).encode(number: value, codingPath: codingPath + [key])
  }
  mutating func encode(_ value: Float, forKey key: Key) throws {
    try member(key).encode(number: value, codingPath: codingPath + [key])
  }
  mutating func encode(_ value: Int, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { member(key).encode(number: value) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { member(key).encode(number: value) }

  // A synthesized `encode(to:)` writes optionals through these: nil as null, never left out.
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encode(value, forKey: key) }
  mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encode(value, forKey: key) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    NodeEncoder(node: member(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    NodeEncoder(node: member(key), codingPath: codingPath + [key]).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder {
    NodeEncoder(node: member(Key(stringValue: "super")!), codingPath: codingPath)
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    NodeEncoder(node: member(key), codingPath: codingPath + [key])
  }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let node: JSONNode
  let codingPath: [any CodingKey]
  var count: Int { node.elements.count }

  private func element() -> JSONNode {
    let child = JSONNode()
    node.elements.append(child)
    return child
  }

  private var path: [any CodingKey] { codingPath + [IndexKey(intValue: count)] }

  mutating func encodeNil() throws { _ = element() }
  mutating func encode<T: Encodable>(_ value: T) throws { try element().encode(value, codingPath: path) }
  mutating func encode(_ value: Bool) throws { try element().encode(value, codingPath: path) }
  mutating func encode(_ value: String) throws { try element().encode(value, codingPath: path) }
  mutating func encode(_ value: Double) throws { try element().encode(number: value, codingPath: path) }
  mutating func encode(_ value: Float) throws { try element().encode(number: value, codingPath: path) }
  mutating func encode(_ value: Int) throws { element().encode(number: value) }
  mutating func encode(_ value: Int8) throws { element().encode(number: value) }
  mutating func encode(_ value: Int16) throws { element().encode(number: value) }
  mutating func encode(_ value: Int32) throws { element().encode(number: value) }
  mutating func encode(_ value: Int64) throws { element().encode(number: value) }
  mutating func encode(_ value: UInt) throws { element().encode(number: value) }
  mutating func encode(_ value: UInt8) throws { element().encode(number: value) }
  mutating func encode(_ value: UInt16) throws { element().encode(number: value) }
  mutating func encode(_ value: UInt32) throws { element().encode(number: value) }
  mutating func encode(_ value: UInt64) throws { element().encode(number: value) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    NodeEncoder(node: element(), codingPath: path).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    NodeEncoder(node: element(), codingPath: path).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder { NodeEncoder(node: element(), codingPath: path) }
}

private struct SingleContainer: SingleValueEncodingContainer {
  let node: JSONNode
  let codingPath: [any CodingKey]

  mutating func encodeNil() throws { node.kind = .scalar("null") }
  mutating func encode<T: Encodable>(_ value: T) throws { try node.encode(value, codingPath: codingPath) }
  mutating func encode(_ value: Bool) throws { try node.encode(value, codingPath: codingPath) }
  mutating func encode(_ value: String) throws { try node.encode(value, codingPath: codingPath) }
  mutating func encode(_ value: Double) throws { try node.encode(number: value, codingPath: codingPath) }
  mutating func encode(_ value: Float) throws { try node.encode(number: value, codingPath: codingPath) }
  mutating func encode(_ value: Int) throws { node.encode(number: value) }
  mutating func encode(_ value: Int8) throws { node.encode(number: value) }
  mutating func encode(_ value: Int16) throws { node.encode(number: value) }
  mutating func encode(_ value: Int32) throws { node.encode(number: value) }
  mutating func encode(_ value: Int64) throws { node.encode(number: value) }
  mutating func encode(_ value: UInt) throws { node.encode(number: value) }
  mutating func encode(_ value: UInt8) throws { node.encode(number: value) }
  mutating func encode(_ value: UInt16) throws { node.encode(number: value) }
  mutating func encode(_ value: UInt32) throws { node.encode(number: value) }
  mutating func encode(_ value: UInt64) throws { node.encode(number: value) }
}

/// The key of an array element in a coding path.
private struct IndexKey: CodingKey {
  var stringValue: String { "\(intValue!)" }
  var intValue: Int?
  init(intValue: Int) { self.intValue = intValue }
  init?(stringValue: String) { nil }
}

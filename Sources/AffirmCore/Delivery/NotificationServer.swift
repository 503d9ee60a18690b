/// What a notification server says of itself (GetServerInformation): the four fields, by name.
public struct ServerInfo: Sendable, Equatable {
  /// The product, such as "dunst" or "gnome-shell": what `ServerQuirks` knows servers by.
  public var name: String
  public var vendor: String
  public var version: String
  /// The version of the notification spec it follows, such as "1.2".
  public var specVersion: String

  public init(name: String, vendor: String, version: String, specVersion: String) {
    self.name = name
    self.vendor = vendor
    self.version = version
    self.specVersion = specVersion
  }

  /// What a field the server left out reads.
  public static let unknown = "?"

  /// Reads GetServerInformation's reply, the spec's `(ssss)`: name, vendor, version, spec
  /// version. A field a server leaves out reads `unknown`.
  public init(reply fields: [String]) {
    func field(_ index: Int) -> String { fields.indices.contains(index) ? fields[index] : Self.unknown }
    self.init(name: field(0), vendor: field(1), version: field(2), specVersion: field(3))
  }
}

/// One of the optional features a notification server lists (GetCapabilities). The spec's
/// own names have a case; any other (a vendor's `x-` extension) is kept as it came.
public enum Capability: Sendable, Hashable, RawRepresentable {
  /// Buttons: affirm's two answers to a late-night or urge line.
  case actions
  case actionIcons
  /// It shows the body; without it, only the summary.
  case body
  case bodyHyperlinks
  case bodyImages
  /// It reads markup in the body: affirm escapes `&`, `<` and `>`.
  case bodyMarkup
  case iconMulti
  case iconStatic
  /// It keeps notifications until the person closes them (an expired one never says it closed).
  case persistence
  case sound
  case other(String)

  public init(rawValue: String) {
    self =
      switch rawValue {
      case "actions": .actions
      case "action-icons": .actionIcons
      case "body": .body
      case "body-hyperlinks": .bodyHyperlinks
      case "body-images": .bodyImages
      case "body-markup": .bodyMarkup
      case "icon-multi": .iconMulti
      case "icon-static": .iconStatic
      case "persistence": .persistence
      case "sound": .sound
      default: .other(rawValue)
      }
  }

  public var rawValue: String {
    switch self {
    case .actions: "actions"
    case .actionIcons: "action-icons"
    case .body: "body"
    case .bodyHyperlinks: "body-hyperlinks"
    case .bodyImages: "body-images"
    case .bodyMarkup: "body-markup"
    case .iconMulti: "icon-multi"
    case .iconStatic: "icon-static"
    case .persistence: "persistence"
    case .sound: "sound"
    case .other(let name): name
    }
  }
}

/// The capabilities a server listed: a set to ask, and the order it gave them in, to show.
public struct ServerCapabilities: Sendable, Equatable, ExpressibleByArrayLiteral {
  /// As the server listed them.
  public let listed: [Capability]
  private let set: Set<Capability>

  public init(_ listed: [Capability]) {
    self.listed = listed
    set = Set(listed)
  }

  /// Reads GetCapabilities' list of names.
  public init(names: [String]) { self.init(names.map(Capability.init(rawValue:))) }

  public init(arrayLiteral elements: Capability...) { self.init(elements) }

  public func contains(_ capability: Capability) -> Bool { set.contains(capability) }

  public var isEmpty: Bool { listed.isEmpty }
}

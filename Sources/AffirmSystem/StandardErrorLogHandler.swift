import AffirmCore
public import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// One line per event on stderr, `level: message key=value ...`: readable in a terminal and
/// under journalctl, which adds its own timestamps.
public struct StandardErrorLogHandler: LogHandler {
  public var logLevel: Logger.Level = .info
  public var metadata: Logger.Metadata = [:]
  let label: String

  public init(label: String) { self.label = label }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var line = "\(label): \(event.level): \(event.message)"
    let merged = metadata.merging(event.metadata ?? [:]) { $1 }
    for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
      let text = "\(value)"
      line += text.contains(" ") ? " \(key)=\"\(text)\"" : " \(key)=\(text)"
    }
    line += "\n"
    try? Posix.writeAll(STDERR_FILENO, Array(line.utf8))
  }
}

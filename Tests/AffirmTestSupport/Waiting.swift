import Foundation

/// Polls `condition` until it holds. The timeout only ends a wait for something that should
/// come: generous, as it costs nothing when the thing comes (never use it to prove absence).
package func waitUntil(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
  let deadline = Date().addingTimeInterval(timeout)
  while try !condition() {
    if Date() > deadline { throw WaitTimeout(what: what) }
    Thread.sleep(forTimeInterval: 0.02)
  }
}

package struct WaitTimeout: Error, CustomStringConvertible {
  package var what: String
  package var description: String { "timed out waiting until \(what)" }
}

/// A string no corpus line will contain by chance.
package func uniqueMarker() -> String { "marker-" + UUID().uuidString.prefix(8).lowercased() }

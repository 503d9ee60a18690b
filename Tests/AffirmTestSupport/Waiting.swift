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

/// A step of a test's setup that did not go as it must: a tool that failed, a variable
/// scripts/test sets that is missing. (This target does not import Testing: `swift build`
/// builds it, also in release, where Swift Testing is not there.)
package struct SetupFailure: Error, CustomStringConvertible {
  package var description: String
  package init(_ description: String) { self.description = description }
}

/// Throws `SetupFailure(message)` unless `condition` holds.
package func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
  guard condition else { throw SetupFailure(message()) }
}

/// `value`, or a thrown `SetupFailure(message)` when it is nil.
package func required<Value>(_ value: Value?, _ message: @autoclosure () -> String) throws -> Value {
  guard let value else { throw SetupFailure(message()) }
  return value
}

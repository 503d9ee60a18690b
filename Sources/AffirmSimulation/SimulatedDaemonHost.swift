/// A host whose clock jumps straight to each deadline: runs the real daemon loop over days
/// or years in milliseconds, for `affirm next --simulate` and the benchmark.
public struct SimulatedDaemonHost: DaemonHost {
  public private(set) var clock: Instant
  public let end: Instant
  public private(set) var delivered = 0

  public init(start: Instant, end: Instant) {
    clock = start
    self.end = end
  }

  public mutating func now() -> Instant { clock }

  public mutating func wait(until deadline: Instant?) -> WakeReason {
    guard let deadline, deadline < end else { return .terminate }
    clock = deadline
    return .deadline
  }

  public mutating func deliver(_ fire: FireTime) -> Bool {
    delivered += 1
    return true
  }

  public mutating func reloadSchedule() throws -> Schedule {
    struct NoReload: Error {}
    throw NoReload()
  }

  public mutating func saveMarks(_ marks: [String: Instant]) throws {}

  public mutating func handleInteraction() {}

}

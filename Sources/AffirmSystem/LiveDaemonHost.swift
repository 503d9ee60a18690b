public import AffirmCore
public import AffirmNotify
public import Logging

/// The daemon's real surroundings: the wall clock, the system waiter, libnotify, the config
/// file and the marks file.
public struct LiveDaemonHost: DaemonHost {
  let waiter: SystemWaiter
  let notifier: () throws(DeliveryError) -> LibNotifyNotifier
  var cachedNotifier: LibNotifyNotifier?
  let picker: Picker
  let reload: () throws -> Schedule
  let marksFile: FireMarksFile
  let logger: Logger
  var generator = SystemRandomNumberGenerator()

  public init(
    waiter: SystemWaiter, picker: Picker, marksFile: FireMarksFile, logger: Logger,
    notifier: @escaping () throws(DeliveryError) -> LibNotifyNotifier, reload: @escaping () throws -> Schedule
  ) {
    self.waiter = waiter
    self.picker = picker
    self.marksFile = marksFile
    self.logger = logger
    self.notifier = notifier
    self.reload = reload
  }

  public mutating func now() -> Instant { SystemWaiter.now() }

  public mutating func wait(until deadline: Instant?) -> WakeReason { waiter.wait(until: deadline) }

  public mutating func deliver(_ fire: FireTime) -> Bool {
    do {
      let request = try picker.request(tags: fire.tags, urgency: fire.urgency, using: &generator)
      let notifier = try cachedNotifier ?? notifier()
      cachedNotifier = notifier
      _ = try notifier.deliver(request)
      return true
    } catch let error as DeliveryError {
      // The bus may have gone: the next fire time starts afresh.
      cachedNotifier = nil
      logger.warning("not delivered: \(error)", metadata: ["slot": "\(fire.slot)"])
    } catch {
      logger.warning("not delivered: \(error)", metadata: ["slot": "\(fire.slot)"])
    }
    return false
  }

  public mutating func reloadSchedule() throws -> Schedule { try reload() }

  public mutating func saveMarks(_ marks: [String: Instant]) throws {
    try marksFile.save(marks)
  }
}

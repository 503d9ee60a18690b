public import AffirmCore
internal import CLibNotify

#if canImport(Glibc)
  public import Glibc
#endif

/// Runs GLib's default main context from someone else's poll(2) loop, so that libnotify's
/// callbacks (buttons pressed, notifications closed) arrive without a GLib main loop owning
/// the thread: prepare, poll these descriptors alongside your own, then dispatch.
///
/// GDBus reads the bus on its own worker thread and hands signals to the main context,
/// waking it through a descriptor included here; with nothing to report it never wakes.
/// Use from one thread only, the one that shows the notifications.
public final class MainContextPump {
  private var descriptors = [GPollFD](repeating: GPollFD(), count: 8)
  private var count = 0
  private var priority: gint = 0
  /// GLib's global default context: the one GDBus and libnotify hand their callbacks to.
  private let context: OpaquePointer
  private let acquired: Bool

  /// Loads libnotify (and so GLib) first: throws `.libnotifyUnavailable` when it cannot.
  public init() throws(DeliveryError) {
    try LibNotifyLibrary.load()
    context = g_main_context_default()
    acquired = g_main_context_acquire(context) != 0
  }

  deinit {
    if acquired { g_main_context_release(context) }
  }

  /// The descriptors to poll and the longest wait GLib allows, in milliseconds (-1: no limit).
  /// Call `dispatch(_:)` after every `prepare()`, with the descriptors as poll(2) left them.
  public func prepare() -> (descriptors: [pollfd], timeout: Int32) {
    g_main_context_prepare(context, &priority)
    var timeout: gint = -1
    while true {
      let needed = Int(g_main_context_query(context, priority, &timeout, &descriptors, gint(descriptors.count)))
      if needed <= descriptors.count {
        count = needed
        break
      }
      descriptors = [GPollFD](repeating: GPollFD(), count: needed)
    }
    let polled = descriptors[..<count].map { pollfd(fd: $0.fd, events: Int16(bitPattern: $0.events), revents: 0) }
    return (polled, timeout)
  }

  /// Runs whatever became ready; `polled` is what `prepare()` returned, after poll(2).
  public func dispatch(_ polled: some Collection<pollfd>) {
    for (index, descriptor) in polled.prefix(count).enumerated() {
      descriptors[index].revents = UInt16(bitPattern: descriptor.revents)
    }
    if g_main_context_check(context, priority, &descriptors, gint(count)) != 0 {
      g_main_context_dispatch(context)
    }
  }
}

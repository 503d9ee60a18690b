public import AffirmCore
internal import CLibNotify

#if canImport(Glibc)
  import Glibc
#endif

/// Shows notifications through libnotify, after checking with short timeouts that a
/// notification server is really there.
///
/// libnotify's own D-Bus calls wait GDBus's default 25 s each, so a stopped server would
/// hang a cron send for close to a minute. Before handing over, this asks the bus whether
/// the name has an owner and asks the server for its capabilities, each with a bound.
/// Every GLib pointer lives in this file.
public final class LibNotifyNotifier: ServerAwareNotifier {
  public static let serverName = "org.freedesktop.Notifications"

  private let bus: SessionBus
  /// How long the server may take to answer GetCapabilities before it counts as hung.
  private let answerTimeout: Double
  /// Whether a new notification replaces the previous one while that is still on screen.
  private let replacesPrevious: Bool
  private var connection: OpaquePointer?
  public private(set) var capabilities: ServerCapabilities = []

  /// What the C callbacks hand over: buttons pressed, notifications closed.
  private let inbox = EventInbox()
  /// Notifications kept alive until closed, to hear what becomes of them (libnotify reports
  /// only on live objects). Keyed by the server's id; released when closed or with the notifier.
  private var kept: [UInt32: OpaquePointer] = [:]
  /// The id of the latest notification, while it is on screen.
  private var previous: UInt32?
  /// The ids in `kept` that carry buttons: withdrawn when nobody will be left to hear them.
  private var withButtons: Set<UInt32> = []
  /// The server instance (unique bus name) that owns the notification name now, as of the
  /// latest check; and the one that gave the ids in `kept`. When they differ, the server has
  /// restarted and every id we hold names nothing of ours.
  private var owner: String?
  private var keptOwner: String?
  /// The quirks of the server `quirksOwner` is, read once per server instance.
  public private(set) var quirks: ServerQuirks = []
  private var quirksOwner: String?
  /// The icon name sent as app_icon; nil where affirm's icon is not installed.
  private let icon: String?

  /// Uses `bus` for every call: the address is handed to GLib explicitly, so GLib never
  /// autolaunches a bus of its own. With `replacesPrevious`, each notification takes the
  /// place of the previous one still on screen (the spec's replaces_id) instead of piling up.
  public init(bus: SessionBus, answerTimeout: Double = 1.5, replacesPrevious: Bool = false, icon: String? = nil) {
    self.bus = bus
    self.answerTimeout = answerTimeout
    self.replacesPrevious = replacesPrevious
    self.icon = icon
  }

  /// The server instance the latest delivery went to.
  public var server: String? { keptOwner }

  deinit {
    for notification in kept.values { g_object_unref(UnsafeMutableRawPointer(notification)) }
    if let connection { g_object_unref(UnsafeMutableRawPointer(connection)) }
  }

  public func deliver(_ request: NotificationRequest) throws(DeliveryError) -> UInt32 {
    try prepare()
    if keptOwner != nil && keptOwner != owner { forgetAll() }
    if quirksOwner != owner {
      quirks = ServerQuirks(server: try? readServerInformation())
      quirksOwner = owner
    }
    let request = quirks.adapting(request)
    let buttons = capabilities.contains(.actions) ? request.responses : []
    let body = capabilities.contains(.bodyMarkup) ? escapeMarkup(request.body) : request.body
    if notify_is_initted() == 0 {
      guard notify_init(NotificationRequest.appName) != 0 else {
        throw .rejected("libnotify could not start (notify_init failed)")
      }
    }
    // libnotify sends a reused object's id as replaces_id.
    // Only one still on screen: libnotify sets a closed object's id to 0 (and never reports
    // it closed again), even when we have not taken that event yet.
    // A ride's bubble is updated in place: the same object, shown again. Its neighbours are
    // left alone (it neither replaces the previous notification nor becomes the previous one).
    let replacing = request.keepsOwnBubble ? request.replacing : (replacesPrevious ? previous : nil)
    var reused = replacing.flatMap { id in kept[id].flatMap { Self.id(of: $0) == id ? $0 : nil } }
    if reused != nil, !buttons.isEmpty, quirks.contains(.replacementDropsButtons), let old = replacing {
      // Replaced, it would lose its buttons: close it, and show a new one.
      closeWithoutWaiting(old)
      if old == previous { previous = nil }
      reused = nil
    }
    let notification: OpaquePointer
    if let reused {
      notify_notification_update(reused, request.summary, body, icon)
      notify_notification_clear_actions(reused)
      notify_notification_clear_hints(reused)
      notification = reused
    } else {
      guard let created = notify_notification_new(request.summary, body, icon) else {
        throw .rejected("libnotify could not create a notification")
      }
      notification = created
      affirm_connect_closed(
        created,
        { notification, data in
          guard let notification, let data else { return }
          let inbox = Unmanaged<EventInbox>.fromOpaque(data).takeUnretainedValue()
          inbox.events.append(.closed(id: LibNotifyNotifier.id(of: notification)))
        }, inbox.retainedPointer(), { data, _ in EventInbox.release(data) })
    }
    notify_notification_set_urgency(notification, request.urgency.notifyUrgency)
    notify_notification_set_timeout(notification, request.expireTimeout)
    notify_notification_set_category(notification, NotificationRequest.category)
    notify_notification_set_hint(
      notification, "desktop-entry", g_variant_new_string(NotificationRequest.desktopEntry))
    if request.transient { notify_notification_set_hint(notification, "transient", g_variant_new_boolean(1)) }
    if let progress = request.progress {
      notify_notification_set_hint(notification, "value", g_variant_new_int32(Int32(clamping: progress.percent)))
    }
    for response in buttons {
      notify_notification_add_action(
        notification, response.rawValue, response.label,
        { notification, action, data in
          guard let notification, let action, let data, let response = Response(rawValue: String(cString: action))
          else { return }
          let inbox = Unmanaged<EventInbox>.fromOpaque(data).takeUnretainedValue()
          inbox.events.append(.answered(id: LibNotifyNotifier.id(of: notification), response))
        }, inbox.retainedPointer(), { EventInbox.release($0) })
    }

    var error: UnsafeMutablePointer<GError>?
    guard notify_notification_show(notification, &error) != 0 else {
      if let reused, let id = replacing, kept[id] == reused { kept[id] = nil }
      if !request.keepsOwnBubble { previous = nil }
      g_object_unref(UnsafeMutableRawPointer(notification))
      throw .rejected(consume(error))
    }
    let id = Self.id(of: notification)
    // The server may answer a replacement with a new id (the old one was gone): file it anew.
    if reused != nil, let old = replacing, old != id { kept[old] = nil }
    if let stale = kept[id], stale != notification { g_object_unref(UnsafeMutableRawPointer(stale)) }
    kept[id] = notification
    keptOwner = owner
    if buttons.isEmpty { withButtons.remove(id) } else { withButtons.insert(id) }
    if replacesPrevious && !request.keepsOwnBubble { previous = id }
    return id
  }

  /// Closes `live` where the server instance that gave its id still runs; an id from an
  /// instance since gone may name another application's notification, so it is left alone.
  /// The daemon's own bubble, which its next notification replaces, is left too.
  public func withdraw(_ live: LiveNotification) throws(DeliveryError) {
    try prepare()
    guard let owner, owner == live.server else { return }
    if replacesPrevious, previous == live.id, keptOwner == owner { return }
    close(live.id)
  }

  /// Closes every notification of ours that still shows buttons, for a process about to stop
  /// listening: a button nobody hears must not stay on screen.
  public func withdrawButtons() {
    defer { withButtons = [] }
    guard !withButtons.isEmpty, let current = try? serverOwner(), current == keptOwner else { return }
    for id in withButtons.sorted() where kept[id].map({ Self.id(of: $0) == id }) ?? false { close(id) }
  }

  /// Forgets every notification: they belonged to a server instance that is gone.
  private func forgetAll() {
    for notification in kept.values { g_object_unref(UnsafeMutableRawPointer(notification)) }
    kept = [:]
    withButtons = []
    previous = nil
    keptOwner = nil
  }

  /// Buttons pressed and notifications closed since the last call, in order. Runs nothing
  /// itself: the GLib main context must be dispatched (MainContextPump) for them to arrive.
  public func takeEvents() -> [NotificationEvent] {
    let events = inbox.events
    inbox.events = []
    for event in events {
      switch event {
      case .answered(let id, _):
        // Answered is done: close it rather than replace it, so that the server's own
        // NotificationClosed for it (some close on any action) cannot arrive after its id was
        // reused. The answer's own notification comes as a new one.
        if previous == id { previous = nil }
        withButtons.remove(id)
        if kept[id] != nil { closeWithoutWaiting(id) }
      case .closed(let id):
        // Released only if libnotify saw it closed (its id is then 0), not if it has since
        // been filed under this id again.
        guard let notification = kept[id], Self.id(of: notification) == 0 else { continue }
        kept[id] = nil
        withButtons.remove(id)
        g_object_unref(UnsafeMutableRawPointer(notification))
        if previous == id { previous = nil }
      }
    }
    return events

  }

  /// Whether anything is waiting in `takeEvents()`.
  public var hasEvents: Bool { !inbox.events.isEmpty }

  /// Blocks until notification `id` is answered or closed, and returns how; nil when
  /// `seconds` passed first (a server with `persistence` keeps an expired notification and
  /// never says it closed). Every few seconds without news it checks that the server still
  /// owns its name, so a server that quits does not leave the caller waiting for ever.
  public func waitForAnswer(to id: UInt32, within seconds: Double) throws(DeliveryError) -> NotificationEvent? {
    let server = try serverOwner()
    let deadline = monotonicSeconds() + seconds
    while true {
      let remaining = deadline - monotonicSeconds()
      if remaining <= 0 { return nil }
      if let event = events(within: min(5, remaining)).first(where: { $0.id == id }) { return event }
      // Gone: say so. Replaced by a new server (restarted): the notification went with the
      // old one, and nobody will ever close it.
      let owner = try serverOwner()
      guard let owner else { throw .noServer }
      if owner != server { return .closed(id: id) }
    }
  }

  /// Runs GLib's main context for up to `seconds`, and returns as soon as buttons are pressed
  /// or notifications close (empty when the time ran out first). Only after a delivery, which
  /// loaded libnotify.
  public func events(within seconds: Double) -> [NotificationEvent] {
    guard let pump = try? MainContextPump() else {
      preconditionFailure("LibNotifyNotifier.events(within:) before libnotify was loaded")
    }
    let deadline = monotonicSeconds() + seconds
    while true {
      let events = takeEvents()
      let remaining = deadline - monotonicSeconds()
      if !events.isEmpty || remaining <= 0 { return events }
      var (descriptors, timeout) = pump.prepare()
      let limit = Int32(min(remaining * 1000 + 1, Double(Int32.max)))
      timeout = timeout < 0 ? limit : min(timeout, limit)
      _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
      pump.dispatch(descriptors)
    }
  }

  /// The unique bus name of the notification server now; nil when nothing owns the name.
  private func serverOwner() throws(DeliveryError) -> String? {
    guard try busCall("NameHasOwner", argument: Self.serverName).flatMap(firstBoolean) ?? false else { return nil }
    guard let reply = try? busCall("GetNameOwner", argument: Self.serverName) else { return nil }
    defer { g_variant_unref(reply) }
    let child = g_variant_get_child_value(reply, 0)
    defer { g_variant_unref(child) }
    return String(cString: g_variant_get_string(child, nil))
  }

  /// Asks the server to close notification `id` and waits for its answer (a bounded while),
  /// so that the request has left before a process that is about to end goes.
  private func close(_ id: UInt32) {
    var children: [OpaquePointer?] = [g_variant_new_uint32(id)]
    let parameters = children.withUnsafeMutableBufferPointer { g_variant_new_tuple($0.baseAddress, 1) }
    var error: UnsafeMutablePointer<GError>?
    let reply = g_dbus_connection_call_sync(
      connection, Self.serverName, "/org/freedesktop/Notifications", Self.serverName, "CloseNotification",
      parameters, nil, G_DBUS_CALL_FLAGS_NONE, gint(answerTimeout * 1000), nil, &error)
    if let reply { g_variant_unref(reply) }
    // Already gone (the server says so with an error): nothing to do.
    if let error { g_error_free(error) }
  }

  /// Asks the server to close notification `id` without waiting for its answer, so that a
  /// server hung just then cannot hold the daemon up; its NotificationClosed releases our
  /// object as usual.
  private func closeWithoutWaiting(_ id: UInt32) {
    var children: [OpaquePointer?] = [g_variant_new_uint32(id)]
    let parameters = children.withUnsafeMutableBufferPointer { g_variant_new_tuple($0.baseAddress, 1) }
    // With no callback, GDBus sends it flagged as expecting no reply.
    g_dbus_connection_call(
      connection, Self.serverName, "/org/freedesktop/Notifications", Self.serverName, "CloseNotification",
      parameters, nil, G_DBUS_CALL_FLAGS_NONE, -1, nil, nil, nil)
  }

  static func id(of notification: OpaquePointer) -> UInt32 {
    var id: gint = 0
    withUnsafeMutablePointer(to: &id) { pointer in
      affirm_object_get_int(UnsafeMutableRawPointer(notification), "id", pointer)
    }
    return UInt32(truncatingIfNeeded: id)
  }

  /// Loads libnotify and connects once, then on every call checks for a live server and reads
  /// its capabilities (a server that restarted may offer different ones).
  public func prepare() throws(DeliveryError) {
    try LibNotifyLibrary.load()
    if connection == nil {
      // libnotify and GDBus read the session address from the environment; setting it here,
      // before any GLib bus call, is what rules out autolaunch.
      setenv("DBUS_SESSION_BUS_ADDRESS", bus.address, 1)
      connection = try connectWithTimeout(seconds: 1)
      // GLib's shared session connection would otherwise end the process when the bus goes.
      g_dbus_connection_set_exit_on_close(connection, 0)
    }

    let owned = try busCall("NameHasOwner", argument: Self.serverName).flatMap(firstBoolean) ?? false
    owner = owned ? try? serverOwner() : nil
    if !owned {
      let activatable = try busCall("ListActivatableNames", argument: nil).map(firstStrings) ?? []
      guard activatable.contains(Self.serverName) else { throw .noServer }
    }
    // Activation can take a moment; a running server answers at once.
    let timeout = owned ? answerTimeout : answerTimeout * 2
    capabilities = ServerCapabilities(
      names: try callServer("GetCapabilities", timeout: timeout).map(firstStrings) ?? [])
    // Started by activation just now: its name has an owner from here on.
    if owner == nil { owner = try? serverOwner() }
  }

  /// Name, vendor, version and spec version, for `affirm doctor`.
  public func serverInformation() throws(DeliveryError) -> ServerInfo {
    try prepare()
    return try readServerInformation()
  }

  private func readServerInformation() throws(DeliveryError) -> ServerInfo {
    guard let reply = try callServer("GetServerInformation", timeout: answerTimeout) else {
      return ServerInfo(reply: [])
    }
    defer { g_variant_unref(reply) }
    return ServerInfo(reply: replyStrings(reply))
  }

  /// The strings of a `(s...)` reply, in order; the caller releases it.
  private func replyStrings(_ reply: OpaquePointer) -> [String] {
    (0..<g_variant_n_children(reply)).map { index in
      let child = g_variant_get_child_value(reply, index)
      defer { g_variant_unref(child) }
      return String(cString: g_variant_get_string(child, nil))
    }
  }

  // MARK: - D-Bus calls with bounded timeouts

  /// g_bus_get_sync() waits 25 s for a bus that accepts the socket but does not answer
  /// Hello; the asynchronous g_bus_get() on a main-context loop can be given up on.
  /// It fills GLib's shared session connection, which libnotify then uses too.
  private func connectWithTimeout(seconds: Double) throws(DeliveryError) -> OpaquePointer {
    let pending = PendingConnection()
    let cancellable = g_cancellable_new()
    defer { g_object_unref(UnsafeMutableRawPointer(cancellable)) }
    let context = Unmanaged.passRetained(pending)
    g_bus_get(
      G_BUS_TYPE_SESSION, cancellable,
      { _, result, userData in
        let pending = Unmanaged<PendingConnection>.fromOpaque(userData!).takeRetainedValue()
        var error: UnsafeMutablePointer<GError>?
        pending.connection = g_bus_get_finish(result, &error)
        if pending.connection == nil { pending.failure = consume(error) }
        pending.finished = true
      }, context.toOpaque())
    let deadline = monotonicSeconds() + seconds
    while !pending.finished {
      let remaining = deadline - monotonicSeconds()
      if remaining <= 0 { break }
      if g_main_context_iteration(nil, 0) == 0 { usleep(1000) }
    }
    guard pending.finished else {
      // The process gives up on the bus; `pending` stays retained for a callback that may never run.
      g_cancellable_cancel(cancellable)
      throw .busUnreachable(
        address: bus.address, reason: "the bus did not answer within \(seconds.formatted(maximumFractionDigits: 1)) s")
    }
    guard let connection = pending.connection else {
      throw .busUnreachable(address: bus.address, reason: pending.failure ?? "unknown error")
    }
    return connection
  }

  private func busCall(_ method: String, argument: String?) throws(DeliveryError) -> OpaquePointer? {
    var error: UnsafeMutablePointer<GError>?
    let parameters = argument.flatMap { Self.tuple(ofString: $0) }
    let reply = g_dbus_connection_call_sync(
      connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      method, parameters, nil, G_DBUS_CALL_FLAGS_NONE, 1000, nil, &error)
    if reply == nil { throw .busUnreachable(address: bus.address, reason: consume(error)) }
    return reply
  }

  /// How much longer than `answerTimeout` a server that is running (not stopped) may take:
  /// it may only be busy (fifty notifications at once). The two together stay under the
  /// README's bound of 3 s for a hung server, with room for the bus calls and start-up.
  static let patience = 1.0

  /// Calls `method` on the server, waiting `timeout` and then, for a server that runs but has
  /// not answered, `patience` more. A hung server costs `timeout + patience` in all, and the
  /// error names that total.
  private func callServer(_ method: String, timeout: Double, patience: Double = LibNotifyNotifier.patience)
    throws(DeliveryError) -> OpaquePointer?
  {
    var error: UnsafeMutablePointer<GError>?
    let reply = g_dbus_connection_call_sync(
      connection, Self.serverName, "/org/freedesktop/Notifications", Self.serverName,
      method, nil, nil, G_DBUS_CALL_FLAGS_NONE, gint(timeout * 1000), nil, &error)
    guard reply == nil else { return reply }
    let failure = BusCallFailure(consuming: error)
    switch failure.kind {
    case .noOwner: throw .noServer
    case .other: throw .rejected(failure.message)
    case .timedOut:
      let pid = serverProcessID()
      // A stopped server (SIGSTOP, a debugger) will not answer: say so now. A running one
      // may only be busy: give it a little longer before giving up.
      if patience > 0, let pid, !Self.isStopped(pid: pid) {
        do throws(DeliveryError) {
          return try callServer(method, timeout: patience, patience: 0)
        } catch .serverNotResponding(let pid, let waited) {
          throw .serverNotResponding(pid: pid, seconds: timeout + waited)
        }
      }
      throw .serverNotResponding(pid: pid, seconds: timeout)
    }
  }

  /// The pid of the server's connection, to name it in an error; nil where the bus won't say.
  private func serverProcessID() -> UInt32? {
    guard let reply = try? busCall("GetConnectionUnixProcessID", argument: Self.serverName) else { return nil }
    defer { g_variant_unref(reply) }
    let child = g_variant_get_child_value(reply, 0)
    defer { g_variant_unref(child) }
    return g_variant_get_uint32(child)
  }

  /// Whether the process is stopped or traced (state T or t in /proc/PID/stat).
  static func isStopped(pid: UInt32) -> Bool {
    guard let stat = try? String(decoding: readProcessFile("/proc/\(pid)/stat"), as: UTF8.self),
      let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: close)...].first { $0 != " " }
    return state == "T" || state == "t"
  }

  private static func readProcessFile(_ path: String) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw DeliveryError.noServer }
    defer { Glibc.close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 1024)
    let count = read(descriptor, &buffer, buffer.count)
    return count > 0 ? Array(buffer[..<count]) : []
  }

  private static func tuple(ofString value: String) -> OpaquePointer? {
    var children: [OpaquePointer?] = [g_variant_new_string(value)]
    return children.withUnsafeMutableBufferPointer { g_variant_new_tuple($0.baseAddress, 1) }
  }

  /// Reads a `(b)` reply and releases it.
  private func firstBoolean(_ reply: OpaquePointer) -> Bool? {
    defer { g_variant_unref(reply) }
    let child = g_variant_get_child_value(reply, 0)
    defer { g_variant_unref(child) }
    return g_variant_get_boolean(child) != 0
  }

  /// Reads an `(as)` reply and releases it.
  private func firstStrings(_ reply: OpaquePointer) -> [String] {
    defer { g_variant_unref(reply) }
    let child = g_variant_get_child_value(reply, 0)
    defer { g_variant_unref(child) }
    var count: gsize = 0
    guard let strings = g_variant_get_strv(child, &count) else { return [] }
    defer { g_free(strings) }
    return (0..<Int(count)).compactMap { strings[$0].map { String(cString: $0) } }
  }
}

/// What libnotify's callbacks share with the notifier. Each callback registration holds one
/// retain, released by GLib's destroy notify.
private final class EventInbox {
  var events: [NotificationEvent] = []

  func retainedPointer() -> UnsafeMutableRawPointer { Unmanaged.passRetained(self).toOpaque() }

  static func release(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    Unmanaged<EventInbox>.fromOpaque(pointer).release()
  }
}

/// The state one asynchronous connect shares with its C callback.

private final class PendingConnection {
  var finished = false
  var connection: OpaquePointer?
  var failure: String?
}

private func monotonicSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Turns a GError into its message and frees it.
private func consume(_ error: UnsafeMutablePointer<GError>?) -> String {
  BusCallFailure(consuming: error).message
}

/// What a failed D-Bus call's GError says, read from its domain and code; frees it. The one
/// place GErrors end.
struct BusCallFailure {
  enum Kind: Equatable {
    /// The call's own timeout passed (G_IO_ERROR_TIMED_OUT): the server did not answer.
    case timedOut
    /// Nothing owns the name, and the bus cannot start anything for it
    /// (org.freedesktop.DBus.Error.ServiceUnknown or .NameHasNoOwner).
    case noOwner
    /// Anything else: the message says what.
    case other
  }

  var kind: Kind
  /// GLib's message; for an error the remote side sent, "GDBus.Error:<name>: <text>".
  var message: String

  init(consuming error: UnsafeMutablePointer<GError>?) {
    guard let error else {
      kind = .other
      message = "unknown error"
      return
    }
    defer { g_error_free(error) }
    kind = Self.kind(domain: error.pointee.domain, code: error.pointee.code)
    message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
  }

  /// GDBus turns the bus's own error names (org.freedesktop.DBus.Error.*) into G_DBUS_ERROR
  /// codes, so no message is read for them. A name GIO does not know (a server's own, such as
  /// notification-daemon's MaxNotificationsExceeded) arrives as G_IO_ERROR_DBUS_ERROR with the
  /// name only in the message: that is `.other`, shown with its message.
  static func kind(domain: GQuark, code: gint) -> Kind {
    if domain == g_io_error_quark() && code == G_IO_ERROR_TIMED_OUT { return .timedOut }
    if domain == g_dbus_error_quark()
      && (code == G_DBUS_ERROR_SERVICE_UNKNOWN || code == G_DBUS_ERROR_NAME_HAS_NO_OWNER)
    {
      return .noOwner
    }
    return .other
  }
}

extension Urgency {
  fileprivate var notifyUrgency: NotifyUrgency {
    switch self {
    case .low: NOTIFY_URGENCY_LOW
    case .normal: NOTIFY_URGENCY_NORMAL
    case .critical: NOTIFY_URGENCY_CRITICAL
    }
  }
}

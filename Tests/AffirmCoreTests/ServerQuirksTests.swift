import Testing

@testable import AffirmCore
@testable import AffirmState
@testable import AffirmSystem
@testable import TOML

/// A notifier that knows its server instance, and records what it was asked to withdraw.
final class ServerRecordingNotifier: ServerAwareNotifier {
  var server: String?
  var shown: [NotificationRequest] = []
  var withdrawn: [LiveNotification] = []

  init(server: String) { self.server = server }

  func deliver(_ request: NotificationRequest) throws(DeliveryError) -> UInt32 {
    shown.append(request)
    return UInt32(shown.count)
  }

  func withdraw(_ live: LiveNotification) throws(DeliveryError) { withdrawn.append(live) }
}

@Suite("server quirks and affirm's one live notification", .timeLimit(.minutes(2)))
struct ServerQuirksTests {
  @Test("the table: GNOME Shell and mako have their quirks; four servers draw progress bars; others none")
  func table() {
    #expect(ServerQuirks(serverName: "gnome-shell") == [.lowUrgencyStaysHidden, .replacementDropsButtons])
    #expect(ServerQuirks(serverName: "mako") == [.buttonsInMenuOnly, .drawsProgress])
    #expect(ServerQuirks(serverName: "dunst") == [.drawsProgress])
    #expect(ServerQuirks(serverName: "Xfce Notify Daemon") == [.drawsProgress])
    #expect(ServerQuirks(serverName: "notify-osd") == [.drawsProgress])
    #expect(ServerQuirks(serverName: "Notification Daemon").isEmpty)
    #expect(ServerQuirks(serverName: "fake").isEmpty)
  }

  @Test("a ride's progress: a line in the body only where the server draws no bar")
  func progressLine() {
    var request = NotificationRequest(summary: "s", body: "A wave.", urgency: .critical, tags: [])
    request.progress = RideProgress(percent: 35, line: "7 of 20 minutes")
    #expect(ServerQuirks(serverName: "dunst").adapting(request).body == "A wave.")
    #expect(ServerQuirks(serverName: "gnome-shell").adapting(request).body == "A wave.\n7 of 20 minutes")
    #expect(ServerQuirks(serverName: "fake").adapting(request).body == "A wave.\n7 of 20 minutes")
  }

  @Test("server information by name: the spec's four fields in order, a missing one \"?\"; quirks by its name")
  func serverInfo() {
    let mako = ServerInfo(reply: ["mako", "emersion", "1.9", "1.2"])
    #expect(mako == ServerInfo(name: "mako", vendor: "emersion", version: "1.9", specVersion: "1.2"))
    #expect(
      ServerInfo(reply: ["dunst", "knopwob"])
        == ServerInfo(name: "dunst", vendor: "knopwob", version: "?", specVersion: "?"))
    #expect(ServerQuirks(server: mako) == [.buttonsInMenuOnly, .drawsProgress])
    #expect(ServerQuirks(server: nil).isEmpty)
    #expect(ServerQuirks(server: ServerInfo(reply: [])).isEmpty)
  }

  @Test("capabilities: the spec's names typed, any other kept as it came, in the order listed")
  func capabilities() {
    let names = [
      "action-icons", "actions", "body", "body-hyperlinks", "body-images", "body-markup", "icon-multi", "icon-static",
      "persistence", "sound", "x-vendor-thing",
    ]
    let listed = ServerCapabilities(names: names)
    #expect(listed.listed.map(\.rawValue) == names)
    #expect(listed.listed.filter { if case .other = $0 { true } else { false } } == [.other("x-vendor-thing")])
    #expect(Capability(rawValue: "actions") == .actions && Capability(rawValue: "body-markup") == .bodyMarkup)
    #expect(Capability(rawValue: "persistence") == .persistence && Capability(rawValue: "body") == .body)
    let plain = ServerCapabilities(names: ["body", "x-actions"])
    #expect(plain.contains(.body) && !plain.contains(.actions) && plain.contains(.other("x-actions")))
    #expect(ServerCapabilities(names: []).isEmpty && !plain.isEmpty)
  }

  @Test("only a transient low-urgency acknowledgement is raised to normal, and only where low stays hidden")
  func adapting() {
    let gnome = ServerQuirks(serverName: "gnome-shell")
    #expect(gnome.adapting(Response.acknowledgement).urgency == .normal)
    #expect(gnome.adapting(Response.acknowledgement).transient)
    let chosenLow = NotificationRequest(summary: "s", body: "b", urgency: .low, tags: [])
    #expect(gnome.adapting(chosenLow).urgency == .low)
    #expect(ServerQuirks(serverName: "dunst").adapting(Response.acknowledgement).urgency == .low)
  }

  @Test("each delivery first withdraws the previous live one, kept in the state with its server")
  func liveNotification() throws {
    let (store, _) = try temporaryStore()
    let dispatcher = Dispatcher(
      corpus: catalog(entries(5, tag: "morning")), config: Config(slots: []), zone: .utc, store: store,
      logger: quietLogger)
    var generator = SplitMix64(seed: 3)
    let notifier = ServerRecordingNotifier(server: ":1.7")
    let now = Instant(seconds: 1_800_000_000)
    _ = try dispatcher.deliver(
      tags: [], urgency: .normal, source: .send, now: now, notifier: notifier, using: &generator)
    #expect(notifier.withdrawn.isEmpty)
    #expect(try store.liveNotification() == LiveNotification(id: 1, server: ":1.7"))
    // Another process, another server instance: the notifier gets the old one to judge.
    let later = ServerRecordingNotifier(server: ":1.9")
    _ = try dispatcher.deliver(tags: [], urgency: .normal, source: .send, now: now, notifier: later, using: &generator)
    #expect(later.withdrawn == [LiveNotification(id: 1, server: ":1.7")])
    #expect(try store.liveNotification() == LiveNotification(id: 1, server: ":1.9"))
  }
}

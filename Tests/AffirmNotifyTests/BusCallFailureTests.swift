import CLibNotify
import Testing

@testable import AffirmNotify

/// A failed D-Bus call is told apart by its GError's domain and code, never by its message.
@Suite("failed D-Bus calls by GError domain and code", .timeLimit(.minutes(2)))
struct BusCallFailureTests {
  @Test("no owner, a timeout, and everything else (the bus's NoReply, a remote name GIO does not know)")
  func kinds() throws {
    _ = try LibNotifyLibrary.load()
    let dbus = g_dbus_error_quark()
    let io = g_io_error_quark()
    #expect(dbus != io)
    #expect(BusCallFailure.kind(domain: dbus, code: 2) == .noOwner, "ServiceUnknown")
    #expect(BusCallFailure.kind(domain: dbus, code: 3) == .noOwner, "NameHasNoOwner")
    #expect(BusCallFailure.kind(domain: io, code: 24) == .timedOut, "G_IO_ERROR_TIMED_OUT")
    #expect(BusCallFailure.kind(domain: dbus, code: 4) == .other, "NoReply: the server left without answering")
    #expect(BusCallFailure.kind(domain: dbus, code: 24) == .other, "the same code in another domain")
    #expect(BusCallFailure.kind(domain: io, code: 2) == .other, "G_IO_ERROR_NOT_FOUND is not a missing server")
    #expect(BusCallFailure.kind(domain: io, code: 36) == .other, "G_IO_ERROR_DBUS_ERROR: a name GIO does not know")
  }
}

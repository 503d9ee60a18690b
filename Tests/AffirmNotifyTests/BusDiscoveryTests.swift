import AffirmCore
import Glibc
import Testing

@testable import AffirmNotify

@Suite("finding the session bus", .timeLimit(.minutes(2)))
struct BusDiscoveryTests {
  @Test("the environment's address wins")
  func environmentFirst() throws {
    let bus = try BusDiscovery.locate(
      environment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/tmp/x", "XDG_RUNTIME_DIR": "/run/user/5"],
      userID: 5, isSocket: { _ in true })
    #expect(bus == SessionBus(address: "unix:path=/tmp/x", source: .environment))
  }

  @Test("then $XDG_RUNTIME_DIR/bus, then /run/user/<uid>/bus, each only where the socket exists")
  func fallbacks() throws {
    let runtime = try BusDiscovery.locate(
      environment: ["XDG_RUNTIME_DIR": "/tmp/rt/"], userID: 7, isSocket: { $0 == "/tmp/rt/bus" })
    #expect(runtime == SessionBus(address: "unix:path=/tmp/rt/bus", source: .runtimeDirectory("/tmp/rt/bus")))

    let runUser = try BusDiscovery.locate(
      environment: ["XDG_RUNTIME_DIR": "/tmp/rt", "DBUS_SESSION_BUS_ADDRESS": ""], userID: 7,
      isSocket: { $0 == "/run/user/7/bus" })
    #expect(runUser == SessionBus(address: "unix:path=/run/user/7/bus", source: .runUser("/run/user/7/bus")))
  }

  @Test("no socket anywhere: noBus")
  func nothing() {
    #expect(throws: DeliveryError.noBus) {
      try BusDiscovery.locate(environment: ["XDG_RUNTIME_DIR": "/tmp/rt"], userID: 7, isSocket: { _ in false })
    }
  }

  @Test("a relative XDG_RUNTIME_DIR is ignored, as the base directory spec asks")
  func relativeRuntimeDirectory() {
    #expect(throws: DeliveryError.noBus) {
      try BusDiscovery.locate(environment: ["XDG_RUNTIME_DIR": "rt"], userID: 7, isSocket: { $0 == "rt/bus" })
    }
  }

  @Test(
    "autolaunch and disabled addresses are refused",
    arguments: ["autolaunch:", "unix:path=/x;autolaunch:", "disabled:"])
  func refused(address: String) {
    #expect(throws: DeliveryError.refusedAddress(address)) {
      try BusDiscovery.locate(environment: ["DBUS_SESSION_BUS_ADDRESS": address], userID: 7, isSocket: { _ in true })
    }
  }

  @Test("the real socket check tells a socket from a file")
  func socketCheck() {
    #expect(!BusDiscovery.isSocket("/etc/passwd"))
    #expect(!BusDiscovery.isSocket("/nonexistent"))
  }
}

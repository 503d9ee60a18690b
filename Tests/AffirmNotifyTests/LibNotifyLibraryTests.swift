import AffirmCore
import Glibc
import Testing

@testable import AffirmNotify

@Suite("loading libnotify at run time", .timeLimit(.minutes(2)))
struct LibNotifyLibraryTests {
  @Test("a library that is not installed: dlopen's reason, naming it, in the sentence")
  func missingLibrary() throws {
    let reason = try #require(Self.failure(of: "libnotify-does-not-exist.so.9"))
    #expect(reason == "libnotify-does-not-exist.so.9: cannot open shared object file: No such file or directory")
    #expect(
      DeliveryError.libnotifyUnavailable(reason: reason).description
        == "libnotify could not be loaded (libnotify-does-not-exist.so.9: cannot open shared object file: "
        + "No such file or directory); install it: apt install libnotify4")
  }

  @Test("a library without libnotify's functions: names the file and the first function it lacks")
  func libraryWithoutTheFunctions() throws {
    let reason = try #require(Self.failure(of: "libz.so.1"))
    #expect(reason.hasSuffix("libz.so.1: undefined symbol: notify_init"), "\(reason)")
  }

  @Test("the real one: loaded once, from a file named libnotify.so.4, and GLib answers through it")
  func realLibrary() throws {
    let path = try LibNotifyLibrary.load()
    #expect(path.hasPrefix("/") && path.hasSuffix("/libnotify.so.4"), "\(path)")
    #expect(LibNotifyLibrary.isLoaded)
    #expect(try LibNotifyLibrary.load() == path)
    // Loading again by hand finds the same file and leaves the table in use as it was.
    #expect(try LibNotifyLibrary.open(LibNotifyLibrary.soname).get() == path)
    // GLib's functions are reached through libnotify's own dependencies.
    _ = try MainContextPump()
  }

  @Test("a libnotify or GLib call before a load stops the process at once, naming the function")
  func callBeforeLoad() async throws {
    let result = try await #require(processExitsWith: .signal(SIGABRT), observing: [\.standardErrorContent]) {
      // A process of its own, where nothing has loaded libnotify.
      _ = LibNotifyNotifier.id(of: OpaquePointer(bitPattern: 0x10)!)
    }
    let text = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(text.contains("affirm: affirm_object_get_int called before libnotify was loaded"), "\(text)")
  }

  /// Why `soname` cannot serve as libnotify; nil when it loads.
  static func failure(of soname: String) -> String? {
    guard case .failure(.libnotifyUnavailable(let reason)) = LibNotifyLibrary.open(soname) else { return nil }
    return reason
  }
}

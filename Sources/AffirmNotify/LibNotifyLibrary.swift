public import AffirmCore
internal import CLibNotify

/// libnotify, opened with dlopen the first time a command shows a notification (or the daemon
/// or the doctor starts), so that the commands that never show one load neither it nor GLib,
/// GIO and their dozen dependencies.
///
/// Every libnotify and GLib function in this module is a CLibNotify wrapper that calls through
/// the table `load()` fills; one called before a successful load stops the process at once.
public enum LibNotifyLibrary {
  /// libnotify's soname: the ABI affirm is written against.
  public static let soname = "libnotify.so.4"

  /// The path libnotify was loaded from, or why it could not be. Tried once per process, the
  /// first time it is asked for: a static let is initialized exactly once, whatever the threads.
  public static let status: Result<String, DeliveryError> = open(soname)

  /// Loads libnotify, unless an earlier call did; the path it was loaded from.
  @discardableResult
  public static func load() throws(DeliveryError) -> String { try status.get() }

  /// Whether libnotify has been loaded. Asking never loads it.
  public static var isLoaded: Bool { affirm_libnotify_is_loaded() }

  /// Opens `soname` and looks up every function affirm calls (affirm_libnotify_load). Each
  /// call tries again; `status` is the one that counts.
  static func open(_ soname: String) -> Result<String, DeliveryError> {
    var detail = [CChar](repeating: 0, count: 1024)
    let loaded = affirm_libnotify_load(soname, &detail, detail.count)
    let text = detail.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return loaded ? .success(text) : .failure(.libnotifyUnavailable(reason: text))
  }
}

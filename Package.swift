// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "affirm",
  products: [
    .executable(name: "affirm", targets: ["affirm"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    // The C door: libnotify and the GLib/GIO functions next to it, opened with dlopen only when
    // a command shows a notification. Needs no libnotify or GLib headers to build, and links
    // neither (dlopen is in glibc's libc since 2.34).
    .target(name: "CLibNotify"),
    // Pure Swift: corpus, selection, what a notification says. No C, no clocks.
    .target(
      name: "AffirmCore",
      dependencies: [
        .product(name: "Logging", package: "swift-log"),
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: strict
    ),
    // The only code that touches libnotify/GLib pointers; bus discovery.
    .target(name: "AffirmNotify", dependencies: ["AffirmCore", "CLibNotify"], swiftSettings: strict),
    // timerfd, signalfd and inotify headers, which the Glibc module lacks.
    .systemLibrary(name: "CLinux"),
    // Linux plumbing for the daemon: timerfd, signalfd, inotify, the instance lock.
    .target(name: "AffirmSystem", dependencies: ["AffirmCore", "AffirmNotify", "CLinux"], swiftSettings: strict),
    .executableTarget(
      name: "affirm",
      dependencies: [
        "AffirmCore",
        "AffirmNotify",
        "AffirmSystem",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    .testTarget(
      name: "AffirmCoreTests",
      dependencies: [
        "AffirmCore",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strict
    ),
    .testTarget(name: "AffirmNotifyTests", dependencies: ["AffirmNotify"], swiftSettings: strict),
    .testTarget(
      name: "AffirmCommandTests",
      dependencies: ["affirm", "AffirmCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: strict),
    // What the end-to-end tests share: the child-process runner, scratch homes, the private bus,
    // the notification stack scripts/test starts (and whether it is there), the fake server.
    .target(name: "AffirmTestSupport", path: "Tests/AffirmTestSupport", swiftSettings: strict),
    .testTarget(name: "AffirmEndToEndTests", dependencies: ["affirm", "AffirmTestSupport"], swiftSettings: strict),
  ]
)

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
    // A TOML 1.0 parser with file:line:column errors. Depends on nothing, so the fuzzers link it alone.
    .target(name: "TOML", swiftSettings: strict),
    // The domain, pure Swift: time and zones from bytes, schedules, the corpus and its voice,
    // selection, config parsing, what a notification says, the daemon's loop and policy.
    // No Glibc, no GRDB, no D-Bus, no clock: every input (time, zone, randomness) is passed in.
    .target(
      name: "AffirmCore",
      dependencies: ["TOML", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strict
    ),
    // A daemon host whose clock jumps to each deadline: runs the real daemon loop over days in
    // milliseconds, for the tests and affirm-bench. Not linked into affirm.
    .target(name: "AffirmSimulation", dependencies: ["AffirmCore"], swiftSettings: strict),
    // timerfd, signalfd and inotify headers, which the Glibc module lacks.
    .systemLibrary(name: "CLinux"),
    // The platform door, on Glibc: files, XDG paths, zone files, corpus files and their
    // mapped index, desktop and systemd files, the instance lock, the waiter, the clock, the
    // environment; the syscalls they share go through Posix.swift (FilePath, writeAll, Errno).
    .target(
      name: "AffirmSystem",
      dependencies: ["AffirmCore", "CLinux", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strict
    ),
    // The state database on GRDB (deliveries, the shuffle bag's memory, pause, journal), and
    // the Dispatcher that picks, shows and records one delivery through it.
    .target(
      name: "AffirmState",
      dependencies: [
        "AffirmCore", "AffirmSystem",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    // The only code that touches libnotify/GLib pointers, opened with dlopen; bus discovery.
    .target(name: "AffirmNotify", dependencies: ["AffirmCore", "CLibNotify"], swiftSettings: strict),
    // The commands and the one composition root (CommandContext, LiveDaemonHost), and the
    // only place that maps errors to exit statuses.
    .executableTarget(
      name: "affirm",
      dependencies: [
        "AffirmCore",
        "AffirmNotify",
        "AffirmState",
        "AffirmSystem",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    // scripts/bench's simulated year of the daemon loop, on the built-in schedule. Never installed.
    .executableTarget(
      name: "affirm-bench",
      dependencies: [
        "AffirmCore", "AffirmSimulation", "AffirmSystem", .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strict
    ),
    .testTarget(
      name: "AffirmCoreTests",
      dependencies: [
        "TOML", "AffirmCore", "AffirmSimulation", "AffirmState", "AffirmSystem",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strict
    ),
    .testTarget(name: "AffirmNotifyTests", dependencies: ["AffirmNotify"], swiftSettings: strict),
    .testTarget(
      name: "AffirmCommandTests",
      dependencies: [
        "affirm", "TOML", "AffirmCore", "AffirmState", "AffirmSystem",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict),
    // What the end-to-end tests share: the child-process runner, scratch homes, the private bus,
    // the notification stack scripts/test starts (and whether it is there), the fake server.
    .target(name: "AffirmTestSupport", path: "Tests/AffirmTestSupport", swiftSettings: strict),
    .testTarget(name: "AffirmEndToEndTests", dependencies: ["affirm", "AffirmTestSupport"], swiftSettings: strict),
  ]
)

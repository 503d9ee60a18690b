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
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // The C door: libnotify (and the GLib/GIO it brings) through pkg-config.
    .systemLibrary(
      name: "CLibNotify",
      pkgConfig: "libnotify",
      providers: [.apt(["libnotify-dev"])]
    ),
    // Pure Swift: corpus, selection, what a notification says. No C, no clocks.
    .target(name: "AffirmCore", swiftSettings: strict),
    // The only code that touches libnotify/GLib pointers; bus discovery.
    .target(name: "AffirmNotify", dependencies: ["AffirmCore", "CLibNotify"], swiftSettings: strict),
    .executableTarget(
      name: "affirm",
      dependencies: [
        "AffirmCore",
        "AffirmNotify",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    .testTarget(name: "AffirmCoreTests", dependencies: ["AffirmCore"], swiftSettings: strict),
    .testTarget(name: "AffirmNotifyTests", dependencies: ["AffirmNotify"], swiftSettings: strict),
    .testTarget(name: "AffirmEndToEndTests", dependencies: ["affirm"], swiftSettings: strict),
  ]
)

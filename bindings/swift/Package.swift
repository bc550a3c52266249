// swift-tools-version:5.9
// The Swift package `OfflinePush`: the generated Swift API over the Rust core.
//
// - With OFFLINE_PUSH_LIB_DIR set (`./dev test` sets it, on Linux and macOS alike)
//   it links the library built in this checkout from that folder, and records the
//   folder as an rpath so tests and tools find it at run time. On Linux without
//   the variable it uses ../../target/debug.
// - Otherwise, on Apple platforms, it uses `OfflinePushFFI.xcframework` beside it,
//   built by `./dev xcframework` on a Mac. An app depends on the release instead
//   (README.md here: the same sources over the zipped XCFramework, by URL).
import Foundation
import PackageDescription

let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let localLibDir = ProcessInfo.processInfo.environment["OFFLINE_PUSH_LIB_DIR"]

func linkLocalLibrary(_ libDir: String) -> (Target, [LinkerSetting]) {
    (.systemLibrary(name: "OfflinePushFFI", path: "Sources/OfflinePushFFI"),
     [.unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir])])
}

#if os(Linux)
let (ffiTarget, linkerSettings) = linkLocalLibrary(localLibDir ?? "\(packageDir)/../../target/debug")
#else
// The library uses the system's SQLite on Apple platforms (it compiles none in there).
let (ffiTarget, linkerSettings): (Target, [LinkerSetting]) = localLibDir.map(linkLocalLibrary)
    ?? (.binaryTarget(name: "OfflinePushFFI", path: "OfflinePushFFI.xcframework"), [.linkedLibrary("sqlite3")])
#endif

let package = Package(
    name: "OfflinePush",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "OfflinePush", targets: ["OfflinePush"]),
    ],
    targets: [
        ffiTarget,
        .target(
            name: "OfflinePush",
            dependencies: ["OfflinePushFFI"],
            path: "Sources/OfflinePush",
            linkerSettings: linkerSettings
        ),
        .testTarget(
            name: "OfflinePushTests",
            dependencies: ["OfflinePush"],
            path: "Tests/OfflinePushTests"
        ),
    ]
)

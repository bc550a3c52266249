// swift-tools-version:5.9
// The Swift package `OfflinePush`: the generated Swift API over the Rust core.
//
// - On Linux it links the library built in this checkout (`./dev build`), found
//   in OFFLINE_PUSH_LIB_DIR (default: ../../target/debug).
// - On Apple platforms it uses `OfflinePushFFI.xcframework`, built by
//   `./build-xcframework.sh` on a Mac (see README.md).
import Foundation
import PackageDescription

let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

#if os(Linux)
let libDir = ProcessInfo.processInfo.environment["OFFLINE_PUSH_LIB_DIR"] ?? "\(packageDir)/../../target/debug"
let ffiTarget: Target = .systemLibrary(name: "OfflinePushFFI", path: "Sources/OfflinePushFFI")
let linkerSettings: [LinkerSetting] = [.unsafeFlags(["-L", libDir])]
#else
let ffiTarget: Target = .binaryTarget(name: "OfflinePushFFI", path: "OfflinePushFFI.xcframework")
let linkerSettings: [LinkerSetting] = []
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

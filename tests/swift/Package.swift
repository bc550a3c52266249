// swift-tools-version:5.9
// The Swift conformance-vector runner (tests/vectors/README.md): `swift run swift-vectors
// <own dir> [<extra dir>]`. It reads the vectors with Foundation and calls the
// generated Swift API of the local OfflinePush package (../../bindings/swift).
import PackageDescription

let package = Package(
    name: "OfflinePushVectors",
    // OfflinePush needs macOS 10.15; a lower default here would not resolve on a Mac.
    platforms: [.macOS(.v10_15)],
    dependencies: [
        // `OfflinePush` is a symlink to ../../bindings/swift. SwiftPM names a local
        // package after the last component of its path, and this folder is called
        // `swift` too, so `.package(path: "../../bindings/swift")` would be this
        // package depending on itself ("cyclic dependency"; with tools 6.0,
        // "product 'OfflinePush' not found in package 'swift'").
        .package(path: "OfflinePush"),
    ],
    targets: [
        .executableTarget(
            name: "swift-vectors",
            dependencies: [.product(name: "OfflinePush", package: "OfflinePush")],
            path: "Sources/swift-vectors"
        ),
        // The crossing-cost benchmark of BENCHMARKS.md (`./dev bench`).
        .executableTarget(
            name: "swift-bench",
            dependencies: [.product(name: "OfflinePush", package: "OfflinePush")],
            path: "Sources/swift-bench"
        ),
    ]
)

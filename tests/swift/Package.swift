// swift-tools-version:5.9
// The Swift conformance-vector runner (VECTORS.md): `swift run swift-vectors
// <own dir> [<extra dir>]`. It reads the vectors with Foundation and calls the
// generated Swift API of the local OfflinePush package.
import PackageDescription

let package = Package(
    name: "OfflinePushVectors",
    // OfflinePush needs macOS 10.15; a lower default here would not resolve on a Mac.
    platforms: [.macOS(.v10_15)],
    dependencies: [
        .package(path: "OfflinePush"),
    ],
    targets: [
        .executableTarget(
            name: "swift-vectors",
            // A local package's identity is the last component of its path.
            dependencies: [.product(name: "OfflinePush", package: "OfflinePush")],
            path: "Sources/swift-vectors"
        ),
    ]
)

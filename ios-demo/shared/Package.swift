// swift-tools-version:5.9
// What the iOS demo app and its Notification Service Extension share that needs
// no UIKit: a delivered push to a notification plan, and the tap's link. Built and
// tested on Linux by `./dev test` against the library this checkout builds.
import PackageDescription

let package = Package(
    name: "OfflinePushDemoShared",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "OfflinePushDemoShared", targets: ["OfflinePushDemoShared"]),
    ],
    dependencies: [.package(path: "../../bindings/swift")],
    targets: [
        .target(
            name: "OfflinePushDemoShared",
            dependencies: [.product(name: "OfflinePush", package: "swift")]
        ),
        .testTarget(
            name: "OfflinePushDemoSharedTests",
            dependencies: ["OfflinePushDemoShared"]
        ),
    ]
)

// swift-tools-version:5.9
// The iOS device of `./dev demo` on Linux: the app and its Notification Service
// Extension as two kinds of process over one store directory, running the same
// neutral code (`../shared`) the app and the extension in `../App` and
// `../NotificationService` run on a phone.
import PackageDescription

let package = Package(
    name: "OfflinePushDemoIOSDevice",
    dependencies: [
        .package(path: "../../bindings/swift"),
        .package(path: "../shared"),
    ],
    targets: [
        .executableTarget(
            name: "ios-device",
            dependencies: [
                .product(name: "OfflinePush", package: "swift"),
                .product(name: "OfflinePushDemoShared", package: "shared"),
            ]
        ),
    ]
)

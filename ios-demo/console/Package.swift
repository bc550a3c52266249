// swift-tools-version:5.9
// The console demo (until the iOS demo app lands), through the Swift package.
import PackageDescription

let package = Package(
    name: "OfflinePushConsoleDemo",
    dependencies: [.package(path: "../../bindings/swift")],
    targets: [
        .executableTarget(
            name: "offline-push-demo",
            dependencies: [.product(name: "OfflinePush", package: "swift")]
        ),
    ]
)

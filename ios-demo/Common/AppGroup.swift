import Foundation

/// The app group both targets name in their Info.plist (`OfflinePushAppGroup`) and
/// entitlements: its container holds the one store the app and the extension share.
enum AppGroup {
    static var identifier: String {
        Bundle.main.object(forInfoDictionaryKey: "OfflinePushAppGroup") as? String ?? ""
    }

    static func storeDirectory() -> URL {
        let container = FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: identifier)
            ?? FileManager.default.temporaryDirectory
        return container.appendingPathComponent("offline-push", isDirectory: true)
    }
}

// What an iOS Notification Service Extension does with messages that arrived
// while the app was offline, through the Swift package.
import Foundation
import OfflinePush

func describe(_ outcome: RenderOutcome) {
    switch outcome {
    case .show(let n):
        print("  notification: title=\"\(n.title)\" content=\"\(n.content)\"")
        print("    conversation=\(n.conversationType)/\(n.conversationId) sender=\(n.senderId) nickname=\(n.senderNickname ?? "nil")")
        print("    sound=\(n.sound) badge=\(n.badge)")
    case .suppress(let reason):
        print("  no notification: \(reason)")
    }
}

let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
try manager.login(userId: "bob")
try manager.setLocale(locale: .en)

let burst = [
    IncomingMessage(
        conversationType: .group,
        sender: MessageSender(userId: "alice", nickname: "Alice", nameCard: "Ally"),
        group: GroupInfo(groupId: "g7", name: "Weekend hike 🥾"),
        elements: [.text(text: "look at this "), .image],
        pushSettings: MessagePushSettings(ios: IosPushSettings(sound: .custom(path: "ding.caf"), badgeEnabled: true)),
        timestamp: 1_700_000_000
    ),
    IncomingMessage(
        conversationType: .c2c,
        sender: MessageSender(userId: "carol", nickname: "Carol"),
        elements: [.sound(durationSeconds: 4)],
        pushSettings: MessagePushSettings(ios: IosPushSettings(sound: .silent, badgeEnabled: false)),
        timestamp: 1_700_000_060
    ),
    IncomingMessage(
        conversationType: .c2c,
        sender: MessageSender(userId: "dave"),
        elements: [.custom(desc: nil, data: nil)],
        timestamp: 1_700_000_120
    ),
]
print("Swift: \(burst.count) messages rendered in one call")
try manager.renderBatch(messages: burst).forEach(describe)

// The state that lasts: the app and its Notification Service Extension share one
// store directory (on a device, the app-group container).
final class PrintingListener: OfflinePushListener, @unchecked Sendable {
    func onNotification(notification: OfflinePushNotification) throws {
        print("  listener: show \"\(notification.title): \(notification.content)\" badge=\(notification.badgeCount.map(String.init) ?? "nil")")
    }

    func onSuppressed(message: IncomingMessage, reason: SuppressReason) throws {
        print("  listener: no notification for \(message.messageId ?? "nil"): \(reason)")
    }
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("offline-push-demo-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: directory) }
let config = OfflinePushConfig(platform: .ios, storeDirectory: directory)
do {
    let app = try OfflinePushManager(config: config)
    try app.login(userId: "bob")
    try app.suspend()  // the app goes to the background: no file lock held
}
print("Swift: the Notification Service Extension receives on the app's store")
do {
    let serviceExtension = try OfflinePushManager(config: config)
    serviceExtension.setListener(listener: PrintingListener())
    let hello = IncomingMessage(
        messageId: "m1", conversationType: .c2c, sender: MessageSender(userId: "alice"),
        elements: [.text(text: "hello")], timestamp: 1_700_000_000
    )
    _ = try serviceExtension.receive(message: hello)
    _ = try serviceExtension.receive(message: hello)  // delivered twice: shown once
    try serviceExtension.suspend()  // before handing the content over
}
let restarted = try OfflinePushManager(config: config)
print("Swift: the app, restarted, sees badge \(try restarted.badgeTotal())")

// The sync with the app's backend (K4–K7): changes wait on the device until the
// server takes them.
final class DemoBackend: PushBackend, @unchecked Sendable {
    private let lock = NSLock()
    private var isOnline = false
    var online: Bool {
        get { lock.lock(); defer { lock.unlock() }; return isOnline }
        set { lock.lock(); isOnline = newValue; lock.unlock() }
    }

    private func reach(_ what: String) throws {
        guard online else { throw PushBackendError.Transient(reason: "no network") }
        print("  server: \(what)")
    }

    func uploadSettings(userId: String, change: SettingsChange) async throws { try reach("\(userId) set \(change)") }
    func fetchSettings(userId: String) async throws -> AccountPushSettings {
        try reach("\(userId) fetched the settings")
        return AccountPushSettings(globalSettings: OfflinePushSettings(), doNotDisturb: nil, receiveOptions: [])
    }
    func uploadToken(userId: String, token: OfflinePushToken) async throws {
        try reach("\(userId) registered an \(token.vendor) token")
    }
    func unbindToken(userId: String, token: OfflinePushToken) async throws {
        try reach("\(userId)'s \(token.vendor) token unregistered")
    }
}

let backend = DemoBackend()
let manual = SyncPolicy(maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10, syncAfterChanges: false)
do {
    let app = try OfflinePushManager(config: config)
    try app.setSyncPolicy(policy: manual)
    app.setBackend(backend: backend)
    try app.setToken(token: OfflinePushToken(vendor: .apns, token: PushTokenSecret("apns-device-token"), businessId: 7))
    try app.setGlobalSettings(settings: OfflinePushSettings(enabled: false))
    print("Swift: offline, the changes are saved and wait")
    do {
        _ = try await app.sync()
    } catch let error as OfflinePushError {
        print("  sync: \(error.message)")
    }
    for pending in try app.syncStatus().pending {
        print("  pending: \(pending.kind) for \(pending.userId), \(pending.attempts) failed attempts")
    }
    print("  fetch while offline: stale=\(try await app.fetchSettings().stale)")
}
do {
    let app = try OfflinePushManager(config: config)
    try app.setSyncPolicy(policy: manual)
    app.setBackend(backend: backend)
    backend.online = true
    print("Swift: restarted and online")
    print("  \(try await app.sync())")
    try app.logout()
    print("Swift: logged out: no notification from now on, and the server is told")
    _ = try await app.sync()
}

// The vendors: the APNs payload the app's server sends (P3, B4), and what the
// Notification Service Extension reads back from `userInfo` (P4).
do {
    let server = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
    try server.login(userId: "bob")
    let message = IncomingMessage(
        messageId: "m-42", conversationType: .group, sender: MessageSender(userId: "alice", nickname: "Alice"),
        group: GroupInfo(groupId: "g7", name: "Weekend hike 🥾"), elements: [.text(text: "see you at 8"), .image],
        pushSettings: MessagePushSettings(ext: Data("{\"orderId\":7}".utf8)), timestamp: 1_700_000_000
    )
    guard case .show(let notification) = try server.receive(message: message) else { fatalError("not shown") }
    let payload = try buildVendorPayload(vendor: .apns, notification: notification, messageId: message.messageId, timestamp: message.timestamp, config: VendorConfig())
    print("Swift: the APNs payload, \(payload.bytes) bytes")
    print("  \(payload.json.prefix(160))…")
    if let push = readVendorPush(vendor: .apns, delivered: deliveredForm(payload: payload)), let received = push.message {
        print("  read back from userInfo: open \(push.conversationType)/\(push.conversationId), ext=\(String(decoding: push.ext ?? Data(), as: UTF8.self))")
        let serviceExtension = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        try serviceExtension.login(userId: "bob")
        describe(try serviceExtension.receive(message: received))
    }
}

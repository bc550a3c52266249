import Foundation
import OfflinePush
import OfflinePushDemoShared
import UserNotifications

/// The Notification Service Extension: APNs brings an alert with `mutable-content`
/// (the server's rendering for this receiver, RULES W5); `receive` decides on the
/// device, with the device's state (D1–D8, the badge), and its outcome replaces
/// the alert. Suppressed: an empty content, which the notification-filtering
/// entitlement lets iOS drop. The store cannot be used (before the first unlock
/// after a reboot, a full disk): the alert as the payload says it, not nothing.
final class NotificationService: UNNotificationServiceExtension {
    private var contentHandler: ((UNNotificationContent) -> Void)?
    private var original: UNNotificationContent?
    private var manager: OfflinePushManager?

    override func didReceive(
        _ request: UNNotificationRequest, withContentHandler contentHandler: @escaping (UNNotificationContent) -> Void
    ) {
        self.contentHandler = contentHandler
        original = request.content
        let userInfo = Dictionary(uniqueKeysWithValues: request.content.userInfo.map { ("\($0.key)", $0.value) })
        guard JSONSerialization.isValidJSONObject(userInfo),
              let data = try? JSONSerialization.data(withJSONObject: userInfo)
        else { return finish(request.content) }
        let delivered = DeliveredPush.json(json: String(decoding: data, as: UTF8.self))
        // Disk I/O that may wait for the app's write: this is the extension's own
        // queue, never the app's main thread.
        let outcome = PushHandler(vendor: .apns) { [self] in
            let opened = try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: AppGroup.storeDirectory().path))
            manager = opened
            return opened
        }.handle(delivered)
        switch outcome {
        case .post(let plan), .fallback(let plan, _):
            finish(Self.content(plan, from: request.content))
        case .quiet(let reason, let conversation):
            QuietLog(directory: AppGroup.storeDirectory()).record(conversation: conversation, reason: reason)
            finish(UNNotificationContent())
        case .notOurs:
            finish(request.content)
        }
    }

    /// Out of time: what the server rendered, as it came.
    override func serviceExtensionTimeWillExpire() {
        finish(original ?? UNNotificationContent())
    }

    /// `suspend()` first: iOS may freeze the extension as soon as the handler runs,
    /// and a frozen process must not hold the store's lock.
    private func finish(_ content: UNNotificationContent) {
        guard let handler = contentHandler else { return }
        contentHandler = nil
        try? manager?.suspend()
        handler(content)
    }

    static func content(_ plan: NotificationPlan, from alert: UNNotificationContent) -> UNNotificationContent {
        guard let content = alert.mutableCopy() as? UNMutableNotificationContent else { return alert }
        content.title = plan.title
        content.body = plan.body
        content.threadIdentifier = plan.threadIdentifier
        switch plan.sound {
        case .systemDefault: content.sound = .default
        case .none: content.sound = nil
        case .named(let name): content.sound = UNNotificationSound(named: UNNotificationSoundName(name))
        }
        if let badge = plan.badge { content.badge = NSNumber(value: badge) }
        if let link = plan.tapLink { content.userInfo["link"] = link }
        return content
    }
}

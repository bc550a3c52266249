import OfflinePush

/// How the notification sounds.
public enum PlanSound: Equatable {
    case systemDefault
    /// Neither sound nor vibration.
    case none
    /// A sound file in the app's bundle.
    case named(String)
}

/// A notification as the extension delivers it, with nothing of UserNotifications:
/// the extension copies it into its `UNMutableNotificationContent` in a few lines.
public struct NotificationPlan: Equatable {
    public let title: String
    public let body: String
    public let sound: PlanSound
    /// The badge after this message (B4), when it counted.
    public let badge: UInt32?
    /// Notifications of one conversation group together (the payload's `thread-id`).
    public let threadIdentifier: String
    /// What a tap opens (`ConversationLink`).
    public let tapLink: String?

    public init(title: String, body: String, sound: PlanSound, badge: UInt32?, threadIdentifier: String, tapLink: String?) {
        self.title = title
        self.body = body
        self.sound = sound
        self.badge = badge
        self.threadIdentifier = threadIdentifier
        self.tapLink = tapLink
    }
}

/// What became of one delivered push.
public enum PushOutcome: Equatable {
    /// Show this notification.
    case post(NotificationPlan)
    /// The receiver's rules say no notification, and why: with the filtering
    /// entitlement the extension hides it (RULES W5). `conversation` is the
    /// conversation's key, as `threadIdentifier` names it (`c2c:<id>`, `group:<id>`).
    case quiet(SuppressReason, conversation: String)
    /// The store could not be used (before the first unlock after a reboot, a full
    /// disk): what the payload itself says is shown rather than nothing.
    case fallback(NotificationPlan, errorKind: String)
    /// Not a push of this SDK.
    case notOurs
}

/// `readVendorPush` → `receive` → a `NotificationPlan`: the extension's whole job.
/// It does disk I/O and may wait for the app's write (up to the store's 5 s): the
/// extension calls it off the main thread, as `didReceive` already is.
public struct PushHandler {
    let vendor: PushVendor
    let manager: () throws -> OfflinePushManager

    /// `manager` opens the manager on the app group's directory; it may throw, and
    /// then the payload's own notification is shown (`fallback`).
    public init(vendor: PushVendor, manager: @escaping () throws -> OfflinePushManager) {
        self.vendor = vendor
        self.manager = manager
    }

    public func handle(_ delivered: DeliveredPush) -> PushOutcome {
        guard let push = readVendorPush(vendor: vendor, delivered: delivered) else { return .notOurs }
        guard let message = push.message else {
            return push.notification.map { .post(Self.plan($0)) } ?? .notOurs
        }
        let outcome: RenderOutcome
        do {
            outcome = try manager().receive(message: message)
        } catch let error as OfflinePushError {
            return push.notification.map { .fallback(Self.plan($0), errorKind: error.kind) } ?? .notOurs
        } catch {
            return push.notification.map { .fallback(Self.plan($0), errorKind: "unexpected") } ?? .notOurs
        }
        switch outcome {
        case .show(let notification): return .post(Self.plan(notification))
        case .suppress(let reason): return .quiet(reason, conversation: Self.key(push.conversationType, push.conversationId))
        }
    }

    /// The plan for a notification the core rendered.
    public static func plan(_ n: OfflinePushNotification) -> NotificationPlan {
        let sound: PlanSound
        switch n.sound {
        case .default: sound = .systemDefault
        case .silent: sound = PlanSound.none
        case .custom(let path): sound = .named(path)
        }
        return NotificationPlan(
            title: n.title,
            body: n.content,
            sound: sound,
            badge: n.badgeCount,
            threadIdentifier: key(n.conversationType, n.conversationId),
            tapLink: ConversationLink(type: n.conversationType, conversationId: n.conversationId)?.uri
        )
    }

    /// A conversation as the demo names it: `c2c:<id>`, `group:<id>` (a thread, a log line).
    public static func key(_ type: ConversationType, _ id: String) -> String {
        "\(type == .group ? "group" : (type == .c2c ? "c2c" : "system")):\(id)"
    }
}

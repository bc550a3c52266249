// What an iOS Notification Service Extension does with messages that arrived
// while the app was offline, through the Swift package.
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

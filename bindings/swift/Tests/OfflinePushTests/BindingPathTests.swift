import Foundation
import OfflinePush
import XCTest

/// The whole path from Swift through the generated package into the Rust core and
/// back: every field type. The async calls and a backend written in Swift are in
/// `SyncTests`.
/// (The Swift twin of the Kotlin `BindingPathTest`.)
final class BindingPathTests: XCTestCase {
    private static let richMessage = IncomingMessage(
        conversationType: .group,
        sender: MessageSender(userId: "alice", nickname: "Alice 🐱", nameCard: nil),
        group: GroupInfo(groupId: "g7", name: "团队"),
        elements: [
            .text(text: "hello "),
            .sound(durationSeconds: 3),
            .file(fileName: nil),
            .image,
            .location(description: "家"),
            .custom(desc: "红包", data: Data([0, 1, 255, 127])),
        ],
        pushSettings: MessagePushSettings(
            enabled: true,
            description: nil,
            ext: Data(#"{"k":1}"#.utf8),
            android: AndroidPushSettings(
                title: "Team",
                sound: "android.resource://com.example.chat/raw/ding",
                notifyMode: .custom
            ),
            ios: IosPushSettings(sound: .custom(path: "sounds/ding.caf"), badgeEnabled: false)
        ),
        timestamp: -1_700_000_000
    )

    // MARK: - records across the boundary

    func testMessageWithEveryFieldTypeCrossesToRustAndBackUnchanged() throws {
        let message = Self.richMessage
        // Swift records are Equatable values (Data included), so the whole message
        // compares at once; Kotlin has to compare its ByteArray fields apart.
        XCTAssertEqual(try messageFromJson(json: messageToJson(message: message)), message)
    }

    func testNotificationCrossesToRustAndBackUnchanged() throws {
        let notification = OfflinePushNotification(
            title: "Team", content: "Ally: look [图片]", conversationId: "g7",
            conversationType: .group, senderId: "alice", senderNickname: "Ally",
            groupName: nil, ext: nil, sound: .silent, badge: false, notifyMode: .normal
        )
        XCTAssertEqual(try notificationFromJson(json: notificationToJson(notification: notification)), notification)
    }

    func testThePackagesDefaultRecordsAreTheCoresDefaults_D3_D4_B1() throws {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .android))
        try manager.login(userId: "bob")
        XCTAssertEqual(try manager.globalSettings(), OfflinePushSettings())
        let json = """
            {"format_version": 1, "conversation_type": "c2c", "sender": {"user_id": "a"},
             "timestamp": 0, "push_settings": {"android": {}, "ios": {}}}
            """
        XCTAssertEqual(
            try messageFromJson(json: json).pushSettings,
            MessagePushSettings(android: AndroidPushSettings(), ios: IosPushSettings())
        )
    }

    func testSettingsAndTokenSetInSwiftComeBackFromTheCore_V1() throws {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .android))
        assertThrows("not_logged_in", try manager.globalSettings())

        try manager.login(userId: "bob")
        let settings = OfflinePushSettings(
            enabled: false, c2cSound: nil, groupSound: "android.resource://com.example.chat/raw/ding"
        )
        try manager.setGlobalSettings(settings: settings)
        XCTAssertEqual(try manager.globalSettings(), settings)

        let token = OfflinePushToken(vendor: .xiaomi, token: PushTokenSecret("reg-id-123"), businessId: 2_882_303_761)
        try manager.setToken(token: token)
        XCTAssertEqual(try manager.token(), token)
        XCTAssertEqual(try manager.session(), .loggedIn(userId: "bob"))
    }

    func testRenderReturnsAnEnumOutcome_D1_C4_T2() throws {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        XCTAssertEqual(try manager.render(message: Self.richMessage), .suppress(reason: .loggedOut))

        try manager.login(userId: "bob")
        switch try manager.render(message: Self.richMessage) {
        case .show(let notification):
            XCTAssertEqual(notification.title, "团队")
            XCTAssertEqual(notification.content, "Alice 🐱: hello [语音][文件][图片][位置][红包]")
            XCTAssertEqual(notification.sound, .custom(path: "sounds/ding.caf"))
        case .suppress(let reason):
            XCTFail("expected a notification, got suppressed: \(reason)")
        }
    }

    // MARK: - errors and secrets

    func testErrorsAreOfflinePushErrorCasesWithClearMessages_V2_V3_V4() throws {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .android))
        try manager.login(userId: "bob")

        let sound = assertThrows("invalid_sound", try manager.setGlobalSettings(
            settings: OfflinePushSettings(enabled: true, c2cSound: "file:///sdcard/a.mp3", groupSound: nil)
        ))
        XCTAssertTrue(sound?.contains("android.resource://") ?? false, sound ?? "no message")

        let token = assertThrows("invalid_token", try manager.setToken(
            token: OfflinePushToken(vendor: .huawei, token: PushTokenSecret("secret-token"), businessId: 0)
        ))
        XCTAssertNotNil(token)
        XCTAssertFalse(token?.contains("secret-token") ?? true, token ?? "")

        assertThrows("invalid_argument", try manager.setDoNotDisturb(
            window: DoNotDisturbWindow(startSeconds: 86_400, durationSeconds: 0, utcOffsetSeconds: 0)
        ))
    }

    func testTheBatchFormsAgreeWithOneCallPerMessage_C1_C2_C3_C4_D7() throws {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        try manager.login(userId: "bob")
        try manager.setLocale(locale: .en)
        let c2c = IncomingMessage(
            conversationType: .c2c,
            sender: MessageSender(userId: "carol"),
            elements: [.video, .face],
            timestamp: 0
        )
        let empty = IncomingMessage(
            conversationType: .c2c,
            sender: MessageSender(userId: "carol"),
            elements: [.custom(desc: nil, data: nil)],
            timestamp: 0
        )
        let burst = [Self.richMessage, c2c, empty]
        XCTAssertEqual(try manager.renderBatch(messages: burst), try burst.map { try manager.render(message: $0) })
        XCTAssertEqual(try manager.render(message: empty), .suppress(reason: .nothingToShow))
        XCTAssertEqual(
            try manager.previewBatch(messages: burst),
            ["Alice 🐱: hello [Voice][File][Image][Location][红包]", "[Video][Sticker]", ""]
        )
    }

    func testTheSenderSideValidatorRefusesASoundTheReceiverWouldIgnore_V2() throws {
        let original = Self.richMessage.pushSettings!
        let settings = MessagePushSettings(
            enabled: original.enabled, description: "", ext: original.ext,
            android: original.android, ios: original.ios
        )
        XCTAssertNil(try validateMessagePushSettings(settings: settings).description)
        let badSound = MessagePushSettings(android: AndroidPushSettings(sound: "https://x.example/ding.mp3"))
        assertThrows("invalid_sound", try validateMessagePushSettings(settings: badSound))
    }

    func testATokenNeverShowsInItsDescription() {
        let secret = PushTokenSecret("fcm-secret-value")
        let token = OfflinePushToken(vendor: .fcm, token: secret, businessId: 7)
        // Every way Swift turns a value into text for a log line.
        let renderings = [
            secret.description,
            secret.debugDescription,
            String(describing: token),
            "\(token)",
            String(reflecting: token),
        ]
        for text in renderings {
            XCTAssertFalse(text.contains("fcm-secret-value"), text)
        }
        XCTAssertEqual(token.token.value, "fcm-secret-value")
    }
}

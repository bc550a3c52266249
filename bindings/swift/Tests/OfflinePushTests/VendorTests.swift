import Foundation
import OfflinePush
import XCTest

/// The vendors through the Swift package (P1–P4): picking one, the configuration
/// and its channels, an APNs payload built on the sender's side and read back from
/// `userInfo` in the Notification Service Extension. (The twin of the Kotlin `VendorTest`.)
final class VendorTests: XCTestCase {
    func testTheVendorComesFromTheDevice_P2() {
        XCTAssertEqual(selectVendor(device: DeviceFacts(platform: .ios, manufacturer: "Apple", brand: "Apple", hasGooglePlayServices: false)), .apns)
        XCTAssertEqual(selectVendor(device: DeviceFacts(platform: .android, manufacturer: "HUAWEI", brand: "HUAWEI", hasGooglePlayServices: true)), .huawei)
        XCTAssertNil(selectVendor(device: DeviceFacts(platform: .android, manufacturer: "Nokia", brand: "Nokia", hasGooglePlayServices: false)))
    }

    func testAMalformedTokenIsInvalidTokenWithoutTheToken_V3() throws {
        let message = assertThrows("invalid_token", try checkVendorToken(token: OfflinePushToken(vendor: .apns, token: PushTokenSecret("secret-value"), businessId: 7)))
        XCTAssertFalse(message?.contains("secret-value") ?? true)
        try checkVendorToken(token: OfflinePushToken(vendor: .apnsVoip, token: PushTokenSecret(String(repeating: "ab", count: 32)), businessId: 7))
    }

    func testTheConfigurationIsCheckedAndSoundsGetChannels_S1() throws {
        assertThrows("invalid_argument", try checkVendorConfig(config: VendorConfig(huaweiCategory: "GAMES")))
        let channels = try notificationChannels(config: VendorConfig(huaweiChannelId: "chat"), vendor: .huawei, sounds: ["android.resource://com.example/raw/ding"])
        XCTAssertEqual(channels.map(\.channelId), ["chat", "chat.sound.ding"])
        assertThrows("not_configured", try notificationChannels(config: VendorConfig(), vendor: .oppo, sounds: []))
    }

    func testAnApnsPayloadReadsBackFromUserInfoAndReceiveShowsIt_P3_P4_B4() throws {
        let message = IncomingMessage(
            messageId: "m1", conversationType: .group, sender: MessageSender(userId: "alice", nickname: "Alice"),
            group: GroupInfo(groupId: "g7", name: "Hike"), elements: [.text(text: "hi 👋")],
            pushSettings: MessagePushSettings(ext: Data([0, 255, 42])), timestamp: 1_700_000_000
        )
        let sender = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        try sender.login(userId: "bob")
        guard case .show(let notification) = try sender.receive(message: message) else { return XCTFail("not shown") }
        let payload = try buildVendorPayload(vendor: .apns, notification: notification, messageId: message.messageId, timestamp: message.timestamp, config: VendorConfig())
        // What the Notification Service Extension gets: userInfo, serialized.
        let userInfo = try JSONSerialization.jsonObject(with: Data(payload.json.utf8)) as? [String: Any]
        let aps = userInfo?["aps"] as? [String: Any]
        XCTAssertEqual(aps?["thread-id"] as? String, "group:g7")
        XCTAssertEqual(aps?["mutable-content"] as? Int, 1)
        XCTAssertEqual(aps?["badge"] as? Int, 1)
        let json = String(data: try JSONSerialization.data(withJSONObject: userInfo ?? [:]), encoding: .utf8) ?? ""
        guard let push = readVendorPush(vendor: .apns, delivered: .json(json: json)) else { return XCTFail("no push") }
        XCTAssertEqual(push.conversationId, "g7")
        XCTAssertEqual(push.ext, Data([0, 255, 42]))
        let device = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        try device.login(userId: "bob")
        guard let received = push.message, case .show(let shown) = try device.receive(message: received) else {
            return XCTFail("not shown on the device")
        }
        XCTAssertEqual(shown.title, "Hike")
        XCTAssertEqual(shown.content, notification.content)
        XCTAssertNil(readVendorPush(vendor: .apns, delivered: .json(json: "{\"aps\":{}}")))
    }
}

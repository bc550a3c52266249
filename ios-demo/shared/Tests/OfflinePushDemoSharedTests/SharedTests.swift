import Foundation
import OfflinePush
import OfflinePushDemoShared
import XCTest

final class ConversationLinkTests: XCTestCase {
    func testAnyIdSurvivesTheRoundTrip() {
        for id in ["alice", "team 7", "a/b", "50%+1", "小组", "emoji 👩‍👩‍👧", "?x=1&y=2#z"] {
            for type in [ConversationType.c2c, .group] {
                let link = ConversationLink(type: type, conversationId: id)!
                XCTAssertEqual(ConversationLink.parse(link.uri), link, link.uri)
            }
        }
        XCTAssertEqual(ConversationLink(type: .group, conversationId: "team 7")?.uri, "offlinepush-demo://chat/group/team%207")
    }

    func testAnythingElseIsNilNeverACrash() {
        for uri in ["", "offlinepush-demo://chat/", "offlinepush-demo://chat/c2c", "offlinepush-demo://chat/c2c/",
                    "offlinepush-demo://chat/system/sys", "offlinepush-demo://chat/c2c/a/b", "https://chat/c2c/alice",
                    "offlinepush-demo://other/c2c/alice", "offlinepush-demo://chat/c2c/%E4%ZZ", "offlinepush-demo://chat/c2c/%",
                    "offlinepush-demo://chat/c2c/%FF"] {
            XCTAssertNil(ConversationLink.parse(uri), uri)
        }
        XCTAssertNil(ConversationLink(type: .system, conversationId: "x"))
    }
}

final class PushHandlerTests: XCTestCase {
    func manager() throws -> OfflinePushManager {
        let push = try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: nil))
        try push.login(userId: "bob")
        return push
    }

    func message(_ id: String) -> IncomingMessage {
        IncomingMessage(
            messageId: id, conversationType: .c2c,
            sender: MessageSender(userId: "alice", nickname: "Alice", nameCard: nil),
            group: nil, elements: [.text(text: "lunch?")], pushSettings: nil, timestamp: 1_700_000_000)
    }

    /// What APNs delivers for the message, as the sender's side builds it (W5).
    func delivered(_ id: String) throws -> DeliveredPush {
        guard case .show(let n) = try manager().render(message: message(id)) else { throw XCTSkip("not shown") }
        let payload = try buildVendorPayload(vendor: .apns, notification: n, messageId: id, timestamp: 1_700_000_000, config: VendorConfig())
        return deliveredForm(payload: payload)
    }

    func testAPushBecomesOnePlanAndItsCopyADuplicate_D8_B4() throws {
        let bob = try manager()
        let handler = PushHandler(vendor: .apns) { bob }
        guard case .post(let plan) = handler.handle(try delivered("m1")) else { return XCTFail("not posted") }
        XCTAssertEqual(plan, NotificationPlan(title: "alice", body: "lunch?", sound: .systemDefault, badge: 1,
                                              threadIdentifier: "c2c:alice", tapLink: "offlinepush-demo://chat/c2c/alice"))
        XCTAssertEqual(handler.handle(try delivered("m1")), .quiet(.duplicate))
    }

    func testTheDeviceDecidesWithItsOwnSettings_D5() throws {
        let bob = try manager()
        try bob.setReceiveOption(conversationType: .c2c, conversationId: "alice", option: .notReceive)
        XCTAssertEqual(PushHandler(vendor: .apns) { bob }.handle(try delivered("m1")), .quiet(.muted))
    }

    func testWhenTheStoreCannotOpenThePayloadsOwnNotificationIsShown() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("offline-push-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: file.path, contents: Data())
        let handler = PushHandler(vendor: .apns) {
            try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: file.path))
        }
        guard case .fallback(let plan, let kind) = handler.handle(try delivered("m1")) else { return XCTFail("no fallback") }
        XCTAssertEqual(plan.body, "lunch?")
        XCTAssertEqual(kind, "storage")
    }

    func testAnotherLibrarysPushIsNotOurs() {
        let handler = PushHandler(vendor: .apns) { XCTFail("never opened"); throw CancellationError() }
        XCTAssertEqual(handler.handle(.json(json: "{\"aps\": {}}")), .notOurs)
        XCTAssertEqual(handler.handle(.json(json: "not json")), .notOurs)
    }
}

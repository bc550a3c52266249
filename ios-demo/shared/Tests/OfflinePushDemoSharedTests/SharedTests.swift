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
        XCTAssertEqual(handler.handle(try delivered("m1")), .quiet(.duplicate, conversation: "c2c:alice"))
    }

    func testTheDeviceDecidesWithItsOwnSettings_D5() throws {
        let bob = try manager()
        try bob.setReceiveOption(conversationType: .c2c, conversationId: "alice", option: .notReceive)
        XCTAssertEqual(PushHandler(vendor: .apns) { bob }.handle(try delivered("m1")), .quiet(.muted, conversation: "c2c:alice"))
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

final class BackendAndLogTests: XCTestCase {
    func testNoServerIsTransientAndNeverShowsTheToken_K4() async {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let backend = HttpPushBackend(
            baseUrl: "http://127.0.0.1:1/",
            device: DeviceInfo(id: "alice iphone", platform: .ios, locale: .en, ownVendor: .apns))
        let token = OfflinePushToken(vendor: .apns, token: PushTokenSecret("8f3a2b1c4d5e6f70"), businessId: 9)
        do {
            try await backend.uploadToken(userId: "alice", token: token)
            XCTFail("no server, no success")
        } catch PushBackendError.Transient(let reason) {
            XCTAssertTrue(reason.hasPrefix("POST /v1/users/alice/tokens"), reason)
            XCTAssertFalse(reason.contains("8f3a2b1c4d5e6f70"), "never the token")
        } catch {
            XCTFail("\(error)")
        }
    }

    func testReasonsAndVendorsAreSpelledAsTheRules() {
        XCTAssertEqual(reasonName(.doNotDisturb), "do_not_disturb")
        XCTAssertEqual(reasonName(.muted), "muted")
        XCTAssertEqual(vendorName(.apnsVoip), "apns_voip")
    }

    func testTheQuietLogKeepsTheNewestLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quiet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let log = QuietLog(directory: dir)
        XCTAssertTrue(log.recent().isEmpty)
        for i in 0..<(2 * QuietLog.keep + 1) {
            log.record(conversation: "group:g\(i)\tx\n", reason: .muted)
        }
        let recent = log.recent()
        XCTAssertEqual(recent.count, QuietLog.keep)
        XCTAssertEqual(recent.last?.conversation, "group:g\(2 * QuietLog.keep) x ")
        XCTAssertEqual(recent.last?.reason, "muted")
    }
}

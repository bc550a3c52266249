// Mentions through the Swift package (docs/RULES.md M1–M6): the two receive
// options that mute except for mentions, in `render`, `renderBatch`, `preview`
// and `receive` (the badge, the listener), kept across a reopen, carried through
// a vendor's payload and back, and through the JSON hand-over.
import Foundation
import OfflinePush
import XCTest

private final class Told: OfflinePushListener, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var shown: [String] = []

    func onNotification(notification: OfflinePushNotification) throws {
        lock.withLock { shown.append(notification.content) }
    }

    func onSuppressed(message: IncomingMessage, reason: SuppressReason) throws {
        lock.withLock { shown.append("suppressed \(reason)") }
    }
}

final class MentionTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("offline-push-mentions-\(UUID().uuidString)")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func open() throws -> OfflinePushManager {
        try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: directory))
    }

    private func message(_ id: String, _ mentioned: [String] = [], all: Bool = false) -> IncomingMessage {
        IncomingMessage(
            messageId: id, conversationType: .group,
            sender: MessageSender(userId: "dave", nameCard: "D-Man"),
            group: GroupInfo(groupId: "g7", name: "Team"), elements: [.text(text: "hi")],
            timestamp: 1_700_000_000, mentionedUserIds: mentioned, mentionsAll: all
        )
    }

    func testAGroupMutedExceptMentionsNotifiesAMentionOfTheUserOrOfEveryoneInEveryCall_M1_M2_M4_M5_B2() throws {
        let manager = try open()
        try manager.login(userId: "bob")
        try manager.setReceiveOption(conversationType: .group, conversationId: "g7", option: .receiveNotNotifyExceptMentions)
        let muted = RenderOutcome.suppress(reason: .muted)
        XCTAssertEqual(try manager.render(message: message("m1", ["carol"])), muted)
        guard case .show(let me) = try manager.render(message: message("m2", ["bob"])) else { return XCTFail("a mention of bob is shown") }
        XCTAssertEqual(me.content, "[有人@我]D-Man: hi")
        XCTAssertEqual(me.mentionedUserId, "bob")
        let batch = try manager.renderBatch(messages: [message("m1"), message("m2", ["bob"]), message("m3", all: true)])
        XCTAssertEqual(batch[0], muted)
        XCTAssertEqual(batch[1], .show(notification: me))
        guard case .show(let all) = batch[2] else { return XCTFail("@all is shown") }
        XCTAssertEqual(all.content, "[@所有人]D-Man: hi")
        XCTAssertEqual(try manager.previewBatch(messages: [message("m1"), message("m2", ["bob"])]), ["D-Man: hi", "[有人@我]D-Man: hi"])

        let told = Told()
        manager.setListener(listener: told)
        XCTAssertEqual(try manager.receive(message: message("m4")), muted)
        guard case .show(let received) = try manager.receive(message: message("m5", ["bob"])) else { return XCTFail("received") }
        XCTAssertEqual(received.badgeCount, 1)
        XCTAssertEqual(try manager.badgeTotal(), 1, "B2: only the mention counted")
        XCTAssertEqual(told.shown, ["suppressed muted", "[有人@我]D-Man: hi"])
    }

    func testTheOptionsPersistAndAMentionTravelsThroughAPayloadAndTheJsonHandOver_M5_M6_P4() throws {
        do {
            let manager = try open()
            try manager.login(userId: "bob")
            try manager.setReceiveOption(conversationType: .group, conversationId: "g7", option: .notReceiveExceptMentions)
        }
        let manager = try open()
        XCTAssertEqual(try manager.receiveOption(conversationType: .group, conversationId: "g7"), .notReceiveExceptMentions)
        let sent = message("m1", ["bob"], all: true)
        guard case .show(let shown) = try manager.render(message: sent) else { return XCTFail("shown") }
        let payload = try buildVendorPayload(vendor: .apns, notification: shown, messageId: sent.messageId,
                                             timestamp: sent.timestamp, config: VendorConfig())
        let push = try XCTUnwrap(readVendorPush(vendor: .apns, delivered: deliveredForm(payload: payload)))
        XCTAssertEqual(push.notification, shown)
        let back = try XCTUnwrap(push.message)
        XCTAssertEqual(back.mentionedUserIds, ["bob"])
        XCTAssertEqual(try manager.render(message: back), .show(notification: shown), "P4: through the mute")
        XCTAssertEqual(try messageFromJson(json: messageToJson(message: sent)), sent)
    }
}

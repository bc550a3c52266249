import Foundation
import OfflinePush
import XCTest

/// The crossing on the patched reader and writer (bindings/uniffi-bindgen): what
/// the patches must keep. Errors thrown across them, strings far larger than a
/// typical record, a listener that calls back in while `receive` runs, async calls
/// beside them, many threads at once. (The Swift twin of the Kotlin `CrossingTest`.)
final class CrossingTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("offline-push-swift-crossing-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func open(_ at: String? = nil) throws -> OfflinePushManager {
        try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: at ?? directory))
    }

    private func message(_ id: String, _ text: String = "hi", group: String? = nil) -> IncomingMessage {
        IncomingMessage(
            messageId: id, conversationType: group == nil ? .c2c : .group,
            sender: MessageSender(userId: "alice", nickname: "Alice"),
            group: group.map { GroupInfo(groupId: $0, name: "Hike") },
            elements: [.text(text: text)], timestamp: 1_700_000_000
        )
    }

    func testTheReaderReadsEveryKindOfTextWhole_T1_C2_C4() throws {
        let manager = try open()
        try manager.login(userId: "bob")
        for text in ["a", "家 🐱‍👤 e\u{301}", String(repeating: "长", count: 1_365), "\u{FEFF}bom"] {
            guard case .show(let n) = try manager.render(message: message("m", text)) else {
                return XCTFail("shown")
            }
            XCTAssertEqual(n.content, text)
            XCTAssertEqual(n.title, "alice", "T1: the user id")
        }
        // L4: a text over 4,096 bytes of UTF-8 is cut, never inside a character.
        guard case .show(let cut) = try manager.render(message: message("m", String(repeating: "x", count: 4_093) + "😀")) else {
            return XCTFail("shown")
        }
        XCTAssertEqual(cut.content, String(repeating: "x", count: 4_093))
        let batch = try manager.renderBatch(messages: (0..<100).map { message("b\($0)", String(repeating: "x", count: 4_000) + "\($0)") })
        guard case .show(let last) = batch[99] else { return XCTFail("shown") }
        XCTAssertEqual(last.content, String(repeating: "x", count: 4_000) + "99", "400 KB each way")
        guard case .show(let n) = try manager.render(message: message("m", "yo", group: "g1")) else {
            return XCTFail("shown")
        }
        XCTAssertEqual(n.content, "Alice: yo")
        XCTAssertEqual(try manager.previewBatch(messages: [message("a", "x"), message("b", "")]), ["x", ""])
    }

    func testAnErrorThrownInRustCrossesAsTheSameTypedError_K3() throws {
        let store = (directory as NSString).appendingPathComponent("store")
        let manager = try open(store)
        try manager.login(userId: "bob")
        try manager.suspend()
        // While suspended every call opens the store again: take it away.
        try FileManager.default.removeItem(atPath: store)
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: store))
        let render = assertThrows("storage", try manager.render(message: message("m1")))
        assertThrows("storage", try manager.receive(message: message("m1")))
        assertThrows("storage", try manager.badgeTotal())
        XCTAssertFalse(render?.isEmpty ?? true)
        // After a V1 error the next call on the thread is clean.
        let other = try open()
        assertThrows("not_logged_in", try other.badgeTotal())
        try other.login(userId: "bob")
        XCTAssertEqual(try other.badgeTotal(), 0)
    }

    func testWhatTheAnswerRepeatsOfTheMessageComesBackWhole_T2_T3_C2_C5_F1_F2_F3_F4_S2() throws {
        // Strings the answer repeats of the argument, long and not ASCII, cross back whole.
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .android, storeDirectory: directory))
        try manager.login(userId: "bob")
        let long = String(repeating: "名", count: 1_300) // 3,900 bytes: within L4
        let group = IncomingMessage(
            messageId: "m1", conversationType: .group,
            sender: MessageSender(userId: "alice", nickname: "Alice", nameCard: long),
            group: GroupInfo(groupId: "g7", name: "Hike 🥾"), elements: [.text(text: "hi")], timestamp: 1
        )
        let titled = IncomingMessage(
            messageId: "m2", conversationType: .c2c, sender: MessageSender(userId: "alice"),
            elements: [.text(text: "just text")],
            pushSettings: MessagePushSettings(
                description: "New photo",
                android: AndroidPushSettings(title: "Mum", sound: "android.resource://com.example/raw/ding")
            ),
            timestamp: 2
        )
        let c2c = IncomingMessage(
            messageId: "m3", conversationType: .c2c, sender: MessageSender(userId: "bea"),
            elements: [.text(text: "just text")], timestamp: 3
        )
        let answers = try manager.renderBatch(messages: [group, titled, c2c]).map { outcome -> OfflinePushNotification? in
            if case .show(let n) = outcome { return n } else { return nil }
        }
        guard let g = answers[0], let t = answers[1], let c = answers[2],
              case .show(let single) = try manager.render(message: group) else {
            return XCTFail("all shown")
        }
        for n in [g, single] {
            XCTAssertEqual([n.title, n.conversationId, n.senderId, n.senderNickname, n.groupName],
                           ["Hike 🥾", "g7", "alice", long, "Hike 🥾"])
            XCTAssertEqual(n.content, long + ": hi", "C4: a new string")
        }
        XCTAssertEqual([t.title, t.content, t.senderId], ["Mum", "New photo", "alice"])
        XCTAssertEqual(t.sound, .custom(path: "android.resource://com.example/raw/ding"))
        XCTAssertEqual([c.title, c.content], ["bea", "just text"], "C2 of one text is that text")
        XCTAssertEqual(try manager.preview(message: c2c), "just text")
    }

    private final class ReentrantListener: OfflinePushListener, @unchecked Sendable {
        weak var manager: OfflinePushManager?
        private let lock = NSLock()
        private var _told: [String] = []
        var told: [String] { lock.withLock { _told } }

        func onNotification(notification: OfflinePushNotification) throws {
            guard let manager else { return }
            let nested = IncomingMessage(
                conversationType: .c2c, sender: MessageSender(userId: "carol"),
                elements: [.text(text: "nested")], timestamp: 1
            )
            let preview = (try? manager.preview(message: nested)) ?? "?"
            let badge = (try? manager.badgeTotal()).map(String.init) ?? "?"
            var error = "none"
            do {
                try manager.setGlobalSettings(settings: OfflinePushSettings(c2cSound: "/not/bundled.mp3"))
            } catch let e as OfflinePushError {
                error = e.kind
            }
            lock.withLock { _told += ["preview \(preview)", "badge \(badge)", "error \(error)"] }
        }

        func onSuppressed(message: IncomingMessage, reason: SuppressReason) throws {
            lock.withLock { _told.append("suppressed \(reason)") }
        }
    }

    func testAListenerThatCallsBackInWhileReceiveRunsGetsItsOwnAnswers_R1_D8_V2() throws {
        let manager = try open()
        let listener = ReentrantListener()
        listener.manager = manager
        manager.setListener(listener: listener)
        try manager.login(userId: "bob")
        guard case .show(let n) = try manager.receive(message: message("m1")) else {
            return XCTFail("shown")
        }
        XCTAssertEqual(n.badgeCount, 1)
        // The outer answer names the outer message's strings, not the nested one's.
        XCTAssertEqual([n.title, n.content, n.conversationId, n.senderId], ["alice", "hi", "alice", "alice"])
        XCTAssertEqual(try manager.receive(message: message("m1")), .suppress(reason: .duplicate))
        XCTAssertEqual(listener.told, ["preview nested", "badge 1", "error invalid_sound", "suppressed duplicate"])
    }

    func testManyThreadsAtOnceEachGetTheirOwnAnswersAndEveryReceiptCountsOnce_R1_B2_B4() throws {
        let manager = try open()
        try manager.login(userId: "bob")
        let threads = 8
        let perThread = 200
        let lock = NSLock()
        var wrong: [String] = []
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in 0..<perThread {
                let text = "t\(t)-\(i)"
                do {
                    let rendered = try manager.render(message: message("r\(text)", text, group: "g\(t)"))
                    let received = try manager.receive(message: message("m\(text)", text))
                    let preview = try manager.preview(message: message("p", text))
                    guard case .show(let r) = rendered, r.content == "Alice: \(text)",
                          case .show(let m) = received, m.content == text, preview == text,
                          try manager.isLoggedIn()
                    else {
                        lock.withLock { wrong.append(text) }
                        continue
                    }
                } catch {
                    lock.withLock { wrong.append("\(text): \(error)") }
                }
            }
        }
        XCTAssertEqual(wrong, [])
        XCTAssertEqual(try manager.badgeTotal(), UInt32(threads * perThread), "every receipt counted once")
    }

    func testAsyncCallsRunBesideTheSyncOnesAndEachErrorIsItsOwn_K6() async throws {
        let manager = try open()
        try manager.setSyncPolicy(policy: SyncPolicy(
            maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1, callTimeoutMs: 500, syncAfterChanges: false
        ))
        try manager.login(userId: "bob")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for k in 0..<4 {
                group.addTask {
                    for i in 0..<50 {
                        if k == 0 {
                            await assertThrows("not_configured", try await manager.sync())
                        } else {
                            let text = "async \(k) \(i)"
                            guard case .show(let n) = try manager.render(message: self.message("m", text)) else {
                                return XCTFail("shown")
                            }
                            XCTAssertEqual(n.content, text)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

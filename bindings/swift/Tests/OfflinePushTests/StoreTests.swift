import Foundation
import OfflinePush
import XCTest

/// The store through the Swift package: the app and its Notification Service
/// Extension on one directory (K2), a restart, `receive` with duplicates and badges
/// (R1 D8 B2 B3 B4), a listener written in Swift, one that throws too; a damaged
/// store reset, not logged out (K8); another program's database refused and left
/// as it was (K9); strings over their limits refused by name (V5).
final class StoreTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("offline-push-swift-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func open() throws -> OfflinePushManager {
        try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: directory))
    }

    private func message(_ id: String, from: String = "alice") -> IncomingMessage {
        IncomingMessage(
            messageId: id, conversationType: .c2c, sender: MessageSender(userId: from),
            elements: [.text(text: "hi")], timestamp: 1_700_000_000
        )
    }

    func testTheAppAndItsExtensionSeeEachOthersChangesAtTheNextCall_K2_R1_D8_B4() throws {
        let app = try open()
        let serviceExtension = try open()
        try app.login(userId: "bob")
        guard case .show = try serviceExtension.render(message: message("m0")) else {
            return XCTFail("the extension must see the login")
        }
        try app.setGlobalSettings(settings: OfflinePushSettings(enabled: false))
        XCTAssertEqual(try serviceExtension.render(message: message("m0")), .suppress(reason: .disabledByReceiver))
        try app.setGlobalSettings(settings: OfflinePushSettings(enabled: true))

        guard case .show(let shown) = try serviceExtension.receive(message: message("m1")) else {
            return XCTFail("expected a notification")
        }
        XCTAssertEqual(shown.badgeCount, 1)
        XCTAssertEqual(try app.badgeTotal(), 1)
        XCTAssertEqual(try app.receive(message: message("m1")), .suppress(reason: .duplicate))
    }

    func testEverythingSurvivesARestart_K2_B3() throws {
        do {
            let app = try open()
            try app.login(userId: "bob")
            try app.setGlobalSettings(settings: OfflinePushSettings(enabled: false))
            _ = try app.receive(message: message("m1"))
            try app.setUnreadCount(conversationType: .group, conversationId: "g1", count: 4)
        }
        let again = try open()
        XCTAssertEqual(try again.session(), .loggedIn(userId: "bob"))
        XCTAssertFalse(try again.globalSettings().enabled)
        XCTAssertEqual(try again.badgeTotal(), 4, "m1 was suppressed (D3): it did not count")
        try again.markRead(conversationType: .group, conversationId: "g1")
        XCTAssertEqual(try again.badgeTotal(), 0)
        XCTAssertEqual(try again.receive(message: message("m1")), .suppress(reason: .duplicate))
    }

    func testASwiftListenerIsToldOfEveryNotificationAndSuppression_R1_D8() throws {
        let manager = try open()
        let listener = RecordingListener(failing: false)
        manager.setListener(listener: listener)
        try manager.login(userId: "bob")
        _ = try manager.receive(message: message("m1"))
        _ = try manager.receive(message: message("m1"))
        manager.setListener(listener: nil)
        _ = try manager.receive(message: message("m2"))
        XCTAssertEqual(listener.told, ["shown alice badge 1", "suppressed m1 duplicate"])
    }

    func testAListenerThatThrowsNeverBreaksReceive_R1_D8() throws {
        let manager = try open()
        let listener = RecordingListener(failing: true)
        manager.setListener(listener: listener)
        try manager.login(userId: "bob")
        guard case .show = try manager.receive(message: message("m1")) else {
            return XCTFail("expected a notification")
        }
        XCTAssertEqual(try manager.receive(message: message("m1")), .suppress(reason: .duplicate))
        XCTAssertEqual(listener.told.count, 2)
        XCTAssertEqual(try manager.badgeTotal(), 1)
    }

    func testSuspendLetsGoOfTheStoreAndCallsStillWork() throws {
        let manager = try open()
        try manager.login(userId: "bob")
        try manager.suspend()
        guard case .show = try manager.receive(message: message("m1")) else {
            return XCTFail("expected a notification while suspended")
        }
        XCTAssertEqual(try manager.badgeTotal(), 1)
        manager.resume()
        XCTAssertEqual(try manager.receive(message: message("m1")), .suppress(reason: .duplicate))
    }

    func testTheBadgeAndReceiveOptionsNeedASignedInAccount_K1_V1() throws {
        let manager = try open()
        assertThrows("not_logged_in", try manager.badgeTotal())
        assertThrows("not_logged_in", try manager.setReceiveOption(
            conversationType: .c2c, conversationId: "alice", option: .notReceive
        ))
    }

    private var storeFile: String { directory + "/offline-push.sqlite3" }

    func testADamagedStoreIsMovedAsideAndTheNewOneIsResetNotLoggedOut_K8_B2_B4() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let garbage = Data("not a database, but someone's bytes".utf8)
        FileManager.default.createFile(atPath: storeFile, contents: garbage)
        let app = try open()
        guard case .storeReset(let movedTo, _) = try app.session() else {
            return XCTFail("expected the reset session, got \(String(describing: try? app.session()))")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: movedTo), garbage)
        guard case .show(let shown) = try app.receive(message: message("m1")) else {
            return XCTFail("K8: a reset store is no logout")
        }
        XCTAssertEqual(shown.badgeCount, 1)
        assertThrows("not_logged_in", try app.badgeTotal())
        try app.login(userId: "bob")
        XCTAssertEqual(try app.badgeTotal(), 1)
        XCTAssertEqual(try app.receive(message: message("m1")), .suppress(reason: .duplicate))
    }

    /// One empty page of an SQLite database (sqlite.org/fileformat2.html) with `applicationId`.
    private func sqliteDatabase(applicationId: UInt32) -> Data {
        var page = [UInt8](repeating: 0, count: 4096)
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { page[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * i)) }
        }
        page.replaceSubrange(0..<16, with: Array("SQLite format 3\0".utf8))
        page[16] = 0x10; page[18] = 1; page[19] = 1; page[21] = 64; page[22] = 32; page[23] = 32
        put(1, at: 24); put(1, at: 28); put(4, at: 44); put(1, at: 56); put(applicationId, at: 68)
        put(1, at: 92); put(3_045_000, at: 96)
        page[100] = 0x0d; page[105] = 0x10
        return Data(page)
    }

    func testAnotherProgramsDatabaseIsRefusedAndLeftByteForByte_K9() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let theirs = sqliteDatabase(applicationId: 0x1234_5678)
        FileManager.default.createFile(atPath: storeFile, contents: theirs)
        assertThrows("store_refused", try open())
        XCTAssertEqual(FileManager.default.contents(atPath: storeFile), theirs)
        XCTAssertFalse(FileManager.default.fileExists(atPath: storeFile + "-wal"))
    }

    func testAStringOverItsLimitIsRefusedByNameAndOneAtItAccepted_V5_L1_L2() throws {
        let manager = try open()
        let said = assertThrows("invalid_argument", try manager.login(userId: String(repeating: "u", count: 257)))
        XCTAssertTrue(said?.contains("user id") == true && said?.contains("256") == true, said ?? "")
        try manager.login(userId: String(repeating: "u", count: 256))
        let token = OfflinePushToken(
            vendor: .fcm, token: PushTokenSecret(String(repeating: "t", count: 4097)), businessId: 1)
        let refused = assertThrows("invalid_argument", try manager.setToken(token: token))
        XCTAssertFalse(refused?.contains("ttt") ?? true)
    }
}

/// Records what it is told. The core calls it from the caller's thread; the
/// state is behind a lock all the same (hence `@unchecked Sendable`).
private final class RecordingListener: OfflinePushListener, @unchecked Sendable {
    struct Broken: Error {}

    private let failing: Bool
    private let lock = NSLock()
    private var log: [String] = []

    init(failing: Bool) {
        self.failing = failing
    }

    var told: [String] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    private func record(_ line: String) throws {
        lock.lock()
        log.append(line)
        lock.unlock()
        if failing { throw Broken() }
    }

    func onNotification(notification: OfflinePushNotification) throws {
        try record("shown \(notification.title) badge \(notification.badgeCount.map(String.init) ?? "nil")")
    }

    func onSuppressed(message: IncomingMessage, reason: SuppressReason) throws {
        try record("suppressed \(message.messageId ?? "nil") \(reason == .duplicate ? "duplicate" : "\(reason)")")
    }
}

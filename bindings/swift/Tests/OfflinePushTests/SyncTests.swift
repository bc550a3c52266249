import Foundation
import OfflinePush
import XCTest

/// The sync with the app's backend (K4–K7) through the Swift package, with a
/// backend written here as an app would: `async` functions on Swift's own
/// concurrency, driven by the core's tokio. Faults: errors that pass, refusals,
/// a backend that never answers (its task is cancelled), a backend that throws
/// an error of its own, a restart with work queued, two managers on one store at once.
/// (The Swift twin of the Kotlin `SyncTest`.)
final class SyncTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("offline-push-swift-sync-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Short waits and no background syncs, so each test decides when to sync.
    private let manual = SyncPolicy(
        maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20, callTimeoutMs: 300, syncAfterChanges: false
    )

    private func open() throws -> OfflinePushManager {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: directory))
        try manager.setSyncPolicy(policy: manual)
        return manager
    }

    private let quiet = OfflinePushSettings(enabled: false)
    private let token = OfflinePushToken(vendor: .apns, token: PushTokenSecret("apns-token"), businessId: 7)

    func testThePackagesDefaultPolicyIsTheCoresAndABadOneIsRefused() throws {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        XCTAssertEqual(manager.syncPolicy(), SyncPolicy())
        assertThrows("invalid_argument", try manager.setSyncPolicy(policy: SyncPolicy(callTimeoutMs: 0)))
    }

    func testAChangeIsSavedFirstThenSentOnceRetryingErrorsThatPass_K6() async throws {
        let manager = try open()
        try manager.login(userId: "bob")
        try manager.setGlobalSettings(settings: quiet)
        await assertThrows("not_configured", try await manager.sync())
        XCTAssertEqual(try manager.syncStatus().pending.map(\.kind), [.globalSettings])

        let backend = SwiftBackend([.transient, .transient])
        manager.setBackend(backend: backend)
        let report = try await manager.sync()
        XCTAssertEqual(report, SyncReport(sent: 1, rejected: 0, stillPending: 0, inProgressElsewhere: 0))
        XCTAssertEqual(backend.calls.count, 3)
        XCTAssertEqual(backend.accepted, ["settings bob \(SettingsChange.globalSettings(settings: quiet))"])
        let again = try await manager.sync()
        XCTAssertEqual(again.sent, 0)
        XCTAssertEqual(backend.calls.count, 3, "nothing is sent twice")
    }

    func testAFailureInTheMiddleOfTheQueueStopsTheSyncAndKeepsTheRestInOrder_K6() async throws {
        let manager = try open()
        try manager.setSyncPolicy(policy: SyncPolicy(maxAttempts: 1, initialDelayMs: 5, maxDelayMs: 20, callTimeoutMs: 300, syncAfterChanges: false))
        try manager.login(userId: "bob")
        for id in ["a", "b", "c"] {
            try manager.setReceiveOption(conversationType: .c2c, conversationId: id, option: .notReceive)
        }
        let backend = SwiftBackend([.ok, .transient])
        manager.setBackend(backend: backend)
        await assertThrows("backend_unavailable", try await manager.sync())
        XCTAssertEqual(backend.accepted.count, 1)
        XCTAssertEqual(try manager.syncStatus().pending.count, 2)
        let report = try await manager.sync()
        XCTAssertEqual(report.sent, 2)
        XCTAssertEqual(backend.accepted.map { $0.contains("conversationId: \"a\"") }, [true, false, false])
        XCTAssertEqual(backend.accepted.map { $0.contains("conversationId: \"c\"") }, [false, false, true])
    }

    func testABackendThatNeverAnswersIsCancelledAndTheChangeStaysQueued_K6() async throws {
        let manager = try open()
        try manager.login(userId: "bob")
        try manager.setDoNotDisturb(window: DoNotDisturbWindow(startSeconds: 0, durationSeconds: 60, utcOffsetSeconds: 0))
        let backend = SwiftBackend([.hang, .hang, .hang])
        manager.setBackend(backend: backend)
        let message = await assertThrows("backend_unavailable", try await manager.sync())
        XCTAssertTrue(message?.contains("no answer within 300 ms") ?? false, message ?? "no message")
        // Each hanging task was cancelled, not left behind.
        let deadline = Date().addingTimeInterval(5)
        while backend.cancelled < 3 && Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertEqual(backend.cancelled, 3)
        let pending = try manager.syncStatus().pending
        XCTAssertEqual(pending.map(\.kind), [.doNotDisturb])
        XCTAssertEqual(pending.first?.attempts, 3)
        let report = try await manager.sync()
        XCTAssertEqual(report.sent, 1)
    }

    func testAnErrorOfTheAppsOwnKeepsTheChangeQueuedARefusalDropsIt_K6() async throws {
        let manager = try open()
        try manager.login(userId: "bob")
        try manager.setGlobalSettings(settings: quiet)
        manager.setBackend(backend: SwiftBackend([.bug]))
        let message = await assertThrows("backend_unavailable", try await manager.sync())
        XCTAssertTrue(message?.contains("AppBug") ?? false, message ?? "no message")
        XCTAssertEqual(try manager.syncStatus().pending.first?.attempts, 1)

        manager.setBackend(backend: SwiftBackend([.rejected]))
        let report = try await manager.sync()
        XCTAssertEqual(report.rejected, 1)
        let status = try manager.syncStatus()
        XCTAssertTrue(status.pending.isEmpty)
        XCTAssertTrue(status.lastError?.contains("HTTP 403") ?? false, status.lastError ?? "no error")
        XCTAssertEqual(try manager.globalSettings(), quiet, "the device keeps its value")
    }

    func testATokenGoesUpOnceLogoutUnbindsItAndAFailingUnbindSurvivesARestart_K4_K5_D1() async throws {
        let backend = SwiftBackend([])
        do {
            let manager = try open()
            manager.setBackend(backend: backend)
            try manager.login(userId: "bob")
            try manager.setToken(token: token)
            _ = try await manager.sync()
            try manager.setToken(token: token)
            let again = try await manager.sync()
            XCTAssertEqual(again.sent, 0)
            try manager.logout()
            let message = IncomingMessage(conversationType: .c2c, sender: MessageSender(userId: "alice"), elements: [], timestamp: 0)
            XCTAssertEqual(try manager.render(message: message), .suppress(reason: .loggedOut))
            manager.setBackend(backend: SwiftBackend([.transient, .transient, .transient]))
            await assertThrows("backend_unavailable", try await manager.sync())
        }
        do {
            let manager = try open()
            let status = try manager.syncStatus()
            XCTAssertEqual(status.pending.map(\.kind), [.tokenUnbind])
            XCTAssertFalse(String(describing: status).contains("apns-token"))
            manager.setBackend(backend: backend)
            let report = try await manager.sync()
            XCTAssertEqual(report.sent, 1)
            try manager.login(userId: "carol")
            _ = try await manager.sync()
            // Kicked offline: the server signed the device out itself, nothing to unbind.
            try manager.kickedOffline()
            let afterKick = try await manager.sync()
            XCTAssertEqual(afterKick.sent, 0)
        }
        XCTAssertEqual(backend.accepted, ["upload bob apns-token", "unbind bob apns-token", "upload carol apns-token"])
    }

    func testFetchTakesTheBackendsValuesUnlessALocalChangeIsQueuedAndIsStaleWhenItFails_K7() async throws {
        let manager = try open()
        try manager.login(userId: "bob")
        let window = DoNotDisturbWindow(startSeconds: 600, durationSeconds: 60, utcOffsetSeconds: 0)
        try manager.setDoNotDisturb(window: window)
        let backend = SwiftBackend([.ok, .rejected])
        let options = [ConversationReceiveOption(conversationType: .group, conversationId: "g1", option: .notReceive)]
        backend.server = AccountPushSettings(globalSettings: quiet, doNotDisturb: nil, receiveOptions: options)
        manager.setBackend(backend: backend)
        let fetched = try await manager.fetchSettings()
        XCTAssertFalse(fetched.stale)
        XCTAssertEqual(fetched.settings, AccountPushSettings(globalSettings: quiet, doNotDisturb: window, receiveOptions: options))
        XCTAssertEqual(try manager.receiveOption(conversationType: .group, conversationId: "g1"), .notReceive)

        let failed = try await manager.fetchSettings()
        XCTAssertTrue(failed.stale)
        XCTAssertTrue(failed.staleReason?.contains("HTTP 403") ?? false, failed.staleReason ?? "no reason")
        XCTAssertEqual(failed.settings, fetched.settings)
    }

    func testTwoManagersOnOneStoreSyncingAtOnceSendEachChangeOnce() async throws {
        let app = try open()
        let other = try open()
        try app.login(userId: "bob")
        for i in 0..<12 {
            try app.setReceiveOption(conversationType: .c2c, conversationId: "peer\(i)", option: .notReceive)
        }
        let a = SwiftBackend(Array(repeating: .slow, count: 12))
        let b = SwiftBackend(Array(repeating: .slow, count: 12))
        app.setBackend(backend: a)
        other.setBackend(backend: b)
        async let first = app.sync()
        async let second = other.sync()
        let reports = try await [first, second]
        XCTAssertEqual(reports.map(\.sent).reduce(0, +), 12)
        let all = a.accepted + b.accepted
        XCTAssertEqual(all.count, 12)
        XCTAssertEqual(Set(all).count, 12, "every change went out exactly once")
    }

    func testWithTheDefaultPolicyAChangeGoesOutInTheBackground() async throws {
        let manager = try OfflinePushManager(config: OfflinePushConfig(platform: .ios))
        let backend = SwiftBackend([])
        manager.setBackend(backend: backend)
        try manager.login(userId: "bob")
        try manager.setGlobalSettings(settings: quiet)
        let deadline = Date().addingTimeInterval(10)
        while backend.accepted.isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertEqual(backend.accepted, ["settings bob \(SettingsChange.globalSettings(settings: quiet))"])
    }
}

// MARK: - a backend written in Swift

private struct AppBug: Error {}

/// Answers from a script, `.ok` once it runs out; keeps what it accepted as a
/// server would. The core calls it from its own threads, so the state is behind
/// a lock (hence `@unchecked Sendable`).
private final class SwiftBackend: PushBackend, @unchecked Sendable {
    enum Answer { case ok, transient, rejected, hang, bug, slow }

    private let lock = NSLock()
    private var script: [Answer]
    private var callLog: [String] = []
    private var acceptedLog: [String] = []
    private var cancelledCount = 0
    private var serverSettings = AccountPushSettings(
        globalSettings: OfflinePushSettings(), doNotDisturb: nil, receiveOptions: []
    )

    init(_ script: [Answer]) {
        self.script = script
    }

    var calls: [String] { locked { callLog } }
    var accepted: [String] { locked { acceptedLog } }
    var cancelled: Int { locked { cancelledCount } }
    var server: AccountPushSettings {
        get { locked { serverSettings } }
        set { locked { serverSettings = newValue } }
    }

    private func answer(_ call: String) async throws {
        let next = locked { () -> Answer in
            callLog.append(call)
            return script.isEmpty ? .ok : script.removeFirst()
        }
        switch next {
        case .ok: break
        case .transient: throw PushBackendError.Transient(reason: "HTTP 503")
        case .rejected: throw PushBackendError.Rejected(reason: "HTTP 403")
        case .bug: throw AppBug()
        case .slow: try await Task.sleep(nanoseconds: 30_000_000)
        case .hang:
            do {
                try await Task.sleep(nanoseconds: 600_000_000_000)
            } catch {
                locked { cancelledCount += 1 }
                throw error
            }
        }
        locked { acceptedLog.append(call) }
    }

    func uploadSettings(userId: String, change: SettingsChange) async throws {
        try await answer("settings \(userId) \(change)")
    }

    func fetchSettings(userId: String) async throws -> AccountPushSettings {
        try await answer("fetch \(userId)")
        return server
    }

    func uploadToken(userId: String, token: OfflinePushToken) async throws {
        try await answer("upload \(userId) \(token.token.value)")
    }

    func unbindToken(userId: String, token: OfflinePushToken) async throws {
        try await answer("unbind \(userId) \(token.token.value)")
    }

    // NSLock's lock()/unlock() may not be called directly from an async function
    // under Swift 6's concurrency checking.
    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

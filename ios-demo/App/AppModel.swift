import Foundation
import OfflinePush
import OfflinePushDemoShared
import SwiftUI

/// What the settings screen shows and does. Every manager call runs in a detached
/// task (it may wait for the extension's write, up to the store's 5 s); only the
/// published values are set on the main actor.
@MainActor
final class AppModel: ObservableObject {
    @Published var userId = ""
    @Published var signedIn = false
    @Published var enabled = true
    @Published var doNotDisturb = false
    @Published var syncStatus = ""
    @Published var why: [String] = []
    @Published var opened: String?

    private let manager: OfflinePushManager?
    private let openError: String?

    init() {
        do {
            let manager = try OfflinePushManager(config: OfflinePushConfig(
                platform: .ios, storeDirectory: AppGroup.storeDirectory().path))
            let url = Bundle.main.object(forInfoDictionaryKey: "OfflinePushBackendURL") as? String ?? "http://127.0.0.1:8080"
            manager.setBackend(backend: HttpPushBackend(baseUrl: url, device: DeviceInfo(
                id: Self.installationId(), platform: .ios, locale: .en, ownVendor: .apns)))
            self.manager = manager
            openError = nil
        } catch {
            manager = nil
            openError = "\(error)"
        }
        act { _ in }
    }

    func signIn() { let id = userId; act { try $0.login(userId: id); _ = try await $0.sync() } }

    func signOut() { act { try $0.logout(); _ = try await $0.sync() } }

    func setEnabled(_ on: Bool) {
        act { try $0.setGlobalSettings(settings: try $0.globalSettings().with(enabled: on)) }
    }

    func mute(group: String, exceptMentions: Bool = false) {
        let option: ReceiveOption = exceptMentions ? .receiveNotNotifyExceptMentions : .receiveNotNotify
        act { try $0.setReceiveOption(conversationType: .group, conversationId: group, option: option) }
    }

    func setDoNotDisturb(_ on: Bool) {
        let offset = Int32(TimeZone.current.secondsFromGMT())
        act {
            try $0.setDoNotDisturb(window: on ? DoNotDisturbWindow(
                startSeconds: 22 * 3600, durationSeconds: 9 * 3600, utcOffsetSeconds: offset) : nil)
        }
    }

    func sync() { act { _ = try await $0.sync() } }

    func setApnsToken(_ hex: String) {
        act { try $0.setToken(token: OfflinePushToken(vendor: .apns, token: PushTokenSecret(hex), businessId: 9)) }
    }

    /// A tap: the conversation opens and its count clears (B3).
    func open(_ link: ConversationLink) {
        opened = link.conversationId
        act { try $0.markRead(conversationType: link.type, conversationId: link.conversationId) }
    }

    /// Background: `suspend()` (no lock held while iOS freezes the app, so the
    /// extension never waits for it); foreground: `resume()` and a fresh look.
    func scenePhaseChanged(to phase: ScenePhase) {
        guard let manager else { return }
        switch phase {
        case .background: try? manager.suspend()
        case .active: manager.resume(); act { _ in }
        default: break
        }
    }

    /// Runs `work` off the main actor, then refreshes the status and "why no notification".
    private func act(_ work: @escaping @Sendable (OfflinePushManager) async throws -> Void) {
        guard let manager else {
            syncStatus = openError ?? ""
            return
        }
        Task.detached { [manager] in
            var failure: String?
            do { try await work(manager) } catch { failure = (error as? OfflinePushError)?.message ?? "\(error)" }
            let status = (try? manager.syncStatus()).map { "Pending changes: \($0.pending.count). Last error: \($0.lastError ?? "none")" } ?? ""
            let session = (try? manager.isLoggedIn()) ?? false
            let settings = try? manager.globalSettings()
            let window = try? manager.doNotDisturb()
            let why = QuietLog(directory: AppGroup.storeDirectory()).recent().reversed().map { "\($0.conversation): \($0.reason)" }
            await MainActor.run {
                self.syncStatus = [failure, status].compactMap { $0 }.joined(separator: "\n")
                self.signedIn = session
                if let settings { self.enabled = settings.enabled }
                self.doNotDisturb = window != nil
                self.why = why
            }
        }
    }

    private static func installationId() -> String {
        let file = AppGroup.storeDirectory().appendingPathComponent("installation-id")
        if let id = try? String(contentsOf: file, encoding: .utf8), !id.isEmpty { return id }
        let id = UUID().uuidString
        try? FileManager.default.createDirectory(at: AppGroup.storeDirectory(), withIntermediateDirectories: true)
        try? id.write(to: file, atomically: true, encoding: .utf8)
        return id
    }
}

extension OfflinePushSettings {
    func with(enabled: Bool) -> OfflinePushSettings {
        OfflinePushSettings(enabled: enabled, c2cSound: c2cSound, groupSound: groupSound)
    }
}

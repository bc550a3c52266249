import OfflinePush
import OfflinePushDemoShared
import SwiftUI
import UIKit
import UserNotifications

@main
struct DemoApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            SettingsView(model: delegate.model)
        }
        .onChange(of: scenePhase) { phase in
            delegate.model.scenePhaseChanged(to: phase)
        }
    }
}

/// Registration for remote notifications, the APNs device token, and the
/// notification center's delegate (a tap opens the conversation).
final class AppDelegate: NSObject, UIApplicationDelegate, UNUserNotificationCenterDelegate {
    let model = AppModel()

    func application(
        _ application: UIApplication, didFinishLaunchingWithOptions options: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        UNUserNotificationCenter.current().delegate = self
        UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound, .badge]) { _, _ in }
        application.registerForRemoteNotifications()
        return true
    }

    func application(_ application: UIApplication, didRegisterForRemoteNotificationsWithDeviceToken deviceToken: Data) {
        let hex = deviceToken.map { String(format: "%02x", $0) }.joined()
        model.setApnsToken(hex)
    }

    /// A tap: the link the extension put in, or the push itself read back (P4)
    /// when the extension did not run.
    func userNotificationCenter(
        _ center: UNUserNotificationCenter, didReceive response: UNNotificationResponse,
        withCompletionHandler completionHandler: @escaping () -> Void
    ) {
        let userInfo = response.notification.request.content.userInfo
        var link = (userInfo["link"] as? String).flatMap(ConversationLink.parse)
        if link == nil {
            let strings = Dictionary(uniqueKeysWithValues: userInfo.map { ("\($0.key)", $0.value) })
            if JSONSerialization.isValidJSONObject(strings), let data = try? JSONSerialization.data(withJSONObject: strings),
               let push = readVendorPush(vendor: .apns, delivered: .json(json: String(decoding: data, as: UTF8.self))) {
                link = ConversationLink(type: push.conversationType, conversationId: push.conversationId)
            }
        }
        if let link { model.open(link) }
        completionHandler()
    }

    /// In the foreground the extension has already decided: show what it delivered.
    func userNotificationCenter(
        _ center: UNUserNotificationCenter, willPresent notification: UNNotification,
        withCompletionHandler completionHandler: @escaping (UNNotificationPresentationOptions) -> Void
    ) {
        completionHandler([.banner, .sound, .badge])
    }

    func application(_ app: UIApplication, open url: URL, options: [UIApplication.OpenURLOptionsKey: Any] = [:]) -> Bool {
        guard let link = ConversationLink.parse(url.absoluteString) else { return false }
        model.open(link)
        return true
    }
}

// The iOS device of `./dev demo`: `phone` stands for iOS itself. It starts the
// app's process (`app`, long-lived) and, for every push APNs brings (the demo
// backend's inbox), the Notification Service Extension's process (`extension`,
// one push on stdin, as iOS launches the extension for a push), both on one store
// directory, as the app group shares it on a phone. `xtask/src/demo.rs` drives
// the phone: one command per line on stdin, one JSON answer per line on stdout.
import Foundation
import OfflinePush
import OfflinePushDemoShared

func option(_ name: String) -> String {
    let args = CommandLine.arguments
    guard let at = args.firstIndex(of: "--\(name)"), at + 1 < args.count else {
        FileHandle.standardError.write(Data("ios-device: --\(name) is missing\n".utf8))
        exit(2)
    }
    return args[at + 1]
}

func answer(_ object: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
}

func failure(_ error: Error) -> [String: Any] {
    if let error = error as? OfflinePushError { return ["ok": false, "error": error.message] }
    return ["ok": false, "error": "\(error)"]
}

let role = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
let store = URL(fileURLWithPath: option("store"))

/// What both processes do first, as the app's `AppDelegate` and the extension's
/// `NotificationService` do: the manager on the app group's directory.
func openManager() throws -> OfflinePushManager {
    try OfflinePushManager(config: OfflinePushConfig(platform: .ios, storeDirectory: store.path))
}

switch role {
case "extension":
    // NotificationService.didReceive: the request's userInfo, as JSON, on stdin.
    let userInfo = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    var manager: OfflinePushManager?
    let outcome = PushHandler(vendor: .apns) {
        let opened = try openManager()
        manager = opened
        return opened
    }.handle(.json(json: userInfo))
    var row: [String: Any] = ["vendor": "apns"]
    switch outcome {
    case .post(let plan), .fallback(let plan, _):
        if case .fallback = outcome { row["outcome"] = "fallback" } else { row["outcome"] = "shown" }
        row["title"] = plan.title
        row["text"] = plan.body
        switch plan.sound {
        case .systemDefault: row["sound"] = "default"
        case .none: row["sound"] = "silent"
        case .named(let name): row["sound"] = name
        }
        if let badge = plan.badge { row["badge"] = Int(badge) }
        if let link = plan.tapLink { row["link"] = link }
    case .quiet(let reason, let conversation):
        // An empty content: with the filtering entitlement nothing is shown (W5).
        row["outcome"] = "quiet"
        row["reason"] = reasonName(reason)
        QuietLog(directory: store).record(conversation: conversation, reason: reason)
    case .notOurs:
        row["outcome"] = "not ours"
    }
    // Before the content handler: the extension may be frozen right after it.
    try? manager?.suspend()
    print(answer(row))

case "app":
    let backend = HttpPushBackend(
        baseUrl: option("backend"),
        device: DeviceInfo(id: option("device"), platform: .ios, locale: .en, ownVendor: .apns))
    let manager: OfflinePushManager
    do {
        manager = try openManager()
        manager.setBackend(backend: backend)
        // The demo's policy: retry once at once, so the day never waits at random.
        try manager.setSyncPolicy(policy: SyncPolicy(
            maxAttempts: 2, initialDelayMs: 0, maxDelayMs: 0, callTimeoutMs: 5000, syncAfterChanges: false))
    } catch {
        print(answer(failure(error)))
        exit(1)
    }
    while let line = readLine() {
        let words = line.split(separator: " ").map(String.init)
        guard let command = words.first else { continue }
        if command == "quit" { break }
        var reply: [String: Any] = ["ok": true]
        do {
            switch command {
            case "login": try manager.login(userId: words[1])
            case "logout": try manager.logout()
            case "token":
                // application(_:didRegisterForRemoteNotificationsWithDeviceToken:), as hex.
                try manager.setToken(token: OfflinePushToken(
                    vendor: .apns, token: PushTokenSecret(words[2]), businessId: 9))
                reply["vendor"] = "apns"
            case "mute", "mute-except-mentions":
                try manager.setReceiveOption(
                    conversationType: words[1] == "c2c" ? .c2c : .group, conversationId: words[2],
                    option: command == "mute" ? .receiveNotNotify : .receiveNotNotifyExceptMentions)
            case "dnd":
                try manager.setDoNotDisturb(window: DoNotDisturbWindow(
                    startSeconds: Int32(words[1]) ?? 0, durationSeconds: Int32(words[2]) ?? 0,
                    utcOffsetSeconds: Int32(words[3]) ?? 0))
            case "sync":
                do {
                    reply["sent"] = Int(try await manager.sync().sent)
                } catch OfflinePushError.BackendUnavailable {
                    reply["unavailable"] = true
                }
            case "status":
                let status = try manager.syncStatus()
                reply["pending"] = status.pending.count
                if let error = status.lastError { reply["last_error"] = error }
            case "why":
                reply["quiet"] = QuietLog(directory: store).recent().map { "\($0.conversation): \($0.reason)" }
            case "tap":
                // UNUserNotificationCenterDelegate.didReceive: the notification's link.
                if let link = ConversationLink.parse(words[1]) {
                    try manager.markRead(conversationType: link.type, conversationId: link.conversationId)
                    reply["opened"] = PushHandler.key(link.type, link.conversationId)
                    reply["badge"] = Int(try manager.badgeTotal())
                } else {
                    reply["opened"] = false
                }
            case "badge": reply["badge"] = Int(try manager.badgeTotal())
            default: reply = ["ok": false, "error": "unknown command \(command)"]
            }
        } catch {
            reply = failure(error)
        }
        print(answer(reply))
        fflush(stdout)
    }

case "phone":
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
    let common = ["--store", store.path, "--backend", option("backend"), "--device", option("device")]
    let app = Process()
    app.executableURL = URL(fileURLWithPath: me)
    app.arguments = ["app"] + common
    let toApp = Pipe()
    let fromApp = Pipe()
    app.standardInput = toApp
    app.standardOutput = fromApp
    do { try app.run() } catch {
        print(answer(failure(error)))
        exit(1)
    }
    var appOutput = Data()
    func readAppLine() -> String {
        while true {
            if let end = appOutput.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: appOutput[appOutput.startIndex..<end], as: UTF8.self)
                appOutput = Data(appOutput[(end + 1)...])
                return line
            }
            let chunk = fromApp.fileHandleForReading.availableData
            if chunk.isEmpty { return answer(["ok": false, "error": "the app's process ended"]) }
            appOutput.append(chunk)
        }
    }
    let apns = HttpPushBackend(
        baseUrl: option("backend"),
        device: DeviceInfo(id: option("device"), platform: .ios, locale: .en, ownVendor: .apns))

    /// iOS launching the extension for one push: a new process, the userInfo in.
    func runExtension(_ userInfo: String) -> [String: Any] {
        let ext = Process()
        ext.executableURL = URL(fileURLWithPath: me)
        ext.arguments = ["extension", "--store", store.path]
        let input = Pipe()
        let output = Pipe()
        ext.standardInput = input
        ext.standardOutput = output
        do { try ext.run() } catch { return failure(error) }
        input.fileHandleForWriting.write(Data(userInfo.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        ext.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            ?? ["vendor": "apns", "outcome": "failed", "error": "the extension gave no answer"]
    }

    while let line = readLine() {
        if line == "quit" { break }
        if line.hasPrefix("app ") {
            toApp.fileHandleForWriting.write(Data((String(line.dropFirst(4)) + "\n").utf8))
            print(readAppLine())
        } else if line == "collect" {
            var pushes: [[String: Any]] = []
            let delivered = (try? await apns.collect()) ?? []
            for (vendor, push) in delivered {
                guard vendor == .apns, case .json(let userInfo) = push else {
                    pushes.append(["vendor": vendorName(vendor), "outcome": "not ours"])
                    continue
                }
                pushes.append(runExtension(userInfo))
            }
            print(answer(["ok": true, "pushes": pushes]))
        } else {
            print(answer(["ok": false, "error": "unknown command \(line)"]))
        }
        fflush(stdout)
    }
    toApp.fileHandleForWriting.write(Data("quit\n".utf8))
    app.waitUntilExit()

default:
    FileHandle.standardError.write(Data("usage: ios-device phone|app|extension --store DIR [--backend URL --device ID]\n".utf8))
    exit(2)
}

// swift-vectors: the conformance-vector runner in Swift (tests/vectors/README.md,
// "Runners"). It reads each file with Foundation, builds a case's records through the
// core's JSON hand-over (`messageFromJson`, `accountSettingsFromJson`, `tokenFromJson`,
// `vendorConfigFromJson`), so each is lifted into a Swift value and lowered again by the
// calls, drives the calls itself step by step, and compares in Swift, key by key,
// against the expected JSON (a notification goes back to JSON through
// `notificationToJson` for that).
//
//   swift-vectors <own dir> [<extra dir>]   ("" for none; without it OFFLINE_PUSH_EXTRA_VECTORS)
//
// Ends with `swift-vectors: N passed, M failed` and exits 1 on a failure.

import Foundation
import OfflinePush

struct Failure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A JSON value as serde_json keeps it: an integer is never a float, `1` and `1.0` differ.
indirect enum JSON: Equatable, CustomStringConvertible {
    case null, bool(Bool), int(Int64), uint(UInt64), float(Double), string(String), array([JSON]), object([String: JSON])

    private static let booleanClass = type(of: NSNumber(value: true))

    init(parsing data: Data) throws {
        try self.init(JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    init(_ value: Any) throws {
        switch value {
        case is NSNull: self = .null
        case let s as String: self = .string(s)
        case let n as NSNumber where type(of: n) == JSON.booleanClass: self = .bool(n.boolValue)
        case let n as NSNumber:
            // A float literal is a double; an integer too long for a plain NSNumber comes
            // back as an NSDecimalNumber (a double too), kept exact when it fits 64 bits.
            let float = "df".contains(String(cString: n.objCType)) && !(n is NSDecimalNumber)
            if !float, let u = UInt64(n.stringValue) { self = .uint(u) }
            else if !float, let i = Int64(n.stringValue) { self = .int(i) }
            else { self = .float(n.doubleValue) }
        case let a as [Any]: self = .array(try a.map(JSON.init))
        case let o as [String: Any]: self = .object(try o.mapValues(JSON.init))
        default: throw Failure("unexpected \(type(of: value)) from JSONSerialization")
        }
    }

    var members: [String: JSON]? { if case .object(let o) = self { return o } else { return nil } }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .float(let d): return String(d)
        case .string(let s): return quoted(s)
        case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let map): return "{" + map.keys.sorted().map { "\(quoted($0)):\(map[$0]!)" }.joined(separator: ",") + "}"
        }
    }

    func text(_ what: String) throws -> String {
        if case .string(let s) = self { return s } else { throw Failure("\(what) must be a string") }
    }

    func unsigned(_ what: String) throws -> UInt64 {
        if case .uint(let u) = self { return u } else { throw Failure("\(what) must be a non-negative integer") }
    }

    func object(_ what: String, _ allowed: [String]) throws -> [String: JSON] {
        guard let map = members else { throw Failure("\(what) must be an object") }
        if let key = map.keys.sorted().first(where: { !allowed.contains($0) }) { throw Failure("unknown key \(quoted(key)) in \(what)") }
        return map
    }
}

func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

let caseKeys = ["name", "platform", "locale", "session", "global_settings", "receive_options", "dnd", "token", "message",
                "expect", "expect_reason", "expect_error", "vendor", "vendor_config", "expect_payload", "expect_shortened",
                "expect_payload_error"]
let notificationKeys = ["title", "title_source", "content", "conversation_id", "conversation_type", "sender_id",
                        "sender_nickname", "group_name", "ext", "sound", "badge", "notify_mode", "badge_count",
                        "mentioned_user_id", "mentions_all"]
let stepActions = ["login", "logout", "kicked_offline", "set_global_settings", "set_receive_option", "set_dnd", "set_token",
                   "set_locale", "receive", "render", "mark_read", "set_unread_count", "expect_badge", "expect_global_settings",
                   "expect_receive_option", "restart"]
let vendors: [String: PushVendor] = ["apns": .apns, "apns_voip": .apnsVoip, "fcm": .fcm, "xiaomi": .xiaomi, "huawei": .huawei,
                                     "honor": .honor, "oppo": .oppo, "vivo": .vivo, "meizu": .meizu]
let types: [String: ConversationType] = ["c2c": .c2c, "group": .group, "system": .system]

/// What the calls returned, case by case: written to OFFLINE_PUSH_VECTOR_TRACE for the differential check.
var trace: [String] = []

/// The rules' spelling of a Swift case name: `doNotDisturb` → `do_not_disturb`.
func snake(_ value: Any) -> String {
    "\(value)".unicodeScalars.map { CharacterSet.uppercaseLetters.contains($0) ? "_" + String($0).lowercased() : String($0) }.joined()
}

/// Reads through the core's hand-over; a refusal is a broken vector.
func handOver<T>(_ what: String, _ read: () throws -> T) throws -> T {
    do { return try read() } catch let e as OfflinePushError { throw Failure("\(what): \(e.message)") }
}

func message(_ value: JSON?) throws -> IncomingMessage {
    guard var m = value?.members else { throw Failure("message must be an object") }
    m["format_version"] = .uint(1)
    return try handOver("message") { try messageFromJson(json: JSON.object(m).description) }
}

/// Global settings, receive options and the DND window, read as the backend's settings are.
func account(_ key: String, _ value: JSON) throws -> AccountPushSettings {
    var whole: [String: JSON] = ["global_settings": .object([:]), "receive_options": .array([])]
    whole[key] = value
    return try handOver(key) { try accountSettingsFromJson(json: JSON.object(whole).description) }
}

/// The value `table` names by the string `value`.
func pick<T>(_ table: [String: T], _ value: JSON?, _ what: String) throws -> T {
    guard let found = table[try (value ?? .null).text(what)] else { throw Failure("unknown \(what) \(value ?? .null)") }
    return found
}

let platforms: [String: Platform] = ["android": .android, "ios": .ios]
let locales: [String: PushLocale] = ["zh-Hans": .zhHans, "en": .en]

func present(_ map: [String: JSON], _ key: String) -> JSON? { map[key] == .null ? nil : map[key] }

func runCase(_ value: JSON) throws {
    let c = try value.object("case", caseKeys)
    let manager = try OfflinePushManager(config: OfflinePushConfig(platform: pick(platforms, c["platform"], "platform")))
    // The case's state, as the steps of a scenario would set it.
    let session = try (c["session"] ?? .null).object("session", ["state", "user_id"])
    let login = try pick(["logged_in": "login", "logged_out": "logout", "kicked_offline": "kicked_offline"], session["state"], "session state")
    var state: [(String, JSON)] = [(login, session["user_id"] ?? .null)]
    let keys = [("global_settings", "set_global_settings"), ("receive_options", "set_receive_options"), ("dnd", "set_dnd"),
                ("token", "set_token"), ("locale", "set_locale")]
    state += keys.compactMap { key, action in present(c, key).map { (action, $0) } }
    var stateError: OfflinePushError?
    do { for (action, arg) in state { _ = try apply(manager, action, arg) } } catch let e as OfflinePushError { stateError = e }
    trace.append("state: \(stateError?.kind ?? "ok")")
    let msg = try message(c["message"])
    if let want = c["expect_error"] {
        if stateError?.kind != (try want.text("expect_error")) { throw Failure("expected error \(want), got \(stateError?.kind ?? "none")") }
        return
    }
    if let e = stateError { throw Failure("applying the state failed: \(e.kind) (\(e.message))") }
    let outcome = try manager.render(message: msg)
    if c["expect"] != nil || c["vendor"] == nil { try checkOutcome(c, outcome) }
    if c["vendor"] != nil { try checkPayload(c, msg, outcome) }
}

func checkOutcome(_ step: [String: JSON], _ outcome: RenderOutcome) throws {
    guard let expect = step["expect"] else { throw Failure("neither expect nor expect_error") }
    switch outcome {
    case .suppress(let reason): trace.append("suppressed: \(snake(reason))")
    case .show(let notification): trace.append("shown: \(notificationToJson(notification: notification))")
    }
    switch outcome {
    case .suppress(let reason):
        guard expect == .null else { throw Failure("expected a notification, got suppressed: \(snake(reason))") }
        if let want = present(step, "expect_reason"), try want.text("expect_reason") != snake(reason) {
            throw Failure("expected reason \(want), got \(snake(reason))")
        }
    case .show(let notification):
        let got = try JSON(parsing: Data(notificationToJson(notification: notification).utf8)).members ?? [:]
        guard let want = expect.members else { throw Failure("expected no notification, got \(JSON.object(got))") }
        var diffs: [String] = []
        for key in want.keys.sorted() {
            guard notificationKeys.contains(key) else { throw Failure("unknown key \(quoted(key)) in expect") }
            let have = got[key] ?? .null
            if have != want[key] { diffs.append("\(key): expected \(want[key]!), got \(have)") }
        }
        if !diffs.isEmpty { throw Failure(diffs.joined(separator: "; ")) }
    }
}

/// P1, P3, P4: the vendor's payload from the notification, compared whole, and read back.
func checkPayload(_ c: [String: JSON], _ msg: IncomingMessage, _ outcome: RenderOutcome) throws {
    guard case .show(let notification) = outcome else { throw Failure("a payload case needs a notification") }
    let name = try (c["vendor"] ?? .null).text("vendor")
    guard let vendor = vendors[name] else { throw Failure("unknown vendor \(quoted(name))") }
    let config = try present(c, "vendor_config").map { v in try handOver("vendor_config") { try vendorConfigFromJson(json: v.description) } }
    let payload: VendorPayload
    do {
        payload = try buildVendorPayload(vendor: vendor, notification: notification, messageId: msg.messageId,
                                         timestamp: msg.timestamp, config: config ?? VendorConfig())
    } catch let e as OfflinePushError {
        trace.append("payload error: \(e.kind)")
        if let want = present(c, "expect_payload_error"), try want.text("expect_payload_error") == e.kind { return }
        throw Failure("building the payload failed: \(e.kind) (\(e.message))")
    }
    if let want = present(c, "expect_payload_error") { throw Failure("expected payload error \(want), got a payload") }
    guard let expected = c["expect_payload"] else { throw Failure("a payload case needs expect_payload or expect_payload_error") }
    trace.append("payload: \(payload.json) \(payload.shortened.map(\.field))")
    let got = try JSON(parsing: Data(payload.json.utf8))
    if got != expected { throw Failure("payload: expected \(expected), got \(got)") }
    if let want = present(c, "expect_shortened"), want != .array(payload.shortened.map { .string($0.field) }) {
        throw Failure("shortened: expected \(want), got \(payload.shortened.map(\.field))")
    }
    guard let push = readVendorPush(vendor: vendor, delivered: deliveredForm(payload: payload)) else { throw Failure("the payload does not read back") }
    if push.conversationId != notification.conversationId || push.senderId != notification.senderId
        || push.ext != notification.ext || push.messageId != msg.messageId {
        throw Failure("read back differs: \(push.conversationId) \(push.senderId) \(push.messageId ?? "-")")
    }
}

/// The scenario's managers on one store: the app's and the second process's, each opened at first use.
final class Managers {
    let platform: Platform
    let directory: String
    var open: [String: OfflinePushManager] = [:]

    init(_ platform: Platform, _ directory: String) { self.platform = platform; self.directory = directory }

    func get(_ on: String) throws -> OfflinePushManager {
        guard on == "first" || on == "second" else { throw Failure("unknown manager \(quoted(on)): \"on\" is \"second\"") }
        if let m = open[on] { return m }
        let m = try handOver("opening a manager") { try OfflinePushManager(config: OfflinePushConfig(platform: platform, storeDirectory: directory)) }
        open[on] = m
        return m
    }
}

func runScenario(_ value: JSON) throws {
    let s = try value.object("scenario", ["name", "platform", "locale", "steps"])
    guard case .array(let steps)? = s["steps"] else { throw Failure("steps must be a list") }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("offline-push-scenario-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let managers = Managers(try pick(platforms, s["platform"], "platform"), directory.path)
    if let l = present(s, "locale") { try handOver("set_locale") { try managers.get("first").setLocale(locale: pick(locales, l, "locale")) } }
    for (index, step) in steps.enumerated() {
        do { try runStep(managers, step.object("step", stepActions + ["on", "expect", "expect_reason", "expect_error"])) }
        catch let f as Failure { throw Failure("step \(index + 1): \(f.message)") }
    }
}

func conversation(_ arg: JSON, _ what: String, _ extra: String) throws -> (ConversationType, String) {
    let c = try arg.object(what, ["conversation_type", "conversation_id", extra])
    guard let type = types[try (c["conversation_type"] ?? .null).text("conversation_type")] else { throw Failure("unknown conversation type") }
    return (type, try (c["conversation_id"] ?? .null).text("conversation_id"))
}

func runStep(_ managers: Managers, _ step: [String: JSON]) throws {
    let actions = stepActions.filter { step[$0] != nil }
    guard actions.count == 1, let action = actions.first, let arg = step[action] else { throw Failure("a step has exactly one action") }
    if action == "restart" { managers.open = [:]; return }
    let manager = try managers.get(present(step, "on")?.text("on") ?? "first")
    var outcome: RenderOutcome?
    do {
        outcome = try apply(manager, action, arg)
    } catch let e as OfflinePushError {
        trace.append("\(action): \(e.kind)")
        guard let want = step["expect_error"] else { throw Failure("failed: \(e.kind) (\(e.message))") }
        if e.kind != (try want.text("expect_error")) { throw Failure("expected error \(want), got \(e.kind) (\(e.message))") }
        return
    }
    if let want = step["expect_error"] { throw Failure("expected error \(want), got none") }
    if let outcome { try checkOutcome(step, outcome) }
}

/// One action of a step (or of a case's state) on `manager`; what `receive` or `render` returned.
func apply(_ manager: OfflinePushManager, _ action: String, _ arg: JSON) throws -> RenderOutcome? {
    switch action {
    case "login": try manager.login(userId: arg.text("login"))
    case "logout": try manager.logout()
    case "kicked_offline": try manager.kickedOffline()
    case "set_global_settings": try manager.setGlobalSettings(settings: account("global_settings", arg).globalSettings)
    case "set_receive_option", "set_receive_options":
        let options = try account("receive_options", action == "set_receive_option" ? .array([arg]) : arg).receiveOptions
        for o in options { try manager.setReceiveOption(conversationType: o.conversationType, conversationId: o.conversationId, option: o.option) }
    case "set_dnd": try manager.setDoNotDisturb(window: arg == .null ? nil : account("do_not_disturb", arg).doNotDisturb)
    case "set_token": try manager.setToken(token: handOver("token") { try tokenFromJson(json: arg.description) })
    case "set_locale": try manager.setLocale(locale: pick(locales, arg, "locale"))
    case "receive": return try manager.receive(message: message(arg))
    case "render": return try manager.render(message: message(arg))
    case "mark_read":
        let (type, id) = try conversation(arg, action, "")
        try manager.markRead(conversationType: type, conversationId: id)
    case "set_unread_count":
        let (type, id) = try conversation(arg, action, "count")
        guard let count = UInt32(exactly: try (arg.members?["count"] ?? .null).unsigned("count")) else { throw Failure("count is out of range") }
        try manager.setUnreadCount(conversationType: type, conversationId: id, count: count)
    default: try checkReading(manager, action, arg)
    }
    return nil
}

/// The reading steps: what the manager says now, only the keys given.
func checkReading(_ manager: OfflinePushManager, _ action: String, _ arg: JSON) throws {
    switch action {
    case "expect_badge":
        let want = try arg.unsigned("expect_badge")
        let got = try manager.badgeTotal()
        trace.append("badge: \(got)")
        if UInt64(got) != want { throw Failure("expected badge \(want), got \(got)") }
    case "expect_global_settings":
        func settings(_ s: OfflinePushSettings) throws -> [String: JSON] {
            try JSON(parsing: Data(settingsChangeToJson(change: .globalSettings(settings: s)).utf8)).members?["settings"]?.members ?? [:]
        }
        let want = try settings(account("global_settings", arg).globalSettings)
        let got = try settings(manager.globalSettings())
        trace.append("settings: \(JSON.object(got))")
        for key in try arg.object(action, ["enabled", "c2c_sound", "group_sound"]).keys.sorted() where (want[key] ?? .null) != (got[key] ?? .null) {
            throw Failure("global settings \(key): expected \(want[key] ?? .null), got \(got[key] ?? .null)")
        }
    default:
        let want = try account("receive_options", .array([arg])).receiveOptions[0]
        let got = try manager.receiveOption(conversationType: want.conversationType, conversationId: want.conversationId)
        trace.append("option: \(snake(got))")
        if got != want.option { throw Failure("receive option of \(want.conversationId): expected \(snake(want.option)), got \(snake(got))") }
    }
}

// MARK: - files

let args = CommandLine.arguments
guard args.count == 2 || args.count == 3, !args[1].isEmpty else {
    FileHandle.standardError.write(Data("usage: swift-vectors <own dir> [<extra dir>]\n".utf8))
    exit(2)
}
let extra = args.count == 3 ? args[2] : ProcessInfo.processInfo.environment["OFFLINE_PUSH_EXTRA_VECTORS"]
var passed = 0
var failures: [String] = []
for folder in [args[1], extra].compactMap({ $0 }).filter({ !$0.isEmpty }) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
        failures.append("\(folder): cannot read the folder")
        continue
    }
    for name in names.filter({ ($0 as NSString).pathExtension == "json" }).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
        let file: [String: JSON]
        do {
            file = try JSON(parsing: Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))).object("the file", ["cases", "scenarios"])
        } catch {
            failures.append("\(name): cannot parse the file: \((error as? Failure)?.message ?? error.localizedDescription)")
            continue
        }
        for (key, run) in [("cases", runCase), ("scenarios", runScenario)] as [(String, (JSON) throws -> Void)] {
            guard let items = file[key] else { continue }
            guard case .array(let list) = items else { failures.append("\(name): \(key) must be a list"); continue }
            for (index, item) in list.enumerated() {
                var label = "#\(index)"
                if case .string(let given)? = item.members?["name"] { label = given }
                trace.append("\(name) :: \(label)")
                do {
                    try run(item)
                    passed += 1
                } catch {
                    let why = (error as? Failure)?.message ?? "unexpected \(error)"
                    failures.append("\(name) :: \(key == "scenarios" ? "scenario " : "")\(label): \(why)")
                }
            }
        }
    }
}
if let path = ProcessInfo.processInfo.environment["OFFLINE_PUSH_VECTOR_TRACE"] {
    try? Data(trace.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
}
failures.forEach { print("FAILED \($0)") }
print("swift-vectors: \(passed) passed, \(failures.count) failed")
exit(failures.isEmpty ? 0 : 1)

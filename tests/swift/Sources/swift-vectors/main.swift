// swift-vectors: the conformance-vector runner in Swift (tests/vectors/README.md), the port of
// the Rust reference runner tests/rust/vectors.rs. It reads each case with
// Foundation's JSONSerialization, builds the records in Swift, applies them through
// the generated Swift API and compares in Swift; the JSON never reaches the core.
//
//   swift-vectors <own dir> [<extra dir>]
//
// An empty <extra dir> means none; without the argument, OFFLINE_PUSH_EXTRA_VECTORS
// names it. Ends with `swift-vectors: N passed, M failed` and exits 1 on a failure.

import Foundation
import OfflinePush

// MARK: - JSON values

/// A JSON number the way serde_json (the Rust runner's reader) keeps it, so that
/// equality and the integer checks agree with the Rust runner: `1` and `1.0` differ,
/// and an integer is never a float.
enum Number: Equatable {
    case nonNegative(UInt64)
    case negative(Int64)
    case float(Double)

    init(_ value: Int64) {
        self = value >= 0 ? .nonNegative(UInt64(value)) : .negative(value)
    }

    var int64: Int64? {
        switch self {
        case .nonNegative(let n): return n <= UInt64(Int64.max) ? Int64(n) : nil
        case .negative(let n): return n
        case .float: return nil
        }
    }

    var uint64: UInt64? {
        if case .nonNegative(let n) = self { return n }
        return nil
    }
}

enum JSON: Equatable {
    case null
    case bool(Bool)
    case number(Number)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    var objectValue: [String: JSON]? {
        if case .object(let map) = self { return map }
        return nil
    }
}

typealias Object = [String: JSON]

/// What makes a case (or a file) fail; the message says why.
struct Failure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

// MARK: - reading JSON with Foundation

/// The class of JSONSerialization's `true` and `false`. It hands back booleans and
/// numbers alike as NSNumber, and on Linux `as? Bool` also accepts the numbers 0
/// and 1 (and `as? Int` accepts booleans), so only the class tells them apart.
private let booleanNumberClass = type(of: NSNumber(value: true))

extension JSON {
    /// Parses a whole document.
    init(data: Data) throws {
        try self.init(foundation: JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    /// Converts what JSONSerialization returns; numbers are sorted out here, once.
    init(foundation value: Any) throws {
        switch value {
        case is NSNull: self = .null
        case let string as String: self = .string(string)
        case let number as NSNumber: self = JSON(number)
        case let array as [Any]: self = .array(try array.map(JSON.init(foundation:)))
        case let object as [String: Any]: self = .object(try object.mapValues(JSON.init(foundation:)))
        default: throw Failure("unexpected \(type(of: value)) from JSONSerialization")
        }
    }

    private init(_ number: NSNumber) {
        if type(of: number) == booleanNumberClass {
            self = .bool(number.boolValue)
            return
        }
        switch String(cString: number.objCType) {
        case "d", "f":
            // A float, or an integer literal too long for a plain NSNumber, which
            // comes back as an NSDecimalNumber (seen for 19-digit negatives): keep
            // such an integer exact when it fits 64 bits, as serde_json does.
            if number is NSDecimalNumber, let exact = Int64(number.stringValue) {
                self = .number(Number(exact))
            } else if number is NSDecimalNumber, let exact = UInt64(number.stringValue) {
                self = .number(.nonNegative(exact))
            } else {
                self = .number(.float(number.doubleValue))
            }
        case "Q", "L", "I", "S", "C":
            self = .number(.nonNegative(number.uint64Value))
        default:
            self = .number(Number(number.int64Value))
        }
    }
}

// MARK: - writing JSON (for messages and comparisons), like serde_json's Display

/// A string as a JSON literal; also how messages quote names.
func quoted(_ string: String) -> String {
    var out = "\""
    for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{8}": out += "\\b"
        case "\u{c}": out += "\\f"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

extension JSON: CustomStringConvertible {
    /// Compact, with object keys sorted (serde_json's default map is sorted too).
    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(.nonNegative(let n)): return String(n)
        case .number(.negative(let n)): return String(n)
        case .number(.float(let d)): return String(d)
        case .string(let s): return quoted(s)
        case .array(let items): return "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let map):
            let members = map.keys.sorted().map { "\(quoted($0)):\(map[$0]!)" }
            return "{" + members.joined(separator: ",") + "}"
        }
    }
}

// MARK: - reading fields, with the Rust runner's rules and messages

/// `value` as an object whose keys are all in `allowed`: a typo is an error, never ignored.
func object(_ value: JSON, _ what: String, allowed: [String]) throws -> Object {
    guard let map = value.objectValue else { throw Failure("\(what) must be an object") }
    if let key = map.keys.sorted().first(where: { !allowed.contains($0) }) {
        throw Failure("unknown key \(quoted(key)) in \(what)")
    }
    return map
}

/// A key's value, with JSON null the same as absent.
func present(_ map: Object, _ key: String) -> JSON? {
    guard let value = map[key], value != .null else { return nil }
    return value
}

func requiredString(_ map: Object, _ key: String) throws -> String {
    guard case .string(let s)? = map[key] else { throw Failure("\(key) must be a string") }
    return s
}

func optionalString(_ map: Object, _ key: String) throws -> String? {
    switch present(map, key) {
    case nil: return nil
    case .string(let s)?: return s
    case _?: throw Failure("\(key) must be a string or null")
    }
}

/// Bytes as standard padded base64. Foundation's decoder also takes some
/// non-canonical spellings ("eR==", "====") that the Rust runner rejects, so the
/// bytes must encode back to exactly the text given.
func optionalBytes(_ map: Object, _ key: String) throws -> Data? {
    guard let text = try optionalString(map, key) else { return nil }
    guard let bytes = Data(base64Encoded: text), bytes.base64EncodedString() == text else {
        throw Failure("\(key) is not base64: \(quoted(text))")
    }
    return bytes
}

func optionalBool(_ map: Object, _ key: String, default fallback: Bool) throws -> Bool {
    switch present(map, key) {
    case nil: return fallback
    case .bool(let b)?: return b
    case _?: throw Failure("\(key) must be a boolean")
    }
}

func integer(_ map: Object, _ key: String) throws -> Int64 {
    guard case .number(let n)? = map[key], let value = n.int64 else {
        throw Failure("\(key) must be an integer")
    }
    return value
}

func int32Field(_ map: Object, _ key: String) throws -> Int32 {
    guard let value = Int32(exactly: try integer(map, key)) else { throw Failure("\(key) is out of range") }
    return value
}

/// `names[name]`, or a failure that names the unknown value.
func lookUp<T>(_ names: [String: T], _ name: String, _ what: String) throws -> T {
    guard let value = names[name] else { throw Failure("unknown \(what) \(quoted(name))") }
    return value
}

/// How the vectors spell the API's enums.
enum Names {
    static let platforms: [String: Platform] = ["android": .android, "ios": .ios]
    static let conversationTypes: [String: ConversationType] = ["c2c": .c2c, "group": .group, "system": .system]
    static let notifyModes: [String: NotifyMode] = ["normal": .normal, "custom": .custom]
    static let receiveOptions: [String: ReceiveOption] = [
        "receive": .receive, "receive_not_notify": .receiveNotNotify, "not_receive": .notReceive,
    ]
    static let vendors: [String: PushVendor] = [
        "apns": .apns, "apns_voip": .apnsVoip, "fcm": .fcm, "xiaomi": .xiaomi, "huawei": .huawei,
        "honor": .honor, "oppo": .oppo, "vivo": .vivo, "meizu": .meizu,
    ]
    static let locales: [String: PushLocale] = ["zh-Hans": .zhHans, "en": .en]
}

/// An iOS sound: "default", "silent", {"custom": path}, or a bare path.
func parseSound(_ value: JSON) throws -> PushSound {
    switch value {
    case .string("default"): return .default
    case .string("silent"): return .silent
    case .string(let path): return .custom(path: path)
    case .object: return .custom(path: try requiredString(object(value, "sound", allowed: ["custom"]), "custom"))
    default: throw Failure("unknown sound \(value)")
    }
}

/// An Android sound (global or a message's): a URI string, {"custom": uri}, or
/// "default", which is the system default, that is unset. Anything else (even
/// "silent") is passed on as it is, for the rules to accept or refuse (V2).
func androidSound(_ map: Object, _ key: String) throws -> String? {
    switch present(map, key) {
    case nil, .string("default")?: return nil
    case .string(let uri)?: return uri
    case let value? where value.objectValue != nil:
        return try requiredString(object(value, key, allowed: ["custom"]), "custom")
    case let value?: throw Failure("\(key) must be a sound, got \(value)")
    }
}

// MARK: - the case's state

/// One API call: an `OfflinePushError` is the case's outcome, not a runner failure.
func attempt(_ call: () throws -> Void) throws -> OfflinePushError? {
    do {
        try call()
        return nil
    } catch let error as OfflinePushError {
        return error
    }
}

/// Applies the case's state in the order of tests/vectors/README.md. Returns the first error the
/// API reports (which stops the case); throws if the case itself is malformed.
func applyState(_ testCase: Object, to manager: OfflinePushManager) throws -> OfflinePushError? {
    let steps = [applySession, applyGlobalSettings, applyReceiveOptions, applyDoNotDisturb, applyToken, applyLocale]
    for step in steps {
        if let error = try step(testCase, manager) { return error }
    }
    return nil
}

func applySession(_ testCase: Object, _ manager: OfflinePushManager) throws -> OfflinePushError? {
    guard let value = testCase["session"] else { throw Failure("session is missing") }
    let session = try object(value, "session", allowed: ["state", "user_id"])
    switch try requiredString(session, "state") {
    case "logged_in":
        let userId = try requiredString(session, "user_id")
        return try attempt { try manager.login(userId: userId) }
    case "logged_out":
        return try attempt { try manager.logout() }
    case "kicked_offline":
        return try attempt { try manager.kickedOffline() }
    case let other:
        throw Failure("unknown session state \(quoted(other))")
    }
}

func applyGlobalSettings(_ testCase: Object, _ manager: OfflinePushManager) throws -> OfflinePushError? {
    guard let value = present(testCase, "global_settings") else { return nil }
    let settings = try parseGlobalSettings(value)
    return try attempt { try manager.setGlobalSettings(settings: settings) }
}

func parseGlobalSettings(_ value: JSON) throws -> OfflinePushSettings {
    let g = try object(value, "global_settings", allowed: ["enabled", "c2c_sound", "group_sound"])
    return OfflinePushSettings(
        enabled: try optionalBool(g, "enabled", default: true),
        c2cSound: try androidSound(g, "c2c_sound"),
        groupSound: try androidSound(g, "group_sound")
    )
}

func applyReceiveOptions(_ testCase: Object, _ manager: OfflinePushManager) throws -> OfflinePushError? {
    guard let value = present(testCase, "receive_options") else { return nil }
    guard case .array(let items) = value else { throw Failure("receive_options must be a list") }
    // Item by item: an item after one the API refuses is never read.
    for item in items {
        let r = try object(item, "receive option", allowed: ["conversation_type", "conversation_id", "option"])
        let option = try lookUp(Names.receiveOptions, requiredString(r, "option"), "receive option")
        let kind = try lookUp(Names.conversationTypes, requiredString(r, "conversation_type"), "conversation type")
        let id = try requiredString(r, "conversation_id")
        if let error = try attempt({ try manager.setReceiveOption(conversationType: kind, conversationId: id, option: option) }) {
            return error
        }
    }
    return nil
}

func applyDoNotDisturb(_ testCase: Object, _ manager: OfflinePushManager) throws -> OfflinePushError? {
    guard let value = present(testCase, "dnd") else { return nil }
    let window = try parseDoNotDisturb(value)
    return try attempt { try manager.setDoNotDisturb(window: window) }
}

func parseDoNotDisturb(_ value: JSON) throws -> DoNotDisturbWindow {
    let d = try object(value, "dnd", allowed: ["start_seconds", "duration_seconds", "utc_offset_seconds"])
    return DoNotDisturbWindow(
        startSeconds: try int32Field(d, "start_seconds"),
        durationSeconds: try int32Field(d, "duration_seconds"),
        utcOffsetSeconds: try int32Field(d, "utc_offset_seconds")
    )
}

func applyToken(_ testCase: Object, _ manager: OfflinePushManager) throws -> OfflinePushError? {
    guard let value = present(testCase, "token") else { return nil }
    let token = try parseToken(value)
    return try attempt { try manager.setToken(token: token) }
}

func parseToken(_ value: JSON) throws -> OfflinePushToken {
    let t = try object(value, "token", allowed: ["vendor", "token", "business_id"])
    let vendor = try lookUp(Names.vendors, requiredString(t, "vendor"), "vendor")
    guard case .number(let n)? = t["business_id"], let businessId = n.uint64 else {
        throw Failure("business_id must be a non-negative integer")
    }
    return OfflinePushToken(vendor: vendor, token: PushTokenSecret(try requiredString(t, "token")), businessId: businessId)
}

func applyLocale(_ testCase: Object, _ manager: OfflinePushManager) throws -> OfflinePushError? {
    guard let value = present(testCase, "locale") else { return nil }
    let locale = try parseLocale(value)
    return try attempt { try manager.setLocale(locale: locale) }
}

func parseLocale(_ value: JSON) throws -> PushLocale {
    guard case .string(let name) = value, let locale = Names.locales[name] else {
        throw Failure("unknown locale \(value)")
    }
    return locale
}

// MARK: - the message

/// The keys each element type may have.
let elementKeys: [String: [String]] = [
    "text": ["type", "text"],
    "sound": ["type", "duration_seconds"],
    "file": ["type", "file_name"],
    "location": ["type", "description"],
    "custom": ["type", "desc", "data"],
]

func parseElement(_ value: JSON) throws -> MessageElement {
    guard case .string(let kind)? = value.objectValue?["type"] else { throw Failure("an element needs a type") }
    let e = try object(value, "element", allowed: elementKeys[kind] ?? ["type"])
    switch kind {
    case "text": return .text(text: try requiredString(e, "text"))
    case "sound": return .sound(durationSeconds: try durationSeconds(e))
    case "file": return .file(fileName: try optionalString(e, "file_name"))
    case "image": return .image
    case "video": return .video
    case "face": return .face
    case "location": return .location(description: try optionalString(e, "description"))
    case "custom": return .custom(desc: try optionalString(e, "desc"), data: try optionalBytes(e, "data"))
    default: throw Failure("unknown element type \(quoted(kind))")
    }
}

func durationSeconds(_ e: Object) throws -> UInt32 {
    guard let value = present(e, "duration_seconds") else { return 0 }
    guard case .number(let n) = value, let wide = n.uint64, let seconds = UInt32(exactly: wide) else {
        throw Failure("duration_seconds must be a non-negative integer")
    }
    return seconds
}

func parseAndroidSettings(_ value: JSON) throws -> AndroidPushSettings {
    let a = try object(value, "android", allowed: ["title", "sound", "notify_mode"])
    return AndroidPushSettings(
        title: try optionalString(a, "title"),
        sound: try androidSound(a, "sound"),
        notifyMode: try optionalString(a, "notify_mode").map { try lookUp(Names.notifyModes, $0, "notify mode") }
    )
}

func parseIosSettings(_ value: JSON) throws -> IosPushSettings {
    let i = try object(value, "ios", allowed: ["sound", "badge_enabled"])
    return IosPushSettings(
        sound: try present(i, "sound").map(parseSound),
        badgeEnabled: try optionalBool(i, "badge_enabled", default: true)
    )
}

func parsePushSettings(_ value: JSON) throws -> MessagePushSettings {
    let p = try object(value, "push_settings", allowed: ["enabled", "description", "ext", "android", "ios"])
    let android = try present(p, "android").map(parseAndroidSettings)
    let ios = try present(p, "ios").map(parseIosSettings)
    return MessagePushSettings(
        enabled: try optionalBool(p, "enabled", default: true),
        description: try optionalString(p, "description"),
        ext: try optionalBytes(p, "ext"),
        android: android,
        ios: ios
    )
}

func parseGroup(_ value: JSON) throws -> GroupInfo {
    let g = try object(value, "group", allowed: ["group_id", "name"])
    return GroupInfo(groupId: try requiredString(g, "group_id"), name: try optionalString(g, "name"))
}

func parseSender(_ value: JSON?) throws -> MessageSender {
    guard let value else { throw Failure("sender is missing") }
    let s = try object(value, "sender", allowed: ["user_id", "nickname", "name_card"])
    return MessageSender(
        userId: try requiredString(s, "user_id"),
        nickname: try optionalString(s, "nickname"),
        nameCard: try optionalString(s, "name_card")
    )
}

func parseElements(_ value: JSON?) throws -> [MessageElement] {
    switch value {
    case nil, .null?: return []
    case .array(let items)?: return try items.map(parseElement)
    case _?: throw Failure("elements must be a list")
    }
}

func parseMessage(_ value: JSON?) throws -> IncomingMessage {
    guard let value else { throw Failure("message is missing") }
    let m = try object(value, "message", allowed: [
        "message_id", "conversation_type", "sender", "group", "timestamp", "elements", "push_settings",
    ])
    let sender = try parseSender(m["sender"])
    let group = try present(m, "group").map(parseGroup)
    let elements = try parseElements(m["elements"])
    return IncomingMessage(
        messageId: try optionalString(m, "message_id"),
        conversationType: try lookUp(Names.conversationTypes, requiredString(m, "conversation_type"), "conversation type"),
        sender: sender,
        group: group,
        elements: elements,
        pushSettings: try present(m, "push_settings").map(parsePushSettings),
        timestamp: try integer(m, "timestamp")
    )
}

// MARK: - comparing

func reasonName(_ reason: SuppressReason) -> String {
    switch reason {
    case .loggedOut: return "logged_out"
    case .kickedOffline: return "kicked_offline"
    case .systemMessage: return "system_message"
    case .disabledByReceiver: return "disabled_by_receiver"
    case .disabledBySender: return "disabled_by_sender"
    case .muted: return "muted"
    case .doNotDisturb: return "do_not_disturb"
    case .nothingToShow: return "nothing_to_show"
    case .duplicate: return "duplicate"
    }
}

func conversationTypeName(_ type: ConversationType) -> String {
    switch type {
    case .c2c: return "c2c"
    case .group: return "group"
    case .system: return "system"
    }
}

func notifyModeName(_ mode: NotifyMode) -> String {
    switch mode {
    case .normal: return "normal"
    case .custom: return "custom"
    }
}

func titleSourceName(_ source: TitleSource) -> String {
    switch source {
    case .sender: return "sender"
    case .group: return "group"
    case .message: return "message"
    }
}

func soundJSON(_ sound: PushSound) -> JSON {
    switch sound {
    case .default: return .string("default")
    case .silent: return .string("silent")
    case .custom(let path): return .object(["custom": .string(path)])
    }
}

/// The notification as the vectors spell it, to compare key by key.
func notificationJSON(_ n: OfflinePushNotification) -> Object {
    let stringOrNull = { (s: String?) in s.map(JSON.string) ?? .null }
    return [
        "title": .string(n.title),
        "content": .string(n.content),
        "conversation_id": .string(n.conversationId),
        "conversation_type": .string(conversationTypeName(n.conversationType)),
        "sender_id": .string(n.senderId),
        "sender_nickname": stringOrNull(n.senderNickname),
        "group_name": stringOrNull(n.groupName),
        "ext": stringOrNull(n.ext?.base64EncodedString()),
        "sound": soundJSON(n.sound),
        "badge": .bool(n.badge),
        "notify_mode": .string(notifyModeName(n.notifyMode)),
        "badge_count": n.badgeCount.map { .number(.nonNegative(UInt64($0))) } ?? .null,
        "title_source": .string(titleSourceName(n.titleSource)),
    ]
}

/// Only the keys present in `expect` are compared, each exactly; an unknown key fails.
func compare(_ notification: OfflinePushNotification, with expect: JSON) throws {
    guard let wanted = expect.objectValue else { throw Failure("expect must be an object or null") }
    let got = notificationJSON(notification)
    var diffs: [String] = []
    for key in wanted.keys.sorted() {
        guard let have = got[key] else { throw Failure("unknown key \(quoted(key)) in expect") }
        let want = wanted[key]!
        if have != want { diffs.append("\(key): expected \(want), got \(have)") }
    }
    if !diffs.isEmpty { throw Failure(diffs.joined(separator: "; ")) }
}

func checkReason(_ reason: SuppressReason, _ expected: JSON?) throws {
    switch expected {
    case nil, .null?:
        return
    case .string(let name)? where name == reasonName(reason):
        return
    case .string(let name)?:
        throw Failure("expected reason \(name), got \(reasonName(reason))")
    case let other?:
        throw Failure("expect_reason must be a string, got \(other)")
    }
}

func checkOutcome(_ outcome: RenderOutcome, _ testCase: Object) throws {
    guard let expect = testCase["expect"] else { throw Failure("the case has neither expect nor expect_error") }
    switch (expect, outcome) {
    case (.null, .suppress(let reason)):
        try checkReason(reason, testCase["expect_reason"])
    case (.null, .show(let notification)):
        throw Failure("expected no notification, got \(JSON.object(notificationJSON(notification)))")
    case (_, .suppress(let reason)):
        throw Failure("expected a notification, got suppressed: \(reasonName(reason))")
    case (_, .show(let notification)):
        try compare(notification, with: expect)
    }
}

func checkError(_ applied: OfflinePushError?, _ expected: JSON) throws {
    guard case .string(let kind) = expected else { throw Failure("expect_error must be a string") }
    switch applied {
    case let error? where error.kind == kind:
        return
    case let error?:
        throw Failure("expected error \(kind), got \(error.kind) (\(error.message))")
    case nil:
        throw Failure("expected error \(kind), got none")
    }
}

// MARK: - running cases and files

let caseKeys = [
    "name", "platform", "locale", "session", "global_settings", "receive_options", "dnd", "token",
    "message", "expect", "expect_reason", "expect_error",
    "vendor", "vendor_config", "expect_payload", "expect_shortened", "expect_payload_error",
]

let vendorConfigKeys = [
    "fcm_channel_id", "xiaomi_channel_id", "huawei_channel_id", "honor_channel_id", "oppo_channel_id",
    "vivo_classification", "vivo_category", "huawei_category", "huawei_importance", "honor_importance",
    "fcm_delivery",
]
let importances: [String: VendorImportance] = ["low": .low, "normal": .normal]
let vivoClassifications: [String: VivoClassification] = ["operation": .operation, "system": .system]
let fcmDeliveries: [String: FcmDelivery] = ["data": .data, "notification": .notification]

func parseVendorConfig(_ value: JSON?) throws -> VendorConfig {
    guard let value, value != .null else { return VendorConfig() }
    let c = try object(value, "vendor_config", allowed: vendorConfigKeys)
    return VendorConfig(
        fcmChannelId: try optionalString(c, "fcm_channel_id"),
        xiaomiChannelId: try optionalString(c, "xiaomi_channel_id"),
        huaweiChannelId: try optionalString(c, "huawei_channel_id"),
        honorChannelId: try optionalString(c, "honor_channel_id"),
        oppoChannelId: try optionalString(c, "oppo_channel_id"),
        vivoClassification: try optionalString(c, "vivo_classification").map {
            try lookUp(vivoClassifications, $0, "vivo classification")
        },
        vivoCategory: try optionalString(c, "vivo_category"),
        huaweiCategory: try optionalString(c, "huawei_category"),
        huaweiImportance: try optionalString(c, "huawei_importance").map { try lookUp(importances, $0, "importance") },
        honorImportance: try optionalString(c, "honor_importance").map { try lookUp(importances, $0, "importance") },
        fcmDelivery: try optionalString(c, "fcm_delivery").map { try lookUp(fcmDeliveries, $0, "FCM delivery") }
    )
}

/// A payload case (P1 P3 P4): builds the vendor's payload from the notification
/// through the package, compares it as JSON with `expect_payload`, the shortened
/// fields with `expect_shortened`, and reads it back from what the vendor delivers.
func checkPayload(_ testCase: Object, _ message: IncomingMessage, _ outcome: RenderOutcome) throws {
    guard case .show(let notification) = outcome else { throw Failure("a payload case needs a notification") }
    let vendor = try lookUp(Names.vendors, requiredString(testCase, "vendor"), "vendor")
    let wantError = try optionalString(testCase, "expect_payload_error")
    let payload: VendorPayload
    do {
        payload = try buildVendorPayload(
            vendor: vendor, notification: notification, messageId: message.messageId,
            timestamp: message.timestamp, config: parseVendorConfig(testCase["vendor_config"])
        )
    } catch let error as OfflinePushError {
        if error.kind == wantError { return }
        throw Failure("building the payload failed: \(error.kind) (\(error.message))")
    }
    if let wantError { throw Failure("expected payload error \(wantError), got a payload") }
    guard let expected = testCase["expect_payload"] else {
        throw Failure("a payload case needs expect_payload or expect_payload_error")
    }
    let got = try JSON(data: Data(payload.json.utf8))
    if got != expected { throw Failure("payload: expected \(expected), got \(got)") }
    if let want = testCase["expect_shortened"], want != .null {
        let fields = JSON.array(payload.shortened.map { .string($0.field) })
        if fields != want { throw Failure("shortened: expected \(want), got \(fields)") }
    }
    guard let push = readVendorPush(vendor: vendor, delivered: deliveredForm(payload: payload)) else {
        throw Failure("the payload does not read back")
    }
    if push.conversationId != notification.conversationId || push.senderId != notification.senderId
        || push.ext != notification.ext || push.messageId != message.messageId {
        throw Failure("read back differs: \(push.conversationId) \(push.senderId) \(push.messageId ?? "nil")")
    }
}

func runCase(_ value: JSON) throws {
    let testCase = try object(value, "case", allowed: caseKeys)
    let platform = try lookUp(Names.platforms, requiredString(testCase, "platform"), "platform")
    let manager = try OfflinePushManager(config: OfflinePushConfig(platform: platform))
    let applied = try applyState(testCase, to: manager)
    let message = try parseMessage(testCase["message"])

    if let expected = testCase["expect_error"] {
        return try checkError(applied, expected)
    }
    if let error = applied {
        throw Failure("applying the state failed: \(error.kind) (\(error.message))")
    }
    let outcome = try manager.render(message: message)
    if testCase["expect"] != nil || testCase["vendor"] == nil { try checkOutcome(outcome, testCase) }
    if testCase["vendor"] != nil { try checkPayload(testCase, message, outcome) }
}

struct Tally {
    var passed = 0
    var failures: [String] = []
}

/// Every `*.json` in `folder`, sorted by name (bytewise, as Rust sorts paths).
func jsonFiles(in folder: String, _ tally: inout Tally) -> [URL] {
    do {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        return names
            .filter { ($0 as NSString).pathExtension == "json" }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { URL(fileURLWithPath: folder).appendingPathComponent($0) }
    } catch {
        tally.failures.append("\(folder): cannot read the folder: \(error.localizedDescription)")
        return []
    }
}

/// The file's cases and scenarios; either may be absent, nothing else may be there.
func loadFile(_ file: URL) throws -> (cases: [JSON], scenarios: [JSON]) {
    let document: JSON
    do {
        document = try JSON(data: Data(contentsOf: file))
    } catch {
        throw Failure("cannot parse the file: \(error.localizedDescription)")
    }
    do {
        let top = try object(document, "the file", allowed: ["cases", "scenarios"])
        func list(_ key: String) throws -> [JSON] {
            switch top[key] {
            case nil: return []
            case .array(let items)?: return items
            default: throw Failure("\(key) must be a list")
            }
        }
        return (try list("cases"), try list("scenarios"))
    } catch let failure as Failure {
        throw Failure("cannot parse the file: \(failure.message)")
    }
}

func runFile(_ file: URL, _ tally: inout Tally) {
    let label = file.lastPathComponent
    let loaded: (cases: [JSON], scenarios: [JSON])
    do {
        loaded = try loadFile(file)
    } catch {
        tally.failures.append("\(label): \(describe(error))")
        return
    }
    func run(_ items: [JSON], _ prefix: String, _ body: (JSON) throws -> Void) {
        for (index, value) in items.enumerated() {
            var name = "#\(index)"
            if case .string(let given)? = value.objectValue?["name"] { name = given }
            do {
                try body(value)
                tally.passed += 1
            } catch {
                tally.failures.append("\(label) :: \(prefix)\(name): \(describe(error))")
            }
        }
    }
    run(loaded.cases, "", runCase)
    run(loaded.scenarios, "scenario ", runScenario)
}

// MARK: - scenarios (state over several steps)

let scenarioKeys = ["name", "platform", "locale", "steps"]
/// The actions of a step: exactly one per step.
let stepActions = [
    "login", "logout", "kicked_offline", "set_global_settings", "set_receive_option", "set_dnd", "set_token",
    "set_locale", "receive", "render", "mark_read", "set_unread_count", "expect_badge", "expect_global_settings",
    "expect_receive_option", "restart",
]
let stepKeys = stepActions + ["on", "expect", "expect_reason", "expect_error"]

/// The scenario's managers on its store: the app's, and the second process's,
/// each opened at its first use.
final class Managers {
    let platform: Platform
    let directory: String
    private var first: OfflinePushManager?
    private var second: OfflinePushManager?

    init(platform: Platform, directory: String) {
        self.platform = platform
        self.directory = directory
    }

    func get(_ on: String?) throws -> OfflinePushManager {
        switch on {
        case nil, "first"?:
            if first == nil { first = try open() }
            return first!
        case "second"?:
            if second == nil { second = try open() }
            return second!
        case let other?:
            throw Failure("unknown manager \(quoted(other)): \"on\" is \"second\"")
        }
    }

    private func open() throws -> OfflinePushManager {
        do {
            return try OfflinePushManager(config: OfflinePushConfig(platform: platform, storeDirectory: directory))
        } catch let error as OfflinePushError {
            throw Failure("cannot open a manager: \(error.kind) (\(error.message))")
        }
    }

    /// As when the app is killed: every manager goes; the next use opens a new one.
    func restart() {
        first = nil
        second = nil
    }
}

func runScenario(_ value: JSON) throws {
    let scenario = try object(value, "scenario", allowed: scenarioKeys)
    let platform = try lookUp(Names.platforms, requiredString(scenario, "platform"), "platform")
    guard case .array(let steps)? = scenario["steps"] else { throw Failure("steps must be a list") }
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("offline-push-scenario-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let managers = Managers(platform: platform, directory: directory)
    defer { managers.restart() }
    if let value = present(scenario, "locale") {
        let locale = try parseLocale(value)
        if let error = try attempt({ try managers.get(nil).setLocale(locale: locale) }) {
            throw Failure("set_locale failed: \(error.kind) (\(error.message))")
        }
    }
    for (index, step) in steps.enumerated() {
        do {
            try runStep(managers, step)
        } catch let failure as Failure {
            throw Failure("step \(index + 1): \(failure.message)")
        }
    }
}

func runStep(_ managers: Managers, _ value: JSON) throws {
    let step = try object(value, "step", allowed: stepKeys)
    guard stepActions.filter({ step[$0] != nil }).count == 1 else { throw Failure("a step has exactly one action") }
    if step["restart"] != nil { return managers.restart() }
    var on: String?
    if let value = present(step, "on") {
        guard case .string(let name) = value else { throw Failure("on must be a string") }
        on = name
    }
    let manager = try managers.get(on)
    let outcome: RenderOutcome?
    do {
        outcome = try act(manager, step)
    } catch let error as OfflinePushError {
        guard let want = step["expect_error"] else { throw Failure("failed: \(error.kind) (\(error.message))") }
        return try checkError(error, want)
    }
    if let want = step["expect_error"] { return try checkError(nil, want) }
    if let outcome { try checkOutcome(outcome, step) } else { try checkReading(manager, step) }
}

func conversation(_ step: Object, _ key: String, _ extra: [String] = []) throws -> (ConversationType, String, Object) {
    let c = try object(step[key] ?? .null, key, allowed: ["conversation_type", "conversation_id"] + extra)
    let kind = try lookUp(Names.conversationTypes, requiredString(c, "conversation_type"), "conversation type")
    return (kind, try requiredString(c, "conversation_id"), c)
}

/// The step's action; the outcome of a receive or render, for `expect`.
func act(_ manager: OfflinePushManager, _ step: Object) throws -> RenderOutcome? {
    if case .string(let userId)? = step["login"] {
        try manager.login(userId: userId)
    } else if step["login"] != nil {
        throw Failure("login must be a string")
    } else if step["logout"] != nil {
        try manager.logout()
    } else if step["kicked_offline"] != nil {
        try manager.kickedOffline()
    } else if let value = step["set_global_settings"] {
        try manager.setGlobalSettings(settings: try parseGlobalSettings(value))
    } else if step["set_receive_option"] != nil {
        let (kind, id, r) = try conversation(step, "set_receive_option", ["option"])
        let option = try lookUp(Names.receiveOptions, requiredString(r, "option"), "receive option")
        try manager.setReceiveOption(conversationType: kind, conversationId: id, option: option)
    } else if step["set_dnd"] != nil {
        try manager.setDoNotDisturb(window: try present(step, "set_dnd").map(parseDoNotDisturb))
    } else if let value = step["set_token"] {
        try manager.setToken(token: try parseToken(value))
    } else if let value = step["set_locale"] {
        try manager.setLocale(locale: try parseLocale(value))
    } else if let value = step["receive"] {
        return try manager.receive(message: try parseMessage(value))
    } else if let value = step["render"] {
        return try manager.render(message: try parseMessage(value))
    } else if step["mark_read"] != nil {
        let (kind, id, _) = try conversation(step, "mark_read")
        try manager.markRead(conversationType: kind, conversationId: id)
    } else if step["set_unread_count"] != nil {
        let (kind, id, c) = try conversation(step, "set_unread_count", ["count"])
        guard case .number(let n)? = c["count"], let count = n.uint64, count <= UInt64(UInt32.max) else {
            throw Failure("count must be a non-negative integer")
        }
        try manager.setUnreadCount(conversationType: kind, conversationId: id, count: UInt32(count))
    } else if step["expect_badge"] != nil {
        _ = try manager.badgeTotal()
    } else if step["expect_global_settings"] != nil {
        _ = try manager.globalSettings()
    } else if step["expect_receive_option"] != nil {
        let (kind, id, _) = try conversation(step, "expect_receive_option", ["option"])
        _ = try manager.receiveOption(conversationType: kind, conversationId: id)
    }
    return nil
}

func settingsJSON(_ s: OfflinePushSettings) -> Object {
    ["enabled": .bool(s.enabled), "c2c_sound": s.c2cSound.map(JSON.string) ?? .null,
     "group_sound": s.groupSound.map(JSON.string) ?? .null]
}

func receiveOptionName(_ option: ReceiveOption) -> String {
    Names.receiveOptions.first { $0.value == option }!.key
}

/// The reading steps compare what the manager says now.
func checkReading(_ manager: OfflinePushManager, _ step: Object) throws {
    if let want = step["expect_badge"] {
        guard case .number(let n) = want, let badge = n.uint64 else {
            throw Failure("expect_badge must be a non-negative integer")
        }
        let got = try manager.badgeTotal()
        if UInt64(got) != badge { throw Failure("expected badge \(badge), got \(got)") }
    }
    if let want = step["expect_global_settings"] {
        let keys = try object(want, "expect_global_settings", allowed: ["enabled", "c2c_sound", "group_sound"]).keys
        // Read the expected keys as settings are read, so every sound form compares equal.
        let wantJSON = settingsJSON(try parseGlobalSettings(want))
        let got = settingsJSON(try manager.globalSettings())
        for key in keys.sorted() where got[key] != wantJSON[key] {
            throw Failure("global settings \(key): expected \(wantJSON[key]!), got \(got[key]!)")
        }
    }
    if step["expect_receive_option"] != nil {
        let (kind, id, r) = try conversation(step, "expect_receive_option", ["option"])
        let want = try lookUp(Names.receiveOptions, requiredString(r, "option"), "receive option")
        let got = try manager.receiveOption(conversationType: kind, conversationId: id)
        if got != want {
            throw Failure("receive option of \(id): expected \(quoted(receiveOptionName(want))), got \(quoted(receiveOptionName(got)))")
        }
    }
}

func describe(_ error: Error) -> String {
    (error as? Failure)?.message ?? "unexpected error: \(String(reflecting: error))"
}

/// The folders to run: the own one, then the extra one if there is one.
func folders(_ arguments: [String]) -> [String]? {
    guard (1...2).contains(arguments.count) else { return nil }
    let extra = arguments.count == 2
        ? arguments[1]
        : ProcessInfo.processInfo.environment["OFFLINE_PUSH_EXTRA_VECTORS"] ?? ""
    return extra.isEmpty ? [arguments[0]] : [arguments[0], extra]
}

guard let folderList = folders(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: swift-vectors <own dir> [<extra dir>]\n".utf8))
    exit(2)
}
var tally = Tally()
for folder in folderList {
    for file in jsonFiles(in: folder, &tally) {
        runFile(file, &tally)
    }
}
for failure in tally.failures {
    print("FAILED \(failure)")
}
print("swift-vectors: \(tally.passed) passed, \(tally.failures.count) failed")
exit(tally.failures.isEmpty ? 0 : 1)

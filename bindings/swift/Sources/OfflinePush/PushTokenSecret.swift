/// A vendor push token (APNs device token, FCM token, Xiaomi regId, ...).
///
/// It is a secret: `description` and `debugDescription` never show it, so a token
/// inside an `OfflinePushToken` cannot leak into logs by accident. Read `value`
/// only to hand it to the vendor or the app's server.
public struct PushTokenSecret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "PushTokenSecret(<redacted, \(value.utf8.count) bytes>)" }

    public var debugDescription: String { description }
}

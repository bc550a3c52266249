/// A vendor push token (APNs device token, FCM token, Xiaomi regId, ...).
///
/// It is a secret: `description` and `debugDescription` never show it, so a token
/// inside an `OfflinePushToken` cannot leak into logs by accident. Read `value`
/// only to hand it to the vendor or the app's server.
public struct PushTokenSecret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "PushTokenSecret(<redacted, \(value.utf8.count) bytes>)" }

    public var debugDescription: String { description }

    /// `dump` and `Mirror` see no children, so they cannot print the value either.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

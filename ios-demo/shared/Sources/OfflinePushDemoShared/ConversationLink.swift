import Foundation
import OfflinePush

/// Where a tap leads: `offlinepush-demo://chat/<c2c|group>/<conversation id>`, the id
/// percent-encoded, the same link as the Android demo's.
public struct ConversationLink: Equatable {
    public static let scheme = "offlinepush-demo"
    static let prefix = "offlinepush-demo://chat/"
    /// RFC 3986's unreserved characters: everything else is encoded.
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    public let type: ConversationType
    public let conversationId: String

    /// Nil for a system conversation or an empty id: nothing to open.
    public init?(type: ConversationType, conversationId: String) {
        guard type != .system, !conversationId.isEmpty else { return nil }
        self.type = type
        self.conversationId = conversationId
    }

    public var uri: String {
        let encoded = conversationId.utf8.map { byte in
            Self.unreserved.contains(byte) ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }.joined()
        return Self.prefix + (type == .c2c ? "c2c" : "group") + "/" + encoded
    }

    /// The conversation a link names, or nil for anything else: a link may come
    /// from anywhere, so nothing here throws.
    public static func parse(_ uri: String) -> ConversationLink? {
        guard uri.hasPrefix(prefix) else { return nil }
        let parts = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let type: ConversationType
        switch parts[0] {
        case "c2c": type = .c2c
        case "group": type = .group
        default: return nil
        }
        guard let id = percentDecoded(parts[1]) else { return nil }
        return ConversationLink(type: type, conversationId: id)
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var it = text.utf8.makeIterator()
        while let byte = it.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = it.next(), let low = it.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(bytes: bytes, encoding: .utf8)
    }
}

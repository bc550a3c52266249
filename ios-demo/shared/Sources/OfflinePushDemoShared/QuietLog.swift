import Foundation
import OfflinePush

/// The rules' spelling of a reason (`do_not_disturb`), as docs/RULES.md writes it.
public func reasonName(_ reason: SuppressReason) -> String {
    var name = ""
    for character in "\(reason)" {
        if character.isUppercase {
            name += "_" + character.lowercased()
        } else {
            name.append(character)
        }
    }
    return name
}

/// "Why no notification": the last pushes the rules kept quiet, written by the
/// extension and read by the app's settings screen, in a small file beside the
/// store in the app group. Each line is appended whole, so the two processes never
/// interleave one; the file keeps the newest `keep` lines.
public struct QuietLog {
    public static let keep = 20
    private let file: URL

    public init(directory: URL) {
        file = directory.appendingPathComponent("why-no-notification.txt")
    }

    /// Records one; a full disk loses the line, never the push.
    public func record(conversation: String, reason: SuppressReason) {
        let clean = conversation.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        let line = Data("\(clean)\t\(reasonName(reason))\n".utf8)
        if let handle = try? FileHandle(forWritingTo: file) {
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: line)
        } else {
            try? line.write(to: file)
        }
        let lines = lines()
        if lines.count > 2 * Self.keep {
            try? Data(lines.suffix(Self.keep).map { $0 + "\n" }.joined().utf8).write(to: file, options: .atomic)
        }
    }

    /// Newest last, as (conversation, reason name).
    public func recent() -> [(conversation: String, reason: String)] {
        lines().suffix(Self.keep).compactMap { line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }

    private func lines() -> [String] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OfflinePush

/// This installation, as the server keeps it beside a bound token (RULES W6).
public struct DeviceInfo: Sendable {
    /// The app's own id of this installation.
    public let id: String
    public let platform: Platform
    public let locale: PushLocale
    /// The vendor this device selects (P2), the route the server tries first.
    public let ownVendor: PushVendor?

    public init(id: String, platform: Platform, locale: PushLocale, ownVendor: PushVendor?) {
        self.id = id
        self.platform = platform
        self.locale = locale
        self.ownVendor = ownVendor
    }
}

/// The rules' spelling of a vendor (`apns_voip`), as the server and the vectors write it.
public func vendorName(_ vendor: PushVendor) -> String {
    switch vendor {
    case .apns: return "apns"
    case .apnsVoip: return "apns_voip"
    case .fcm: return "fcm"
    case .xiaomi: return "xiaomi"
    case .huawei: return "huawei"
    case .honor: return "honor"
    case .oppo: return "oppo"
    case .vivo: return "vivo"
    case .meizu: return "meizu"
    }
}

private let allVendors: [PushVendor] = [.apns, .apnsVoip, .fcm, .xiaomi, .huawei, .honor, .oppo, .vivo, .meizu]

/// The app's `PushBackend` over HTTP with `URLSession`, to the demo backend
/// (`demo-backend/README.md`). The core calls it from its sync, off the main
/// thread. A 5xx, a timeout or no network is `.Transient` (the core retries it);
/// any other refusal is `.Rejected`.
public final class HttpPushBackend: PushBackend, @unchecked Sendable {
    private let base: String
    private let device: DeviceInfo
    private let session: URLSession

    public init(baseUrl: String, device: DeviceInfo, timeout: TimeInterval = 10) {
        var base = baseUrl
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        self.device = device
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    public func uploadSettings(userId: String, change: SettingsChange) async throws {
        _ = try await call("PUT", "/v1/users/\(segment(userId))/settings", settingsChangeToJson(change: change))
    }

    public func fetchSettings(userId: String) async throws -> AccountPushSettings {
        let body = try await call("GET", "/v1/users/\(segment(userId))/settings", nil)
        do {
            return try accountSettingsFromJson(json: body)
        } catch {
            throw PushBackendError.Transient(reason: "the server's settings could not be read: \(error)")
        }
    }

    public func uploadToken(userId: String, token: OfflinePushToken) async throws {
        let tokenObject = try JSONSerialization.jsonObject(with: Data(tokenToJson(token: token).utf8))
        var deviceObject: [String: Any] = [
            "id": device.id,
            "platform": device.platform == .ios ? "ios" : "android",
            "locale": device.locale == .zhHans ? "zh-Hans" : "en",
        ]
        if let own = device.ownVendor { deviceObject["own_vendor"] = vendorName(own) }
        let body = try JSONSerialization.data(withJSONObject: ["token": tokenObject, "device": deviceObject])
        _ = try await call("POST", "/v1/users/\(segment(userId))/tokens", String(decoding: body, as: UTF8.self))
    }

    public func unbindToken(userId: String, token: OfflinePushToken) async throws {
        _ = try await call("DELETE", "/v1/users/\(segment(userId))/tokens", tokenToJson(token: token))
    }

    /// The vendor stand-in (not part of `PushBackend`): what the demo backend put in
    /// this device's inbox since the last call, oldest first, each with the vendor it
    /// came through. An entry that is not a delivered push is skipped.
    public func collect() async throws -> [(PushVendor, DeliveredPush)] {
        let body = try await call("POST", "/v1/devices/\(segment(device.id))/collect", nil)
        guard let items = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [[String: Any]] else {
            throw PushBackendError.Transient(reason: "the inbox answer is not a JSON array")
        }
        return items.compactMap { item in
            guard let name = item["vendor"] as? String,
                  let vendor = allVendors.first(where: { vendorName($0) == name }),
                  let delivered = item["delivered"],
                  JSONSerialization.isValidJSONObject(delivered),
                  let data = try? JSONSerialization.data(withJSONObject: delivered),
                  let push = try? deliveredPushFromJson(json: String(decoding: data, as: UTF8.self))
            else { return nil }
            return (vendor, push)
        }
    }

    private func segment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
    }

    private func call(_ method: String, _ path: String, _ body: String?) async throws -> String {
        guard let url = URL(string: base + path) else { throw PushBackendError.Rejected(reason: "not a URL: \(base)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        }
        let (data, status): (Data, Int) = try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    let reason = "\(method) \(path): \((error as NSError).localizedDescription)"
                    continuation.resume(throwing: PushBackendError.Transient(reason: reason))
                } else {
                    continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
                }
            }.resume()
        }
        let text = String(decoding: data, as: UTF8.self)
        switch status {
        case 200..<300: return text
        case 500...: throw PushBackendError.Transient(reason: "\(method) \(path): HTTP \(status)\(errorOf(text))")
        default: throw PushBackendError.Rejected(reason: "\(method) \(path): HTTP \(status)\(errorOf(text))")
        }
    }

    /// The server's `{"error": "…"}`, which never repeats a token.
    private func errorOf(_ text: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let error = object["error"] as? String else { return "" }
        return ": \(error)"
    }
}

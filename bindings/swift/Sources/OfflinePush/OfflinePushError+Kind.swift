/// What every `OfflinePushError` carries, without a `switch` at each use.
extension OfflinePushError {
    /// The kind as one stable string (`not_logged_in`, `invalid_sound`, ...), the
    /// same in Rust (`OfflinePushError::kind`), Kotlin (`OfflinePushException.kind`)
    /// and the conformance vectors: for logs and analytics.
    public var kind: String {
        switch self {
        case .NotLoggedIn: return "not_logged_in"
        case .InvalidSound: return "invalid_sound"
        case .InvalidToken: return "invalid_token"
        case .InvalidArgument: return "invalid_argument"
        case .NotConfigured: return "not_configured"
        case .BackendUnavailable: return "backend_unavailable"
        case .BackendRejected: return "backend_rejected"
        case .Storage: return "storage"
        case .StoreCorrupted: return "store_corrupted"
        case .StoreRefused: return "store_refused"
        }
    }

    /// What was wrong, in words; never contains a token.
    public var message: String {
        switch self {
        case .NotLoggedIn(let message), .InvalidSound(let message), .InvalidToken(let message),
             .InvalidArgument(let message), .NotConfigured(let message), .BackendUnavailable(let message),
             .BackendRejected(let message), .Storage(let message), .StoreCorrupted(let message),
             .StoreRefused(let message):
            return message
        }
    }
}

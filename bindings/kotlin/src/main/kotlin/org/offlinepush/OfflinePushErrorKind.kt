package org.offlinepush

/**
 * The kind of an [OfflinePushException] as one stable string (`not_logged_in`,
 * `invalid_sound`, ...), the same in Rust (`OfflinePushError::kind`), Swift
 * (`OfflinePushError.kind`) and the conformance vectors: for logs and analytics
 * that must not depend on class names, which R8 may shorten.
 */
val OfflinePushException.kind: String
    get() = when (this) {
        is OfflinePushException.NotLoggedIn -> "not_logged_in"
        is OfflinePushException.InvalidSound -> "invalid_sound"
        is OfflinePushException.InvalidToken -> "invalid_token"
        is OfflinePushException.InvalidArgument -> "invalid_argument"
        is OfflinePushException.NotConfigured -> "not_configured"
        is OfflinePushException.BackendUnavailable -> "backend_unavailable"
        is OfflinePushException.BackendRejected -> "backend_rejected"
        is OfflinePushException.Storage -> "storage"
        is OfflinePushException.StoreCorrupted -> "store_corrupted"
        is OfflinePushException.StoreRefused -> "store_refused"
    }

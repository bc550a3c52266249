//! offline-push: the offline-push rules of an IM SDK, written once in Rust and
//! shipped to Android (Kotlin) and iOS (Swift) through UniFFI.
//!
//! - [`rules`]: the behaviour of `RULES.md` as pure functions;
//! - [`OfflinePushManager`]: the object an app holds;
//! - [`PushBackend`]: the app's server, implemented in Kotlin or Swift;
//! - the records (`model`) are declared in `offline_push.udl`.

pub mod backend;
pub mod error;
pub mod manager;
pub mod model;
pub mod rules;

pub use backend::{PushBackend, PushBackendError, RetryPolicy};
pub use error::OfflinePushError;
pub use manager::OfflinePushManager;
pub use model::*;

/// Checks and normalises a sender's message push settings (V2).
pub fn validate_message_push_settings(
    settings: MessagePushSettings,
) -> Result<MessagePushSettings, OfflinePushError> {
    rules::validate::check_message_push_settings(settings)
}

/// Encodes a message as JSON for another process.
pub fn message_to_json(message: IncomingMessage) -> String {
    serde_json::to_string(&message).expect("a message always serialises")
}

/// Decodes a message encoded by [`message_to_json`].
pub fn message_from_json(json: &str) -> Result<IncomingMessage, OfflinePushError> {
    serde_json::from_str(json).map_err(|e| OfflinePushError::InvalidArgument(format!("not a message: {e}")))
}

/// Encodes a notification as JSON for another process.
pub fn notification_to_json(notification: OfflinePushNotification) -> String {
    serde_json::to_string(&notification).expect("a notification always serialises")
}

/// Decodes a notification encoded by [`notification_to_json`].
pub fn notification_from_json(json: &str) -> Result<OfflinePushNotification, OfflinePushError> {
    serde_json::from_str(json)
        .map_err(|e| OfflinePushError::InvalidArgument(format!("not a notification: {e}")))
}

// Declared at the crate root: its module path must match the UDL's `[Custom]` typedef.
uniffi::custom_newtype!(PushTokenValue, String);

uniffi::include_scaffolding!("offline_push");

//! `OfflinePushListener`: the app's callback, implemented in Kotlin or Swift
//! (seed §3.2.2 `setOfflinePushListener`). `receive` tells it of every message
//! it handled: the notification shown, or the reason there is none. The core
//! calls it after letting go of its own locks (a listener may call back into
//! the manager), on the thread that called `receive`.

use crate::model::{IncomingMessage, OfflinePushNotification, SuppressReason};

/// What a listener may throw (see the UDL). The core ignores it: a listener that
/// fails never breaks `receive`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListenerError {
    #[error("the listener failed: {reason}")]
    Failed { reason: String },
}

/// Any exception the app's listener throws arrives as this.
impl From<uniffi::UnexpectedUniFFICallbackError> for ListenerError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: error.reason }
    }
}

/// Told of what `receive` did with each message.
#[uniffi::export(with_foreign)]
pub trait OfflinePushListener: Send + Sync {
    /// `receive` produced this notification; show it (on iOS, hand it to the
    /// Notification Service Extension's content handler).
    fn on_notification(&self, notification: OfflinePushNotification) -> Result<(), ListenerError>;
    /// `receive` produced no notification for `message`, for `reason` (D1–D8).
    fn on_suppressed(&self, message: IncomingMessage, reason: SuppressReason) -> Result<(), ListenerError>;
}

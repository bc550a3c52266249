//! Errors in two layers.
//!
//! - [`Error`], inside: what went wrong, with the underlying error attached
//!   (`#[from]` a store, JSON or backend failure), for the core's own code and logs.
//! - [`OfflinePushError`], at the boundary: one kind per thing a caller switches
//!   on, with a message written here. [`From<Error>`] is the one place that
//!   decides the kind and writes the message, and it never copies text that
//!   could carry a token or another stored value (serde's messages quote their
//!   input; a backend's reason is the app's own text and may carry anything).

use crate::json::JsonError;
use crate::store::StoreError;

/// Everything the public API refuses. Kotlin sees `OfflinePushException.<Kind>`,
/// Swift `OfflinePushError.<kind>(message:)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfflinePushError {
    /// V1
    #[error("not logged in: {0}")]
    NotLoggedIn(String),
    /// V2
    #[error("invalid sound: {0}")]
    InvalidSound(String),
    /// V3
    #[error("invalid token: {0}")]
    InvalidToken(String),
    /// V4 and other malformed arguments.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Something the call needs was never set.
    #[error("not configured: {0}")]
    NotConfigured(String),
    /// The backend kept failing with errors that may pass, or did not answer in time.
    #[error("backend unavailable: {0}")]
    BackendUnavailable(String),
    /// The backend refused the request.
    #[error("backend rejected the request: {0}")]
    BackendRejected(String),
    /// The store could not be read or written (I/O, a full disk, no permission).
    #[error("storage failure: {0}")]
    Storage(String),
    /// The store's file could not be understood; it was moved aside, not emptied,
    /// and a new store, reset, took its place (docs/RULES.md K8).
    #[error("store corrupted: {0}")]
    StoreCorrupted(String),
    /// The file at the store's path is not one this library opens: a store of a
    /// newer version (update the app), or another program's database. It is
    /// left exactly as it was.
    #[error("store refused: {0}")]
    StoreRefused(String),
}

impl OfflinePushError {
    /// The kind as the conformance vectors spell it (`not_logged_in`, ...): the
    /// one spelling of the kinds in Rust.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotLoggedIn(_) => "not_logged_in",
            Self::InvalidSound(_) => "invalid_sound",
            Self::InvalidToken(_) => "invalid_token",
            Self::InvalidArgument(_) => "invalid_argument",
            Self::NotConfigured(_) => "not_configured",
            Self::BackendUnavailable(_) => "backend_unavailable",
            Self::BackendRejected(_) => "backend_rejected",
            Self::Storage(_) => "storage",
            Self::StoreCorrupted(_) => "store_corrupted",
            Self::StoreRefused(_) => "store_refused",
        }
    }
}

/// What a setting can be refused for; the message names the field, never its value
/// when the value may be a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// V1: the call needs a signed-in user.
    #[error("{0}")]
    NotLoggedIn(&'static str),
    /// V2: `field` is not an app-bundled `android.resource://` sound.
    #[error("{field} must be an android.resource://<package>/<path> URI of a sound bundled with the app")]
    InvalidSound { field: &'static str },
    /// V3.
    #[error("{0}")]
    InvalidToken(&'static str),
    /// V4 and other bad arguments; the message is the core's own text.
    #[error("{0}")]
    InvalidArgument(String),
    /// A call needs something the app never gave.
    #[error("{0}")]
    NotConfigured(&'static str),
    /// JSON that is not the record it should be, or of another format version.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The app's backend refused a request; `what` names it. The reason is the
    /// app's text with every secret of the request taken out (`backend.rs`).
    #[error("{what}: {reason}")]
    BackendRejected { what: &'static str, reason: String },
    /// The app's backend kept failing with errors that may pass.
    #[error("{what} failed {attempts} times; last: {reason}")]
    BackendUnavailable {
        what: &'static str,
        attempts: u32,
        reason: String,
    },
    /// The app's backend threw something other than a `PushBackendError`.
    #[error("{what}: the backend threw an unexpected error (a bug in the app's PushBackend; the change stays queued): {reason}")]
    BackendUnexpected { what: &'static str, reason: String },
}

/// `text` with every occurrence of each non-empty secret replaced.
pub(crate) fn redact(mut text: String, secrets: &[&str]) -> String {
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            text = text.replace(secret, "<redacted>");
        }
    }
    text
}

/// The one conversion point: the kind, and a message made only of the core's
/// own words, field names, counts and positions.
impl From<Error> for OfflinePushError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error {
            Error::NotLoggedIn(_) => Self::NotLoggedIn(message),
            Error::InvalidSound { .. } => Self::InvalidSound(message),
            Error::InvalidToken(_) => Self::InvalidToken(message),
            Error::InvalidArgument(_) | Error::Json(_) => Self::InvalidArgument(message),
            Error::NotConfigured(_) => Self::NotConfigured(message),
            Error::Store(StoreError::Corrupted { .. }) => Self::StoreCorrupted(message),
            Error::Store(StoreError::TooNew { .. } | StoreError::Foreign) => Self::StoreRefused(message),
            Error::Store(_) => Self::Storage(message),
            Error::BackendRejected { .. } => Self::BackendRejected(message),
            Error::BackendUnavailable { .. } | Error::BackendUnexpected { .. } => {
                Self::BackendUnavailable(message)
            }
        }
    }
}

pub type Result<T, E = OfflinePushError> = std::result::Result<T, E>;

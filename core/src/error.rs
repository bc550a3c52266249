//! The public error: one kind per thing a caller switches on (RULES §4 and the
//! backend's failures). Messages say what was wrong and never carry a token.

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
    /// The backend kept failing with errors that may pass.
    #[error("backend unavailable: {0}")]
    BackendUnavailable(String),
    /// The backend refused the request.
    #[error("backend rejected the request: {0}")]
    BackendRejected(String),
}

impl OfflinePushError {
    /// The kind as the conformance vectors spell it (`not_logged_in`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotLoggedIn(_) => "not_logged_in",
            Self::InvalidSound(_) => "invalid_sound",
            Self::InvalidToken(_) => "invalid_token",
            Self::InvalidArgument(_) => "invalid_argument",
            Self::NotConfigured(_) => "not_configured",
            Self::BackendUnavailable(_) => "backend_unavailable",
            Self::BackendRejected(_) => "backend_rejected",
        }
    }
}

pub type Result<T, E = OfflinePushError> = std::result::Result<T, E>;

//! The app's backend, implemented in Kotlin or Swift: the core calls it to
//! upload what the device holds, retrying failures that may pass. The records
//! (`PushBackendError`, `RetryPolicy`) are declared in the UDL.

use crate::clock::Clock;
use crate::error::{redact, Error};
use crate::model::OfflinePushToken;
use std::future::Future;
use std::time::Duration;

/// What a backend call failed with (see the UDL). Throw `Transient` for failures
/// that may pass (no network, a 5xx): the core retries them. Throw `Rejected`
/// for the rest: the core gives up at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushBackendError {
    #[error("transient backend failure: {reason}")]
    Transient { reason: String },
    #[error("backend rejected the request: {reason}")]
    Rejected { reason: String },
}

/// An exception the app's implementation threw that is not a `PushBackendError`
/// is a bug in the app, not a passing failure: it is not retried.
impl From<uniffi::UnexpectedUniFFICallbackError> for PushBackendError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Rejected {
            reason: format!("the backend threw an unexpected error: {}", error.reason),
        }
    }
}

/// The app's own server, reached by the app's own networking. Every method is
/// async: Kotlin `suspend`, Swift `async`.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait PushBackend: Send + Sync {
    /// Registers the device's vendor token for `user_id` so the server can push to it.
    async fn upload_token(&self, user_id: String, token: OfflinePushToken) -> Result<(), PushBackendError>;
}

/// How often and how patiently the core retries transient backend failures
/// (see the UDL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay_ms: 500,
            max_delay_ms: 30_000,
        }
    }
}

impl RetryPolicy {
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.max_attempts == 0 {
            return Err(Error::InvalidArgument("max_attempts must be at least 1".into()));
        }
        if self.initial_delay_ms > self.max_delay_ms {
            return Err(Error::InvalidArgument(
                "initial_delay_ms must not exceed max_delay_ms".into(),
            ));
        }
        Ok(())
    }

    fn delay_before(&self, attempt: u32) -> Duration {
        // attempt 2 waits initial, attempt 3 twice that, ... capped.
        let doublings = attempt.saturating_sub(2).min(32);
        let ms = self
            .initial_delay_ms
            .saturating_mul(1u64 << doublings)
            .min(self.max_delay_ms);
        Duration::from_millis(ms)
    }
}

/// Runs `call` until it succeeds, is rejected, or the attempts run out; waits
/// between attempts on `clock`. `secrets` (the token the request carries) are
/// taken out of the backend's reasons before they reach an error.
pub(crate) async fn with_retries<F, Fut>(
    policy: RetryPolicy,
    clock: &dyn Clock,
    what: &'static str,
    secrets: &[&str],
    mut call: F,
) -> Result<(), Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), PushBackendError>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(()) => return Ok(()),
            Err(PushBackendError::Transient { .. }) if attempt < policy.max_attempts => {
                attempt += 1;
                clock.sleep(policy.delay_before(attempt)).await;
            }
            Err(PushBackendError::Transient { reason }) => {
                return Err(Error::BackendUnavailable {
                    what,
                    attempts: attempt,
                    reason: redact(reason, secrets),
                })
            }
            Err(PushBackendError::Rejected { reason }) => {
                return Err(Error::BackendRejected {
                    what,
                    reason: redact(reason, secrets),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn delays_double_and_are_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_delay_ms: 100,
            max_delay_ms: 350,
        };
        assert_eq!(p.delay_before(2), Duration::from_millis(100));
        assert_eq!(p.delay_before(3), Duration::from_millis(200));
        assert_eq!(p.delay_before(4), Duration::from_millis(350));
        assert_eq!(p.delay_before(u32::MAX), Duration::from_millis(350));
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_then_reported() {
        let calls = AtomicU32::new(0);
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        let result = with_retries(policy, &SystemClock, "upload", &[], || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(PushBackendError::Transient {
                reason: "offline".into(),
            })
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(matches!(
            result,
            Err(Error::BackendUnavailable { attempts: 3, .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejection_is_not_retried() {
        let calls = AtomicU32::new(0);
        let result = with_retries(RetryPolicy::default(), &SystemClock, "upload", &[], || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(PushBackendError::Rejected { reason: "403".into() })
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(matches!(result, Err(Error::BackendRejected { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn a_reason_that_echoes_the_token_loses_it() {
        let result = with_retries(
            RetryPolicy::default(),
            &SystemClock,
            "token upload",
            &["tok-123"],
            || async {
                Err(PushBackendError::Rejected {
                    reason: "token tok-123 is unknown".into(),
                })
            },
        )
        .await;
        let public = crate::OfflinePushError::from(result.unwrap_err());
        assert_eq!(
            public,
            crate::OfflinePushError::BackendRejected("token upload: token <redacted> is unknown".into())
        );
    }
}

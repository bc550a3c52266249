//! The app's backend, implemented in Kotlin or Swift (docs/RULES.md K4–K7): the
//! core sends it what the device changed and asks it for what it keeps, retrying
//! failures that may pass. The records (`PushBackendError`, `SyncPolicy`,
//! `SettingsChange`, `AccountPushSettings`) are declared in the UDL.

use crate::clock::Clock;
use crate::error::{redact, Error};
use crate::model::{AccountPushSettings, OfflinePushToken, SettingsChange};
use std::future::Future;
use std::time::Duration;

/// What a backend call failed with (see the UDL). Throw `Transient` for failures
/// that may pass (no network, a 5xx): the core retries them. Throw `Rejected`
/// for a refusal: the core gives up at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushBackendError {
    #[error("transient backend failure: {reason}")]
    Transient { reason: String },
    #[error("backend rejected the request: {reason}")]
    Rejected { reason: String },
    #[error("the backend threw an unexpected error: {reason}")]
    Unexpected { reason: String },
}

/// Any other exception the app's implementation threw: a bug in the app, not a
/// verdict on the change, which stays queued.
impl From<uniffi::UnexpectedUniFFICallbackError> for PushBackendError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unexpected { reason: error.reason }
    }
}

/// The app's own server, reached by the app's own networking. Every method is
/// async: Kotlin `suspend`, Swift `async`. The core cancels a call that takes
/// longer than the policy's `call_timeout_ms`. Each call may come again after a
/// failure or a crash, so the server should treat a repeat as a no-op.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait PushBackend: Send + Sync {
    /// K6: one change of `user_id`'s settings, the value the device holds now.
    async fn upload_settings(&self, user_id: String, change: SettingsChange) -> Result<(), PushBackendError>;
    /// K7: `user_id`'s settings as the server keeps them.
    async fn fetch_settings(&self, user_id: String) -> Result<AccountPushSettings, PushBackendError>;
    /// K4: registers the device's vendor token for `user_id` (with its business
    /// id) so the server can push to it.
    async fn upload_token(&self, user_id: String, token: OfflinePushToken) -> Result<(), PushBackendError>;
    /// K5: `user_id` signed out on this device: the server must stop pushing to
    /// `token` for them.
    async fn unbind_token(&self, user_id: String, token: OfflinePushToken) -> Result<(), PushBackendError>;
}

/// How the core talks to the backend (see the UDL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPolicy {
    pub max_attempts: u32,
    pub initial_delay_ms: u64,
    pub max_delay_ms: u64,
    pub call_timeout_ms: u64,
    pub sync_after_changes: bool,
}

/// The most attempts a policy may ask for.
const MAX_ATTEMPTS: u32 = 100;

impl SyncPolicy {
    pub const DEFAULT: Self = Self {
        max_attempts: 4,
        initial_delay_ms: 500,
        max_delay_ms: 30_000,
        call_timeout_ms: 15_000,
        sync_after_changes: true,
    };

    pub(crate) fn check(&self) -> Result<(), Error> {
        if !(1..=MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(Error::InvalidArgument(format!(
                "max_attempts must be 1..={MAX_ATTEMPTS}"
            )));
        }
        if self.initial_delay_ms > self.max_delay_ms {
            return Err(Error::InvalidArgument(
                "initial_delay_ms must not exceed max_delay_ms".into(),
            ));
        }
        if self.call_timeout_ms == 0 {
            return Err(Error::InvalidArgument(
                "call_timeout_ms must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The wait before attempt `attempt` (2 and on): `initial_delay_ms`,
    /// doubled per attempt, capped at `max_delay_ms`, less `jitter` (0..1) of
    /// half of it.
    pub(crate) fn delay_before(&self, attempt: u32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(2).min(32);
        let full = self
            .initial_delay_ms
            .saturating_mul(1u64 << doublings)
            .min(self.max_delay_ms);
        let off = (full as f64 / 2.0 * jitter.clamp(0.0, 1.0)) as u64;
        Duration::from_millis(full - off.min(full))
    }

    /// The longest one call with its retries can take: how long a claim on a
    /// queued item holds before another process may take it over.
    pub(crate) fn longest_call(&self) -> Duration {
        let waits: u64 = (2..=self.max_attempts)
            .map(|attempt| self.delay_before(attempt, 0.0).as_millis() as u64)
            .sum();
        let calls = self.call_timeout_ms.saturating_mul(u64::from(self.max_attempts));
        Duration::from_millis(waits.saturating_add(calls))
    }
}

impl Default for SyncPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Runs `call` until it succeeds, is refused, or the attempts run out; each
/// attempt is cancelled after the policy's timeout, and waits between attempts
/// on `clock`. `secrets` (the token the request carries) are taken out of the
/// backend's reasons before they reach an error.
pub(crate) async fn with_retries<T, F, Fut>(
    policy: SyncPolicy,
    clock: &dyn Clock,
    what: &'static str,
    secrets: &[&str],
    mut call: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, PushBackendError>>,
{
    let timeout = Duration::from_millis(policy.call_timeout_ms);
    let mut attempt = 1;
    loop {
        let outcome = tokio::select! {
            biased;
            outcome = call() => outcome,
            () = clock.sleep(timeout) => Err(PushBackendError::Transient {
                reason: format!("no answer within {} ms", policy.call_timeout_ms),
            }),
        };
        match outcome {
            Ok(value) => return Ok(value),
            Err(PushBackendError::Transient { .. }) if attempt < policy.max_attempts => {
                attempt += 1;
                clock.sleep(policy.delay_before(attempt, fastrand::f64())).await;
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
            Err(PushBackendError::Unexpected { reason }) => {
                return Err(Error::BackendUnexpected {
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
    fn delays_double_are_capped_and_jitter_takes_off_up_to_half() {
        let p = SyncPolicy {
            max_attempts: 10,
            initial_delay_ms: 100,
            max_delay_ms: 350,
            ..SyncPolicy::DEFAULT
        };
        assert_eq!(p.delay_before(2, 0.0), Duration::from_millis(100));
        assert_eq!(p.delay_before(3, 0.0), Duration::from_millis(200));
        assert_eq!(p.delay_before(4, 0.0), Duration::from_millis(350));
        assert_eq!(p.delay_before(u32::MAX, 0.0), Duration::from_millis(350));
        assert_eq!(p.delay_before(3, 0.5), Duration::from_millis(150));
        assert_eq!(p.delay_before(3, 1.0), Duration::from_millis(100));
        for _ in 0..1000 {
            let d = p.delay_before(4, fastrand::f64());
            assert!(d >= Duration::from_millis(175) && d <= Duration::from_millis(350));
        }
    }

    #[test]
    fn a_claim_outlasts_every_attempt_and_wait() {
        let p = SyncPolicy {
            max_attempts: 3,
            initial_delay_ms: 100,
            max_delay_ms: 150,
            call_timeout_ms: 1000,
            sync_after_changes: false,
        };
        assert_eq!(p.longest_call(), Duration::from_millis(3000 + 100 + 150));
    }

    #[test]
    fn a_policy_out_of_range_is_refused() {
        for bad in [
            SyncPolicy {
                max_attempts: 0,
                ..SyncPolicy::DEFAULT
            },
            SyncPolicy {
                max_attempts: 101,
                ..SyncPolicy::DEFAULT
            },
            SyncPolicy {
                call_timeout_ms: 0,
                ..SyncPolicy::DEFAULT
            },
            SyncPolicy {
                initial_delay_ms: 2,
                max_delay_ms: 1,
                ..SyncPolicy::DEFAULT
            },
        ] {
            assert!(matches!(bad.check(), Err(Error::InvalidArgument(_))), "{bad:?}");
        }
        assert!(SyncPolicy::DEFAULT.check().is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_that_never_answers_is_cancelled_and_counts_as_transient() {
        let calls = AtomicU32::new(0);
        let policy = SyncPolicy {
            max_attempts: 2,
            call_timeout_ms: 1_000,
            ..SyncPolicy::DEFAULT
        };
        let result: Result<(), Error> = with_retries(policy, &SystemClock, "upload", &[], || async {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::pending().await
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(
            matches!(&result, Err(Error::BackendUnavailable { attempts: 2, reason, .. }) if reason.contains("no answer within 1000 ms")),
            "{result:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_then_reported() {
        let calls = AtomicU32::new(0);
        let policy = SyncPolicy {
            max_attempts: 3,
            ..SyncPolicy::default()
        };
        let result: Result<(), Error> = with_retries(policy, &SystemClock, "upload", &[], || async {
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
        let result: Result<(), Error> =
            with_retries(SyncPolicy::default(), &SystemClock, "upload", &[], || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(PushBackendError::Rejected { reason: "403".into() })
            })
            .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(matches!(result, Err(Error::BackendRejected { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn a_reason_that_echoes_the_token_loses_it() {
        let result: Result<(), Error> = with_retries(
            SyncPolicy::default(),
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

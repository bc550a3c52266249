//! The clock the engine reads and waits on, a trait so tests can drive time.
//! The rules never read it: D6 uses the message's own timestamp.

use std::time::Duration;

/// Wall-clock time and waiting.
#[async_trait::async_trait]
pub trait Clock: Send + Sync {
    /// Unix time in milliseconds: when a change was made (the pending changes of
    /// the sync, the diagnostics that show how old they are).
    fn now_unix_ms(&self) -> i64;
    /// Waits `duration` (between two attempts of a backend call).
    async fn sleep(&self, duration: Duration);
}

/// The system's clock, waiting on tokio's timer (so tokio's paused time drives
/// it in tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[async_trait::async_trait]
impl Clock for SystemClock {
    fn now_unix_ms(&self) -> i64 {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

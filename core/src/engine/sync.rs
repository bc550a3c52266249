//! Sending the queue to the app's backend (docs/RULES.md K4–K7).
//!
//! The store queues every change in the transaction that makes it; a sync takes
//! the queue one item at a time with a claim (so another process syncing the
//! same store sends other items), sends it with retries, and reports back:
//! accepted items leave the queue, refused ones are dropped with the reason kept
//! as the last error, and on a failure that may pass the sync stops and leaves
//! the rest for the next one. One sync runs at a time per manager; a sync the
//! app asks for waits for one already running, then runs.
//!
//! Delivery is at least once: a process killed after the backend accepted an
//! item and before the store recorded it sends it again once its claim expires.
//! Every call carries an absolute value (a setting, a token), so a repeat
//! changes nothing at the backend.

use crate::backend::{with_retries, PushBackend, SyncPolicy};
use crate::clock::Clock;
use crate::error::Error;
use crate::model::{
    AccountPushSettings, ConversationReceiveOption, OfflinePushSettings, SettingsChange, SyncReport,
};
use crate::rules::{limits, validate};
use crate::store::{Claim, Finish, Job, PendingWork, Store};
use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// A sync sends at most this many items, so a queue another process keeps
/// refilling cannot hold it forever.
const MOST_ITEMS_PER_SYNC: usize = 10_000;

pub(crate) struct Syncer {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    backend: RwLock<Option<Arc<dyn PushBackend>>>,
    policy: RwLock<SyncPolicy>,
    /// One sync at a time in this manager.
    running: tokio::sync::Mutex<()>,
    /// A background sync was asked for and has not started yet.
    kicked: AtomicBool,
    /// Who this manager is in the queue's claims.
    id: String,
}

impl Syncer {
    pub(crate) fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            backend: RwLock::new(None),
            policy: RwLock::new(SyncPolicy::DEFAULT),
            running: tokio::sync::Mutex::new(()),
            kicked: AtomicBool::new(false),
            id: format!("{}:{:016x}", std::process::id(), fastrand::u64(..)),
        }
    }

    pub(crate) fn set_backend(&self, backend: Arc<dyn PushBackend>) {
        *self.backend.write() = Some(backend);
    }

    pub(crate) fn set_policy(&self, policy: SyncPolicy) -> Result<(), Error> {
        policy.check()?;
        *self.policy.write() = policy;
        Ok(())
    }

    pub(crate) fn policy(&self) -> SyncPolicy {
        *self.policy.read()
    }

    pub(crate) fn backend(&self) -> Result<Arc<dyn PushBackend>, Error> {
        self.backend.read().clone().ok_or(Error::NotConfigured(
            "no backend was set (set_backend): changes stay queued on the device",
        ))
    }

    /// Starts a sync in the background if the app wants that and a backend is
    /// set; a kick while one waits to start adds nothing.
    pub(crate) fn kick(self: &Arc<Self>) {
        if !self.policy().sync_after_changes || self.backend.read().is_none() {
            return;
        }
        if self.kicked.swap(true, Ordering::SeqCst) {
            return;
        }
        let Some(runtime) = background() else {
            self.kicked.store(false, Ordering::SeqCst);
            return;
        };
        let me = Arc::clone(self);
        runtime.spawn(async move {
            me.kicked.store(false, Ordering::SeqCst);
            // What fails is recorded in the store (`sync_status`) and sent at the next sync.
            let _ = me.sync().await;
        });
    }

    /// Sends the queue (see the module documentation).
    pub(crate) async fn sync(&self) -> Result<SyncReport, Error> {
        let backend = self.backend()?;
        let _running = self.running.lock().await;
        let policy = self.policy();
        let lease = i64::try_from(policy.longest_call().as_millis()).unwrap_or(i64::MAX);
        let mut report = SyncReport::default();
        let mut stopped = None;
        for _ in 0..MOST_ITEMS_PER_SYNC {
            let now_ms = self.clock.now_unix_ms();
            let claim = Claim {
                by: &self.id,
                now_ms,
                until_ms: now_ms.saturating_add(lease),
            };
            let Some(work) = self.store.claim_next(claim)? else {
                break;
            };
            let sent = send(&*backend, policy, &*self.clock, &work).await;
            let now_ms = self.clock.now_unix_ms();
            match sent {
                Ok(()) => {
                    self.store.finish(&work, &self.id, Finish::Accepted, now_ms)?;
                    report.sent += 1;
                }
                Err(error @ Error::BackendRejected { .. }) => {
                    let reason = error.to_string();
                    self.store
                        .finish(&work, &self.id, Finish::Rejected { reason: &reason }, now_ms)?;
                    report.rejected += 1;
                }
                Err(error) => {
                    let attempts = match &error {
                        Error::BackendUnavailable { attempts, .. } => *attempts,
                        _ => 1,
                    };
                    let reason = error.to_string();
                    self.store.finish(
                        &work,
                        &self.id,
                        Finish::Failed {
                            attempts,
                            reason: &reason,
                        },
                        now_ms,
                    )?;
                    stopped = Some(error);
                    break;
                }
            }
        }
        if let Some(error) = stopped {
            return Err(error);
        }
        let status = self.store.sync_status(self.clock.now_unix_ms())?;
        for change in &status.pending {
            if change.in_progress {
                report.in_progress_elsewhere += 1;
            } else {
                report.still_pending += 1;
            }
        }
        Ok(report)
    }
}

/// Sends one claimed item. The token a token call carries is taken out of the
/// backend's reasons.
async fn send(
    backend: &dyn PushBackend,
    policy: SyncPolicy,
    clock: &dyn Clock,
    work: &PendingWork,
) -> Result<(), Error> {
    let user_id = &work.user_id;
    match &work.job {
        Job::Settings(change) => {
            let what = match change {
                SettingsChange::GlobalSettings { .. } => "global settings upload",
                SettingsChange::DoNotDisturb { .. } => "do-not-disturb upload",
                SettingsChange::ConversationOption { .. } => "receive option upload",
            };
            with_retries(policy, clock, what, &[], || {
                backend.upload_settings(user_id.clone(), change.clone())
            })
            .await
        }
        Job::UploadToken(token) => {
            with_retries(policy, clock, "token upload", &[&token.token.0], || {
                backend.upload_token(user_id.clone(), token.clone())
            })
            .await
        }
        Job::UnbindToken(token) => {
            with_retries(policy, clock, "token unbind", &[&token.token.0], || {
                backend.unbind_token(user_id.clone(), token.clone())
            })
            .await
        }
    }
}

/// The runtime background syncs run on: one thread, made the first time an
/// app with a backend changes something. A process that never sets a backend
/// (a Notification Service Extension) never starts it. A current-thread
/// scheduler driven by its own thread: what a multi-thread runtime with one
/// worker did, without linking tokio's multi-thread scheduler (BENCHMARKS.md, size).
fn background() -> Option<&'static tokio::runtime::Handle> {
    static RUNTIME: OnceLock<Option<tokio::runtime::Handle>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .ok()?;
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("offline-push-sync".into())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .ok()?;
            Some(handle)
        })
        .as_ref()
}

/// docs/RULES.md §4 for what the backend sends back: bad values count as unset,
/// nothing raises. A sound that is not app-bundled (V2) is unset, a
/// do-not-disturb window out of range (V4) is none, a receive option without a
/// conversation id is left out (the last of two for one conversation wins).
pub(crate) fn sanitize_fetched(fetched: AccountPushSettings) -> AccountPushSettings {
    let sound = |s: Option<String>| validate::android_sound_if_valid(s.as_deref()).map(str::to_owned);
    let global_settings = OfflinePushSettings {
        enabled: fetched.global_settings.enabled,
        c2c_sound: sound(fetched.global_settings.c2c_sound),
        group_sound: sound(fetched.global_settings.group_sound),
    };
    let do_not_disturb = fetched
        .do_not_disturb
        .filter(|window| validate::check_dnd(window).is_ok());
    let mut options = BTreeMap::new();
    for option in fetched.receive_options {
        let id = &option.conversation_id;
        if !id.is_empty() && id.len() <= limits::MAX_ID_BYTES {
            options.insert((option.conversation_type, option.conversation_id), option.option);
        }
    }
    AccountPushSettings {
        global_settings,
        do_not_disturb,
        receive_options: options
            .into_iter()
            .map(
                |((conversation_type, conversation_id), option)| ConversationReceiveOption {
                    conversation_type,
                    conversation_id,
                    option,
                },
            )
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConversationType, DoNotDisturbWindow, ReceiveOption};

    #[test]
    fn bad_values_from_the_backend_count_as_unset() {
        let fetched = AccountPushSettings {
            global_settings: OfflinePushSettings {
                enabled: false,
                c2c_sound: Some("file:///sdcard/x.mp3".into()),
                group_sound: Some("android.resource://com.app/raw/ding".into()),
            },
            do_not_disturb: Some(DoNotDisturbWindow {
                start_seconds: 90_000,
                duration_seconds: 10,
                utc_offset_seconds: 0,
            }),
            receive_options: vec![
                ConversationReceiveOption {
                    conversation_type: ConversationType::Group,
                    conversation_id: String::new(),
                    option: ReceiveOption::NotReceive,
                },
                ConversationReceiveOption {
                    conversation_type: ConversationType::C2c,
                    conversation_id: "alice".into(),
                    option: ReceiveOption::NotReceive,
                },
                ConversationReceiveOption {
                    conversation_type: ConversationType::C2c,
                    conversation_id: "alice".into(),
                    option: ReceiveOption::ReceiveNotNotify,
                },
            ],
        };
        let clean = sanitize_fetched(fetched);
        assert!(!clean.global_settings.enabled);
        assert_eq!(clean.global_settings.c2c_sound, None);
        assert_eq!(
            clean.global_settings.group_sound.as_deref(),
            Some("android.resource://com.app/raw/ding")
        );
        assert_eq!(clean.do_not_disturb, None);
        assert_eq!(
            clean.receive_options,
            vec![ConversationReceiveOption {
                conversation_type: ConversationType::C2c,
                conversation_id: "alice".into(),
                option: ReceiveOption::ReceiveNotNotify,
            }]
        );
    }
}

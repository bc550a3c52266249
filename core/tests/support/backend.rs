//! A backend written in Rust whose answers a test scripts, and which keeps what
//! it accepted as a server would: the fault tests of the sync (K4–K7).

use offline_push::*;
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

/// How the backend answers one call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer {
    Ok,
    /// `Transient` (a 503).
    Transient,
    /// `Rejected` (a 403).
    Rejected,
    /// Never answers (the core's timeout must cancel it).
    Hang,
    /// Answers `Ok` after this long.
    Slow(Duration),
}

/// One call the core made, as the backend saw it.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    Settings(String, SettingsChange),
    Fetch(String),
    Upload(String, OfflinePushToken),
    Unbind(String, OfflinePushToken),
}

/// What a test does when the backend is called, before it answers.
pub type Hook = Box<dyn Fn(&Call) + Send + Sync>;

#[derive(Default)]
pub struct ScriptedBackend {
    /// Answers in the order of the calls; `Ok` once it runs out.
    script: Mutex<VecDeque<Answer>>,
    /// Every call, failed ones included.
    pub calls: Mutex<Vec<Call>>,
    /// The calls it accepted, in order.
    pub accepted: Mutex<Vec<Call>>,
    /// What `fetch_settings` answers, by user.
    pub server: Mutex<HashMap<String, AccountPushSettings>>,
    /// Called with each call before it is answered (to change the device meanwhile).
    pub on_call: Mutex<Option<Hook>>,
}

impl ScriptedBackend {
    pub fn new(script: impl IntoIterator<Item = Answer>) -> Arc<Self> {
        let backend = Self::default();
        backend.script.lock().extend(script);
        Arc::new(backend)
    }

    pub fn script(&self, answers: impl IntoIterator<Item = Answer>) {
        self.script.lock().extend(answers);
    }

    pub fn accepted(&self) -> Vec<Call> {
        self.accepted.lock().clone()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().clone()
    }

    /// The settings changes accepted for `user`, by item, the last one winning:
    /// what the server holds.
    pub fn settings_of(&self, user: &str) -> BTreeMap<String, SettingsChange> {
        let mut held = BTreeMap::new();
        for call in self.accepted() {
            if let Call::Settings(u, change) = call {
                if u == user {
                    let item = match &change {
                        SettingsChange::GlobalSettings { .. } => "global".to_owned(),
                        SettingsChange::DoNotDisturb { .. } => "dnd".to_owned(),
                        SettingsChange::ConversationOption {
                            conversation_type,
                            conversation_id,
                            ..
                        } => format!("{conversation_type:?}:{conversation_id}"),
                    };
                    held.insert(item, change);
                }
            }
        }
        held
    }

    async fn answer(&self, call: Call) -> Result<(), PushBackendError> {
        self.calls.lock().push(call.clone());
        if let Some(hook) = &*self.on_call.lock() {
            hook(&call);
        }
        let answer = self.script.lock().pop_front().unwrap_or(Answer::Ok);
        match answer {
            Answer::Ok => {}
            Answer::Transient => {
                return Err(PushBackendError::Transient {
                    reason: "HTTP 503".into(),
                })
            }
            Answer::Rejected => {
                return Err(PushBackendError::Rejected {
                    reason: "HTTP 403".into(),
                })
            }
            Answer::Hang => std::future::pending::<()>().await,
            Answer::Slow(delay) => tokio::time::sleep(delay).await,
        }
        self.accepted.lock().push(call);
        Ok(())
    }
}

#[async_trait::async_trait]
impl PushBackend for ScriptedBackend {
    async fn upload_settings(&self, user_id: String, change: SettingsChange) -> Result<(), PushBackendError> {
        self.answer(Call::Settings(user_id, change)).await
    }

    async fn fetch_settings(&self, user_id: String) -> Result<AccountPushSettings, PushBackendError> {
        self.answer(Call::Fetch(user_id.clone())).await?;
        Ok(self.server.lock().get(&user_id).cloned().unwrap_or_default())
    }

    async fn upload_token(&self, user_id: String, token: OfflinePushToken) -> Result<(), PushBackendError> {
        self.answer(Call::Upload(user_id, token)).await
    }

    async fn unbind_token(&self, user_id: String, token: OfflinePushToken) -> Result<(), PushBackendError> {
        self.answer(Call::Unbind(user_id, token)).await
    }
}

/// A policy for tests: no background syncs, short waits.
pub fn manual_policy(max_attempts: u32) -> SyncPolicy {
    SyncPolicy {
        max_attempts,
        initial_delay_ms: 100,
        max_delay_ms: 1_000,
        call_timeout_ms: 5_000,
        sync_after_changes: false,
    }
}

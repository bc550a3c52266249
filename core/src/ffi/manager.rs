//! `OfflinePushManager`: the object the app holds, a thin exported front. Each
//! method calls the engine (`engine/`) and converts its error once
//! (`error.rs`); the work is in the engine, the rules and the store.
//!
//! Every method that reads or writes state can fail: the store does I/O. The
//! backend and (from the store on) the listener are given by setters, not to the
//! constructor: the second process that renders a push (the iOS Notification
//! Service Extension, the Android push process) opens a manager on the same store
//! without a backend, and an app's listener usually exists only after its UI does.

use crate::backend::{PushBackend, SyncPolicy};
use crate::clock::SystemClock;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::listener::OfflinePushListener;
use crate::model::{
    ConversationReceiveOption, ConversationType, DoNotDisturbWindow, FetchedSettings, IncomingMessage,
    OfflinePushConfig, OfflinePushSettings, OfflinePushToken, Platform, PushLocale, ReceiveOption,
    RenderOutcome, SessionState, SyncReport, SyncStatus,
};
use crate::store::{SqliteStore, Store};
use std::path::Path;
use std::sync::Arc;

/// The offline-push state of this device and its signed-in user, and the rules
/// that turn an incoming message into a notification. Safe to share between
/// threads.
///
/// Threads: every method but `platform`, `set_listener`, `set_backend`, `resume`,
/// `set_sync_policy` and `sync_policy` reads or writes the store on disk and may
/// wait for another process's write to it (the app and its push process or
/// extension), up to the store's 5-second busy timeout (K10): call them off the
/// main thread (Android: a coroutine on `Dispatchers.IO`; iOS: a `Task`, or the
/// extension's `didReceive`). `sync` and `fetch_settings` also wait for the backend.
#[derive(Debug, uniffi::Object)]
pub struct OfflinePushManager {
    pub(crate) engine: Engine,
}

#[uniffi::export(async_runtime = "tokio")]
impl OfflinePushManager {
    /// Opens a manager as `config` says. On a store directory it finds whatever
    /// was saved there (K2: the session included); a new store, or one in memory,
    /// starts logged out with the `ZhHans` locale.
    #[uniffi::constructor]
    pub fn new(config: OfflinePushConfig) -> Result<Arc<Self>> {
        let store = match &config.store_directory {
            Some(directory) if !directory.is_empty() => SqliteStore::open(Path::new(directory)),
            _ => SqliteStore::open_in_memory(),
        };
        let store: Arc<dyn Store> = Arc::new(store.map_err(Error::from)?);
        Ok(Arc::new(Self {
            engine: Engine::new(config.platform, store, Arc::new(SystemClock)),
        }))
    }

    /// The platform this manager renders for.
    pub fn platform(&self) -> Platform {
        self.engine.platform()
    }

    /// Signs `user_id` in (seed §1 note 1). Their global settings come back if
    /// they were set before on this device.
    pub fn login(&self, user_id: String) -> Result<()> {
        Ok(self.engine.login(user_id)?)
    }

    /// Signs the user out: no notification until the next login (D1).
    pub fn logout(&self) -> Result<()> {
        Ok(self.engine.logout()?)
    }

    /// Records that the server signed this device out because the user logged in
    /// elsewhere: no notification until the next login (D1).
    pub fn kicked_offline(&self) -> Result<()> {
        Ok(self.engine.kicked_offline()?)
    }

    /// Whether a user is signed in.
    pub fn is_logged_in(&self) -> Result<bool> {
        Ok(self.engine.is_logged_in()?)
    }

    /// Where the session stands.
    pub fn session(&self) -> Result<SessionState> {
        Ok(self.engine.session()?)
    }

    /// Sets the signed-in user's global settings (seed §2.1). V1: needs a
    /// signed-in user (checked first). V2: sounds must be app-bundled resources.
    /// Empty strings are stored as unset.
    pub fn set_global_settings(&self, settings: OfflinePushSettings) -> Result<()> {
        Ok(self.engine.set_global_settings(settings)?)
    }

    /// The signed-in user's global settings, the defaults if never set. V1:
    /// needs a signed-in user.
    pub fn global_settings(&self) -> Result<OfflinePushSettings> {
        Ok(self.engine.global_settings()?)
    }

    /// Sets how one conversation's messages are received (D5). For c2c the
    /// conversation id is the peer's user id, for groups the group id.
    pub fn set_receive_option(
        &self,
        conversation_type: ConversationType,
        conversation_id: String,
        option: ReceiveOption,
    ) -> Result<()> {
        Ok(self
            .engine
            .set_receive_option(conversation_type, conversation_id, option)?)
    }

    /// How one conversation's messages are received; `Receive` unless set.
    pub fn receive_option(
        &self,
        conversation_type: ConversationType,
        conversation_id: String,
    ) -> Result<ReceiveOption> {
        Ok(self.engine.receive_option(conversation_type, &conversation_id)?)
    }

    /// Every conversation whose receive option is not the default, sorted.
    pub fn receive_options(&self) -> Result<Vec<ConversationReceiveOption>> {
        Ok(self.engine.receive_options()?)
    }

    /// Sets the daily do-not-disturb window with the device's UTC offset (D6),
    /// or clears it with `None`. V4 refuses out-of-range values.
    pub fn set_do_not_disturb(&self, window: Option<DoNotDisturbWindow>) -> Result<()> {
        Ok(self.engine.set_do_not_disturb(window)?)
    }

    /// The do-not-disturb window, if set.
    pub fn do_not_disturb(&self) -> Result<Option<DoNotDisturbWindow>> {
        Ok(self.engine.do_not_disturb()?)
    }

    /// Sets the language of element placeholders (C1, C1-en).
    pub fn set_locale(&self, locale: PushLocale) -> Result<()> {
        Ok(self.engine.set_locale(locale)?)
    }

    /// The language of element placeholders.
    pub fn locale(&self) -> Result<PushLocale> {
        Ok(self.engine.locale()?)
    }

    /// Stores the device's vendor token (seed §4.5, §5.5). V1: needs a signed-in
    /// user (checked first). V3: the token must be non-empty with a business id other than 0.
    pub fn set_token(&self, token: OfflinePushToken) -> Result<()> {
        Ok(self.engine.set_token(token)?)
    }

    /// The stored vendor token, if any.
    pub fn token(&self) -> Result<Option<OfflinePushToken>> {
        Ok(self.engine.token()?)
    }

    /// Whether `message` produces a notification, and what it says (D1–D7,
    /// T1–T3, C1–C5, F1–F5, S1, S2, B1, N1). Changes nothing.
    pub fn render(&self, message: IncomingMessage) -> Result<RenderOutcome> {
        Ok(self.engine.render(&message.view())?.into_owned())
    }

    /// `render` for a burst of messages, in order, in one call.
    pub fn render_batch(&self, messages: Vec<IncomingMessage>) -> Result<Vec<RenderOutcome>> {
        let mut renderer = self.engine.renderer()?;
        messages
            .iter()
            .map(|message| Ok(renderer.render(&message.view())?.into_owned()))
            .collect()
    }

    /// What the conversation list shows for `message` (C1–C4): the same words
    /// as the notification, without the sender's description (C5).
    pub fn preview(&self, message: IncomingMessage) -> Result<String> {
        Ok(self.engine.preview(&message.view())?.into_owned())
    }

    /// `preview` for a list of messages, in order, in one call.
    pub fn preview_batch(&self, messages: Vec<IncomingMessage>) -> Result<Vec<String>> {
        let previewer = self.engine.previewer()?;
        Ok(messages
            .iter()
            .map(|message| previewer.preview(&message.view()).into_owned())
            .collect())
    }

    /// What the app calls when a push arrives (docs/RULES.md, "State that lasts"): renders it (D1–D8),
    /// remembers its id so it is never shown twice (R1), counts it toward the
    /// badge (B2, B4: the notification carries `badge_count`), and tells the
    /// listener. Saved before it returns.
    pub fn receive(&self, message: IncomingMessage) -> Result<RenderOutcome> {
        Ok(self.engine.receive(&message.view())?.into_owned())
    }

    /// B3: the user read a conversation: its unread count is 0.
    pub fn mark_read(&self, conversation_type: ConversationType, conversation_id: String) -> Result<()> {
        Ok(self
            .engine
            .set_unread_count(conversation_type, conversation_id, 0)?)
    }

    /// B3: sets a conversation's unread count (from the app's own message list).
    pub fn set_unread_count(
        &self,
        conversation_type: ConversationType,
        conversation_id: String,
        count: u32,
    ) -> Result<()> {
        Ok(self
            .engine
            .set_unread_count(conversation_type, conversation_id, count)?)
    }

    /// B3: a conversation's unread count.
    pub fn unread_count(&self, conversation_type: ConversationType, conversation_id: String) -> Result<u32> {
        Ok(self.engine.unread_count(conversation_type, &conversation_id)?)
    }

    /// B3: the signed-in account's badge total, the sum of its unread counts.
    pub fn badge_total(&self) -> Result<u32> {
        Ok(self.engine.badge_total()?)
    }

    /// Sets the listener `receive` tells (seed §3.2.2), or removes it with `None`.
    pub fn set_listener(&self, listener: Option<Arc<dyn OfflinePushListener>>) {
        self.engine.set_listener(listener);
    }

    /// Lets go of the store's files and locks. Call it when the app (or the
    /// Notification Service Extension) is about to be suspended: iOS kills a
    /// suspended process that holds a lock on a file in an app-group container
    /// (0xdead10cc). Calls made while suspended still work, each opening and
    /// closing the store; `resume` keeps it open again between calls.
    pub fn suspend(&self) -> Result<()> {
        Ok(self.engine.suspend()?)
    }

    /// Keeps the store open between calls again, after `suspend`.
    pub fn resume(&self) {
        self.engine.resume();
    }

    /// Sets the app's backend (docs/RULES.md K4–K7). What was queued before (while
    /// there was none, or before a restart) is sent in the background unless the
    /// policy's `sync_after_changes` is off.
    pub fn set_backend(&self, backend: Arc<dyn PushBackend>) {
        self.engine.set_backend(backend);
    }

    /// Sets how the core talks to the backend: retries, backoff, the timeout of
    /// one call, background syncs. Refuses a policy out of range.
    pub fn set_sync_policy(&self, policy: SyncPolicy) -> Result<()> {
        Ok(self.engine.set_sync_policy(policy)?)
    }

    /// The policy in force.
    pub fn sync_policy(&self) -> SyncPolicy {
        self.engine.sync_policy()
    }

    /// Sends what the device owes the backend (K4–K6): the signed-in account's
    /// settings changes and token, and every pending unbind of a signed-out
    /// account. A change the backend refuses is dropped from the queue; on a
    /// failure that may pass (after the policy's retries) the sync stops, keeps
    /// the rest queued and throws `BackendUnavailable`. Waits for a sync already
    /// running in this manager; items another process is sending are left to it.
    /// `NotConfigured` without a backend: changes stay queued on the device.
    pub async fn sync(&self) -> Result<SyncReport> {
        Ok(self.engine.sync().await?)
    }

    /// K7: the signed-in account's settings from the backend, applied on the
    /// device except where a local change is newer or still queued (that change
    /// wins, and is sent). When the backend cannot be reached the device's values
    /// come back with `stale` set, never an error.
    pub async fn fetch_settings(&self) -> Result<FetchedSettings> {
        Ok(self.engine.fetch_settings().await?)
    }

    /// What the device still owes the backend, oldest first, and the last error
    /// and success, for a diagnostics screen. Never carries a token.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        Ok(self.engine.sync_status()?)
    }
}

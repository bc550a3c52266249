//! The engine behind the exported `OfflinePushManager`: it owns the store, the
//! clock and the app's backend, keeps what it read from the store cached, and
//! hands the pure rules a [`RenderContext`]. Everything here returns the
//! internal [`Error`]; the front converts it once.
//!
//! Caching: every call first asks the store for its generation; when it is the
//! one the cache was filled at, nothing is read again (K2: a change made through
//! another manager on the same store changes the generation, so it is seen at the
//! next call). A write goes to the store first and then drops the cache.
//!
//! The listener is called after every lock here is released: it may call back
//! into the manager.

mod cache;
mod sync;

pub(crate) use sync::sanitize_fetched;

use crate::backend::{with_retries, PushBackend, SyncPolicy};
use crate::clock::Clock;
use crate::error::Error;
use crate::listener::OfflinePushListener;
use crate::model::{
    AccountPushSettings, ConversationReceiveOption, ConversationType, DoNotDisturbWindow, FetchedSettings,
    OfflinePushSettings, OfflinePushToken, Platform, PushLocale, ReceiveOption, SessionState, SettingsChange,
    SyncReport, SyncStatus,
};
use crate::rules::decide::conversation_id;
use crate::rules::{content, filled, limits, mention, receive, render, validate};
use crate::store::{Receipt, Store};
use crate::view::{MessageView, OutcomeView};
use cache::{Cache, OneOption};
use parking_lot::{Mutex, MutexGuard, RwLock};
use std::borrow::Cow;
use std::sync::Arc;

/// [`Engine::previewer`]: C1–C4 in the device's locale, with M4's prefix for
/// the signed-in user, against one look at the store (as [`Renderer`]).
pub(crate) struct Previewer<'e> {
    cache: MutexGuard<'e, Cache>,
}

impl Previewer<'_> {
    /// C1–C4, and M4's prefix for a message that mentions the user or everyone.
    pub(crate) fn preview<'m>(&self, message: &MessageView<'m>) -> Cow<'m, str> {
        let message = limits::bounded(message);
        let device = &self.cache.device;
        let mention = mention::of(&device.session, &message);
        mention::prefixed(mention, device.locale, content::preview(&message, device.locale))
    }
}

/// See [`Engine::renderer`].
pub(crate) struct Renderer<'e> {
    engine: &'e Engine,
    cache: MutexGuard<'e, Cache>,
}

impl Renderer<'_> {
    /// D1–D7 and the notification for one message (its receive option, D5's
    /// input, read from the store the first time its conversation comes up).
    /// The message is read within the limits first (L1–L5: over them, an id is
    /// unset and a text cut).
    pub(crate) fn render<'m>(&mut self, message: &MessageView<'m>) -> Result<OutcomeView<'m>, Error> {
        self.render_bounded(&limits::bounded(message))
    }

    /// [`Self::render`] of a message already within the limits.
    fn render_bounded<'m>(&mut self, message: &MessageView<'m>) -> Result<OutcomeView<'m>, Error> {
        let conversation_id = conversation_id(message);
        let option = OneOption {
            conversation_type: message.conversation_type,
            conversation_id,
            option: self.cache.load_receive_option(
                &*self.engine.store,
                message.conversation_type,
                conversation_id,
            )?,
        };
        Ok(render::render(
            &self.cache.context(self.engine.platform, &option),
            message,
        ))
    }
}

pub(crate) struct Engine {
    platform: Platform,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    cache: Mutex<Cache>,
    listener: RwLock<Option<Arc<dyn OfflinePushListener>>>,
    sync: Arc<sync::Syncer>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("platform", &self.platform)
            .field("cache", &*self.cache.lock())
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub(crate) fn new(platform: Platform, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            platform,
            cache: Mutex::new(Cache::default()),
            listener: RwLock::new(None),
            sync: Arc::new(sync::Syncer::new(store.clone(), clock.clone())),
            store,
            clock,
        }
    }

    pub(crate) fn platform(&self) -> Platform {
        self.platform
    }

    /// The cache, brought up to date with the store.
    fn fresh(&self) -> Result<MutexGuard<'_, Cache>, Error> {
        let mut cache = self.cache.lock();
        cache.refresh(&*self.store)?;
        Ok(cache)
    }

    /// Runs one write against the store, given the cache brought up to date
    /// (to check the session), then drops what the cache held, so the next read
    /// sees exactly what was saved. The cache's lock is held throughout: a check
    /// and the write it allows see the same state.
    fn write(&self, change: impl FnOnce(&Cache, &dyn Store) -> Result<(), Error>) -> Result<(), Error> {
        let mut cache = self.cache.lock();
        cache.refresh(&*self.store)?;
        let result = change(&cache, &*self.store);
        cache.invalidate();
        result
    }

    /// A write that queued something for the backend (K4–K6): then a
    /// background sync, if the app wants one.
    fn write_and_sync(
        &self,
        change: impl FnOnce(&Cache, &dyn Store, i64) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let now_ms = self.clock.now_unix_ms();
        self.write(|cache, store| change(cache, store, now_ms))?;
        self.sync.kick();
        Ok(())
    }

    /// K6: saves one change of the signed-in account's settings and queues it.
    fn change_setting(&self, change: impl FnOnce() -> Result<SettingsChange, Error>) -> Result<(), Error> {
        self.write_and_sync(|cache, store, now_ms| {
            let user_id = cache.user_id()?;
            let change = change()?;
            Ok(store.save_setting(user_id, &change, now_ms)?)
        })
    }

    // --- the session (D1) -------------------------------------------------------

    pub(crate) fn login(&self, user_id: String) -> Result<(), Error> {
        if user_id.is_empty() {
            return Err(Error::InvalidArgument("the user id is empty".into()));
        }
        limits::check("the user id", user_id.len(), limits::MAX_ID_BYTES)?;
        self.save_session(SessionState::LoggedIn { user_id })
    }

    /// K5: also queues the unbind of the device's token for the user.
    pub(crate) fn logout(&self) -> Result<(), Error> {
        self.save_session(SessionState::LoggedOut)
    }

    /// K5: the server signed the device out already: nothing to unbind.
    pub(crate) fn kicked_offline(&self) -> Result<(), Error> {
        self.save_session(SessionState::KickedOffline)
    }

    fn save_session(&self, session: SessionState) -> Result<(), Error> {
        self.write_and_sync(|_, store, now_ms| Ok(store.save_session(&session, now_ms)?))
    }

    pub(crate) fn session(&self) -> Result<SessionState, Error> {
        Ok(self.fresh()?.device.session.clone())
    }

    pub(crate) fn is_logged_in(&self) -> Result<bool, Error> {
        Ok(matches!(
            self.fresh()?.device.session,
            SessionState::LoggedIn { .. }
        ))
    }

    // --- settings ------------------------------------------------------------------

    /// V1 first, then V2.
    pub(crate) fn set_global_settings(&self, settings: OfflinePushSettings) -> Result<(), Error> {
        self.change_setting(|| {
            Ok(SettingsChange::GlobalSettings {
                settings: validate::check_global_settings(settings)?,
            })
        })
    }

    pub(crate) fn global_settings(&self) -> Result<OfflinePushSettings, Error> {
        let cache = self.fresh()?;
        cache.user_id()?;
        Ok(cache.settings.clone())
    }

    pub(crate) fn set_receive_option(
        &self,
        conversation_type: ConversationType,
        conversation_id: String,
        option: ReceiveOption,
    ) -> Result<(), Error> {
        check_conversation_id(&conversation_id)?;
        self.change_setting(|| {
            Ok(SettingsChange::ConversationOption {
                conversation_type,
                conversation_id,
                option,
            })
        })
    }

    pub(crate) fn receive_option(
        &self,
        conversation_type: ConversationType,
        conversation_id: &str,
    ) -> Result<ReceiveOption, Error> {
        check_conversation_id(conversation_id)?;
        let mut cache = self.fresh()?;
        cache.user_id()?;
        cache.load_receive_option(&*self.store, conversation_type, conversation_id)
    }

    pub(crate) fn receive_options(&self) -> Result<Vec<ConversationReceiveOption>, Error> {
        let user_id = self.fresh()?.user_id()?.to_owned();
        Ok(self.store.receive_options(&user_id)?)
    }

    /// V4.
    pub(crate) fn set_do_not_disturb(&self, window: Option<DoNotDisturbWindow>) -> Result<(), Error> {
        self.change_setting(|| {
            if let Some(window) = &window {
                validate::check_dnd(window)?;
            }
            Ok(SettingsChange::DoNotDisturb { window })
        })
    }

    pub(crate) fn do_not_disturb(&self) -> Result<Option<DoNotDisturbWindow>, Error> {
        let cache = self.fresh()?;
        cache.user_id()?;
        Ok(cache.dnd)
    }

    pub(crate) fn set_locale(&self, locale: PushLocale) -> Result<(), Error> {
        self.write(|_, store| Ok(store.save_locale(locale)?))
    }

    pub(crate) fn locale(&self) -> Result<PushLocale, Error> {
        Ok(self.fresh()?.device.locale)
    }

    /// V1 first, then V3.
    /// K4: queues the token's upload unless the backend has it for the user.
    pub(crate) fn set_token(&self, token: OfflinePushToken) -> Result<(), Error> {
        self.write_and_sync(|cache, store, now_ms| {
            cache.user_id()?;
            validate::check_token(&token)?;
            Ok(store.save_token(Some(&token), now_ms)?)
        })
    }

    pub(crate) fn token(&self) -> Result<Option<OfflinePushToken>, Error> {
        Ok(self.fresh()?.device.token.clone())
    }

    // --- rendering -----------------------------------------------------------------

    pub(crate) fn render<'m>(&self, message: &MessageView<'m>) -> Result<OutcomeView<'m>, Error> {
        self.renderer()?.render(message)
    }

    /// Renders one message after another against one look at the store: the
    /// cache is brought up to date once and held until the renderer is dropped.
    pub(crate) fn renderer(&self) -> Result<Renderer<'_>, Error> {
        Ok(Renderer {
            engine: self,
            cache: self.fresh()?,
        })
    }

    /// C1–C4 in the device's locale.
    pub(crate) fn preview<'m>(&self, message: &MessageView<'m>) -> Result<Cow<'m, str>, Error> {
        Ok(self.previewer()?.preview(message))
    }

    /// Previews one message after another against one look at the store: the
    /// locale and the session (M4) as the cache holds them, nothing copied.
    pub(crate) fn previewer(&self) -> Result<Previewer<'_>, Error> {
        Ok(Previewer { cache: self.fresh()? })
    }

    // --- receiving (docs/RULES.md, "State that lasts") --------------------------------------------------------------

    /// D1–D8 and the notification; records the message id (R1) and the unread
    /// count (B2) in one transaction; then tells the listener.
    pub(crate) fn receive<'m>(&self, message: &MessageView<'m>) -> Result<OutcomeView<'m>, Error> {
        let outcome = self.receive_locked(message)?;
        let listener = self.listener.read().clone();
        if let Some(listener) = listener {
            // A listener that fails never breaks `receive`: what it threw is its own.
            let _ = match &outcome {
                OutcomeView::Show(notification) => {
                    listener.on_notification(notification.clone().into_owned())
                }
                OutcomeView::Suppress(reason) => listener.on_suppressed(message.to_owned(), *reason),
            };
        }
        Ok(outcome)
    }

    fn receive_locked<'m>(&self, message: &MessageView<'m>) -> Result<OutcomeView<'m>, Error> {
        // L1: what is recorded is the message within the limits (an id over them unset).
        let message = &*limits::bounded(message);
        let mut renderer = self.renderer()?;
        let outcome = renderer.render_bounded(message)?;
        // D1: with no one signed in nothing is recorded (R1 is per account).
        let Some(user_id) = renderer.cache.receiving_account() else {
            return Ok(outcome);
        };
        let counts_toward = receive::counts_toward_badge(&outcome, message);
        let receipt = Receipt {
            message_id: filled(message.message_id),
            counts_toward,
        };
        let record = self.store.record_receipt(user_id, receipt)?;
        Ok(receive::after_receipt(
            outcome,
            record.duplicate,
            counts_toward.is_some(),
            record.badge_total,
        ))
    }

    /// B3: one conversation's unread count.
    pub(crate) fn unread_count(
        &self,
        conversation_type: ConversationType,
        conversation_id: &str,
    ) -> Result<u32, Error> {
        check_conversation_id(conversation_id)?;
        let user_id = self.fresh()?.user_id()?.to_owned();
        Ok(self
            .store
            .unread_count(&user_id, (conversation_type, conversation_id))?)
    }

    /// B3: sets one conversation's unread count (0 for `mark_read`).
    pub(crate) fn set_unread_count(
        &self,
        conversation_type: ConversationType,
        conversation_id: String,
        count: u32,
    ) -> Result<(), Error> {
        check_conversation_id(&conversation_id)?;
        self.write(|cache, store| {
            let user_id = cache.user_id()?;
            Ok(store.save_unread_count(user_id, (conversation_type, &conversation_id), count)?)
        })
    }

    /// B3: the signed-in account's badge total.
    pub(crate) fn badge_total(&self) -> Result<u32, Error> {
        let user_id = self.fresh()?.user_id()?.to_owned();
        Ok(self.store.badge_total(&user_id)?)
    }

    pub(crate) fn set_listener(&self, listener: Option<Arc<dyn OfflinePushListener>>) {
        *self.listener.write() = listener;
    }

    // --- suspension ------------------------------------------------------------------------

    /// Closes the store's files until `resume`; calls in between open and close them.
    pub(crate) fn suspend(&self) -> Result<(), Error> {
        let mut cache = self.cache.lock();
        cache.invalidate();
        Ok(self.store.suspend()?)
    }

    pub(crate) fn resume(&self) {
        let mut cache = self.cache.lock();
        cache.invalidate();
        self.store.resume();
    }

    // --- the backend (K4–K7) -----------------------------------------------------------

    /// Sets the backend, then sends what was queued before (after a restart, or
    /// while there was none).
    pub(crate) fn set_backend(&self, backend: Arc<dyn PushBackend>) {
        self.sync.set_backend(backend);
        self.sync.kick();
    }

    pub(crate) fn set_sync_policy(&self, policy: SyncPolicy) -> Result<(), Error> {
        self.sync.set_policy(policy)
    }

    pub(crate) fn sync_policy(&self) -> SyncPolicy {
        self.sync.policy()
    }

    /// Sends the queue: the signed-in account's changes and token, and every
    /// account's pending unbind.
    pub(crate) async fn sync(&self) -> Result<SyncReport, Error> {
        self.sync.sync().await
    }

    /// K7: asks the backend for the signed-in account's settings and takes them,
    /// except the items changed on the device meanwhile or still queued; when the
    /// backend fails, the device's values come back marked stale.
    pub(crate) async fn fetch_settings(&self) -> Result<FetchedSettings, Error> {
        let user_id = self.fresh()?.user_id()?.to_owned();
        let backend = self.sync.backend()?;
        let since_seq = self.store.change_seq()?;
        let fetched = with_retries(self.sync.policy(), &*self.clock, "settings fetch", &[], || {
            backend.fetch_settings(user_id.clone())
        })
        .await;
        let (stale, stale_reason) = match fetched {
            Ok(settings) => {
                let settings = sync::sanitize_fetched(settings);
                self.write(|_, store| Ok(store.apply_fetched(&user_id, since_seq, &settings)?))?;
                (false, None)
            }
            Err(error) => (true, Some(error.to_string())),
        };
        let cache = self.fresh()?;
        if cache.user_id()? != user_id {
            return Err(Error::NotLoggedIn(
                "the user changed while the settings were fetched",
            ));
        }
        let settings = AccountPushSettings {
            global_settings: cache.settings.clone(),
            do_not_disturb: cache.dnd,
            receive_options: self.store.receive_options(&user_id)?,
        };
        drop(cache);
        // A local change that won over the backend's value is still to send.
        self.sync.kick();
        Ok(FetchedSettings {
            settings,
            stale,
            stale_reason,
        })
    }

    /// What the device still owes the backend, for a diagnostics screen.
    pub(crate) fn sync_status(&self) -> Result<SyncStatus, Error> {
        Ok(self.store.sync_status(self.clock.now_unix_ms())?)
    }
}

/// A conversation the app names: its id must not be empty (no message counts
/// toward an unnamed one, B2), nor longer than L1.
fn check_conversation_id(conversation_id: &str) -> Result<(), Error> {
    if conversation_id.is_empty() {
        return Err(Error::InvalidArgument("the conversation id is empty".into()));
    }
    limits::check("the conversation id", conversation_id.len(), limits::MAX_ID_BYTES)
}

#[cfg(test)]
mod tests;

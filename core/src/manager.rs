//! `OfflinePushManager`: the object the app holds. A thin front: each method
//! takes the lock for a few lines and hands the work to the pure rules.

use crate::backend::{with_retries, PushBackend, RetryPolicy, SharedBackend};
use crate::error::{OfflinePushError, Result};
use crate::model::{
    ConversationReceiveOption, ConversationType, DoNotDisturbWindow, IncomingMessage, OfflinePushSettings,
    OfflinePushToken, Platform, PushLocale, ReceiveOption, RenderOutcome, SessionState,
};
use crate::rules::decide::{ReceiveOptions, RenderContext};
use crate::rules::{content, render, validate};
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

/// What the manager holds. Global settings are the signed-in user's (they
/// sync with the backend per user); the rest belongs to the device.
#[derive(Debug, Default)]
struct PushState {
    session: SessionState,
    settings_by_user: HashMap<String, OfflinePushSettings>,
    receive_options: ReceiveOptions,
    dnd: Option<DoNotDisturbWindow>,
    locale: PushLocale,
    token: Option<OfflinePushToken>,
}

/// What a user who never set global settings gets (RULES §1 defaults).
static DEFAULT_SETTINGS: OfflinePushSettings = OfflinePushSettings {
    enabled: true,
    c2c_sound: None,
    group_sound: None,
};

impl PushState {
    fn user_id(&self) -> Result<&str> {
        match &self.session {
            SessionState::LoggedIn { user_id } => Ok(user_id),
            SessionState::LoggedOut => Err(OfflinePushError::NotLoggedIn("log in first".into())),
            SessionState::KickedOffline => Err(OfflinePushError::NotLoggedIn(
                "the user was kicked offline; log in again".into(),
            )),
        }
    }

    fn context(&self, platform: Platform) -> RenderContext<'_> {
        let settings = match &self.session {
            SessionState::LoggedIn { user_id } => self.settings_by_user.get(user_id),
            _ => None,
        };
        RenderContext {
            platform,
            locale: self.locale,
            session: &self.session,
            settings: settings.unwrap_or(&DEFAULT_SETTINGS),
            receive_options: &self.receive_options,
            dnd: self.dnd.as_ref(),
        }
    }
}

/// The offline-push state of this device and its signed-in user, and the rules
/// that turn an incoming message into a notification. Safe to share between
/// threads; every method returns quickly.
#[derive(uniffi::Object)]
pub struct OfflinePushManager {
    platform: Platform,
    state: RwLock<PushState>,
    backend: RwLock<Option<SharedBackend>>,
    retry: RwLock<RetryPolicy>,
}

impl std::fmt::Debug for OfflinePushManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfflinePushManager")
            .field("platform", &self.platform)
            .field("state", &*self.state.read())
            .finish_non_exhaustive()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl OfflinePushManager {
    /// A manager for a device of `platform`, logged out, with the `ZhHans` locale.
    #[uniffi::constructor]
    pub fn new(platform: Platform) -> Arc<Self> {
        Arc::new(Self {
            platform,
            state: RwLock::new(PushState::default()),
            backend: RwLock::new(None),
            retry: RwLock::new(RetryPolicy::default()),
        })
    }

    /// The platform this manager renders for.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Signs `user_id` in (seed §1 note 1). Their global settings come back if
    /// they were set before on this device.
    pub fn login(&self, user_id: String) -> Result<()> {
        if user_id.is_empty() {
            return Err(OfflinePushError::InvalidArgument("the user id is empty".into()));
        }
        self.state.write().session = SessionState::LoggedIn { user_id };
        Ok(())
    }

    /// Signs the user out: no notification until the next login (D1).
    pub fn logout(&self) {
        self.state.write().session = SessionState::LoggedOut;
    }

    /// Records that the server signed this device out because the user logged in
    /// elsewhere: no notification until the next login (D1).
    pub fn kicked_offline(&self) {
        self.state.write().session = SessionState::KickedOffline;
    }

    /// Whether a user is signed in (cheap: no allocation).
    pub fn is_logged_in(&self) -> bool {
        matches!(self.state.read().session, SessionState::LoggedIn { .. })
    }

    /// Where the session stands.
    pub fn session(&self) -> SessionState {
        self.state.read().session.clone()
    }

    /// Sets the signed-in user's global settings (seed §2.1). V1: needs a
    /// signed-in user (checked first). V2: sounds must be app-bundled resources. Empty strings
    /// are stored as unset.
    pub fn set_global_settings(&self, settings: OfflinePushSettings) -> Result<()> {
        let mut state = self.state.write();
        let user_id = state.user_id()?.to_owned();
        let settings = validate::check_global_settings(settings)?;
        state.settings_by_user.insert(user_id, settings);
        Ok(())
    }

    /// The signed-in user's global settings, the defaults if never set. V1:
    /// needs a signed-in user.
    pub fn global_settings(&self) -> Result<OfflinePushSettings> {
        let state = self.state.read();
        let user_id = state.user_id()?;
        Ok(state.settings_by_user.get(user_id).cloned().unwrap_or_default())
    }

    /// Sets how one conversation's messages are received (D5). For c2c the
    /// conversation id is the peer's user id, for groups the group id.
    pub fn set_receive_option(
        &self,
        conversation_type: ConversationType,
        conversation_id: String,
        option: ReceiveOption,
    ) -> Result<()> {
        if conversation_id.is_empty() {
            return Err(OfflinePushError::InvalidArgument(
                "the conversation id is empty".into(),
            ));
        }
        let mut state = self.state.write();
        let by_id = state.receive_options.entry(conversation_type).or_default();
        if option == ReceiveOption::Receive {
            by_id.remove(&conversation_id);
        } else {
            by_id.insert(conversation_id, option);
        }
        Ok(())
    }

    /// How one conversation's messages are received; `Receive` unless set.
    pub fn receive_option(
        &self,
        conversation_type: ConversationType,
        conversation_id: String,
    ) -> ReceiveOption {
        self.state
            .read()
            .receive_options
            .get(&conversation_type)
            .and_then(|by_id| by_id.get(&conversation_id).copied())
            .unwrap_or_default()
    }

    /// Every conversation whose receive option is not the default, sorted.
    pub fn receive_options(&self) -> Vec<ConversationReceiveOption> {
        let state = self.state.read();
        let mut all: Vec<_> = state
            .receive_options
            .iter()
            .flat_map(|(conversation_type, by_id)| {
                by_id.iter().map(|(id, option)| ConversationReceiveOption {
                    conversation_type: *conversation_type,
                    conversation_id: id.clone(),
                    option: *option,
                })
            })
            .collect();
        all.sort_by(|a, b| {
            (a.conversation_type, &a.conversation_id).cmp(&(b.conversation_type, &b.conversation_id))
        });
        all
    }

    /// Sets the daily do-not-disturb window with the device's UTC offset (D6),
    /// or clears it with `None`. V4 refuses out-of-range values.
    pub fn set_do_not_disturb(&self, window: Option<DoNotDisturbWindow>) -> Result<()> {
        if let Some(w) = &window {
            validate::check_dnd(w)?;
        }
        self.state.write().dnd = window;
        Ok(())
    }

    /// The do-not-disturb window, if set.
    pub fn do_not_disturb(&self) -> Option<DoNotDisturbWindow> {
        self.state.read().dnd
    }

    /// Sets the language of element placeholders (C1, C1-en).
    pub fn set_locale(&self, locale: PushLocale) {
        self.state.write().locale = locale;
    }

    /// The language of element placeholders.
    pub fn locale(&self) -> PushLocale {
        self.state.read().locale
    }

    /// Stores the device's vendor token (seed §4.5, §5.5). V1: needs a signed-in
    /// user (checked first). V3: the token must be non-empty with a business id other than 0.
    pub fn set_token(&self, token: OfflinePushToken) -> Result<()> {
        let mut state = self.state.write();
        state.user_id()?;
        validate::check_token(&token)?;
        state.token = Some(token);
        Ok(())
    }

    /// The stored vendor token, if any.
    pub fn token(&self) -> Option<OfflinePushToken> {
        self.state.read().token.clone()
    }

    /// Whether `message` produces a notification, and what it says (D1–D7,
    /// T1–T3, C1–C5, F1–F5, S1, S2, B1, N1). One call for one message.
    pub fn render(&self, message: IncomingMessage) -> RenderOutcome {
        let state = self.state.read();
        render::render(&state.context(self.platform), &message)
    }

    /// `render` for a burst of messages, in order, in one call.
    pub fn render_batch(&self, messages: Vec<IncomingMessage>) -> Vec<RenderOutcome> {
        let state = self.state.read();
        let ctx = state.context(self.platform);
        messages.iter().map(|m| render::render(&ctx, m)).collect()
    }

    /// What the conversation list shows for `message` (C1–C4): the same words
    /// as the notification, without the sender's description (C5).
    pub fn preview(&self, message: IncomingMessage) -> String {
        content::preview(&message, self.locale())
    }

    /// `preview` for a list of messages, in order, in one call.
    pub fn preview_batch(&self, messages: Vec<IncomingMessage>) -> Vec<String> {
        let locale = self.locale();
        messages.iter().map(|m| content::preview(m, locale)).collect()
    }

    /// Sets the app's backend, used by `upload_token`.
    pub fn set_backend(&self, backend: Arc<dyn PushBackend>) {
        *self.backend.write() = Some(backend);
    }

    /// Sets how transient backend failures are retried.
    pub fn set_retry_policy(&self, policy: RetryPolicy) -> Result<()> {
        policy.check()?;
        *self.retry.write() = policy;
        Ok(())
    }

    /// Uploads the stored token for the signed-in user through the backend,
    /// retrying transient failures (with backoff on tokio's clock).
    pub async fn upload_token(&self) -> Result<()> {
        let (user_id, token) = {
            let state = self.state.read();
            let user_id = state.user_id()?.to_owned();
            let token = state
                .token
                .clone()
                .ok_or_else(|| OfflinePushError::NotConfigured("no token was set".into()))?;
            (user_id, token)
        };
        let backend = self
            .backend
            .read()
            .clone()
            .ok_or_else(|| OfflinePushError::NotConfigured("no backend was set".into()))?;
        let policy = *self.retry.read();
        with_retries(policy, "token upload", || {
            backend.upload_token(user_id.clone(), token.clone())
        })
        .await
    }
}

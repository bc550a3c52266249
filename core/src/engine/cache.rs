//! What the engine read from the store, kept until the store's generation
//! changes: the device's state, the signed-in account's settings and DND window,
//! and the receive options of the conversations rendered so far.

use crate::error::Error;
use crate::model::{
    ConversationType, DoNotDisturbWindow, OfflinePushSettings, Platform, ReceiveOption, SessionState,
};
use crate::rules::decide::{ReceiveOptionLookup, RenderContext};
use crate::store::{DeviceState, Generation, Store};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub(super) struct Cache {
    /// The store's generation this was read at; `None`: read again.
    generation: Option<Generation>,
    pub(super) device: DeviceState,
    /// The signed-in account's global settings, the defaults when it set none or
    /// when no one is signed in.
    pub(super) settings: OfflinePushSettings,
    pub(super) dnd: Option<DoNotDisturbWindow>,
    /// Options read so far, by conversation type and id (read one by one, as
    /// messages ask for them).
    receive_options: ReceiveOptionMemo,
}

#[derive(Debug, Default)]
struct ReceiveOptionMemo(HashMap<ConversationType, HashMap<String, ReceiveOption>>);

impl ReceiveOptionLookup for ReceiveOptionMemo {
    fn receive_option(&self, conversation_type: ConversationType, conversation_id: &str) -> ReceiveOption {
        self.0
            .get(&conversation_type)
            .and_then(|by_id| by_id.get(conversation_id))
            .copied()
            .unwrap_or_default()
    }
}

impl Cache {
    /// Reads the store again if it changed since the cache was filled.
    pub(super) fn refresh(&mut self, store: &dyn Store) -> Result<(), Error> {
        if self.generation.is_some() && self.generation == Some(store.generation()?) {
            return Ok(());
        }
        let snapshot = store.snapshot()?;
        *self = Self {
            generation: Some(snapshot.generation),
            device: snapshot.device,
            settings: snapshot.account.settings.unwrap_or_default(),
            dnd: snapshot.account.dnd,
            receive_options: ReceiveOptionMemo::default(),
        };
        Ok(())
    }

    /// Makes the next `refresh` read everything again.
    pub(super) fn invalidate(&mut self) {
        self.generation = None;
    }

    /// The signed-in user, or V1.
    pub(super) fn user_id(&self) -> Result<&str, Error> {
        match &self.device.session {
            SessionState::LoggedIn { user_id } => Ok(user_id),
            SessionState::LoggedOut => Err(Error::NotLoggedIn("log in first")),
            SessionState::KickedOffline => {
                Err(Error::NotLoggedIn("the user was kicked offline; log in again"))
            }
        }
    }

    /// One conversation's option for the signed-in account, read from the store
    /// the first time it is asked for. With no one signed in, `Receive` (D1
    /// suppresses first anyway).
    pub(super) fn load_receive_option(
        &mut self,
        store: &dyn Store,
        conversation_type: ConversationType,
        conversation_id: &str,
    ) -> Result<ReceiveOption, Error> {
        let SessionState::LoggedIn { user_id } = &self.device.session else {
            return Ok(ReceiveOption::Receive);
        };
        let by_id = self.receive_options.0.entry(conversation_type).or_default();
        if let Some(option) = by_id.get(conversation_id) {
            return Ok(*option);
        }
        let option = store.receive_option(user_id, (conversation_type, conversation_id))?;
        by_id.insert(conversation_id.to_owned(), option);
        Ok(option)
    }

    /// What the rules read. Options not loaded count as `Receive`: load the
    /// ones of the messages at hand first.
    pub(super) fn context(&self, platform: Platform) -> RenderContext<'_> {
        RenderContext {
            platform,
            locale: self.device.locale,
            session: &self.device.session,
            settings: &self.settings,
            receive_options: &self.receive_options,
            dnd: self.dnd.as_ref(),
        }
    }
}

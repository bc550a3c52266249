//! What the engine read from the store, kept until the store's generation
//! changes: the device's state, the signed-in account's settings and DND window,
//! and the receive options of the conversations rendered so far.

use crate::error::Error;
use crate::model::{
    ConversationType, DoNotDisturbWindow, OfflinePushSettings, Platform, ReceiveOption, SessionState,
};
use crate::rules::decide::{ReceiveOptionLookup, RenderContext};
use crate::store::{DeviceState, Generation, Store, UNKNOWN_ACCOUNT};
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

/// At most this many conversations of one type are remembered.
pub(super) const MEMO_LIMIT: usize = 4096;

/// By conversation type (an index, not a hash), then by id. The ids come from
/// the network, so the hasher is seeded at random per process (foldhash's, a
/// third of SipHash's time per lookup in a profile); the memo only holds the
/// conversations this account received messages in.
#[derive(Debug, Default)]
struct ReceiveOptionMemo([HashMap<String, ReceiveOption, foldhash::fast::RandomState>; 3]);

impl ReceiveOptionMemo {
    fn of(
        &mut self,
        conversation_type: ConversationType,
    ) -> &mut HashMap<String, ReceiveOption, foldhash::fast::RandomState> {
        &mut self.0[match conversation_type {
            ConversationType::C2c => 0,
            ConversationType::Group => 1,
            ConversationType::System => 2,
        }]
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
            SessionState::StoreReset { .. } => Err(Error::NotLoggedIn(
                "the store was found damaged and reset; log the user in again",
            )),
        }
    }

    /// The account `receive` records a message for (R1, B2): the signed-in
    /// one, or after a reset the store's unknown account, which the next login
    /// takes over (K8); none while signed out.
    pub(super) fn receiving_account(&self) -> Option<&str> {
        match &self.device.session {
            SessionState::LoggedIn { user_id } => Some(user_id),
            SessionState::StoreReset { .. } => Some(UNKNOWN_ACCOUNT),
            SessionState::LoggedOut | SessionState::KickedOffline => None,
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
        let by_id = self.receive_options.of(conversation_type);
        if let Some(option) = by_id.get(conversation_id) {
            return Ok(*option);
        }
        let option = store.receive_option(user_id, (conversation_type, conversation_id))?;
        // A memo, not a copy of the store: the ids come from the network, so it
        // starts again past a bound (an account in more conversations than that
        // reads some again).
        if by_id.len() >= MEMO_LIMIT {
            by_id.clear();
        }
        by_id.insert(conversation_id.to_owned(), option);
        Ok(option)
    }

    /// What the rules read, with the receive option of the message at hand
    /// (loaded first with [`Self::load_receive_option`]).
    pub(super) fn context<'a>(&'a self, platform: Platform, option: &'a OneOption<'a>) -> RenderContext<'a> {
        RenderContext {
            platform,
            locale: self.device.locale,
            session: &self.device.session,
            settings: &self.settings,
            receive_options: option,
            dnd: self.dnd.as_ref(),
        }
    }
}

/// One conversation's receive option: what D5 reads for the message at hand,
/// without a second lookup in the memo.
pub(super) struct OneOption<'a> {
    pub conversation_type: ConversationType,
    pub conversation_id: &'a str,
    pub option: ReceiveOption,
}

impl ReceiveOptionLookup for OneOption<'_> {
    fn receive_option(&self, conversation_type: ConversationType, conversation_id: &str) -> ReceiveOption {
        if conversation_type == self.conversation_type && conversation_id == self.conversation_id {
            self.option
        } else {
            ReceiveOption::Receive
        }
    }
}

//! The store that lives in this process only: what an app that wants no
//! persistence, and the engine's tests, use.

use super::{ConversationKey, DeviceState, Store, StoreError};
use crate::model::{
    ConversationReceiveOption, ConversationType, DoNotDisturbWindow, OfflinePushSettings, OfflinePushToken,
    PushLocale, ReceiveOption, SessionState,
};
use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default)]
struct State {
    generation: u64,
    device: DeviceState,
    settings_by_user: HashMap<String, OfflinePushSettings>,
    receive_options: BTreeMap<(ConversationType, String), ReceiveOption>,
    dnd: Option<DoNotDisturbWindow>,
}

/// State in memory, gone with the process. Never fails.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RwLock<State>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn write(&self, change: impl FnOnce(&mut State)) -> Result<(), StoreError> {
        let mut state = self.state.write();
        change(&mut state);
        state.generation += 1;
        Ok(())
    }
}

impl Store for MemoryStore {
    fn generation(&self) -> Result<u64, StoreError> {
        Ok(self.state.read().generation)
    }

    fn device(&self) -> Result<DeviceState, StoreError> {
        Ok(self.state.read().device.clone())
    }

    fn save_session(&self, session: &SessionState) -> Result<(), StoreError> {
        self.write(|s| s.device.session = session.clone())
    }

    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError> {
        self.write(|s| s.device.locale = locale)
    }

    fn save_token(&self, token: Option<&OfflinePushToken>) -> Result<(), StoreError> {
        self.write(|s| s.device.token = token.cloned())
    }

    fn global_settings(&self, user_id: &str) -> Result<Option<OfflinePushSettings>, StoreError> {
        Ok(self.state.read().settings_by_user.get(user_id).cloned())
    }

    fn save_global_settings(&self, user_id: &str, settings: &OfflinePushSettings) -> Result<(), StoreError> {
        self.write(|s| {
            s.settings_by_user.insert(user_id.to_owned(), settings.clone());
        })
    }

    fn receive_option(&self, (kind, id): ConversationKey<'_>) -> Result<ReceiveOption, StoreError> {
        let state = self.state.read();
        Ok(state
            .receive_options
            .get(&(kind, id.to_owned()))
            .copied()
            .unwrap_or_default())
    }

    fn save_receive_option(
        &self,
        (kind, id): ConversationKey<'_>,
        option: ReceiveOption,
    ) -> Result<(), StoreError> {
        self.write(|s| {
            if option == ReceiveOption::Receive {
                s.receive_options.remove(&(kind, id.to_owned()));
            } else {
                s.receive_options.insert((kind, id.to_owned()), option);
            }
        })
    }

    fn receive_options(&self) -> Result<Vec<ConversationReceiveOption>, StoreError> {
        Ok(self
            .state
            .read()
            .receive_options
            .iter()
            .map(
                |((conversation_type, conversation_id), option)| ConversationReceiveOption {
                    conversation_type: *conversation_type,
                    conversation_id: conversation_id.clone(),
                    option: *option,
                },
            )
            .collect())
    }

    fn dnd(&self) -> Result<Option<DoNotDisturbWindow>, StoreError> {
        Ok(self.state.read().dnd)
    }

    fn save_dnd(&self, window: Option<&DoNotDisturbWindow>) -> Result<(), StoreError> {
        self.write(|s| s.dnd = window.copied())
    }
}

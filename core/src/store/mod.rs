//! Where the manager's state lives (RULES §6 K1): the [`Store`] trait the engine
//! reads and writes through, and its implementations. [`MemoryStore`] keeps the
//! state in this process only (tests, apps that want no persistence).
//!
//! A store is only storage: it checks nothing (the engine validates before it
//! writes) and caches nothing (the engine caches, and asks [`Store::generation`]
//! whether what it cached is still current).

mod memory;

pub use memory::MemoryStore;

use crate::model::{
    ConversationReceiveOption, ConversationType, DoNotDisturbWindow, OfflinePushSettings, OfflinePushToken,
    PushLocale, ReceiveOption, SessionState,
};

/// What the device owns (K1): the session, the locale, the vendor token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceState {
    pub session: SessionState,
    pub locale: PushLocale,
    pub token: Option<OfflinePushToken>,
}

/// A conversation, as the receive options key it: its type and id (F1).
pub type ConversationKey<'a> = (ConversationType, &'a str);

/// Why the store could not do what was asked. The engine turns these into the
/// public `Storage` and `StoreCorrupted` kinds.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file system refused (permissions, a full disk, a missing directory).
    #[error("the store could not be read or written: {0}")]
    Io(#[from] std::io::Error),
    /// The store's file could not be understood; it was moved to `moved_to`.
    #[error("the store file was unreadable and was moved aside to {moved_to}")]
    Corrupted { moved_to: String },
    /// The store was written by a newer version of this library.
    #[error("the store has schema version {found}; this library reads up to {supported}")]
    TooNew { found: u32, supported: u32 },
}

/// The state of one device and its accounts. Every call may fail (the SQLite
/// store does I/O); a call that returned `Ok` from a write has saved it.
pub trait Store: Send + Sync {
    /// A number that changes whenever anything in the store changes, through this
    /// store or another one on the same data: the engine re-reads what it cached
    /// when it differs from the one it cached with.
    fn generation(&self) -> Result<u64, StoreError>;

    /// The device's session, locale and token.
    fn device(&self) -> Result<DeviceState, StoreError>;
    fn save_session(&self, session: &SessionState) -> Result<(), StoreError>;
    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError>;
    fn save_token(&self, token: Option<&OfflinePushToken>) -> Result<(), StoreError>;

    /// An account's global settings, `None` if it never set any.
    fn global_settings(&self, user_id: &str) -> Result<Option<OfflinePushSettings>, StoreError>;
    fn save_global_settings(&self, user_id: &str, settings: &OfflinePushSettings) -> Result<(), StoreError>;

    /// One conversation's receive option, `Receive` unless set (D5).
    fn receive_option(&self, conversation: ConversationKey<'_>) -> Result<ReceiveOption, StoreError>;
    fn save_receive_option(
        &self,
        conversation: ConversationKey<'_>,
        option: ReceiveOption,
    ) -> Result<(), StoreError>;
    /// Every conversation whose option is not `Receive`, sorted by type and id.
    fn receive_options(&self) -> Result<Vec<ConversationReceiveOption>, StoreError>;

    /// The do-not-disturb window (D6), if set.
    fn dnd(&self) -> Result<Option<DoNotDisturbWindow>, StoreError>;
    fn save_dnd(&self, window: Option<&DoNotDisturbWindow>) -> Result<(), StoreError>;
}

//! Where the manager's state lives (docs/RULES.md, "State that lasts"): the [`Store`] trait the engine
//! reads and writes through, and its two implementations.
//!
//! - [`SqliteStore`]: one SQLite file in a directory the app gives, shared by the
//!   app and its second process (K2), crash-safe (K3);
//! - [`MemoryStore`]: this process only (tests, apps that want no persistence).
//!
//! Who owns what is K1: per account (user id) the global settings, receive
//! options, DND window, unread counts and received message ids; per device the
//! session, the locale and the token. A store is only storage: it checks nothing
//! (the engine validates before it writes) and caches nothing (the engine
//! caches, and asks [`Store::generation`] whether its cache is still current).

mod memory;
mod schema;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::{SqliteStore, STORE_FILE_NAME};

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

/// What a render reads of an account besides one conversation's option.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountState {
    /// `None` if the account never set any.
    pub settings: Option<OfflinePushSettings>,
    pub dnd: Option<DoNotDisturbWindow>,
}

/// The device's state and its signed-in account's, read at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub generation: Generation,
    pub device: DeviceState,
    /// The signed-in account's; the default when no one is signed in.
    pub account: AccountState,
}

/// Changes whenever anything in a store changes, through this store or another
/// one on the same data. Only equality means anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generation(pub [u64; 3]);

/// A conversation, as receive options and unread counts key it: its type and id (F1).
pub type ConversationKey<'a> = (ConversationType, &'a str);

/// What `receive` records for one message (R1, B2), in one transaction.
#[derive(Clone, Copy, Debug)]
pub struct Receipt<'a> {
    /// R1: remembered so the message is never shown twice (D8).
    pub message_id: Option<&'a str>,
    /// B2: the conversation whose unread count goes up by one, unless the
    /// message is a duplicate.
    pub counts_toward: Option<ConversationKey<'a>>,
}

/// What recording a receipt found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiptRecord {
    /// The account had already received this message id (D8).
    pub duplicate: bool,
    /// B3: the account's badge total after the receipt.
    pub badge_total: u32,
}

/// How many received message ids an account remembers at least (D8).
pub const REMEMBERED_MESSAGE_IDS: u32 = 1_000;

/// Why the store could not do what was asked. The engine turns these into the
/// public `Storage` and `StoreCorrupted` kinds; none of the texts carries a
/// stored value.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file system refused (permissions, a full disk, a missing directory).
    #[error("the store could not be read or written: {0}")]
    Io(#[from] std::io::Error),
    /// SQLite failed for a reason other than a damaged file; `what` names the step.
    #[error("the store failed while {what}: {source}")]
    Sqlite {
        what: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// The store's file could not be understood; it was moved to `moved_to`.
    #[error("the store file could not be read as a store ({problem}); it was moved aside to {moved_to} and a new store will be created at the next open")]
    Corrupted { problem: String, moved_to: String },
    /// The store was written by a newer version of this library; it is left as it is.
    #[error(
        "the store has schema version {found}; this library reads versions up to {supported}: update the app"
    )]
    TooNew { found: u32, supported: u32 },
    /// A value in the store is not one this library writes (edited by hand, or a bug).
    #[error("the store holds an unreadable {what}")]
    BadValue { what: &'static str },
}

/// The state of one device and its accounts. Every call may fail (the SQLite
/// store does I/O); a write that returned `Ok` is saved (K3).
pub trait Store: Send + Sync {
    /// See [`Generation`].
    fn generation(&self) -> Result<Generation, StoreError>;

    /// The device and its signed-in account, read at one moment.
    fn snapshot(&self) -> Result<Snapshot, StoreError>;

    fn save_session(&self, session: &SessionState) -> Result<(), StoreError>;
    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError>;
    fn save_token(&self, token: Option<&OfflinePushToken>) -> Result<(), StoreError>;

    fn save_global_settings(&self, user_id: &str, settings: &OfflinePushSettings) -> Result<(), StoreError>;
    fn save_dnd(&self, user_id: &str, window: Option<&DoNotDisturbWindow>) -> Result<(), StoreError>;

    /// One conversation's receive option, `Receive` unless set (D5).
    fn receive_option(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
    ) -> Result<ReceiveOption, StoreError>;
    fn save_receive_option(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
        option: ReceiveOption,
    ) -> Result<(), StoreError>;
    /// Every conversation of the account whose option is not `Receive`, sorted
    /// by type and id.
    fn receive_options(&self, user_id: &str) -> Result<Vec<ConversationReceiveOption>, StoreError>;

    /// R1 and B2 at once: remembers the message id (keeping at least the last
    /// [`REMEMBERED_MESSAGE_IDS`]) and, unless it was already there, adds one to
    /// the conversation's unread count.
    fn record_receipt(&self, user_id: &str, receipt: Receipt<'_>) -> Result<ReceiptRecord, StoreError>;
    /// B3: one conversation's unread count, 0 unless set.
    fn unread_count(&self, user_id: &str, conversation: ConversationKey<'_>) -> Result<u32, StoreError>;
    fn save_unread_count(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
        count: u32,
    ) -> Result<(), StoreError>;
    /// B3: the sum of the account's unread counts.
    fn badge_total(&self, user_id: &str) -> Result<u32, StoreError>;

    /// Lets go of every file and lock until [`Store::resume`]; calls in between
    /// still work, each opening and closing what it needs.
    fn suspend(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Keeps files open between calls again.
    fn resume(&self) {}
}

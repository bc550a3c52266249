//! Where the manager's state lives (docs/RULES.md, "State that lasts"): the [`Store`] trait the engine
//! reads and writes through, and its two implementations.
//!
//! - [`SqliteStore::open`]: one SQLite file in a directory the app gives, shared
//!   by the app and its second process (K2), crash-safe (K3);
//! - [`SqliteStore::open_in_memory`]: the same store in this process's memory
//!   (tests, apps that want no persistence).
//!
//! Who owns what is K1: per account (user id) the global settings, receive
//! options, DND window, unread counts and received message ids; per device the
//! session, the locale and the token. A store checks nothing (the engine
//! validates before it writes) and caches nothing (the engine caches, and asks
//! [`Store::generation`] whether its cache is still current).
//!
//! What the device owes the app's backend (K4–K7) is queued by the same
//! transaction that makes the change, so no change can be saved and forgotten:
//! a settings change queues its item, a login queues the token's upload, a
//! logout its unbind. A sync then takes the queue one item at a time with
//! [`Store::claim_next`] (so two processes never send the same item) and reports
//! each with [`Store::finish`].

mod schema;
mod sqlite;

pub use sqlite::{SqliteStore, STORE_FILE_NAME};

use crate::model::{
    AccountPushSettings, ConversationReceiveOption, ConversationType, DoNotDisturbWindow,
    OfflinePushSettings, OfflinePushToken, PushLocale, ReceiveOption, SessionState, SettingsChange,
    SyncStatus,
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

/// One item of the queue, claimed by a sync, with what to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingWork {
    pub user_id: String,
    /// The item's key in the queue (never shown: a token's key holds the token).
    pub item: String,
    /// Which change of the item this is: a newer change to the item while it is
    /// being sent keeps it queued.
    pub seq: i64,
    pub job: Job,
}

/// What a queued item asks of the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// K6: the account's current value of one settings item.
    Settings(SettingsChange),
    /// K4: register the device's token for the account.
    UploadToken(OfflinePushToken),
    /// K5: unregister a token for an account that logged out.
    UnbindToken(OfflinePushToken),
}

/// Who takes an item, and until when the claim holds if they never report back
/// (a process killed while sending).
#[derive(Clone, Copy, Debug)]
pub struct Claim<'a> {
    pub by: &'a str,
    pub now_ms: i64,
    pub until_ms: i64,
}

/// How sending a claimed item went.
#[derive(Clone, Copy, Debug)]
pub enum Finish<'a> {
    /// The backend accepted it: done, unless the item changed meanwhile.
    Accepted,
    /// The backend refused it: dropped from the queue, the reason kept as the last error.
    Rejected { reason: &'a str },
    /// It could not be sent: stays queued for the next sync.
    Failed { attempts: u32, reason: &'a str },
}

/// K8: the account a reset store records received messages for until someone
/// signs in (an empty user id, which `login` refuses).
pub const UNKNOWN_ACCOUNT: &str = "";

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
    /// The store's file could not be understood; it was moved to `moved_to` and
    /// a new store, marked as reset (K8), took its place.
    #[error("the store file could not be read as a store ({problem}); it was moved aside to {moved_to} and a new, reset store is in its place (docs/RULES.md K8)")]
    Corrupted { problem: String, moved_to: String },
    /// The store was written by a newer version of this library; it is left as it is.
    #[error(
        "the store has schema version {found}; this library reads versions up to {supported}: update the app (the store is left as it is)"
    )]
    TooNew { found: u32, supported: u32 },
    /// The file at the store's path is another program's SQLite database; it is left as it is.
    #[error("the file at the store's path is an SQLite database of another program, not an offline-push store; it is left as it is: give the manager a directory of its own")]
    Foreign,
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

    /// Saves the session and queues what it owes the backend: a login queues the
    /// device's token for the account unless the backend already has it (K4) and
    /// drops a pending unbind of it; a logout (or a login as someone else) drops
    /// the account's pending token upload and queues the token's unbind if the
    /// backend has or may have it (K5). `KickedOffline` queues nothing.
    fn save_session(&self, session: &SessionState, at_ms: i64) -> Result<(), StoreError>;
    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError>;
    /// Saves the device's token; while someone is signed in, queues its upload
    /// unless the backend already has this very token for them (K4).
    fn save_token(&self, token: Option<&OfflinePushToken>, at_ms: i64) -> Result<(), StoreError>;

    /// Saves one change of an account's settings and queues it (K6), replacing a
    /// pending older change to the same item.
    fn save_setting(&self, user_id: &str, change: &SettingsChange, at_ms: i64) -> Result<(), StoreError>;

    /// One conversation's receive option, `Receive` unless set (D5).
    fn receive_option(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
    ) -> Result<ReceiveOption, StoreError>;
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

    /// Takes the oldest queued item nobody is sending (or whose claim expired):
    /// any account's token unbind, and the signed-in account's other items.
    fn claim_next(&self, claim: Claim<'_>) -> Result<Option<PendingWork>, StoreError>;
    /// Records how sending `work` went; `by` is the claim's owner.
    fn finish(
        &self,
        work: &PendingWork,
        by: &str,
        outcome: Finish<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError>;
    /// What is queued, oldest first, and the last error and success.
    fn sync_status(&self, now_ms: i64) -> Result<SyncStatus, StoreError>;
    /// Counts the local changes of settings so far (K7: a fetch leaves alone what
    /// changed after it asked).
    fn change_seq(&self) -> Result<i64, StoreError>;
    /// K7: takes the backend's `settings` for an account, except the items
    /// queued or changed locally after `since_seq`. Queues nothing.
    fn apply_fetched(
        &self,
        user_id: &str,
        since_seq: i64,
        settings: &AccountPushSettings,
    ) -> Result<(), StoreError>;

    /// Lets go of every file and lock until [`Store::resume`]; calls in between
    /// still work, each opening and closing what it needs.
    fn suspend(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Keeps files open between calls again.
    fn resume(&self) {}
}

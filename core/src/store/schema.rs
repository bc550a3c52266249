//! The SQLite schema and its versions. The version lives in `PRAGMA
//! user_version`; [`migrate`] brings any earlier version up to [`END_VERSION`],
//! one step per version, inside one write transaction, so two processes that
//! open the same new file at once cannot both create it. A store of a newer
//! version than this library knows is refused, never touched.
//!
//! To change the schema: add `UPGRADE_FROM_N` that takes version N to N+1,
//! run it from [`migrate`], raise [`END_VERSION`], and add a fixture of
//! version N (`core/tests/fixtures/store-vN.sql`) that `core/tests/store.rs` opens.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// The schema version this library writes.
pub const END_VERSION: u32 = 2;

/// Version 1: the device row, and per account its settings, DND window,
/// receive options, unread counts and received message ids (K1).
/// `received_messages.seq` is a plain rowid, not AUTOINCREMENT: an ignored
/// duplicate insert then takes no number, so the numbers run without gaps and
/// "every 100th receipt" (the pruning in `sqlite.rs`) is exact.
const CREATE_V1: &str = "
    CREATE TABLE device (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        session_state     TEXT NOT NULL DEFAULT 'logged_out',
        session_user_id   TEXT,
        locale            TEXT NOT NULL DEFAULT 'zh-Hans',
        token_vendor      TEXT,
        token_value       TEXT,
        token_business_id INTEGER
    );
    INSERT INTO device (id) VALUES (1);

    CREATE TABLE account_settings (
        user_id     TEXT PRIMARY KEY,
        enabled     INTEGER NOT NULL,
        c2c_sound   TEXT,
        group_sound TEXT
    ) WITHOUT ROWID;

    CREATE TABLE account_dnd (
        user_id            TEXT PRIMARY KEY,
        start_seconds      INTEGER NOT NULL,
        duration_seconds   INTEGER NOT NULL,
        utc_offset_seconds INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE receive_options (
        user_id           TEXT NOT NULL,
        conversation_type TEXT NOT NULL,
        conversation_id   TEXT NOT NULL,
        option            TEXT NOT NULL,
        PRIMARY KEY (user_id, conversation_type, conversation_id)
    ) WITHOUT ROWID;

    CREATE TABLE unread_counts (
        user_id           TEXT NOT NULL,
        conversation_type TEXT NOT NULL,
        conversation_id   TEXT NOT NULL,
        count             INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (user_id, conversation_type, conversation_id)
    ) WITHOUT ROWID;

    CREATE TABLE received_messages (
        seq        INTEGER PRIMARY KEY,
        user_id    TEXT NOT NULL,
        message_id TEXT NOT NULL,
        UNIQUE (user_id, message_id)
    );
    CREATE INDEX received_messages_by_user ON received_messages (user_id, seq);
";

/// Version 2: what the device owes the app's backend (docs/RULES.md K4–K7).
///
/// - `device.change_seq` counts local changes to accounts' settings; a fetch
///   remembers it before asking the backend and leaves alone every item changed
///   since (K7).
/// - `sync_items`: one row per thing to send, by account and item
///   (`global_settings`, `do_not_disturb`, `receive_option:<type>:<id>`,
///   `token_upload`, `token_unbind:<vendor>:<token>`). A settings row carries no
///   value: the account's current value is what is sent, so a newer change
///   replaces an older pending one by itself (K6); it stays, `pending = 0`, after
///   the backend accepted it, to remember its `seq`. A token row carries the token
///   to unbind (the device's may have changed since the logout); it is deleted
///   once accepted. `claimed_by`/`claimed_until_ms` let one process at a time send
///   a row; a claim that outlived its process expires.
/// - `accepted_tokens`: the token the backend accepted for each account (K4).
/// - The device's last sync error and success, for the app's diagnostics.
const UPGRADE_FROM_1: &str = "
    ALTER TABLE device ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE device ADD COLUMN sync_last_error TEXT;
    ALTER TABLE device ADD COLUMN sync_last_error_ms INTEGER;
    ALTER TABLE device ADD COLUMN sync_last_success_ms INTEGER;

    CREATE TABLE sync_items (
        user_id           TEXT NOT NULL,
        item              TEXT NOT NULL,
        kind              TEXT NOT NULL,
        conversation_type TEXT,
        conversation_id   TEXT,
        token_vendor      TEXT,
        token_value       TEXT,
        token_business_id INTEGER,
        seq               INTEGER NOT NULL,
        pending           INTEGER NOT NULL,
        since_ms          INTEGER NOT NULL,
        attempts          INTEGER NOT NULL DEFAULT 0,
        last_error        TEXT,
        claimed_by        TEXT,
        claimed_until_ms  INTEGER,
        PRIMARY KEY (user_id, item)
    ) WITHOUT ROWID;
    CREATE INDEX sync_items_pending ON sync_items (pending, seq);

    CREATE TABLE accepted_tokens (
        user_id     TEXT PRIMARY KEY,
        vendor      TEXT NOT NULL,
        value       TEXT NOT NULL,
        business_id INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- A store of version 1 never sent its settings: they are all pending now,
    -- and so is the signed-in account's token.
    INSERT INTO sync_items (user_id, item, kind, seq, pending, since_ms)
        SELECT user_id, 'global_settings', 'global_settings', 0, 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
        FROM account_settings;
    INSERT INTO sync_items (user_id, item, kind, seq, pending, since_ms)
        SELECT user_id, 'do_not_disturb', 'do_not_disturb', 0, 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
        FROM account_dnd;
    INSERT INTO sync_items (user_id, item, kind, conversation_type, conversation_id, seq, pending, since_ms)
        SELECT user_id, 'receive_option:' || conversation_type || ':' || conversation_id, 'receive_option',
               conversation_type, conversation_id, 0, 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
        FROM receive_options;
    INSERT INTO sync_items (user_id, item, kind, seq, pending, since_ms)
        SELECT session_user_id, 'token_upload', 'token_upload', 0, 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
        FROM device WHERE session_state = 'logged_in' AND token_value IS NOT NULL;
";

/// Refuses a store of a version newer than this library, reading only.
pub fn refuse_newer(conn: &Connection) -> Result<(), StoreError> {
    let found: u32 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|source| StoreError::Sqlite {
            what: "reading the schema version",
            source,
        })?;
    if found > END_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: END_VERSION,
        });
    }
    Ok(())
}

/// Brings the store to [`END_VERSION`].
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let failed = |source| StoreError::Sqlite {
        what: "upgrading the schema",
        source,
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    let found: u32 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(failed)?;
    if found > END_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: END_VERSION,
        });
    }
    if found == END_VERSION {
        return Ok(());
    }
    if found == 0 {
        tx.execute_batch(CREATE_V1).map_err(failed)?;
    }
    if found < 2 {
        tx.execute_batch(UPGRADE_FROM_1).map_err(failed)?;
    }
    tx.pragma_update(None, "user_version", END_VERSION)
        .map_err(failed)?;
    tx.commit().map_err(failed)
}

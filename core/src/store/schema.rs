//! The SQLite schema and its versions. The version lives in `PRAGMA
//! user_version`; [`migrate`] brings any earlier version up to [`END_VERSION`],
//! one step per version, inside one write transaction, so two processes that
//! open the same new file at once cannot both create it. A store of a newer
//! version than this library knows is refused, never touched.
//!
//! To change the schema: add `upgrade_from_N` that takes version N to N+1,
//! call it from [`migrate`], raise [`END_VERSION`], and add a fixture of
//! version N (`core/tests/fixtures/store-vN.sql`) that `store_migrations.rs` opens.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// The schema version this library writes.
pub const END_VERSION: u32 = 1;

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
    // One step per version from here on: `if found < 2 { upgrade_from_1(&tx)? }` ...
    tx.pragma_update(None, "user_version", END_VERSION)
        .map_err(failed)?;
    tx.commit().map_err(failed)
}

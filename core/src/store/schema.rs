//! The SQLite schema and its versions. The version lives in `PRAGMA
//! user_version`, and from version 3 on the file says it is a store of this
//! library in `PRAGMA application_id` ([`APPLICATION_ID`]); [`owner`] tells from
//! both (and, for a file of version 1 or 2, written before the id, whether it
//! has the `device` table) whether a file is this library's. [`migrate`] brings
//! any earlier version up to [`END_VERSION`], one step per version, inside one
//! write transaction, so two processes that open the same new file at once
//! cannot both create it. A store of a newer version, or a file that is not this
//! library's, is refused, never touched.
//!
//! To change the schema: add `UPGRADE_FROM_N` that takes version N to N+1,
//! run it from [`migrate`], raise [`END_VERSION`], and add a fixture of
//! version N (`core/tests/fixtures/store-vN.sql`) that `core/tests/store.rs` opens.

use super::StoreError;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

/// The schema version this library writes.
pub const END_VERSION: u32 = 4;

/// `PRAGMA application_id` of a store of this library ("OPsh"), from version 3 on.
pub const APPLICATION_ID: u32 = 0x4f50_7368;

/// The last version written without [`APPLICATION_ID`].
const LAST_VERSION_WITHOUT_ID: u32 = 2;

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

/// Version 3: the file says it is this library's store (`application_id`), and
/// the device row remembers a reset (docs/RULES.md K8): the session
/// `store_reset`, where the damaged file went and when.
const UPGRADE_FROM_2: &str = "
    ALTER TABLE device ADD COLUMN reset_moved_to TEXT;
    ALTER TABLE device ADD COLUMN reset_at_ms INTEGER;
";

/// Version 4: a receive option may be one of the two that mute except for
/// mentions (docs/RULES.md M2, M6). No row changes; the version says that a
/// library of version 3, which cannot read those options, must refuse the store
/// as too new (K9) instead of failing on the first one it reads.
const UPGRADE_FROM_3: &str = "";

/// Whose a file is, by its header: a new (empty) database, or a store of this
/// library at `version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    New,
    /// From version 3 on: the application id says so.
    Ours {
        version: u32,
    },
    /// Version 1 or 2, written before the application id: this library's only
    /// if it has the `device` table, which only a look at the schema tells.
    Unmarked {
        version: u32,
    },
}

/// [`Owner`] from a file's `user_version`, `application_id` and whether its
/// schema is empty; a store of a newer version is `TooNew`, any other database
/// `Foreign`.
pub fn owner(user_version: u32, application_id: u32, schema_empty: bool) -> Result<Owner, StoreError> {
    match (application_id, user_version) {
        (APPLICATION_ID, found) if found > END_VERSION => Err(StoreError::TooNew {
            found,
            supported: END_VERSION,
        }),
        (APPLICATION_ID, version) if version > LAST_VERSION_WITHOUT_ID => Ok(Owner::Ours { version }),
        (0, 0) if schema_empty => Ok(Owner::New),
        (0, version @ 1..=LAST_VERSION_WITHOUT_ID) if !schema_empty => Ok(Owner::Unmarked { version }),
        _ => Err(StoreError::Foreign),
    }
}

/// [`owner`] as SQLite reads the database in `tx`, the `device` table of an
/// unmarked store included.
fn owner_in(tx: &Transaction) -> rusqlite::Result<Result<Owner, StoreError>> {
    let user_version: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let application_id: u32 = tx.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
    let owner = owner(user_version, application_id, objects == 0);
    if let Ok(Owner::Unmarked { .. }) = owner {
        let device = tx
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'device'",
                [],
                |_| Ok(()),
            )
            .optional()?;
        if device.is_none() {
            return Ok(Err(StoreError::Foreign));
        }
    }
    Ok(owner)
}

/// Refuses, reading only, a file that is not a store of a version this library
/// reads (the check before anything writes: switching to WAL rewrites the header).
pub fn check_owner(conn: &mut Connection) -> Result<(), StoreError> {
    let failed = |source| StoreError::Sqlite {
        what: "reading the schema version",
        source,
    };
    let tx = conn.transaction().map_err(failed)?;
    owner_in(&tx).map_err(failed)??;
    tx.finish().map_err(failed)
}

/// Brings the store to [`END_VERSION`], checking again, under the write lock,
/// whose the file is.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let failed = |source| StoreError::Sqlite {
        what: "upgrading the schema",
        source,
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    let found = match owner_in(&tx).map_err(failed)?? {
        Owner::New => 0,
        Owner::Ours { version } | Owner::Unmarked { version } => version,
    };
    if found == END_VERSION {
        return Ok(());
    }
    if found == 0 {
        tx.execute_batch(CREATE_V1).map_err(failed)?;
    }
    if found < 2 {
        tx.execute_batch(UPGRADE_FROM_1).map_err(failed)?;
    }
    if found < 3 {
        tx.execute_batch(UPGRADE_FROM_2).map_err(failed)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(failed)?;
    }
    if found < 4 {
        tx.execute_batch(UPGRADE_FROM_3).map_err(failed)?;
    }
    tx.pragma_update(None, "user_version", END_VERSION)
        .map_err(failed)?;
    tx.commit().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_tells_a_store_of_this_library_from_any_other_database() {
        assert_eq!(owner(0, 0, true).unwrap(), Owner::New);
        assert_eq!(
            owner(3, APPLICATION_ID, false).unwrap(),
            Owner::Ours { version: 3 }
        );
        assert_eq!(owner(1, 0, false).unwrap(), Owner::Unmarked { version: 1 });
        assert_eq!(owner(2, 0, false).unwrap(), Owner::Unmarked { version: 2 });
        assert_eq!(
            owner(4, APPLICATION_ID, false).unwrap(),
            Owner::Ours { version: 4 }
        );
        assert!(matches!(
            owner(5, APPLICATION_ID, false),
            Err(StoreError::TooNew {
                found: 5,
                supported: 4
            })
        ));
        // Another program's database: its own id, tables at version 0, a
        // version this library never wrote without the id, an id on an old version.
        for (version, id, empty) in [
            (0, 0x1234, true),
            (0, 0, false),
            (5, 0, false),
            (3, 0, false),
            (1, 0, true),
            (2, APPLICATION_ID, false),
        ] {
            assert!(
                matches!(owner(version, id, empty), Err(StoreError::Foreign)),
                "{version} {id:#x} {empty}"
            );
        }
    }
}

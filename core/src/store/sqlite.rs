//! The store on disk: one SQLite file in WAL mode in a directory the app gives
//! (on iOS an app-group container, on Android the app's files directory), shared
//! by every manager opened on it, in this process or another (K2).
//!
//! - Every write is one transaction, committed before the call returns (K3): a
//!   process killed at any moment leaves the old state or the new one. WAL with
//!   `synchronous = NORMAL` keeps every committed transaction across a process
//!   kill; a power cut may lose the last ones, never the file's consistency.
//! - Change detection: `PRAGMA data_version` changes when another connection
//!   commits, a counter counts this connection's own commits, and an epoch counts
//!   reopenings; together they are the [`Generation`]. Checking it reads no table.
//!   Even that pragma costs a read transaction (microseconds, many times a
//!   render), so a cheaper check comes first: every commit in WAL mode rewrites
//!   the WAL-index header at the start of the `-shm` file (its change counter,
//!   frame count and salts; sqlite.org/walformat.html, "The WAL-Index Header").
//!   While those 48 bytes and this store's own commit count are what they were at
//!   the last pragma, nothing was committed since, and the last generation stands.
//! - Locks: no call leaves a transaction open. An idle WAL connection still holds
//!   a shared lock on the file (and the `-shm` file), which iOS punishes in a
//!   suspended app (0xdead10cc): [`Store::suspend`] closes the connection, and
//!   until [`Store::resume`] each call opens its own and closes it before returning.
//! - A file SQLite cannot read as a database is moved aside with its `-wal` and
//!   `-shm`, never emptied; the error says where it went.

mod header;
mod queue;

use super::schema;
use super::{
    AccountState, Claim, ConversationKey, DeviceState, Finish, Generation, PendingWork, Receipt,
    ReceiptRecord, Snapshot, Store, StoreError, REMEMBERED_MESSAGE_IDS, UNKNOWN_ACCOUNT,
};
use crate::model::{
    AccountPushSettings, ConversationReceiveOption, DoNotDisturbWindow, OfflinePushSettings,
    OfflinePushToken, PushLocale, PushTokenValue, ReceiveOption, SessionState, SettingsChange, SyncStatus,
};
use parking_lot::Mutex;
use rusqlite::config::DbConfig;
use rusqlite::{
    params, Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The store's file name inside the directory the app gives.
pub const STORE_FILE_NAME: &str = "offline-push.sqlite3";

/// How often `record_receipt` drops the ids beyond the last 1,000 of an account.
const PRUNE_EVERY: i64 = 100;

/// How long a write, or an open, waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest pause between two tries of an open that found the file locked.
const BUSY_RETRY_MAX: Duration = Duration::from_millis(20);

/// The `-wal` file is cut back to this size after a checkpoint.
const WAL_SIZE_LIMIT: i64 = 1 << 20;

#[derive(Debug)]
struct Connected {
    conn: Option<Connection>,
    suspended: bool,
    /// The `-shm` file mapped read-only, and what its header said at the last
    /// `PRAGMA data_version`, with the generation that pragma gave.
    wal_index: Option<Arc<WalIndex>>,
    checked: Option<([u32; WAL_HEADER_WORDS], Generation)>,
}

/// The WAL-index header is 48 bytes, 12 words; SQLite writes it at every commit.
const WAL_HEADER_WORDS: usize = 12;

/// A read-only mapping of the start of the `-shm` file. A mapping takes no lock.
///
/// Its file descriptor stays open for as long as that file is the `-shm` file
/// at its path, and every store of this process on that file shares it: closing
/// *any* descriptor of a file drops every POSIX lock the process holds on it
/// (fcntl's rule; sqlite.org/howtocorrupt.html §2.2), SQLite's own locks on the
/// `-shm` included. Without them another process opening the store takes the
/// `-shm` for abandoned and truncates it: under SQLite's feet, and under this
/// mapping (SIGBUS). A descriptor is closed only once the path names another
/// file: SQLite deletes a `-shm` only when no connection anywhere has it open.
#[derive(Debug)]
struct WalIndex {
    map: memmap2::Mmap,
    _file: std::fs::File,
    /// The file's device and inode.
    id: (u64, u64),
}

impl WalIndex {
    fn open(db: &Path) -> Option<Arc<Self>> {
        use std::os::unix::fs::MetadataExt;
        static OPEN: Mutex<Vec<(PathBuf, Arc<WalIndex>)>> = Mutex::new(Vec::new());
        let path = PathBuf::from(format!("{}-shm", db.display()));
        let at_path = std::fs::metadata(&path).ok()?;
        let id = (at_path.dev(), at_path.ino());
        let mut open = OPEN.lock();
        let slot = open.iter().position(|(p, _)| *p == path);
        if let Some(index) = slot.map(|i| &open[i].1).filter(|index| index.id == id) {
            return Some(Arc::clone(index));
        }
        if at_path.len() < (WAL_HEADER_WORDS * 4) as u64 {
            return None;
        }
        let file = std::fs::File::open(&path).ok()?;
        let opened = file.metadata().ok()?;
        if (opened.dev(), opened.ino()) != id {
            // Replaced between the two looks; the next check tries again.
            return None;
        }
        // SAFETY: a read-only shared mapping of a file SQLite keeps at least this
        // long while a connection is open (it truncates a `-shm` only when no
        // process holds its lock, and this process holds it while its connection
        // is open: see above); it is only read through atomics below, since other
        // processes write it.
        let map = unsafe { memmap2::MmapOptions::new().len(WAL_HEADER_WORDS * 4).map(&file) }.ok()?;
        let index = Arc::new(Self { map, _file: file, id });
        match slot {
            // The old file is no longer the `-shm`: no connection uses it.
            Some(i) => open[i].1 = Arc::clone(&index),
            None => open.push((path, Arc::clone(&index))),
        }
        Some(index)
    }

    /// The header's words as they are now (a torn read only looks like a change).
    fn header(&self) -> [u32; WAL_HEADER_WORDS] {
        use std::sync::atomic::AtomicU32;
        let words = self.map.as_ptr().cast::<AtomicU32>();
        // SAFETY: the mapping is page-aligned and WAL_HEADER_WORDS * 4 bytes long;
        // AtomicU32 has the layout of u32, and atomic loads are sound on memory
        // another process writes.
        std::array::from_fn(|i| unsafe { &*words.add(i) }.load(Ordering::Acquire))
    }
}

/// See the module documentation.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    /// `open_in_memory`: one connection for the store's life, never closed.
    in_memory: bool,
    connected: Mutex<Connected>,
    /// Counts the connections opened: a new connection's `data_version` starts over.
    epoch: AtomicU64,
    /// This store's own commits, which its connection's `data_version` does not count.
    own_writes: AtomicU64,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `directory`, upgrading an older
    /// schema. A file that is not a readable store is moved aside:
    /// `StoreError::Corrupted` says where, and the next open starts a new store.
    pub fn open(directory: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(directory)?;
        Self::open_at(directory.join(STORE_FILE_NAME), false)
    }

    /// A store in this process's memory, gone with it: the same schema and
    /// queries as on disk, for tests and for apps that keep no state.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::open_at(PathBuf::from(":memory:"), true)
    }

    fn open_at(path: PathBuf, in_memory: bool) -> Result<Self, StoreError> {
        let store = Self {
            path,
            in_memory,
            connected: Mutex::new(Connected {
                conn: None,
                suspended: false,
                wal_index: None,
                checked: None,
            }),
            epoch: AtomicU64::new(0),
            own_writes: AtomicU64::new(0),
        };
        let conn = store.connect()?;
        store.connected.lock().conn = Some(conn);
        Ok(store)
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new connection, the schema brought up to date. A damaged file is moved
    /// aside and a new store, marked as reset (K8), takes its place.
    ///
    /// Opening holds the store's lock file shared, and moving a damaged file
    /// aside holds it exclusively, so no process opens the store between the
    /// damaged file going and the new one, reset, taking its place (it would find
    /// a new store, logged out), and two processes that find the same damage
    /// move it once (the second sees the new store and uses it).
    fn connect(&self) -> Result<Connection, StoreError> {
        if self.in_memory {
            return self.connect_waiting(&mut None, false);
        }
        // Before SQLite opens anything, and before the lock file is made: a file
        // this library refuses is left exactly as it is, its `-wal` and `-shm`
        // included (a WAL connection writes the `-shm` as it reads), and its
        // directory gets nothing.
        let unmarked = matches!(self.refuse_by_header()?, Some(schema::Owner::Unmarked { .. }));
        let lock = self.lock_file()?;
        lock.lock_shared()?;
        let mut opened = None;
        let first = self.connect_waiting(&mut opened, unmarked);
        lock.unlock()?;
        match first {
            Err(StoreError::Sqlite { source, .. }) if is_damaged(&source) => {
                Ok(self.reset(Moved::Unless(opened), &lock)?.0)
            }
            other => other,
        }
    }

    /// K9: refuses, from the file's bytes alone, a store this library must not
    /// open (see `header.rs`); else whose the file is, when it is a database.
    fn refuse_by_header(&self) -> Result<Option<schema::Owner>, StoreError> {
        match header::read(&self.path)? {
            header::Found::Database(found) => Ok(Some(schema::owner(
                found.user_version,
                found.application_id,
                found.schema_empty,
            )?)),
            header::Found::Nothing | header::Found::NotSqlite => Ok(None),
        }
    }

    /// The file whose lock orders opening the store against moving it aside
    /// (`offline-push.sqlite3-lock`; a lock is released when its process dies).
    fn lock_file(&self) -> Result<std::fs::File, StoreError> {
        Ok(std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(format!("{}-lock", self.path.display()))?)
    }

    /// K8, under the exclusive lock: moves the damaged file aside (unless
    /// another process did already), opens the new store in its place and marks
    /// it as reset. Returns it and where the damaged file went.
    fn reset(&self, damaged: Moved<'_>, lock: &std::fs::File) -> Result<(Connection, String), StoreError> {
        lock.lock()?;
        let reset = self.quarantine(damaged).and_then(|moved_to| {
            let conn = self.connect_waiting(&mut None, false)?;
            mark_reset(&conn, &moved_to)?;
            Ok((conn, moved_to))
        });
        lock.unlock()?;
        reset
    }

    /// [`Self::try_connect`], tried again while another process holds a lock it
    /// needs, up to [`BUSY_TIMEOUT`] in all: SQLite's own wait covers a write
    /// transaction, not the first steps of an open (switching to WAL, or a read
    /// that must become a write, fails at once while another connection reads).
    /// `opened`: the file it opened last; `unmarked`: see [`Self::try_connect`].
    fn connect_waiting(&self, opened: &mut Option<FileId>, unmarked: bool) -> Result<Connection, StoreError> {
        let deadline = Instant::now() + BUSY_TIMEOUT;
        let mut pause = Duration::from_millis(1);
        loop {
            match self.try_connect(opened, unmarked) {
                Err(StoreError::Sqlite { source, .. }) if is_busy(&source) && Instant::now() < deadline => {
                    // Jittered, so processes that collided do not collide again.
                    std::thread::sleep(pause.mul_f64(0.5 + fastrand::f64()).min(BUSY_RETRY_MAX));
                    pause = (pause * 2).min(BUSY_RETRY_MAX);
                }
                other => return other,
            }
        }
    }

    /// Opens and checks a connection; `opened` is set to the file it opened, so
    /// that a file found damaged is moved aside only if it is still the one at
    /// the path. `unmarked`: the header showed a store of version 1 or 2, whose
    /// tables must be looked at before anything writes (`schema::Owner`).
    fn try_connect(&self, opened: &mut Option<FileId>, unmarked: bool) -> Result<Connection, StoreError> {
        let failed = |what| move |source| StoreError::Sqlite { what, source };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let mut conn = Connection::open_with_flags(&self.path, flags).map_err(failed("opening the file"))?;
        *opened = file_id(&self.path);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(failed("configuring"))?;
        // The last connection to close folds the WAL into the file and deletes
        // the `-wal` by name: after a damaged file was moved aside under another
        // process's open connection, that name is the new store's WAL.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(failed("configuring"))?;
        // Reading only, before the switch to WAL rewrites the header. Every
        // other owner the header told already; `migrate` checks again under
        // the write lock, for a file changed since.
        if unmarked {
            schema::check_owner(&mut conn)?;
        }
        if self.in_memory {
            schema::migrate(&mut conn)?;
            self.epoch.fetch_add(1, Ordering::SeqCst);
            return Ok(conn);
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(failed("switching to WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::BadValue {
                what: "journal mode (WAL was refused)",
            });
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(failed("configuring"))?;
        // The WAL is kept between connections (above); past this size it is cut
        // back after a checkpoint.
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)
            .map_err(failed("configuring"))?;
        check_pages(&conn)?;
        schema::migrate(&mut conn)?;
        self.epoch.fetch_add(1, Ordering::SeqCst);
        Ok(conn)
    }

    /// Moves the file and its `-wal` and `-shm` aside, side by side, so SQLite
    /// tools can still open the set, and returns where. If the damaged file is
    /// no longer the one at the store's path, another process moved it aside
    /// already (and may have made a new store there): nothing is moved again.
    fn quarantine(&self, damaged: Moved<'_>) -> Result<String, StoreError> {
        let gone = match damaged {
            Moved::Unless(file) => file.is_some() && file_id(&self.path) != file,
            Moved::If(conn) => has_moved(conn),
        };
        if gone {
            return Ok("(moved aside by another process)".to_owned());
        }
        let moved = self.path.with_file_name(format!(
            "offline-push.corrupt-{}-{}.sqlite3",
            now_ms(),
            std::process::id()
        ));
        // The file first: from then on no one opens it at the store's path.
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", self.path.display()));
            let to = PathBuf::from(format!("{}{suffix}", moved.display()));
            match std::fs::rename(&from, &to) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::Io(e)),
            }
        }
        Ok(moved.display().to_string())
    }

    /// Runs `work` on the connection: the open one, or while suspended one
    /// opened for this call and closed before it returns. A connection whose
    /// file another process moved aside (K8) is replaced first. Damage found by
    /// `work` moves the file aside, puts a new store marked as reset in its
    /// place, and fails this call with `Corrupted`.
    fn with_conn<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut connected = self.connected.lock();
        if connected.suspended {
            let mut conn = self.connect()?;
            let out = work(&mut conn);
            return self.after_damage(out, conn);
        }
        if connected.conn.as_ref().is_some_and(has_moved) {
            connected.conn = None;
        }
        if connected.conn.is_none() {
            connected.conn = Some(self.connect()?);
            connected.wal_index = None;
            connected.checked = None;
        }
        let conn = connected.conn.as_mut().expect("just opened");
        let out = work(conn);
        if matches!(&out, Err(StoreError::Sqlite { source, .. }) if is_damaged(source)) {
            let conn = connected.conn.take().expect("just used");
            connected.wal_index = None;
            connected.checked = None;
            return self.after_damage(out, conn);
        }
        out
    }

    /// `out` unless it says the file is damaged: then the file is moved aside,
    /// a new store marked as reset takes its place, and the error says where
    /// the old one went.
    fn after_damage<T>(&self, out: Result<T, StoreError>, conn: Connection) -> Result<T, StoreError> {
        let Err(StoreError::Sqlite { source, .. }) = &out else {
            return out;
        };
        if !is_damaged(source) {
            return out;
        }
        let problem = damage_problem(source);
        let lock = self.lock_file()?;
        let (new, moved_to) = self.reset(Moved::If(&conn), &lock)?;
        drop((conn, new));
        self.epoch.fetch_add(1, Ordering::SeqCst);
        Err(StoreError::Corrupted { problem, moved_to })
    }

    /// One read, as one transaction.
    fn read<T>(
        &self,
        what: &'static str,
        work: impl FnOnce(&Transaction) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        self.with_conn(|conn| {
            let tx = conn
                .transaction()
                .map_err(|source| StoreError::Sqlite { what, source })?;
            let out = work(&tx).map_err(|source| StoreError::Sqlite { what, source })?;
            tx.finish()
                .map_err(|source| StoreError::Sqlite { what, source })?;
            Ok(out)
        })
    }

    /// One write, as one transaction that takes the write lock at once (so a
    /// read-modify-write never loses another process's update), committed
    /// before it returns.
    fn write<T>(
        &self,
        what: &'static str,
        work: impl FnOnce(&Transaction) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let out = self.with_conn(|conn| {
            let failed = |source| StoreError::Sqlite { what, source };
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            let out = work(&tx).map_err(failed)?;
            tx.commit().map_err(failed)?;
            Ok(out)
        })?;
        self.own_writes.fetch_add(1, Ordering::SeqCst);
        Ok(out)
    }
}

/// Errors that mean the file is not a database SQLite can read.
fn is_damaged(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

fn damage_problem(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "not an SQLite database".to_owned(),
        _ => "the database is damaged".to_owned(),
    }
}

/// A file's device and inode.
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// How [`SqliteStore::quarantine`] tells whether the damaged file was moved already.
enum Moved<'a> {
    /// Unless the file at the path is still this one.
    Unless(Option<FileId>),
    /// If this connection's file is no longer at its path.
    If(&'a Connection),
}

/// Errors that mean another connection holds a lock this one needs.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Whether `conn`'s file is no longer the one at its path (renamed or deleted):
/// SQLite's own check, `SQLITE_FCNTL_HAS_MOVED`.
fn has_moved(conn: &Connection) -> bool {
    let mut moved: std::ffi::c_int = 0;
    // SAFETY: the handle is the open connection's, used on this thread only for
    // this call; the file control writes one int through the pointer given.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_HAS_MOVED,
            (&raw mut moved).cast(),
        )
    };
    rc == rusqlite::ffi::SQLITE_OK && moved != 0
}

/// Finds damaged pages when the store opens, instead of at some later call
/// (`PRAGMA quick_check`: every page's structure, not the indexes' agreement
/// with their tables; docs/BENCHMARKS-HISTORY.md, "Opening the store", measures it).
fn check_pages(conn: &Connection) -> Result<(), StoreError> {
    let failed = |source| StoreError::Sqlite {
        what: "checking the file",
        source,
    };
    let verdict: String = conn
        .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
        .map_err(failed)?;
    if verdict == "ok" {
        return Ok(());
    }
    Err(failed(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
        Some("quick_check found damaged pages".to_owned()),
    )))
}

/// Now, in milliseconds since the Unix epoch (the store keeps no clock of its own).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// K8: a store made to replace a damaged one starts in the reset state, unless
/// someone already signed in on it (another process got there first).
fn mark_reset(conn: &Connection, moved_to: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE device SET session_state = 'store_reset', reset_moved_to = ?1, reset_at_ms = ?2
         WHERE id = 1 AND session_state = 'logged_out'",
        params![moved_to, now_ms()],
    )
    .map(drop)
    .map_err(|source| StoreError::Sqlite {
        what: "marking the new store as reset",
        source,
    })
}

/// An enum as the JSON spelling writes it (`c2c`, `receive_not_notify`, ...).
use crate::json::enum_text as text;

/// A token from its three columns (vendor, value, business id), as the device,
/// the queue and the accepted tokens store it; unset unless all three are set.
fn token_from(
    vendor: Option<String>,
    value: Option<String>,
    business_id: Option<i64>,
) -> rusqlite::Result<Option<OfflinePushToken>> {
    Ok(match (vendor, value, business_id) {
        (Some(vendor), Some(value), Some(business_id)) => Some(OfflinePushToken {
            vendor: parse(&vendor, "token vendor")?,
            token: PushTokenValue(value),
            business_id: u64::try_from(business_id).map_err(|_| bad_value("business id"))?,
        }),
        _ => None,
    })
}

/// A token's business id as its INTEGER column holds it.
fn business_id_column(token: &OfflinePushToken) -> i64 {
    i64::try_from(token.business_id).unwrap_or(i64::MAX)
}

/// The enum spelled `value`; a value this library does not write is an error.
fn parse<T: DeserializeOwned>(value: &str, what: &'static str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| bad_value(what))
}

fn bad_value(what: &'static str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.into())
}

fn read_device(tx: &Transaction) -> rusqlite::Result<DeviceState> {
    tx.query_row(
        "SELECT session_state, session_user_id, locale, token_vendor, token_value, token_business_id,
                reset_moved_to, reset_at_ms
         FROM device WHERE id = 1",
        [],
        |row| {
            let state: String = row.get(0)?;
            let session = match (state.as_str(), row.get::<_, Option<String>>(1)?) {
                ("logged_in", Some(user_id)) => SessionState::LoggedIn { user_id },
                ("logged_out", _) => SessionState::LoggedOut,
                ("kicked_offline", _) => SessionState::KickedOffline,
                ("store_reset", _) => SessionState::StoreReset {
                    moved_to: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    reset_at_ms: row.get::<_, Option<i64>>(7)?.unwrap_or_default(),
                },
                _ => return Err(bad_value("session")),
            };
            let locale = parse(&row.get::<_, String>(2)?, "locale")?;
            let token = token_from(row.get(3)?, row.get(4)?, row.get(5)?)?;
            Ok(DeviceState {
                session,
                locale,
                token,
            })
        },
    )
}

fn read_account(tx: &Transaction, user_id: &str) -> rusqlite::Result<AccountState> {
    let settings = tx
        .query_row(
            "SELECT enabled, c2c_sound, group_sound FROM account_settings WHERE user_id = ?1",
            [user_id],
            |row| {
                Ok(OfflinePushSettings {
                    enabled: row.get(0)?,
                    c2c_sound: row.get(1)?,
                    group_sound: row.get(2)?,
                })
            },
        )
        .optional()?;
    let dnd = tx
        .query_row(
            "SELECT start_seconds, duration_seconds, utc_offset_seconds FROM account_dnd WHERE user_id = ?1",
            [user_id],
            |row| {
                Ok(DoNotDisturbWindow {
                    start_seconds: row.get(0)?,
                    duration_seconds: row.get(1)?,
                    utc_offset_seconds: row.get(2)?,
                })
            },
        )
        .optional()?;
    Ok(AccountState { settings, dnd })
}

/// K8: leaving the reset state, the messages received for the unknown account
/// become `to`'s (its ids remembered, its counts added to theirs), or are
/// dropped when no one signs in.
fn hand_over_unknown_account(tx: &Transaction, to: Option<&str>) -> rusqlite::Result<()> {
    if let Some(to) = to {
        tx.execute(
            "INSERT OR IGNORE INTO received_messages (user_id, message_id)
             SELECT ?1, message_id FROM received_messages WHERE user_id = ?2 ORDER BY seq",
            params![to, UNKNOWN_ACCOUNT],
        )?;
        tx.execute(
            "INSERT INTO unread_counts (user_id, conversation_type, conversation_id, count)
             SELECT ?1, conversation_type, conversation_id, count FROM unread_counts WHERE user_id = ?2 AND true
             ON CONFLICT (user_id, conversation_type, conversation_id)
             DO UPDATE SET count = min(count + excluded.count, 4294967295)",
            params![to, UNKNOWN_ACCOUNT],
        )?;
    }
    tx.execute(
        "DELETE FROM received_messages WHERE user_id = ?1",
        [UNKNOWN_ACCOUNT],
    )?;
    tx.execute("DELETE FROM unread_counts WHERE user_id = ?1", [UNKNOWN_ACCOUNT])?;
    Ok(())
}

fn badge_total(tx: &Transaction, user_id: &str) -> rusqlite::Result<u32> {
    let total: i64 = tx.query_row(
        "SELECT coalesce(sum(count), 0) FROM unread_counts WHERE user_id = ?1",
        [user_id],
        |row| row.get(0),
    )?;
    Ok(u32::try_from(total).unwrap_or(u32::MAX))
}

/// Writes one settings value of an account (a local change or a fetched one).
fn write_setting(tx: &Transaction, user_id: &str, change: &SettingsChange) -> rusqlite::Result<()> {
    match change {
        SettingsChange::GlobalSettings { settings } => {
            tx.execute(
                "INSERT INTO account_settings (user_id, enabled, c2c_sound, group_sound) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_id) DO UPDATE SET
                   enabled = excluded.enabled, c2c_sound = excluded.c2c_sound, group_sound = excluded.group_sound",
                params![user_id, settings.enabled, settings.c2c_sound, settings.group_sound],
            )?;
        }
        SettingsChange::DoNotDisturb { window: None } => {
            tx.execute("DELETE FROM account_dnd WHERE user_id = ?1", [user_id])?;
        }
        SettingsChange::DoNotDisturb { window: Some(w) } => {
            tx.execute(
                "INSERT INTO account_dnd (user_id, start_seconds, duration_seconds, utc_offset_seconds)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_id) DO UPDATE SET start_seconds = excluded.start_seconds,
                   duration_seconds = excluded.duration_seconds, utc_offset_seconds = excluded.utc_offset_seconds",
                params![user_id, w.start_seconds, w.duration_seconds, w.utc_offset_seconds],
            )?;
        }
        SettingsChange::ConversationOption {
            conversation_type,
            conversation_id,
            option: ReceiveOption::Receive,
        } => {
            tx.execute(
                "DELETE FROM receive_options WHERE user_id = ?1 AND conversation_type = ?2 AND conversation_id = ?3",
                params![user_id, text(conversation_type), conversation_id],
            )?;
        }
        SettingsChange::ConversationOption {
            conversation_type,
            conversation_id,
            option,
        } => {
            tx.execute(
                "INSERT INTO receive_options (user_id, conversation_type, conversation_id, option)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_id, conversation_type, conversation_id) DO UPDATE SET option = excluded.option",
                params![user_id, text(conversation_type), conversation_id, text(option)],
            )?;
        }
    }
    Ok(())
}

fn read_receive_option(
    tx: &Transaction,
    user_id: &str,
    (kind, id): ConversationKey<'_>,
) -> rusqlite::Result<ReceiveOption> {
    let option: Option<String> = tx
        .query_row(
            "SELECT option FROM receive_options
             WHERE user_id = ?1 AND conversation_type = ?2 AND conversation_id = ?3",
            params![user_id, text(&kind), id],
            |row| row.get(0),
        )
        .optional()?;
    option.map_or(Ok(ReceiveOption::Receive), |o| parse(&o, "receive option"))
}

impl Store for SqliteStore {
    fn generation(&self) -> Result<Generation, StoreError> {
        let mut connected = self.connected.lock();
        if connected.suspended {
            // No connection stays open to notice other processes' commits: every
            // call reads again.
            return Ok(Generation([self.epoch.fetch_add(1, Ordering::SeqCst) + 1, 0, 0]));
        }
        if connected.conn.is_none() {
            connected.conn = Some(self.connect()?);
            connected.checked = None;
            // A new connection may be on a new `-shm`: look again after the pragma.
            connected.wal_index = None;
        }
        let own_writes = self.own_writes.load(Ordering::SeqCst);
        if self.in_memory {
            // No one else can reach this database.
            return Ok(Generation([self.epoch.load(Ordering::SeqCst), 0, own_writes]));
        }
        // The cheap check: no commit since the last pragma, by anyone.
        let header = connected.wal_index.as_deref().map(WalIndex::header);
        if let (Some(header), Some((seen, generation))) = (header, connected.checked) {
            if header == seen && generation.0[2] == own_writes {
                return Ok(generation);
            }
        }
        let conn = connected.conn.as_ref().expect("just opened");
        let data_version = conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut statement| statement.query_row([], |row| row.get::<_, i64>(0)))
            .map_err(|source| StoreError::Sqlite {
                what: "checking for changes",
                source,
            })?;
        let generation = Generation([self.epoch.load(Ordering::SeqCst), data_version as u64, own_writes]);
        if connected.wal_index.is_none() {
            connected.wal_index = WalIndex::open(&self.path);
        }
        // Only a header read before the pragma may vouch for its generation: a
        // commit in between then only sends the next check down this path again.
        connected.checked = header.map(|h| (h, generation));
        Ok(generation)
    }

    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let own_writes = self.own_writes.load(Ordering::SeqCst);
        let suspended = self.connected.lock().suspended;
        let (data_version, device, account) = self.read("reading the state", |tx| {
            let data_version = tx.query_row("PRAGMA data_version", [], |row| row.get::<_, i64>(0))? as u64;
            let device = read_device(tx)?;
            let account = match &device.session {
                SessionState::LoggedIn { user_id } => read_account(tx, user_id)?,
                SessionState::LoggedOut | SessionState::KickedOffline | SessionState::StoreReset { .. } => {
                    AccountState::default()
                }
            };
            Ok((data_version, device, account))
        })?;
        let generation = if suspended {
            Generation([self.epoch.fetch_add(1, Ordering::SeqCst) + 1, 0, 0])
        } else if self.in_memory {
            Generation([self.epoch.load(Ordering::SeqCst), 0, own_writes])
        } else {
            Generation([self.epoch.load(Ordering::SeqCst), data_version, own_writes])
        };
        Ok(Snapshot {
            generation,
            device,
            account,
        })
    }

    fn save_session(&self, session: &SessionState, at_ms: i64) -> Result<(), StoreError> {
        let (state, user_id, reset) = match session {
            SessionState::LoggedIn { user_id } => ("logged_in", Some(user_id.as_str()), None),
            SessionState::LoggedOut => ("logged_out", None, None),
            SessionState::KickedOffline => ("kicked_offline", None, None),
            SessionState::StoreReset {
                moved_to,
                reset_at_ms,
            } => ("store_reset", None, Some((moved_to.as_str(), *reset_at_ms))),
        };
        self.write("saving the session", |tx| {
            let before = read_device(tx)?;
            tx.execute(
                "UPDATE device SET session_state = ?1, session_user_id = ?2,
                   reset_moved_to = ?3, reset_at_ms = ?4 WHERE id = 1",
                params![state, user_id, reset.map(|r| r.0), reset.map(|r| r.1)],
            )?;
            if matches!(before.session, SessionState::StoreReset { .. }) {
                hand_over_unknown_account(tx, user_id)?;
            }
            let token = before.token.as_ref();
            let leaving = match (&before.session, session) {
                (SessionState::LoggedIn { user_id: old }, SessionState::LoggedIn { user_id: new }) => {
                    (old != new).then_some(old)
                }
                (SessionState::LoggedIn { user_id: old }, SessionState::LoggedOut) => Some(old),
                _ => None,
            };
            if let Some(old) = leaving {
                queue::leave(tx, old, token, at_ms)?;
            }
            if let (SessionState::LoggedIn { user_id: new }, Some(token)) = (session, token) {
                queue::enter(tx, new, token, at_ms)?;
            }
            Ok(())
        })
    }

    fn save_locale(&self, locale: PushLocale) -> Result<(), StoreError> {
        self.write("saving the locale", |tx| {
            tx.execute("UPDATE device SET locale = ?1 WHERE id = 1", [text(&locale)])
                .map(drop)
        })
    }

    fn save_token(&self, token: Option<&OfflinePushToken>, at_ms: i64) -> Result<(), StoreError> {
        let vendor = token.map(|t| text(&t.vendor));
        let value = token.map(|t| t.token.0.as_str());
        let business_id = token.map(business_id_column);
        self.write("saving the token", |tx| {
            tx.execute(
                "UPDATE device SET token_vendor = ?1, token_value = ?2, token_business_id = ?3 WHERE id = 1",
                params![vendor, value, business_id],
            )?;
            if let (SessionState::LoggedIn { user_id }, Some(token)) = (read_device(tx)?.session, token) {
                queue::enter(tx, &user_id, token, at_ms)?;
            }
            Ok(())
        })
    }

    fn save_setting(&self, user_id: &str, change: &SettingsChange, at_ms: i64) -> Result<(), StoreError> {
        self.write("saving a setting", |tx| {
            write_setting(tx, user_id, change)?;
            let seq = queue::next_seq(tx)?;
            queue::put(tx, user_id, &queue::Item::of_change(change), seq, at_ms)
        })
    }

    fn receive_option(
        &self,
        user_id: &str,
        conversation: ConversationKey<'_>,
    ) -> Result<ReceiveOption, StoreError> {
        self.read("reading a receive option", |tx| {
            read_receive_option(tx, user_id, conversation)
        })
    }

    fn receive_options(&self, user_id: &str) -> Result<Vec<ConversationReceiveOption>, StoreError> {
        let mut all = self.read("reading receive options", |tx| {
            let mut statement = tx.prepare(
                "SELECT conversation_type, conversation_id, option FROM receive_options WHERE user_id = ?1",
            )?;
            let rows = statement.query_map([user_id], |row| {
                Ok(ConversationReceiveOption {
                    conversation_type: parse(&row.get::<_, String>(0)?, "conversation type")?,
                    conversation_id: row.get(1)?,
                    option: parse(&row.get::<_, String>(2)?, "receive option")?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        all.sort_by(|a, b| {
            (a.conversation_type, &a.conversation_id).cmp(&(b.conversation_type, &b.conversation_id))
        });
        Ok(all)
    }

    fn record_receipt(&self, user_id: &str, receipt: Receipt<'_>) -> Result<ReceiptRecord, StoreError> {
        self.write("recording a received message", |tx| {
            let duplicate = match receipt.message_id {
                Some(message_id) => {
                    let inserted = tx.execute(
                        "INSERT OR IGNORE INTO received_messages (user_id, message_id) VALUES (?1, ?2)",
                        params![user_id, message_id],
                    )?;
                    // Pruning walks the account's last 1,000 ids: done every 100th
                    // receipt, so an account keeps between 1,000 and 1,099 (D8 asks
                    // for at least 1,000).
                    if inserted == 1 && tx.last_insert_rowid() % PRUNE_EVERY == 0 {
                        tx.execute(
                            "DELETE FROM received_messages WHERE user_id = ?1 AND seq <
                               (SELECT seq FROM received_messages WHERE user_id = ?1
                                ORDER BY seq DESC LIMIT 1 OFFSET ?2)",
                            params![user_id, REMEMBERED_MESSAGE_IDS - 1],
                        )?;
                    }
                    inserted == 0
                }
                None => false,
            };
            if let (false, Some((kind, id))) = (duplicate, receipt.counts_toward) {
                tx.execute(
                    "INSERT INTO unread_counts (user_id, conversation_type, conversation_id, count)
                     VALUES (?1, ?2, ?3, 1)
                     ON CONFLICT (user_id, conversation_type, conversation_id)
                     DO UPDATE SET count = min(count + 1, 4294967295)",
                    params![user_id, text(&kind), id],
                )?;
            }
            Ok(ReceiptRecord {
                duplicate,
                badge_total: badge_total(tx, user_id)?,
            })
        })
    }

    fn unread_count(&self, user_id: &str, (kind, id): ConversationKey<'_>) -> Result<u32, StoreError> {
        self.read("reading an unread count", |tx| {
            let count: Option<i64> = tx
                .query_row(
                    "SELECT count FROM unread_counts
                     WHERE user_id = ?1 AND conversation_type = ?2 AND conversation_id = ?3",
                    params![user_id, text(&kind), id],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(count.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)))
        })
    }

    fn save_unread_count(
        &self,
        user_id: &str,
        (kind, id): ConversationKey<'_>,
        count: u32,
    ) -> Result<(), StoreError> {
        self.write("saving an unread count", |tx| {
            if count == 0 {
                tx.execute(
                    "DELETE FROM unread_counts WHERE user_id = ?1 AND conversation_type = ?2 AND conversation_id = ?3",
                    params![user_id, text(&kind), id],
                )?;
            } else {
                tx.execute(
                    "INSERT INTO unread_counts (user_id, conversation_type, conversation_id, count)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (user_id, conversation_type, conversation_id) DO UPDATE SET count = excluded.count",
                    params![user_id, text(&kind), id, count],
                )?;
            }
            Ok(())
        })
    }

    fn badge_total(&self, user_id: &str) -> Result<u32, StoreError> {
        self.read("reading the badge total", |tx| badge_total(tx, user_id))
    }

    fn claim_next(&self, claim: Claim<'_>) -> Result<Option<PendingWork>, StoreError> {
        self.write("claiming pending work", |tx| queue::claim_next(tx, claim))
    }

    fn finish(
        &self,
        work: &PendingWork,
        by: &str,
        outcome: Finish<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.write("recording a sync", |tx| {
            queue::finish(tx, work, by, outcome, now_ms)
        })
    }

    fn sync_status(&self, now_ms: i64) -> Result<SyncStatus, StoreError> {
        self.read("reading the sync status", |tx| queue::status(tx, now_ms))
    }

    fn change_seq(&self) -> Result<i64, StoreError> {
        self.read("reading the change count", |tx| {
            tx.query_row("SELECT change_seq FROM device WHERE id = 1", [], |row| row.get(0))
        })
    }

    fn apply_fetched(
        &self,
        user_id: &str,
        since_seq: i64,
        settings: &AccountPushSettings,
    ) -> Result<(), StoreError> {
        self.write("applying fetched settings", |tx| {
            queue::apply_fetched(tx, user_id, since_seq, settings)
        })
    }

    fn suspend(&self) -> Result<(), StoreError> {
        if self.in_memory {
            // No file, no lock; closing would lose everything.
            return Ok(());
        }
        let mut connected = self.connected.lock();
        connected.suspended = true;
        connected.wal_index = None;
        connected.checked = None;
        if let Some(conn) = connected.conn.take() {
            conn.close().map_err(|(_, source)| StoreError::Sqlite {
                what: "closing for suspension",
                source,
            })?;
        }
        Ok(())
    }

    fn resume(&self) {
        self.connected.lock().suspended = false;
    }
}

//! How a store opens, in its hardest first minute (docs/RULES.md K8–K10):
//! - K10: the app and its push process open a store at the same instant,
//!   whatever it is (missing, version 1 in each journal mode, current, damaged),
//!   many times, and no open fails (a damaged one is moved aside once, and every
//!   opener ends on the one new store, reset);
//! - K9: a store of a newer version, or another program's SQLite database, is
//!   refused with `store_refused` and left byte for byte, `-wal` and `-shm` included;
//! - K8: damage is found as the store opens, the file is moved aside, and the new
//!   store is reset, not logged out: `receive` goes on, and the next login takes
//!   over what it counted; damage found later fails that call and resets too.
//!
//! The other processes are this test binary again, running one of the
//! `#[ignore]`d `child_*` functions below (they do nothing in a normal run).

mod support;

use offline_push::*;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::store::{child, child_dir, load_fixture, next_said, open, store_file};

fn message(id: &str, from: &str) -> IncomingMessage {
    IncomingMessage {
        message_id: Some(id.into()),
        ..support::c2c_message(from, "hi")
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

// --- K10: simultaneous opens --------------------------------------------------------------

/// Processes opening at once, and rounds per kind of store: 120 opens per kind.
/// (The damaged kind found two races before the lock file: an opener that saw a
/// new store logged out before it was marked as reset, and a second process that
/// moved the new store aside too.)
const OPENERS: usize = 4;
const ROUNDS: usize = 30;

/// What the store is before a round.
#[derive(Clone, Copy, Debug)]
enum Before {
    Missing,
    /// A version-1 store in this journal mode.
    Version1(&'static str),
    Current,
    /// A current store with a damaged page (K8): every opener ends on one reset store.
    Damaged,
}

fn prepare(dir: &Path, before: Before) {
    for entry in std::fs::read_dir(dir).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    match before {
        Before::Missing => {}
        Before::Version1(mode) => {
            load_fixture(dir, 1);
            let conn = rusqlite::Connection::open(store_file(dir)).unwrap();
            let set: String = conn
                .query_row(&format!("PRAGMA journal_mode = {mode}"), [], |row| row.get(0))
                .unwrap();
            assert_eq!(set, mode.to_lowercase());
        }
        Before::Current => drop(open(dir).unwrap()),
        Before::Damaged => {
            healthy_store(dir, 30);
            damage_received_messages(dir);
        }
    }
}

/// K10: every open of every round succeeds and finds what the store held; the
/// processes start each round at the same wall-clock millisecond.
#[test]
fn k10_simultaneous_opens_of_a_missing_old_or_current_store_never_fail() {
    let dir = tempfile::tempdir().unwrap();
    let mut openers: Vec<_> = (0..OPENERS)
        .map(|_| {
            let mut process = child("child_opener", dir.path(), "");
            let stdin = process.stdin.take().unwrap();
            let stdout = BufReader::new(process.stdout.take().unwrap());
            (process, stdin, stdout)
        })
        .collect();
    let mut failures = Vec::new();
    let kinds = [
        Before::Missing,
        Before::Version1("DELETE"),
        Before::Version1("TRUNCATE"),
        Before::Version1("PERSIST"),
        Before::Version1("WAL"),
        Before::Current,
        Before::Damaged,
    ];
    for before in kinds {
        let expected = match before {
            Before::Version1(_) => "logged_in bob",
            Before::Missing | Before::Current => "logged_out",
            Before::Damaged => "store_reset",
        };
        for round in 0..ROUNDS {
            prepare(dir.path(), before);
            let start_at = now_ms() + 40;
            for (_, stdin, _) in &mut openers {
                writeln!(stdin, "{start_at}").unwrap();
                stdin.flush().unwrap();
            }
            for (_, _, stdout) in &mut openers {
                let answer = next_said(stdout, "open: ");
                if answer != expected {
                    failures.push(format!("{before:?} round {round}: {answer}"));
                }
            }
            // K8: the damaged file is moved aside once, whoever found it first.
            let moved = moved_aside(dir.path()).len();
            if matches!(before, Before::Damaged) && moved != 1 {
                failures.push(format!("{before:?} round {round}: moved aside {moved} times"));
            }
        }
    }
    for (mut process, stdin, _) in openers {
        drop(stdin);
        process.wait().unwrap();
    }
    assert!(
        failures.is_empty(),
        "{} of {} opens failed: {failures:#?}",
        failures.len(),
        kinds.len() * ROUNDS * OPENERS
    );
}

/// Waits for each start time on stdin, opens the store then, and says what it found.
#[test]
#[ignore = "run by k10_simultaneous_opens... as another process"]
fn child_opener() {
    let Some(dir) = child_dir() else { return };
    for line in std::io::stdin().lock().lines() {
        let start_at: u64 = line.unwrap().trim().parse().unwrap();
        let wait = start_at.saturating_sub(now_ms());
        if wait > 2 {
            std::thread::sleep(Duration::from_millis(wait - 2));
        }
        while now_ms() < start_at {
            std::hint::spin_loop();
        }
        let said = match open(&dir).and_then(|m| m.session()) {
            Ok(SessionState::LoggedIn { user_id }) => format!("logged_in {user_id}"),
            Ok(SessionState::LoggedOut) => "logged_out".to_owned(),
            Ok(SessionState::StoreReset { .. }) => "store_reset".to_owned(),
            Ok(other) => format!("{other:?}"),
            Err(e) => format!("error {}: {e}", e.kind()),
        };
        println!("open: {said}");
    }
}

// --- K9: a store this library refuses is left as it was --------------------------------------

/// The store's three files, as bytes (`None`: absent).
fn files(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let path = format!("{}{suffix}", store_file(dir).display());
            let bytes = std::fs::read(&path).ok();
            (path, bytes)
        })
        .collect()
}

/// An SQLite database at the store's path made by "another program": `setup`
/// runs on it; in WAL mode its last transactions stay in the `-wal` (closed
/// without a checkpoint, as a process killed would leave it).
fn database(dir: &Path, wal: bool, setup: &str) {
    let conn = rusqlite::Connection::open(store_file(dir)).unwrap();
    if wal {
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .unwrap();
    }
    conn.execute_batch(setup).unwrap();
}

/// K9: each refused file gives `store_refused`, twice, and every byte of its
/// three files stays as it was.
#[test]
fn k9_a_newer_store_or_another_programs_database_is_refused_and_left_byte_for_byte() {
    let ours = format!("PRAGMA application_id = {};", 0x4f50_7368);
    let cases: Vec<(&str, bool, String, &str)> = vec![
        (
            "a newer version, its data still in the -wal",
            true,
            format!("CREATE TABLE device (id INTEGER); INSERT INTO device VALUES (1); PRAGMA user_version = 5; {ours}"),
            "version 5",
        ),
        (
            "a newer version, checkpointed",
            false,
            format!("CREATE TABLE device (id INTEGER); PRAGMA user_version = 9; {ours}"),
            "version 9",
        ),
        (
            "another program's, with its own application id, in WAL mode",
            true,
            "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine'); PRAGMA application_id = 305419896;"
                .into(),
            "another program",
        ),
        (
            "another program's, no id, version 0, a table",
            false,
            "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');".into(),
            "another program",
        ),
        (
            "another program's, no id, a version this library never wrote without one",
            false,
            "CREATE TABLE notes (body TEXT); PRAGMA user_version = 5;".into(),
            "another program",
        ),
        (
            "another program's, no id, version 1 (as SQLiteOpenHelper writes), without our tables",
            false,
            "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine'); PRAGMA user_version = 1;".into(),
            "another program",
        ),
    ];
    for (name, wal, setup, says) in cases {
        let dir = tempfile::tempdir().unwrap();
        database(dir.path(), wal, &setup);
        let before = files(dir.path());
        if wal {
            assert!(
                before[1].1.as_ref().is_some_and(|w| w.len() > 32),
                "{name}: the -wal holds frames"
            );
        }
        for attempt in 0..2 {
            let error = open(dir.path()).unwrap_err();
            assert_eq!(error.kind(), "store_refused", "{name}: {error}");
            assert!(error.to_string().contains(says), "{name}: {error}");
            assert!(
                files(dir.path()) == before,
                "{name}: the files changed (attempt {attempt})"
            );
        }
    }
}

// --- K8: damage -------------------------------------------------------------------------------

/// A store with bob signed in and `received` messages, closed, then folded
/// into its main file (no WAL frames).
fn healthy_store(dir: &Path, received: usize) {
    let manager = open(dir).unwrap();
    manager.login("bob".into()).unwrap();
    for i in 0..received {
        manager.receive(message(&format!("m{i}"), "alice")).unwrap();
    }
    drop(manager);
    let conn = rusqlite::Connection::open(store_file(dir)).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

/// Overwrites the page where the received message ids start with garbage.
fn damage_received_messages(dir: &Path) {
    let root: i64 = {
        let conn = rusqlite::Connection::open(store_file(dir)).unwrap();
        conn.query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'received_messages'",
            [],
            |row| row.get(0),
        )
        .unwrap()
    };
    let mut bytes = std::fs::read(store_file(dir)).unwrap();
    let page = 4096 * (root as usize - 1);
    bytes[page..page + 4096].fill(0xa5);
    std::fs::write(store_file(dir), bytes).unwrap();
}

fn moved_aside(dir: &Path) -> Vec<PathBuf> {
    let mut moved: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains("corrupt") && name.ends_with(".sqlite3")
        })
        .collect();
    moved.sort();
    moved
}

/// K8: a file that is not a database at all is moved aside as it was, and the
/// manager opens on a new store, reset.
#[test]
fn k8_a_file_that_is_not_a_database_is_moved_aside_and_the_store_opens_reset() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = b"this was never an SQLite database, but it is someone's data".repeat(100);
    std::fs::write(store_file(dir.path()), &garbage).unwrap();

    let manager = open(dir.path()).unwrap();
    let moved = moved_aside(dir.path());
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(std::fs::read(&moved[0]).unwrap(), garbage, "the bytes are kept");
    let SessionState::StoreReset {
        moved_to,
        reset_at_ms,
    } = manager.session().unwrap()
    else {
        panic!("expected StoreReset, got {:?}", manager.session());
    };
    assert_eq!(PathBuf::from(moved_to), moved[0]);
    assert!((reset_at_ms as u64).abs_diff(now_ms()) < 60_000);
}

/// K8: damaged pages are found as the store opens (not at some later call);
/// the reset store is no logout: `receive` shows on the defaults, remembers
/// and counts, and the next login takes that over.
#[test]
fn k8_damaged_pages_are_found_at_open_and_a_reset_store_goes_on_receiving() {
    let dir = tempfile::tempdir().unwrap();
    healthy_store(dir.path(), 300);
    damage_received_messages(dir.path());
    let damaged = std::fs::read(store_file(dir.path())).unwrap();

    let app = open(dir.path()).unwrap();
    let moved = moved_aside(dir.path());
    assert_eq!(moved.len(), 1, "moved at open: {moved:?}");
    assert_eq!(std::fs::read(&moved[0]).unwrap(), damaged);
    assert!(matches!(app.session().unwrap(), SessionState::StoreReset { .. }));
    assert!(!app.is_logged_in().unwrap());

    // The push process, on the same store: it shows, remembers, counts.
    let extension = open(dir.path()).unwrap();
    assert!(matches!(
        extension.session().unwrap(),
        SessionState::StoreReset { .. }
    ));
    let RenderOutcome::Show { notification } = extension.receive(message("m1", "alice")).unwrap() else {
        panic!("K8: a reset store is no logout");
    };
    assert_eq!(notification.badge_count, Some(1));
    assert_eq!(
        extension.receive(message("m1", "alice")).unwrap(),
        RenderOutcome::Suppress {
            reason: SuppressReason::Duplicate
        }
    );
    extension.receive(message("m2", "carol")).unwrap();
    // V1: the account's calls wait for a login.
    let error = app.global_settings().unwrap_err();
    assert_eq!(error.kind(), "not_logged_in");
    assert!(error.to_string().contains("reset"), "{error}");

    // The next login takes over what was received meanwhile.
    app.login("bob".into()).unwrap();
    assert_eq!(app.badge_total().unwrap(), 2);
    assert_eq!(
        extension.receive(message("m2", "carol")).unwrap(),
        RenderOutcome::Suppress {
            reason: SuppressReason::Duplicate
        }
    );
    app.mark_read(ConversationType::C2c, "alice".into()).unwrap();
    app.mark_read(ConversationType::C2c, "carol".into()).unwrap();
    assert_eq!(app.badge_total().unwrap(), 0);
    // What the old store held stays with it: a restart does not reset again.
    drop((app, extension));
    assert_eq!(
        open(dir.path()).unwrap().session().unwrap(),
        SessionState::LoggedIn {
            user_id: "bob".into()
        }
    );
    assert_eq!(moved_aside(dir.path()).len(), 1);
}

/// K8: leaving the reset state by a logout drops what the unknown account received.
#[test]
fn k8_a_logout_from_a_reset_store_drops_what_it_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(store_file(dir.path()), b"not a database".repeat(10)).unwrap();
    let manager = open(dir.path()).unwrap();
    manager.receive(message("m1", "alice")).unwrap();
    manager.logout().unwrap();
    manager.login("bob".into()).unwrap();
    assert_eq!(manager.badge_total().unwrap(), 0);
    assert!(matches!(
        manager.receive(message("m1", "alice")).unwrap(),
        RenderOutcome::Show { .. }
    ));
}

/// K8: damage that appears while a manager is open fails the call that finds
/// it with `store_corrupted`; the store is then reset, and another manager whose
/// file was moved aside under it writes into the new store, not the old one.
#[test]
fn k8_damage_found_by_a_call_fails_that_call_and_resets_the_store() {
    let dir = tempfile::tempdir().unwrap();
    healthy_store(dir.path(), 300);
    let app = open(dir.path()).unwrap();
    let other = open(dir.path()).unwrap();
    assert!(app.is_logged_in().unwrap() && other.is_logged_in().unwrap());
    damage_received_messages(dir.path());
    // A commit by someone else makes the managers read pages again.
    {
        let conn = rusqlite::Connection::open(store_file(dir.path())).unwrap();
        conn.execute("UPDATE device SET locale = 'en'", []).unwrap();
    }

    let error = app.receive(message("m-new", "alice")).unwrap_err();
    assert_eq!(error.kind(), "store_corrupted", "{error}");
    let moved = moved_aside(dir.path());
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(
        error.to_string().contains(&moved[0].display().to_string()),
        "{error}"
    );
    assert!(matches!(app.session().unwrap(), SessionState::StoreReset { .. }));

    // `other` still has the old file open; its next write lands in the new store.
    other.login("carol".into()).unwrap();
    assert_eq!(
        app.session().unwrap(),
        SessionState::LoggedIn {
            user_id: "carol".into()
        }
    );
    let old =
        rusqlite::Connection::open_with_flags(&moved[0], rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let in_old: Option<String> = old
        .query_row("SELECT session_user_id FROM device", [], |row| row.get(0))
        .unwrap();
    assert_eq!(in_old.as_deref(), Some("bob"), "the moved file is not written to");
}

//! Stores on disk and other processes, for the test files that open a store
//! from several processes (`store.rs`, `store_open.rs`): the other processes are
//! the test binary itself again, running one `#[ignore]`d `child_*` test.

use offline_push::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const DIR_VAR: &str = "OFFLINE_PUSH_TEST_STORE_DIR";
const ROLE_VAR: &str = "OFFLINE_PUSH_TEST_ROLE";

/// A manager for iOS on the store in `dir`.
pub fn open(dir: &Path) -> Result<Arc<OfflinePushManager>, OfflinePushError> {
    OfflinePushManager::new(OfflinePushConfig {
        platform: Platform::Ios,
        store_directory: Some(dir.display().to_string()),
    })
}

/// The store's file in `dir`.
pub fn store_file(dir: &Path) -> PathBuf {
    dir.join(offline_push::store::STORE_FILE_NAME)
}

/// Loads `fixtures/store-vN.sql` into a new store file in `dir`.
pub fn load_fixture(dir: &Path, version: u32) {
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/store-v{version}.sql")),
    )
    .unwrap();
    let conn = rusqlite::Connection::open(store_file(dir)).unwrap();
    conn.execute_batch(&sql).unwrap();
}

/// Runs this test binary as another process, in the ignored test `name`, with
/// `dir` and `role` for [`child_dir`] and [`child_role`].
pub fn child(name: &str, dir: &Path, role: &str) -> Child {
    Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--ignored", "--exact", name, "--nocapture", "--test-threads=1"])
        .env(DIR_VAR, dir)
        .env(ROLE_VAR, role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the test binary runs again as a child")
}

/// What a child said on its next line that says `prefix`: the rest of that line
/// (libtest prints its own lines too, and may start the first one).
pub fn next_said(stdout: &mut impl std::io::BufRead, prefix: &str) -> String {
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            return "the child process ended".into();
        }
        if let Some((_, said)) = line.trim().split_once(prefix) {
            return said.to_owned();
        }
    }
}

/// In a child: the store directory it was given; `None` in a normal test run.
pub fn child_dir() -> Option<PathBuf> {
    std::env::var_os(DIR_VAR).map(PathBuf::from)
}

/// In a child: the role it was given.
pub fn child_role() -> String {
    std::env::var(ROLE_VAR).unwrap_or_default()
}

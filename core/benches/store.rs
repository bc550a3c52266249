//! The store's costs, each beside its baseline in one run (BENCHMARKS.md):
//! `cargo bench -p offline-push --bench store`.
//!
//! - `render` on a store-backed manager whose store did not change, against the
//!   in-memory manager (the goal: at most 1.5x);
//! - `receive` per message (one write transaction), against `render`;
//! - a fresh process that opens the store and renders one message (what the
//!   iOS Notification Service Extension does per push), against a fresh process
//!   that renders it in memory: wall time and peak resident memory (the NSE is
//!   killed at 24 MB; the goal: at most 8 MB);
//! - opening a store as full as an account gets (five accounts of 1,000 received
//!   ids, 100 conversations each with an option and a count): this library's
//!   open (the header and WAL read before SQLite, the owner check, the page check
//!   of K8, the schema) against a bare SQLite open of the same file, and the page
//!   check (`PRAGMA quick_check`) alone;
//! - the stripped release library, SQLite included.
//!
//! The fresh processes are this binary again, started with `--child <what> <dir>`.

#[path = "../tests/support/mod.rs"]
mod support;

use offline_push::*;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 9;

fn open(directory: Option<&Path>) -> Arc<OfflinePushManager> {
    let manager = OfflinePushManager::new(OfflinePushConfig {
        platform: Platform::Ios,
        store_directory: directory.map(|d| d.display().to_string()),
    })
    .expect("the manager opens");
    manager.login("bob".into()).expect("bob signs in");
    manager
}

/// Median over rounds of the mean time per call of `body`.
fn per_call(calls: usize, mut body: impl FnMut(usize)) -> Duration {
    for i in 0..calls {
        body(i); // warm-up
    }
    let mut rounds: Vec<Duration> = (0..ROUNDS)
        .map(|round| {
            let start = Instant::now();
            for i in 0..calls {
                body(round * calls + i);
            }
            start.elapsed() / calls as u32
        })
        .collect();
    rounds.sort();
    rounds[ROUNDS / 2]
}

fn row(what: &str, time: Duration, baseline: Duration) {
    println!(
        "| {what} | {:.2} µs | {:.2}x |",
        time.as_secs_f64() * 1e6,
        time.as_secs_f64() / baseline.as_secs_f64()
    );
}

/// The peak resident set of this process, from /proc (Linux), in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// What a child process does; prints its peak RSS.
fn child(what: &str, dir: &Path) {
    let message = support::group_message();
    match what {
        "store" => {
            let manager = OfflinePushManager::new(OfflinePushConfig {
                platform: Platform::Ios,
                store_directory: Some(dir.display().to_string()),
            })
            .expect("the store opens");
            black_box(manager.render(message).expect("render"));
        }
        "memory" => {
            let manager = open(None);
            black_box(manager.render(message).expect("render"));
        }
        _ => {} // "nothing": the process alone
    }
    println!("peak-rss-kib {}", peak_rss_kib());
}

/// Wall time (median) and peak RSS of `runs` fresh processes doing `what`.
fn fresh_processes(what: &str, dir: &Path, runs: usize) -> (Duration, u64) {
    let exe = std::env::current_exe().expect("this binary");
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(&exe)
            .args(["--child", what])
            .arg(dir)
            .output()
            .expect("the child runs");
        times.push(start.elapsed());
        assert!(out.status.success(), "child {what} failed");
        let text = String::from_utf8_lossy(&out.stdout);
        rss = text
            .lines()
            .find_map(|l| l.strip_prefix("peak-rss-kib "))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
    }
    times.sort();
    (times[runs / 2], rss)
}

fn library_size() -> Option<(u64, u64)> {
    let exe = std::env::current_exe().ok()?;
    let lib = exe.parent()?.parent()?.join("liboffline_push.so");
    let stripped = std::env::temp_dir().join("offline-push-bench-stripped.so");
    let ok = Command::new("strip")
        .arg("-o")
        .arg(&stripped)
        .arg(&lib)
        .status()
        .ok()?
        .success();
    let sizes = ok.then(|| {
        Some((
            std::fs::metadata(&lib).ok()?.len(),
            std::fs::metadata(&stripped).ok()?.len(),
        ))
    });
    let _ = std::fs::remove_file(&stripped);
    sizes.flatten()
}

/// A store as full as accounts get: per account the last 1,000-odd received
/// ids (D8 keeps at least 1,000), 100 conversations with an option and a count.
fn full_store(dir: &Path) -> u64 {
    let manager = open(Some(dir));
    for account in 0..5 {
        manager.login(format!("user-{account}")).unwrap();
        for i in 0..1_050 {
            let message = IncomingMessage {
                message_id: Some(format!("144115233874815003-1632727289-{account}-{i}")),
                ..support::c2c_message(&format!("peer-{}", i % 100), "hi")
            };
            manager.receive(message).unwrap();
        }
        for peer in 0..100 {
            manager
                .set_receive_option(
                    ConversationType::Group,
                    format!("group-{peer}"),
                    ReceiveOption::ReceiveNotNotify,
                )
                .unwrap();
        }
    }
    drop(manager);
    let file = dir.join(offline_push::store::STORE_FILE_NAME);
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    std::fs::metadata(&file).unwrap().len()
}

/// Opening a full store: this library's open beside a bare SQLite one.
fn opening() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let size = full_store(dir.path());
    let file = dir.path().join(offline_push::store::STORE_FILE_NAME);
    let bare = per_call(200, |_| {
        let conn = rusqlite::Connection::open(&file).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .unwrap();
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        black_box((mode, version));
    });
    let ours = per_call(200, |_| {
        drop(black_box(store::SqliteStore::open(dir.path()).unwrap()));
    });
    let conn = rusqlite::Connection::open(&file).unwrap();
    let check = per_call(200, |_| {
        let verdict: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).unwrap();
        assert_eq!(verdict, "ok");
    });
    println!();
    println!(
        "| opening a store of {:.0} KiB, 200 opens x {ROUNDS} rounds, median per open | time | ratio |",
        size as f64 / 1024.0
    );
    println!("|---|---|---|");
    row(
        "a bare SQLite open: WAL, the schema version (baseline)",
        bare,
        bare,
    );
    row(
        "`SqliteStore::open`: header and WAL read, owner, page check, schema",
        ours,
        bare,
    );
    row("of which the page check, `PRAGMA quick_check(1)`", check, bare);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, what, dir] = args.as_slice() {
        if flag == "--child" {
            return child(what, Path::new(dir));
        }
    }
    if args.iter().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks what there is; nothing to list apart.
    }

    let dir = tempfile::tempdir().expect("a temporary directory");
    let memory = open(None);
    let stored = open(Some(dir.path()));
    let message = support::group_message();
    assert_eq!(
        memory.render(message.clone()).unwrap(),
        stored.render(message.clone()).unwrap(),
        "both managers render the same"
    );

    println!("| 20,000 calls x {ROUNDS} rounds, median per call | time | ratio |");
    println!("|---|---|---|");
    let in_memory = per_call(20_000, |_| {
        drop(black_box(memory.render(black_box(message.clone()))))
    });
    let on_store = per_call(20_000, |_| {
        drop(black_box(stored.render(black_box(message.clone()))))
    });
    row("`render`, in-memory manager (baseline)", in_memory, in_memory);
    row(
        "`render`, store-backed manager, store unchanged",
        on_store,
        in_memory,
    );
    // A new message id each time: every receive is a first receipt.
    let receive_on = |manager: &OfflinePushManager| {
        per_call(2_000, |i| {
            let message = IncomingMessage {
                message_id: Some(format!("bench-{i}")),
                ..message.clone()
            };
            drop(black_box(manager.receive(message)));
        })
    };
    row(
        "`receive`, store-backed (one write transaction)",
        receive_on(&stored),
        in_memory,
    );
    row("`receive`, in-memory manager", receive_on(&memory), in_memory);

    drop(stored);
    opening();
    println!();
    println!("| a fresh process, median of 15 | wall time | ratio | peak RSS |");
    println!("|---|---|---|---|");
    let (nothing, nothing_rss) = fresh_processes("nothing", dir.path(), 15);
    let (in_memory, memory_rss) = fresh_processes("memory", dir.path(), 15);
    let (on_store, store_rss) = fresh_processes("store", dir.path(), 15);
    for (what, (time, rss)) in [
        ("starts and exits (baseline)", (nothing, nothing_rss)),
        ("renders one message in memory", (in_memory, memory_rss)),
        ("opens the store, renders one message", (on_store, store_rss)),
    ] {
        println!(
            "| {what} | {:.2} ms | {:.2}x | {:.1} MiB |",
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() / nothing.as_secs_f64(),
            rss as f64 / 1024.0
        );
    }
    println!();
    match library_size() {
        Some((full, stripped)) => println!(
            "release liboffline_push.so: {:.2} MiB, stripped {:.2} MiB",
            full as f64 / 1048576.0,
            stripped as f64 / 1048576.0
        ),
        None => println!("release liboffline_push.so: not found next to the bench, or no `strip`"),
    }
}

//! Compile checks of the shipped targets: `cargo check` of the core for each Apple
//! and Android target the packages ship, the target's standard library installed
//! with rustup on first use (rustup keeps it).
//!
//! - Apple: the core uses the system's SQLite there (core/Cargo.toml), so nothing
//!   needs a C compiler and the check is the whole crate graph.
//! - Android: SQLite is compiled in (`bundled`), and its C source needs the NDK's
//!   clang for the target, which a machine without the NDK lacks. The check sets
//!   `LIBSQLITE3_SYS_USE_PKG_CONFIG`, so libsqlite3-sys links instead of compiling:
//!   every Rust line (ours, jni-sys, the `target_os = "android"` paths) is checked
//!   for the ABI; SQLite's C is not, and is compiled by `./dev android`.
//!
//! A target whose standard library the stable channel does not publish here (seen
//! on 2026-12-04: rustup's 1.95.0 manifest marks `aarch64-apple-ios-sim`'s as not
//! available, and the download answers 404) is checked with the nightly toolchain
//! building the standard library from its source (`-Zbuild-std`, rust-src).

use crate::build::cargo;
use crate::process::{open_log, run_logged, stdout_of};
use crate::summary::{Counts, Summary};
use crate::{step, Project, Result};
use std::process::Command;

pub struct Target {
    pub triple: &'static str,
    /// What an app calls it.
    pub shipped_as: &'static str,
    pub sqlite_compiled_in: bool,
}

pub const CHECKED: &[Target] = &[
    Target {
        triple: "aarch64-apple-ios",
        shipped_as: "iOS devices",
        sqlite_compiled_in: false,
    },
    Target {
        triple: "aarch64-apple-ios-sim",
        shipped_as: "the iOS simulator on Apple silicon",
        sqlite_compiled_in: false,
    },
    Target {
        triple: "aarch64-apple-darwin",
        shipped_as: "macOS on Apple silicon",
        sqlite_compiled_in: false,
    },
    Target {
        triple: "aarch64-linux-android",
        shipped_as: "Android arm64-v8a",
        sqlite_compiled_in: true,
    },
    Target {
        triple: "armv7-linux-androideabi",
        shipped_as: "Android armeabi-v7a",
        sqlite_compiled_in: true,
    },
    Target {
        triple: "x86_64-linux-android",
        shipped_as: "Android x86_64",
        sqlite_compiled_in: true,
    },
];

fn installed_targets() -> Result<Vec<String>> {
    let out = stdout_of(Command::new("rustup").args(["target", "list", "--installed"]))?;
    Ok(out.lines().map(str::to_owned).collect())
}

pub fn check_all(project: &Project, summary: &mut Summary) -> Result<()> {
    step("targets: cargo check of the core for the Apple and Android targets");
    let log = open_log(&project.logs().join("targets.log"))?;
    let installed = match installed_targets() {
        Ok(list) => list,
        Err(e) => {
            eprintln!("dev: targets: rustup is needed to install the targets' standard libraries: {e}");
            summary.add("targets", Counts::ONE_FAILED);
            return Ok(());
        }
    };
    let missing: Vec<&str> = CHECKED
        .iter()
        .map(|t| t.triple)
        .filter(|t| !installed.iter().any(|i| i == t))
        .collect();
    // One at a time: rustup adds none of a list when one of them is not published.
    let mut from_source = Vec::new();
    for triple in missing {
        step(&format!("rustup target add {triple}"));
        let added = run_logged(
            Command::new("rustup").args(["target", "add", triple]),
            &log,
            |_| true,
        )?;
        if !added.ok {
            println!("targets: the stable channel has no standard library of {triple} to download: built from source with nightly");
            from_source.push(triple);
        }
    }
    if !from_source.is_empty() {
        step("rustup component add rust-src --toolchain nightly");
        let mut add = Command::new("rustup");
        add.args(["component", "add", "rust-src", "--toolchain", "nightly"]);
        if !run_logged(&mut add, &log, |_| true)?.ok {
            eprintln!(
                "dev: targets: no nightly toolchain with rust-src to build {} from source",
                from_source.join(", ")
            );
        }
    }
    for target in CHECKED {
        let nightly = from_source.contains(&target.triple);
        let mut cmd = if nightly {
            // Not `cargo +nightly`: under `cargo run`, PATH may lead to stable's
            // cargo itself rather than rustup's proxy.
            let mut cmd = Command::new("rustup");
            cmd.args(["run", "nightly", "cargo", "check", "-Zbuild-std=std,panic_abort"]);
            cmd
        } else {
            let mut cmd = cargo();
            cmd.arg("check");
            cmd
        };
        cmd.args([
            "--quiet",
            "-p",
            "offline-push",
            "--lib",
            "--target",
            target.triple,
        ]);
        if target.sqlite_compiled_in {
            cmd.env("LIBSQLITE3_SYS_USE_PKG_CONFIG", "1");
        }
        let logged = run_logged(&mut cmd, &log, |_| true)?;
        let mut notes = Vec::new();
        if target.sqlite_compiled_in {
            notes.push("Rust only: SQLite's C needs the NDK");
        }
        if nightly {
            notes.push("nightly, std from source");
        }
        let note = if notes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", notes.join("; "))
        };
        if logged.ok {
            println!(
                "target check: {} ({}){note}: ok",
                target.triple, target.shipped_as
            );
        } else {
            print!("{}", logged.output);
            println!(
                "target check: {} ({}){note}: FAILED",
                target.triple, target.shipped_as
            );
        }
        summary.add("targets", Counts::of(logged.ok));
    }
    Ok(())
}

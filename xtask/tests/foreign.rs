//! `cargo test` at the top runs the Kotlin and Swift suites too, as `./dev test`
//! does (which runs them itself and leaves this file out): each package's tests,
//! the conformance vectors, the runner's self-check and the build checks, through
//! the toolchains `./dev toolchains` installs or finds. A missing toolchain fails
//! with that command.

use std::sync::Mutex;
use xtask::summary::Summary;
use xtask::toolchains::{self, Mode};
use xtask::{suites, Profile, Project};

/// The library and the generated sources, built once for both languages.
static BUILT: Mutex<bool> = Mutex::new(false);

fn built() -> Project {
    let project = Project::here(Profile::Debug);
    let mut built = BUILT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !*built {
        xtask::build::build(&project).unwrap_or_else(|e| panic!("the build failed: {e}"));
        *built = true;
    }
    project
}

fn assert_good(summary: &Summary, suites: &[&str], log: &str) {
    for name in suites {
        let counts = summary.get(name);
        assert!(counts.is_good(), "{name}: {counts} (its log: build/logs/{log})");
    }
}

#[test]
fn kotlin_tests_vectors_and_build_checks() {
    let project = built();
    toolchains::kotlin(&project, Mode::FindOnly).unwrap_or_else(|e| panic!("{e}"));
    let mut summary = Summary::default();
    suites::kotlin(&project, &mut summary, None, Mode::FindOnly).unwrap();
    assert_good(&summary, &["kotlin", "kotlin-vectors"], "kotlin.log");
}

#[test]
fn swift_tests_vectors_and_build_checks() {
    let project = built();
    toolchains::swift(&project, Mode::FindOnly).unwrap_or_else(|e| panic!("{e}"));
    let mut summary = Summary::default();
    suites::swift(&project, &mut summary, None, Mode::FindOnly).unwrap();
    assert_good(&summary, &["swift", "swift-vectors"], "swift.log");
}

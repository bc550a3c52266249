//! `test`: every suite, one summary line each.
//!
//! - rust: `cargo fmt --check`, clippy, `cargo test` of the workspace (the xtask's
//!   own unit tests included), the vector runner's self-check, and build checks of
//!   what the tests do not run (the fuzz target; the crate as it would be
//!   published).
//! - kotlin, swift: each package's tests (JUnit 5, XCTest), the self-check, and
//!   a build check of the benchmark.
//! - *-vectors: the conformance vectors in each language.
//! - demo: the day of `./dev demo` against its committed transcript, and the
//!   checks of the Android and iOS app projects that need no Android SDK or Xcode.
//! - targets: the core compile-checked for the Apple and Android targets.
//!
//! A step that fails without a test failing (a lint, a compile error) counts as one
//! failure of its suite; a suite that ran nothing fails.

use crate::build::cargo;
use crate::differential;
use crate::jvm::{demo_shared_jar, java, join_classpath, kotlin_jar_over_package};
use crate::process::{open_log, run_logged, show_all, Logged};
use crate::summary::{junit_xml, libtest, runner_line, xctest, Counts, Summary};
use crate::toolchains::{self, Kotlin, Mode, Swift};
use crate::{fail, step, Project, Result};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// The summary lines `./dev test` ends with, in this order.
pub const ALL: &[&str] = &[
    "rust-vectors",
    "kotlin-vectors",
    "swift-vectors",
    "rust",
    "kotlin",
    "swift",
    "demo",
    "targets",
];

/// A runner that cannot fail proves nothing: each must fail exactly the broken
/// cases and scenarios of tests/selfcheck.
pub const SELFCHECK_FAILURES: u64 = 6;

type Log = Arc<Mutex<File>>;

/// The vector folder a runner reads as extra (`OFFLINE_PUSH_EXTRA_VECTORS`),
/// copied into the checkout, where the Swift root can read it too.
pub fn extra_vectors(project: &Project) -> Result<Option<PathBuf>> {
    let Some(given) = std::env::var_os("OFFLINE_PUSH_EXTRA_VECTORS").filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let given = PathBuf::from(given);
    if !given.is_dir() {
        return Err(fail!(
            "OFFLINE_PUSH_EXTRA_VECTORS is not a folder: {}",
            given.display()
        ));
    }
    let copy = project.build_dir().join("extra-vectors");
    if copy.exists() {
        fs::remove_dir_all(&copy)?;
    }
    fs::create_dir_all(&copy)?;
    for entry in fs::read_dir(&given)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            fs::copy(&path, copy.join(path.file_name().expect("a file")))?;
        }
    }
    Ok(Some(copy))
}

fn path_arg(extra: Option<&Path>) -> String {
    extra
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `selfcheck`: the runner's summary must say exactly the self-check's failures.
fn selfcheck(name: &str, logged: &Logged) -> Counts {
    let said = runner_line(&logged.output, name);
    let ok = said.is_some_and(|c| c.failed == SELFCHECK_FAILURES);
    match said {
        Some(c) if ok => println!(
            "selfcheck {name}: ok, the runner fails the {} broken cases and scenarios of tests/selfcheck ({c})",
            SELFCHECK_FAILURES
        ),
        Some(c) => println!(
            "selfcheck {name}: FAILED: expected {SELFCHECK_FAILURES} failed cases and scenarios from tests/selfcheck, got {c}"
        ),
        None => println!("selfcheck {name}: FAILED: the runner printed no summary"),
    }
    Counts::of(ok)
}

/// Something the tests do not run but must keep building counts as one test.
fn build_check(label: &str, log: &Log, cmd: &mut Command) -> Result<Counts> {
    let logged = run_logged(cmd, log, |_| true)?;
    if logged.ok {
        println!("build check: {label}: ok");
    } else {
        print!("{}", logged.output);
        println!("build check: {label}: FAILED");
    }
    Ok(Counts::of(logged.ok))
}

/// A language whose toolchain could not be found or installed: one failure for
/// each of its suites, and why.
fn could_not_run(summary: &mut Summary, lang: &str, suites: &[&'static str], error: &crate::Error) {
    eprintln!("dev: {lang}: {error}");
    for suite in suites {
        summary.add(suite, Counts::ONE_FAILED);
    }
}

/// Tests counted from a report: a command that failed though no test did (a
/// crash, a compile error) counts one failure more.
fn with_exit(mut counts: Counts, ok: bool) -> Counts {
    if !ok && counts.failed == 0 {
        counts += Counts::ONE_FAILED;
    }
    counts
}

/// A step of a suite: its failure counts as one.
fn step_ok(logged: &Logged, what: &str) -> Counts {
    if logged.ok {
        Counts::default()
    } else {
        println!("STEP FAILED: {what}");
        Counts::ONE_FAILED
    }
}

// --- Rust ----------------------------------------------------------------------------

pub fn rust(project: &Project, summary: &mut Summary, extra: Option<&Path>) -> Result<()> {
    step("rust: cargo fmt --check, clippy, cargo test, the crate as published");
    let log = open_log(&project.logs().join("rust.log"))?;
    let mut counts = Counts::default();
    let fmt = run_logged(cargo().args(["fmt", "--all", "--", "--check"]), &log, show_all)?;
    counts += step_ok(&fmt, "cargo fmt --check");
    let clippy = run_logged(
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ]),
        &log,
        show_all,
    )?;
    counts += step_ok(&clippy, "cargo clippy");
    // The foreign suites (xtask/tests/foreign.rs) are what this command runs itself.
    let mut test = cargo();
    test.args(["test", "--workspace", "--exclude", "xtask", "--no-fail-fast"])
        .env("OFFLINE_PUSH_EXTRA_VECTORS", path_arg(extra));
    let tests = run_logged(&mut test, &log, show_all)?;
    counts += libtest(&tests.output).unwrap_or_default();
    counts += step_ok(&tests, "cargo test");
    let own = run_logged(
        cargo().args(["test", "--package", "xtask", "--lib"]),
        &log,
        show_all,
    )?;
    counts += libtest(&own.output).unwrap_or_default();
    counts += step_ok(&own, "cargo test -p xtask (the build entry's own tests)");
    summary.add(
        "rust-vectors",
        runner_line(&tests.output, "rust-vectors").unwrap_or(Counts::ONE_FAILED),
    );

    let mut check = cargo();
    check
        .args(["test", "--quiet", "-p", "offline-push", "--test", "vectors"])
        .env("OFFLINE_PUSH_EXTRA_VECTORS", project.path("tests/selfcheck"));
    counts += selfcheck("rust-vectors", &run_logged(&mut check, &log, |_| true)?);
    // The fuzz target builds on stable too (without coverage); `cargo fuzz run` is the README's.
    counts += build_check(
        "the fuzz target builds (fuzz/)",
        &log,
        cargo()
            .args(["build", "--quiet", "--manifest-path"])
            .arg(project.path("fuzz/Cargo.toml"))
            .arg("--target-dir")
            .arg(project.path("target/fuzz")),
    )?;
    counts += build_check(
        "the crate packages and builds as published (cargo publish --dry-run)",
        &log,
        cargo().args([
            "publish",
            "--dry-run",
            "--allow-dirty",
            "--quiet",
            "-p",
            "offline-push",
        ]),
    )?;
    summary.add("rust", counts);
    Ok(())
}

// --- Kotlin ----------------------------------------------------------------------------

pub fn kotlin(project: &Project, summary: &mut Summary, extra: Option<&Path>, mode: Mode) -> Result<()> {
    step("kotlin: the package's JUnit 5 tests and the vector runner");
    let log = open_log(&project.logs().join("kotlin.log"))?;
    let kotlin = match toolchains::kotlin(project, mode) {
        Ok(k) => k,
        Err(e) => {
            could_not_run(summary, "kotlin", &["kotlin", "kotlin-vectors"], &e);
            return Ok(());
        }
    };
    summary.add(
        "kotlin",
        kotlin_tests(project, &kotlin, &log).unwrap_or_else(|e| {
            eprintln!("dev: kotlin: {e}");
            Counts::ONE_FAILED
        }),
    );
    match kotlin_jar_over_package(
        project,
        &kotlin,
        &log,
        "vectors",
        "tests/kotlin",
        std::slice::from_ref(&kotlin.gson),
    ) {
        Ok((_, classpath)) => {
            let runner = |dir: &Path, extra: &str| {
                let mut cmd = java(project);
                cmd.arg("-cp")
                    .arg(join_classpath(&classpath))
                    .arg("org.offlinepush.vectors.VectorRunnerKt")
                    .arg(dir)
                    .arg(extra);
                cmd
            };
            let trace = project.logs().join("kotlin-vectors.trace");
            let _ = fs::remove_file(&trace);
            let vectors = run_logged(
                runner(&project.path("tests/vectors"), &path_arg(extra)).env(differential::TRACE, &trace),
                &log,
                show_all,
            )?;
            summary.add(
                "kotlin-vectors",
                runner_line(&vectors.output, "kotlin-vectors").unwrap_or(Counts::ONE_FAILED),
            );
            let check = run_logged(&mut runner(&project.path("tests/selfcheck"), ""), &log, |_| true)?;
            summary.add("kotlin", selfcheck("kotlin-vectors", &check));
            summary.add(
                "kotlin",
                kotlin_differential(project, &kotlin, &log, extra, &trace),
            );
        }
        Err(e) => {
            eprintln!("dev: kotlin: {e}");
            summary.add("kotlin-vectors", Counts::ONE_FAILED);
        }
    }
    let bench = "bindings/kotlin/src/bench/kotlin/org/offlinepush/bench";
    let built = kotlin_jar_over_package(project, &kotlin, &log, "bench", bench, &[]);
    println!(
        "build check: the Kotlin benchmark builds: {}",
        if built.is_ok() { "ok" } else { "FAILED" }
    );
    summary.add("kotlin", Counts::of(built.is_ok()));
    Ok(())
}

/// The differential check in Kotlin: the vectors through the unpatched package.
fn kotlin_differential(
    project: &Project,
    kotlin: &Kotlin,
    log: &Log,
    extra: Option<&Path>,
    patched: &Path,
) -> Counts {
    let result = (|| -> Result<bool> {
        let generated = differential::generate(project)?;
        let classpath = differential::kotlin_classpath(project, kotlin, log, &generated)?;
        let trace = project.logs().join("kotlin-vectors-unpatched.trace");
        let _ = fs::remove_file(&trace);
        let mut cmd = java(project);
        cmd.arg("-cp")
            .arg(join_classpath(&classpath))
            .arg("org.offlinepush.vectors.VectorRunnerKt")
            .arg(project.path("tests/vectors"))
            .arg(path_arg(extra))
            .env(differential::TRACE, &trace);
        let logged = run_logged(&mut cmd, log, |_| false)?;
        Ok(differential::verdict("kotlin", patched, &trace, &logged))
    })();
    result.map(Counts::of).unwrap_or_else(|e| {
        println!("differential check: kotlin: FAILED: {e}");
        Counts::ONE_FAILED
    })
}

/// The package's JUnit 5 tests and those of the demo's neutral module
/// (`android-demo/shared`, no `android.*`), counted from the console launcher's
/// XML report.
fn kotlin_tests(project: &Project, kotlin: &Kotlin, log: &Log) -> Result<Counts> {
    let junit = std::slice::from_ref(&kotlin.junit_console);
    let (tests_jar, mut classpath) = kotlin_jar_over_package(
        project,
        kotlin,
        log,
        "offline-push-tests",
        "bindings/kotlin/src/test/kotlin/org/offlinepush",
        junit,
    )?;
    let shared_jar = demo_shared_jar(project, kotlin, log)?;
    let (shared_tests_jar, _) = kotlin_jar_over_package(
        project,
        kotlin,
        log,
        "demo-shared-tests",
        DEMO_SHARED_TESTS,
        &[
            kotlin.junit_console.clone(),
            kotlin.gson.clone(),
            shared_jar.clone(),
        ],
    )?;
    classpath.extend([kotlin.gson.clone(), shared_jar, shared_tests_jar.clone()]);
    let reports = project.logs().join("kotlin-junit");
    if reports.exists() {
        fs::remove_dir_all(&reports)?;
    }
    let mut cmd = java(project);
    cmd.arg("-jar")
        .arg(&kotlin.junit_console)
        .args([
            "--disable-banner",
            "--disable-ansi-colors",
            "--details=tree",
            "--class-path",
        ])
        .arg(join_classpath(&classpath))
        .arg("--scan-class-path")
        .arg(join_classpath(&[tests_jar, shared_tests_jar]))
        .arg("--reports-dir")
        .arg(&reports);
    let logged = run_logged(&mut cmd, log, show_all)?;
    let report = reports.join("TEST-junit-jupiter.xml");
    let xml = fs::read_to_string(&report)
        .map_err(|e| fail!("JUnit wrote no report at {} ({e})", report.display()))?;
    let counts = junit_xml(&xml).map_err(|e| fail!("{}: {e}", report.display()))?;
    Ok(with_exit(counts, logged.ok))
}

const DEMO_SHARED_TESTS: &str = "android-demo/shared/src/test/kotlin/org/offlinepush/demo";

// --- Swift -----------------------------------------------------------------------------

pub fn swift(project: &Project, summary: &mut Summary, extra: Option<&Path>, mode: Mode) -> Result<()> {
    step("swift: the package's XCTest tests and the vector runner");
    let log = open_log(&project.logs().join("swift.log"))?;
    let swift = match toolchains::swift(project, mode) {
        Ok(s) => s,
        Err(e) => {
            could_not_run(summary, "swift", &["swift", "swift-vectors"], &e);
            return Ok(());
        }
    };
    summary.add(
        "swift",
        swift_tests(project, &swift, &log).unwrap_or_else(|e| {
            eprintln!("dev: swift: {e}");
            Counts::ONE_FAILED
        }),
    );
    let runner_dir = project.path("tests/swift");
    let vectors_dir = project.path("tests/vectors").to_string_lossy().into_owned();
    let extra_arg = path_arg(extra);
    let trace = project.logs().join("swift-vectors.trace");
    let _ = fs::remove_file(&trace);
    let mut run = swift.command_with_env(
        project,
        &runner_dir,
        &["run", "--quiet", "swift-vectors", &vectors_dir, &extra_arg],
        &[(differential::TRACE, &trace)],
    );
    let vectors = run_logged(&mut run, &log, show_all)?;
    summary.add(
        "swift-vectors",
        runner_line(&vectors.output, "swift-vectors").unwrap_or(Counts::ONE_FAILED),
    );
    let selfcheck_dir = project.path("tests/selfcheck").to_string_lossy().into_owned();
    let mut check = swift.command(
        project,
        &runner_dir,
        &["run", "--quiet", "swift-vectors", &selfcheck_dir, ""],
    );
    summary.add(
        "swift",
        selfcheck("swift-vectors", &run_logged(&mut check, &log, |_| true)?),
    );
    let differential = (|| -> Result<bool> {
        let generated = differential::generate(project)?;
        let runner = differential::swift_runner(project, &generated)?;
        let unpatched = project.logs().join("swift-vectors-unpatched.trace");
        let _ = fs::remove_file(&unpatched);
        let logged = differential::swift_run(
            project,
            &swift,
            &log,
            &runner,
            &vectors_dir,
            &extra_arg,
            &unpatched,
        )?;
        Ok(differential::verdict("swift", &trace, &unpatched, &logged))
    })();
    summary.add(
        "swift",
        differential.map(Counts::of).unwrap_or_else(|e| {
            println!("differential check: swift: FAILED: {e}");
            Counts::ONE_FAILED
        }),
    );
    summary.add(
        "swift",
        build_check(
            "the Swift benchmark builds",
            &log,
            &mut swift.command(project, &runner_dir, &["build", "--product", "swift-bench"]),
        )?,
    );
    Ok(())
}

/// The package's XCTest tests and those of the iOS demo's neutral package
/// (`ios-demo/shared`, no UIKit), counted from XCTest's per-test lines.
fn swift_tests(project: &Project, swift: &Swift, log: &Log) -> Result<Counts> {
    let mut total = Counts::default();
    for package in ["bindings/swift", "ios-demo/shared"] {
        let mut cmd = swift.command(project, &project.path(package), &["test"]);
        let logged = run_logged(&mut cmd, log, show_all)?;
        let counts = xctest(&logged.output)
            .ok_or_else(|| fail!("swift test in {package} ran no test (log: build/logs/swift.log)"))?;
        total += with_exit(counts, logged.ok);
    }
    Ok(total)
}

// --- the demo ----------------------------------------------------------------------------

/// The day of `./dev demo`, played again and compared with `tests/demo/day.txt`.
fn demo(project: &Project, summary: &mut Summary) {
    step("demo: the day of ./dev demo against tests/demo/day.txt");
    let played = crate::demo::play_day(project, false).and_then(|played| {
        let expected = fs::read_to_string(project.path(crate::demo::EXPECTED))
            .map_err(|e| fail!("cannot read {}: {e}", crate::demo::EXPECTED))?;
        crate::demo::compare(&expected, &played).map_err(|e| {
            fail!(
                "the day differs from {} (the day played is in build/demo/day.txt):\n{e}",
                crate::demo::EXPECTED
            )
        })
    });
    match &played {
        Ok(()) => println!("demo: the day matches {}", crate::demo::EXPECTED),
        Err(e) => eprintln!("dev: demo: {e}"),
    }
    summary.add("demo", Counts::of(played.is_ok()));
    step("demo: the app projects, as far as no Android SDK and no Xcode can check them");
    let checks = crate::apps::android_checks(project)
        .into_iter()
        .chain(crate::apps::apple_checks(project))
        .chain([crate::apps::ios_sources_parse(project)])
        .chain(crate::apps::boundaries(project));
    for (name, result) in checks {
        match &result {
            Ok(()) => println!("app check: {name}: ok"),
            Err(e) => println!("app check: {name}: FAILED: {e}"),
        }
        summary.add("demo", Counts::of(result.is_ok()));
    }
}

// --- all -------------------------------------------------------------------------------

/// Which suites `./dev test` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    All,
    /// One language against the library and sources of the last `./dev build`.
    Kotlin,
    Swift,
    Targets,
    /// The demo's day and the app projects' checks.
    Demo,
}

pub fn run(project: &Project, which: Which) -> Result<bool> {
    fs::create_dir_all(project.logs())?;
    let extra = extra_vectors(project)?;
    let extra = extra.as_deref();
    let mut summary = Summary::default();
    let order: &[&str] = match which {
        Which::Kotlin => {
            kotlin(project, &mut summary, extra, Mode::Install)?;
            &["kotlin-vectors", "kotlin"]
        }
        Which::Swift => {
            swift(project, &mut summary, extra, Mode::Install)?;
            &["swift-vectors", "swift"]
        }
        Which::Targets => {
            crate::targets::check_all(project, &mut summary)?;
            &["targets"]
        }
        Which::Demo => {
            demo(project, &mut summary);
            &["demo"]
        }
        Which::All => {
            match crate::build::build(project) {
                Ok(()) => {
                    rust(project, &mut summary, extra)?;
                    kotlin(project, &mut summary, extra, Mode::Install)?;
                    swift(project, &mut summary, extra, Mode::Install)?;
                    demo(project, &mut summary);
                }
                Err(e) => {
                    eprintln!("dev: the build failed, no test could run: {e}");
                    for name in ALL {
                        summary.add(name, Counts::ONE_FAILED);
                    }
                }
            }
            crate::targets::check_all(project, &mut summary)?;
            ALL
        }
    };
    println!();
    for line in summary.lines(order) {
        println!("{line}");
    }
    Ok(summary.all_good(order))
}

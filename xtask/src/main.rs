//! `cargo xtask` (and `./dev`, which calls it): the project's build entry.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use xtask::process::{open_log, run};
use xtask::suites::{self, Which};
use xtask::toolchains::{self, Mode};
use xtask::{android, apple, build, release, step, Error, Profile, Project, Result};

const USAGE: &str = "\
usage: ./dev COMMAND (or cargo xtask COMMAND)

  demo                 build, then play one day of an Android and an iOS device
                       through the demo backend (real processes, store and HTTP)
  test                 build, generate, run every test (Rust, Kotlin, Swift, vectors,
                       the Apple and Android target checks)
  test kotlin|swift    one language's tests against the last build
  test targets         the Apple and Android compile checks only
  test demo            the demo's day against tests/demo/day.txt, and the app
                       projects' checks, against the last build
  build                the Rust library and the generated Kotlin and Swift sources
  bench [crossing|kotlin|swift]
                       the benchmarks of BENCHMARKS.md (release build)
  toolchains           install (or find) the Kotlin and Swift toolchains
  android              jniLibs/<abi>/ for the AAR (needs ANDROID_NDK_HOME, cargo-ndk)
  xcframework          OfflinePushFFI.xcframework and its zip (needs macOS with Xcode)
  release [--xcframework-zip PATH]
                       check the version, lay out the Swift package an app fetches,
                       publish the AAR when Gradle is here
  version              the one version of the crate and both packages
  crossing-lines       the non-test lines of the crossing's machinery, file by file
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match dispatch(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("dev: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[&str]) -> Result<bool> {
    let debug = Project::here(Profile::Debug);
    match args {
        ["build"] => build::build(&debug).map(|_| true),
        ["test"] => suites::run(&debug, Which::All),
        ["test", "kotlin"] => suites::run(&debug, Which::Kotlin),
        ["test", "swift"] => suites::run(&debug, Which::Swift),
        ["test", "targets"] => suites::run(&debug, Which::Targets),
        ["test", "demo"] => suites::run(&debug, Which::Demo),
        ["demo"] => demo(&debug).map(|_| true),
        ["bench", rest @ ..] => bench(rest).map(|_| true),
        ["toolchains"] => toolchains::install(&debug).map(|_| true),
        ["android"] => android::android(&debug).map(|_| true),
        ["xcframework"] => apple::xcframework(&Project::here(Profile::Release)).map(|_| true),
        ["release"] => release::release(&Project::here(Profile::Release), None).map(|_| true),
        ["release", "--xcframework-zip", zip] => {
            release::release(&Project::here(Profile::Release), Some(PathBuf::from(zip))).map(|_| true)
        }
        ["crossing-lines"] => {
            let (rows, total) = xtask::crossing::count(&debug)?;
            for (file, lines) in rows {
                println!("{lines:>5}  {file}");
            }
            println!("{total:>5}  the crossing's non-test lines");
            Ok(true)
        }
        ["version"] => {
            println!("{}", release::version(&debug)?);
            Ok(true)
        }
        _ => {
            eprint!("{USAGE}");
            Ok(false)
        }
    }
}

fn demo(project: &Project) -> Result<()> {
    xtask::demo::run(project).map(|_| ())
}

/// The figures of BENCHMARKS.md, all from one release build, each beside its baseline.
fn bench(args: &[&str]) -> Result<()> {
    // `bench crossing`: only the Kotlin and Swift benchmarks (with
    // OFFLINE_PUSH_UNPATCHED=1: the generated code as UniFFI writes it, to compare).
    let (only, rest) = match args {
        [which @ ("crossing" | "kotlin" | "swift"), rest @ ..] => (Some(*which), rest),
        rest => (None, rest),
    };
    let mut project = Project::here(Profile::Release);
    build::build(&project)?;
    // The library as it ships, kept apart: `cargo bench` builds it again with the
    // benchmarks' dev-dependency features, into the same place.
    let kept = project.build_dir().join("bench-lib");
    if kept.exists() {
        std::fs::remove_dir_all(&kept)?;
    }
    std::fs::create_dir_all(&kept)?;
    std::fs::copy(project.lib(), kept.join(xtask::shared_library_name()))?;
    project.lib_dir = kept;
    if cfg!(target_os = "linux") {
        step("the release library's size: by section and by origin (scripts/size-report.sh)");
        run(Command::new("bash")
            .arg(project.path("scripts/size-report.sh"))
            .arg(project.lib()))?;
    }
    if only != Some("swift") {
        step("Kotlin: crossing costs through the package, beside the same rules in Kotlin");
        let kotlin = toolchains::kotlin(&project, Mode::Install)?;
        let log = open_log(&project.logs().join("bench-build.log"))?;
        let folder = "bindings/kotlin/src/bench/kotlin/org/offlinepush/bench";
        let (_, classpath) =
            xtask::jvm::kotlin_jar_over_package(&project, &kotlin, &log, "bench", folder, &[])?;
        run(xtask::jvm::java(&project)
            .arg("-cp")
            .arg(std::env::join_paths(&classpath).map_err(|e| Error(e.to_string()))?)
            .arg("org.offlinepush.bench.RenderBenchKt")
            .args(rest))?;
    }
    if only != Some("kotlin") {
        step("Swift: crossing costs through the package, beside the same rules in Swift");
        let swift = toolchains::swift(&project, Mode::Install)?;
        let mut args = vec!["run", "-c", "release", "--quiet", "swift-bench"];
        args.extend_from_slice(rest);
        run(&mut swift.command(&project, &project.path("tests/swift"), &args))?;
    }
    if only.is_some() {
        return Ok(());
    }
    step("criterion: render against a baseline that only builds the output strings");
    run(build::cargo().args(["bench", "-p", "offline-push", "--bench", "render"]))?;
    step("the store: render and receive beside the in-memory manager, fresh processes");
    run(build::cargo().args(["bench", "-p", "offline-push", "--bench", "store"]))?;
    step("payloads: build_vendor_payload per vendor");
    run(build::cargo().args(["bench", "-p", "offline-push", "--bench", "payload"]))
}

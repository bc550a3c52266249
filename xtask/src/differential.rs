//! The differential check: every conformance vector also runs through the Kotlin
//! and Swift packages exactly as UniFFI generates them (none of the crossing's
//! patches), and what each call returned, case by case (the runners' trace), must be
//! identical to what the patched packages returned. So a patch can make a call
//! faster, never different.

use crate::process::{run_logged, Logged};
use crate::toolchains::{Kotlin, Swift};
use crate::{fail, Project, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<fs::File>>;

/// The runners write what each call returned to the file this names.
pub const TRACE: &str = "OFFLINE_PUSH_VECTOR_TRACE";

/// Where the unpatched sources and packages are laid out.
fn root(project: &Project) -> PathBuf {
    project.build_dir().join("unpatched")
}

/// The generated sources without the patches, beside the patched ones.
pub fn generate(project: &Project) -> Result<PathBuf> {
    let out = root(project).join("generated");
    crate::build::generate_into(project, &out, false)?;
    Ok(out)
}

/// The first line where the two traces differ, or Ok when they are the same.
pub fn compare(patched: &str, unpatched: &str) -> std::result::Result<usize, String> {
    let (p, u): (Vec<&str>, Vec<&str>) = (patched.lines().collect(), unpatched.lines().collect());
    for (n, (a, b)) in p.iter().zip(&u).enumerate() {
        if a != b {
            return Err(format!("line {}:\n  patched:   {a}\n  unpatched: {b}", n + 1));
        }
    }
    if p.len() != u.len() {
        return Err(format!(
            "the patched trace has {} lines, the unpatched {}",
            p.len(),
            u.len()
        ));
    }
    Ok(p.len())
}

/// Reads both traces and compares them; says the result on one line.
pub fn verdict(lang: &str, patched: &Path, unpatched: &Path, logged: &Logged) -> bool {
    let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("no trace at {} ({e})", p.display()));
    let result = read(patched).and_then(|p| read(unpatched).and_then(|u| compare(&p, &u)));
    match result {
        Ok(lines) if lines > 0 => {
            println!("differential check: {lang}: the unpatched package returned the same on every vector ({lines} trace lines)");
            true
        }
        Ok(_) => {
            println!("differential check: {lang}: FAILED: the traces are empty");
            false
        }
        Err(e) => {
            let ran = if logged.ok {
                ""
            } else {
                " (the unpatched run failed too)"
            };
            println!("differential check: {lang}: FAILED{ran}: {e}");
            false
        }
    }
}

/// The Kotlin runner over the unpatched package: its jar, and the classpath that runs it.
pub fn kotlin_classpath(
    project: &Project,
    kotlin: &Kotlin,
    log: &Log,
    generated: &Path,
) -> Result<Vec<PathBuf>> {
    let hand_written = project.path("bindings/kotlin/src/main/kotlin/org/offlinepush");
    let sources = vec![
        generated.join("org/offlinepush/offline_push.kt"),
        hand_written.join("PushTokenSecret.kt"),
        hand_written.join("OfflinePushErrorKind.kt"),
    ];
    let jar = root(project).join("kotlin/offline-push.jar");
    if !crate::jvm::kotlin_compile(project, kotlin, log, &jar, &kotlin.classpath(), &sources)? {
        return Err(fail!(
            "the unpatched Kotlin package does not compile (log: build/logs)"
        ));
    }
    let mut classpath = kotlin.classpath();
    classpath.extend([jar, kotlin.gson.clone()]);
    let runner = root(project).join("kotlin/vectors.jar");
    let runner_sources = vec![project.path("tests/kotlin/VectorRunner.kt")];
    if !crate::jvm::kotlin_compile(project, kotlin, log, &runner, &classpath, &runner_sources)? {
        return Err(fail!(
            "the vector runner does not compile over the unpatched package"
        ));
    }
    classpath.push(runner);
    Ok(classpath)
}

/// The Swift runner's package over an unpatched copy of the OfflinePush package,
/// laid out in the checkout (the Swift root sees only the checkout).
pub fn swift_runner(project: &Project, generated: &Path) -> Result<PathBuf> {
    let base = root(project).join("swift");
    let package = base.join("OfflinePush");
    let bindings = project.path("bindings/swift");
    for folder in ["Sources/OfflinePush", "Sources/OfflinePushFFI"] {
        fs::create_dir_all(package.join(folder))?;
    }
    let copy = |from: &Path, to: &str| {
        fs::copy(from, package.join(to)).map_err(|e| fail!("cannot copy {}: {e}", from.display()))
    };
    copy(&bindings.join("Package.swift"), "Package.swift")?;
    for file in ["OfflinePushError+Kind.swift", "PushTokenSecret.swift"] {
        copy(
            &bindings.join("Sources/OfflinePush").join(file),
            &format!("Sources/OfflinePush/{file}"),
        )?;
    }
    for file in ["module.modulemap", "OfflinePushFast.h"] {
        copy(
            &bindings.join("Sources/OfflinePushFFI").join(file),
            &format!("Sources/OfflinePushFFI/{file}"),
        )?;
    }
    copy(
        &generated.join("OfflinePush.swift"),
        "Sources/OfflinePush/OfflinePush.swift",
    )?;
    copy(
        &generated.join("OfflinePushFFI.h"),
        "Sources/OfflinePushFFI/OfflinePushFFI.h",
    )?;
    // Package.swift links ../../target/<profile> when no library folder is given:
    // the xtask always gives one (OFFLINE_PUSH_LIB_DIR).
    let runner = base.join("runner");
    fs::create_dir_all(runner.join("Sources/swift-vectors"))?;
    fs::copy(
        project.path("tests/swift/Sources/swift-vectors/main.swift"),
        runner.join("Sources/swift-vectors/main.swift"),
    )?;
    let manifest = "// swift-tools-version:5.9\n\
        // Written by the xtask (xtask/src/differential.rs): the vector runner over the\n\
        // unpatched package beside it.\n\
        import PackageDescription\n\n\
        let package = Package(\n    name: \"OfflinePushVectorsUnpatched\",\n    platforms: [.macOS(.v10_15)],\n    \
        dependencies: [.package(path: \"../OfflinePush\")],\n    targets: [\n        .executableTarget(\n            \
        name: \"swift-vectors\",\n            dependencies: [.product(name: \"OfflinePush\", package: \"OfflinePush\")],\n            \
        path: \"Sources/swift-vectors\"\n        ),\n    ]\n)\n";
    fs::write(runner.join("Package.swift"), manifest)?;
    Ok(runner)
}

/// Runs `swift run swift-vectors` in the unpatched runner's package with a trace.
pub fn swift_run(
    project: &Project,
    swift: &Swift,
    log: &Log,
    runner: &Path,
    vectors: &str,
    extra: &str,
    trace: &Path,
) -> Result<Logged> {
    let args = ["run", "--quiet", "swift-vectors", vectors, extra];
    let mut cmd = swift.command_with_env(project, runner, &args, &[(TRACE, trace)]);
    run_logged(&mut cmd, log, |_| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_differing_line_is_named() {
        assert_eq!(compare("a\nb\n", "a\nb\n"), Ok(2));
        let e = compare("a\nb\n", "a\nc\n").unwrap_err();
        assert!(
            e.contains("line 2") && e.contains("patched:   b") && e.contains("unpatched: c"),
            "{e}"
        );
        assert!(compare("a\n", "a\nb\n").unwrap_err().contains("1 lines"));
    }
}

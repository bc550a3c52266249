//! Compiling Kotlin and running it on the JVM, for the suites, the demo, the
//! differential check and the benchmarks: each jar compiled only when its sources
//! or classpath changed, over the Kotlin package of this build.

use crate::process::run_logged;
use crate::toolchains::Kotlin;
use crate::{fail, step, Project, Result};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<File>>;

pub fn sources(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| fail!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    Ok(files)
}

pub fn join_classpath(parts: &[PathBuf]) -> String {
    let separator = if cfg!(windows) { ";" } else { ":" };
    parts
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(separator)
}

/// Compiles `sources` into `jar`, only when the sources, the classpath or the
/// jars of this build under it changed (kotlinc takes seconds even for nothing).
pub fn kotlin_compile(
    project: &Project,
    kotlin: &Kotlin,
    log: &Log,
    jar: &Path,
    classpath: &[PathBuf],
    sources: &[PathBuf],
) -> Result<bool> {
    let mut hash = Sha256::new();
    for file in sources
        .iter()
        .chain(classpath.iter().filter(|p| p.starts_with(project.build_dir())))
    {
        hash.update(file.to_string_lossy().as_bytes());
        hash.update(fs::read(file).map_err(|e| fail!("cannot read {}: {e}", file.display()))?);
    }
    hash.update(join_classpath(classpath).as_bytes());
    let stamp = format!("{:x}", hash.finalize());
    let stamp_file = jar.with_extension("jar.sha256");
    if jar.is_file() && fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        return Ok(true);
    }
    step(&format!(
        "kotlinc -> {}",
        jar.strip_prefix(&project.top).unwrap_or(jar).display()
    ));
    let _ = fs::remove_file(jar);
    let _ = fs::remove_file(&stamp_file);
    fs::create_dir_all(jar.parent().expect("a jar in a folder"))?;
    let mut cmd = Command::new(&kotlin.kotlinc);
    cmd.args(["-nowarn", "-cp", &join_classpath(classpath), "-d"])
        .arg(jar)
        .args(sources);
    let logged = run_logged(&mut cmd, log, |line| line.starts_with("warning:"))?;
    if !logged.ok || !jar.is_file() {
        return Ok(false);
    }
    fs::write(&stamp_file, stamp)?;
    Ok(true)
}

/// `java` with the library of this build for both crossings: JNA's
/// (`jna.library.path`) and the fast path's `System.loadLibrary`
/// (`java.library.path`). Without the second, the JVM searches
/// `LD_LIBRARY_PATH`, which `cargo xtask` sets to `target/debug` first: a
/// release benchmark then ran its hot calls through the debug library.
pub fn java(project: &Project) -> Command {
    let mut cmd = Command::new("java");
    cmd.arg(format!("-Djna.library.path={}", project.lib_dir.display()))
        .arg(format!("-Djava.library.path={}", project.lib_dir.display()))
        .arg("-Dfile.encoding=UTF-8");
    cmd
}

/// The Kotlin package as a jar: the generated sources and the hand-written ones.
pub fn kotlin_package_jar(project: &Project, kotlin: &Kotlin, log: &Log) -> Result<PathBuf> {
    let jar = project.build_dir().join("kotlin/offline-push.jar");
    let sources = sources(
        &project.path("bindings/kotlin/src/main/kotlin/org/offlinepush"),
        "kt",
    )?;
    if !kotlin_compile(project, kotlin, log, &jar, &kotlin.classpath(), &sources)? {
        return Err(fail!("the Kotlin package does not compile (log: build/logs)"));
    }
    Ok(jar)
}

/// A jar of `folder`'s sources over the package (the demo, the benchmark, the runner).
pub fn kotlin_jar_over_package(
    project: &Project,
    kotlin: &Kotlin,
    log: &Log,
    name: &str,
    folder: &str,
    more: &[PathBuf],
) -> Result<(PathBuf, Vec<PathBuf>)> {
    let package = kotlin_package_jar(project, kotlin, log)?;
    let mut classpath = kotlin.classpath();
    classpath.push(package);
    classpath.extend_from_slice(more);
    let jar = project.build_dir().join("kotlin").join(format!("{name}.jar"));
    if !kotlin_compile(
        project,
        kotlin,
        log,
        &jar,
        &classpath,
        &sources(&project.path(folder), "kt")?,
    )? {
        return Err(fail!("{folder} does not compile"));
    }
    classpath.push(jar.clone());
    Ok((jar, classpath))
}

/// The Android demo's neutral module: what needs no `android.*`.
pub const DEMO_SHARED: &str = "android-demo/shared/src/main/kotlin/org/offlinepush/demo";

/// The neutral module as a jar (it reads the demo backend's JSON with Gson).
pub fn demo_shared_jar(project: &Project, kotlin: &Kotlin, log: &Log) -> Result<PathBuf> {
    let more = std::slice::from_ref(&kotlin.gson);
    Ok(kotlin_jar_over_package(project, kotlin, log, "demo-shared", DEMO_SHARED, more)?.0)
}

/// The Android device of `./dev demo` on a JVM (`android-demo/device`), over the
/// neutral module: its jar and the classpath that runs it.
pub fn android_device(project: &Project, kotlin: &Kotlin, log: &Log) -> Result<(PathBuf, Vec<PathBuf>)> {
    let shared = demo_shared_jar(project, kotlin, log)?;
    kotlin_jar_over_package(
        project,
        kotlin,
        log,
        "android-device",
        "android-demo/device",
        &[kotlin.gson.clone(), shared],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_loads_this_builds_library_for_jna_and_for_the_fast_path() {
        let project = Project::here(crate::Profile::Release);
        let cmd = java(&project);
        let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let dir = project.lib_dir.display().to_string();
        assert!(args.contains(&format!("-Djna.library.path={dir}")), "{args:?}");
        assert!(args.contains(&format!("-Djava.library.path={dir}")), "{args:?}");
    }
}

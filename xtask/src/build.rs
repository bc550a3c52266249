//! `build`: the Rust library and the binding generator, then the Kotlin and Swift
//! sources generated from the built library and put into the two packages.

use crate::process::run;
use crate::{fail, step, Profile, Project, Result};
use std::fs;
use std::process::Command;

pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

pub fn build(project: &Project) -> Result<()> {
    build_rust(project)?;
    generate(project)
}

pub fn build_rust(project: &Project) -> Result<()> {
    step(&format!(
        "cargo build ({}): the core library and the binding generator",
        project.profile.dir()
    ));
    match project.profile {
        Profile::Debug => {
            run(cargo().args(["build", "--quiet", "-p", "offline-push", "-p", "uniffi-bindgen"]))
        }
        // A release library is built apart: built together, the generator's features
        // of shared crates (uniffi's `cli`) end up in the library too (0.28 MiB of
        // unwinding tables). A debug build does both at once, as the tests do.
        Profile::Release => {
            run(cargo().args(["build", "--quiet", "--release", "-p", "offline-push"]))?;
            run(cargo().args(["build", "--quiet", "--release", "-p", "uniffi-bindgen"]))
        }
    }
}

/// Generates the sources (library mode, `uniffi.toml` in effect), applies the
/// checked patches (bindings/uniffi-bindgen) unless `OFFLINE_PUSH_UNPATCHED` is set,
/// and copies them into `bindings/kotlin` and `bindings/swift`.
pub fn generate(project: &Project) -> Result<()> {
    let out = project.build_dir().join("generated");
    generate_into(
        project,
        &out,
        std::env::var_os("OFFLINE_PUSH_UNPATCHED").is_none(),
    )?;
    let copies = [
        (
            "org/offlinepush/offline_push.kt",
            "bindings/kotlin/src/main/kotlin/org/offlinepush/offline_push.kt",
        ),
        (
            "OfflinePush.swift",
            "bindings/swift/Sources/OfflinePush/OfflinePush.swift",
        ),
        (
            "OfflinePushFFI.h",
            "bindings/swift/Sources/OfflinePushFFI/OfflinePushFFI.h",
        ),
    ];
    for (from, to) in copies {
        fs::copy(out.join(from), project.path(to))
            .map_err(|e| fail!("cannot copy the generated {from} to {to}: {e}"))?;
    }
    Ok(())
}

/// The Kotlin and Swift sources UniFFI generates from the built library, into
/// `out`; with `patch`, the checked patches applied.
pub fn generate_into(project: &Project, out: &std::path::Path, patch: bool) -> Result<()> {
    let bindgen = project
        .path("target")
        .join(project.profile.dir())
        .join("uniffi-bindgen");
    let lib = project
        .path("target")
        .join(project.profile.dir())
        .join(crate::shared_library_name());
    step(&format!(
        "uniffi-bindgen: Kotlin and Swift sources from {}",
        crate::shared_library_name()
    ));
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    run(Command::new(&bindgen)
        .arg("generate")
        .arg(&lib)
        .args(["--language", "kotlin", "--language", "swift", "--config"])
        .arg(project.path("uniffi.toml"))
        .arg("--no-format")
        .arg("--out-dir")
        .arg(out)
        .stdout(std::process::Stdio::null()))?;
    check_generated_names(out)?;
    if patch {
        run(Command::new(&bindgen).arg("patch").arg(out))?;
    }
    Ok(())
}

/// `uniffi.toml` is only in effect if the names are ours: checked, not trusted.
fn check_generated_names(out: &std::path::Path) -> Result<()> {
    let kotlin = fs::read_to_string(out.join("org/offlinepush/offline_push.kt")).map_err(|e| {
        fail!("no generated Kotlin in package org.offlinepush ({e}): uniffi.toml was ignored")
    })?;
    if !kotlin.lines().any(|l| l == "package org.offlinepush") {
        return Err(fail!(
            "the generated Kotlin is not in package org.offlinepush: uniffi.toml was ignored"
        ));
    }
    let swift = fs::read_to_string(out.join("OfflinePush.swift"))?;
    if !swift.contains("canImport(OfflinePushFFI)") {
        return Err(fail!(
            "the generated Swift does not import OfflinePushFFI: uniffi.toml was ignored"
        ));
    }
    Ok(())
}

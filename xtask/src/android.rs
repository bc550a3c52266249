//! `android`: the library for each Android ABI into `bindings/kotlin/src/main/jniLibs`,
//! linked for 16 KB pages (.cargo/config.toml): the AAR's native input. Needs the NDK
//! (`ANDROID_NDK_HOME`, r27 or later) and `cargo install cargo-ndk`.

use crate::build::cargo;
use crate::process::{on_path, run};
use crate::{fail, step, Project, Result};

pub const ABIS: &[&str] = &["arm64-v8a", "armeabi-v7a", "x86_64"];

pub fn android(project: &Project) -> Result<()> {
    if std::env::var_os("ANDROID_NDK_HOME").is_none() {
        return Err(fail!("set ANDROID_NDK_HOME to an Android NDK (r27 or later)"));
    }
    if on_path("cargo-ndk").is_none() {
        return Err(fail!("`cargo install cargo-ndk`, then run again"));
    }
    let out = project.path("bindings/kotlin/src/main/jniLibs");
    step(&format!("cargo ndk: {} -> {}", ABIS.join(" "), out.display()));
    let mut cmd = cargo();
    cmd.arg("ndk");
    for abi in ABIS {
        cmd.args(["-t", abi]);
    }
    run(cmd
        .arg("-o")
        .arg(&out)
        .args(["build", "--release", "-p", "offline-push"]))
}

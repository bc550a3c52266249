//! `xcframework`: OfflinePushFFI.xcframework for iOS devices, the iOS simulator
//! and macOS, zipped with its SwiftPM checksum. Needs a Mac with Xcode (`lipo`,
//! `xcodebuild`, `ditto`); elsewhere it stops with that message.

use crate::build::cargo;
use crate::process::run;
use crate::release::{checksum, XCFRAMEWORK_ZIP};
use crate::{fail, step, Project, Result};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

pub const TARGETS: &[&str] = &[
    "aarch64-apple-ios",
    "aarch64-apple-ios-sim",
    "x86_64-apple-ios",
    "aarch64-apple-darwin",
    "x86_64-apple-darwin",
];

/// The framework's module map: UniFFI's, with the fast path's hand-written header
/// on its own line after the generated one, indented alike.
pub fn module_map(generated: &str) -> Result<String> {
    let mut out = String::new();
    let mut added = false;
    for line in generated.lines() {
        out.push_str(line);
        out.push('\n');
        if line.trim() == "header \"OfflinePushFFI.h\"" {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str("header \"OfflinePushFast.h\"\n");
            added = true;
        }
    }
    if added {
        Ok(out)
    } else {
        Err(fail!(
            "the generated module map has no `header \"OfflinePushFFI.h\"` line to extend"
        ))
    }
}

fn lib(project: &Project, target: &str) -> PathBuf {
    project
        .path("target")
        .join(target)
        .join("release/liboffline_push.a")
}

pub fn xcframework(project: &Project) -> Result<PathBuf> {
    if !cfg!(target_os = "macos") {
        return Err(fail!("the XCFramework needs macOS with Xcode (lipo, xcodebuild); on this machine `./dev test` compile-checks the Apple targets instead"));
    }
    step("rustup targets");
    run(Command::new("rustup").args(["target", "add"]).args(TARGETS))?;
    step(&format!("cargo build --release for {}", TARGETS.join(" ")));
    for target in TARGETS {
        run(cargo().args([
            "build",
            "--release",
            "-p",
            "offline-push",
            "--lib",
            "--target",
            target,
        ]))?;
    }
    run(cargo().args(["build", "--release", "-p", "uniffi-bindgen"]))?;

    step("generate Swift and the C header (library mode, uniffi.toml in effect)");
    let stage = project.build_dir().join("xcframework");
    if stage.exists() {
        fs::remove_dir_all(&stage)?;
    }
    let (gen, headers) = (stage.join("gen"), stage.join("headers"));
    fs::create_dir_all(&headers)?;
    let bindgen = project.path("target/release/uniffi-bindgen");
    run(Command::new(&bindgen)
        .arg("generate")
        .arg(lib(project, "aarch64-apple-darwin"))
        .args(["--language", "swift", "--language", "kotlin", "--config"])
        .arg(project.path("uniffi.toml"))
        .arg("--no-format")
        .arg("--out-dir")
        .arg(&gen))?;
    // The same checked patches as `./dev build` (they patch both languages' files).
    run(Command::new(&bindgen).arg("patch").arg(&gen))?;
    let swift_sources = project.path("bindings/swift/Sources");
    fs::copy(
        gen.join("OfflinePush.swift"),
        swift_sources.join("OfflinePush/OfflinePush.swift"),
    )?;
    fs::copy(gen.join("OfflinePushFFI.h"), headers.join("OfflinePushFFI.h"))?;
    fs::copy(
        swift_sources.join("OfflinePushFFI/OfflinePushFast.h"),
        headers.join("OfflinePushFast.h"),
    )?;
    let generated_map = fs::read_to_string(gen.join("OfflinePushFFI.modulemap"))?;
    // A framework's module map must be called module.modulemap.
    fs::write(headers.join("module.modulemap"), module_map(&generated_map)?)?;

    step("fat libraries for the simulator and macOS");
    let fat = |name: &str, a: &str, b: &str| -> Result<PathBuf> {
        let out = stage.join(name);
        run(Command::new("lipo")
            .arg("-create")
            .arg(lib(project, a))
            .arg(lib(project, b))
            .arg("-output")
            .arg(&out))?;
        Ok(out)
    };
    let sim = fat("libsim.a", "aarch64-apple-ios-sim", "x86_64-apple-ios")?;
    let mac = fat("libmac.a", "aarch64-apple-darwin", "x86_64-apple-darwin")?;

    let framework = stage.join("OfflinePushFFI.xcframework");
    step("xcodebuild -create-xcframework");
    let mut create = Command::new("xcodebuild");
    create.arg("-create-xcframework");
    for library in [lib(project, "aarch64-apple-ios"), sim, mac] {
        create.arg("-library").arg(library).arg("-headers").arg(&headers);
    }
    run(create.arg("-output").arg(&framework))?;
    // Beside Package.swift, where the local package finds it on a Mac.
    let local = project.path("bindings/swift/OfflinePushFFI.xcframework");
    if local.exists() {
        fs::remove_dir_all(&local)?;
    }
    run(Command::new("ditto").arg(&framework).arg(&local))?;

    step(&format!("zip -> {XCFRAMEWORK_ZIP} and its checksum"));
    let zip = stage.join(XCFRAMEWORK_ZIP);
    run(Command::new("ditto")
        .args(["-c", "-k", "--sequesterRsrc", "--keepParent"])
        .arg(&framework)
        .arg(&zip))?;
    let sum = checksum(&zip)?;
    fs::write(
        stage.join(format!("{XCFRAMEWORK_ZIP}.checksum")),
        format!("{sum}\n"),
    )?;
    println!(
        "done: {} (checksum {sum}); `./dev release` lays out the Swift package around it",
        zip.display()
    );
    Ok(zip)
}

/// The path of the generated module map, for the test below.
pub fn generated_module_map(project: &Project) -> PathBuf {
    project.build_dir().join("generated/OfflinePushFFI.modulemap")
}

#[cfg(test)]
mod tests {
    use super::*;

    // What UniFFI 0.32 writes (build/generated/OfflinePushFFI.modulemap), with no
    // newline at the end.
    const GENERATED: &str = "module OfflinePushFFI {\n    header \"OfflinePushFFI.h\"\n    export *\n    use \"Darwin\"\n    use \"_Builtin_stdbool\"\n    use \"_Builtin_stdint\"\n}";

    #[test]
    fn module_map_gets_the_fast_header_on_its_own_line() {
        let map = module_map(GENERATED).unwrap();
        let lines: Vec<&str> = map.lines().collect();
        assert_eq!(lines[0], "module OfflinePushFFI {");
        assert_eq!(lines[1], "    header \"OfflinePushFFI.h\"");
        assert_eq!(lines[2], "    header \"OfflinePushFast.h\"");
        assert_eq!(lines[3], "    export *");
        assert_eq!(lines.last(), Some(&"}"));
        assert!(map.ends_with("}\n"));
        assert_eq!(lines.len(), GENERATED.lines().count() + 1);
        // Braces balance: the map still parses as one module.
        assert_eq!(map.matches('{').count(), map.matches('}').count());
    }

    #[test]
    fn module_map_of_the_last_build_when_there_is_one() {
        let path = generated_module_map(&Project::here(crate::Profile::Debug));
        if let Ok(generated) = fs::read_to_string(path) {
            assert!(module_map(&generated)
                .unwrap()
                .contains("\n    header \"OfflinePushFast.h\"\n"));
        }
    }

    #[test]
    fn a_module_map_without_the_header_is_refused() {
        let err = module_map("module Other {\n    export *\n}").unwrap_err();
        assert!(err.0.contains("OfflinePushFFI.h"));
    }

    #[test]
    fn elsewhere_than_a_mac_it_says_so() {
        if !cfg!(target_os = "macos") {
            let err = xcframework(&Project::here(crate::Profile::Release)).unwrap_err();
            assert!(err.0.contains("macOS"));
        }
    }
}

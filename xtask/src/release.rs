//! `release`: one version for the crate, the Kotlin module and the Swift package,
//! and the Swift package as an app fetches it.
//!
//! What an app depends on needs no Rust tools: the Swift package is laid out with
//! its generated sources and a `binaryTarget` naming the zipped XCFramework by URL
//! and checksum (made by `./dev xcframework` on a Mac), to be pushed as the
//! release's tag of the package repository, the zip attached to the release; the
//! AAR is built by Gradle from `bindings/kotlin` with the generated Kotlin and the
//! jniLibs of `./dev android` compiled in (`maven-publish`).

use crate::{fail, step, Project, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

/// Where the project is published; the release URLs are built from it.
pub const REPOSITORY: &str = "https://github.com/offlinepush/offline-push";
pub const XCFRAMEWORK_ZIP: &str = "OfflinePushFFI.xcframework.zip";

/// The hand-written Swift sources of the package, beside the generated one.
pub const SWIFT_SOURCES: &[&str] = &[
    "OfflinePush.swift",
    "OfflinePushError+Kind.swift",
    "PushTokenSecret.swift",
];

/// `version = "x"` under `[workspace.package]` of the root Cargo.toml.
pub fn cargo_version(manifest: &str) -> Option<String> {
    let mut in_section = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == "[workspace.package]";
        } else if in_section {
            if let Some(value) = assignment(line, "version") {
                return Some(value);
            }
        }
    }
    None
}

/// `version = "x"` at the top level of a Gradle Kotlin script.
pub fn gradle_version(script: &str) -> Option<String> {
    script.lines().find_map(|line| assignment(line, "version"))
}

/// The value of `name = "value"` on one line.
fn assignment(line: &str, name: &str) -> Option<String> {
    let rest = line.strip_prefix(name)?.trim_start().strip_prefix('=')?.trim();
    let value = rest.strip_prefix('"')?.split('"').next()?;
    Some(value.to_owned())
}

/// The newest released version in CHANGELOG.md: the first `## x.y.z` heading.
pub fn changelog_version(changelog: &str) -> Option<String> {
    changelog.lines().find_map(|line| {
        let heading = line.strip_prefix("## ")?;
        let version = heading.split_whitespace().next()?;
        let is_version = version.split('.').count() == 3
            && version
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        is_version.then(|| version.to_owned())
    })
}

/// The version in every place that states one, which must agree.
pub fn versions(project: &Project) -> Result<Vec<(&'static str, String)>> {
    let read = |p: &str| fs::read_to_string(project.path(p)).map_err(|e| fail!("cannot read {p}: {e}"));
    let found = |what: &'static str, v: Option<String>| {
        v.map(|v| (what, v)).ok_or_else(|| fail!("no version in {what}"))
    };
    Ok(vec![
        found(
            "Cargo.toml ([workspace.package])",
            cargo_version(&read("Cargo.toml")?),
        )?,
        found(
            "bindings/kotlin/build.gradle.kts",
            gradle_version(&read("bindings/kotlin/build.gradle.kts")?),
        )?,
        found(
            "CHANGELOG.md (the newest release)",
            changelog_version(&read("CHANGELOG.md")?),
        )?,
        found(
            "bindings/swift/README.md (the binaryTarget line)",
            binary_target_version(&read("bindings/swift/README.md")?),
        )?,
    ])
}

/// The one version, or an error naming the places that disagree.
pub fn version(project: &Project) -> Result<String> {
    let all = versions(project)?;
    let first = all[0].1.clone();
    if all.iter().all(|(_, v)| *v == first) {
        Ok(first)
    } else {
        let list: Vec<String> = all.iter().map(|(w, v)| format!("{w}: {v}")).collect();
        Err(fail!("the versions disagree: {}", list.join("; ")))
    }
}

pub fn zip_url(version: &str) -> String {
    format!("{REPOSITORY}/releases/download/{version}/{XCFRAMEWORK_ZIP}")
}

/// The version in the documented `binaryTarget` URL.
fn binary_target_version(readme: &str) -> Option<String> {
    let prefix = format!("{REPOSITORY}/releases/download/");
    readme.lines().find_map(|line| {
        let at = line.find(&prefix)?;
        let rest = &line[at + prefix.len()..];
        let (version, file) = rest.split_once('/')?;
        file.starts_with(XCFRAMEWORK_ZIP).then(|| version.to_owned())
    })
}

/// SHA-256 of a file in lowercase hex: what `swift package compute-checksum` prints.
pub fn checksum(file: &Path) -> Result<String> {
    let bytes = fs::read(file).map_err(|e| fail!("cannot read {}: {e}", file.display()))?;
    Ok(format!("{:x}", Sha256::digest(bytes)))
}

/// The manifest of the released Swift package: the generated Swift API over the
/// XCFramework, fetched by URL and checked by SwiftPM against the checksum.
pub fn release_manifest(version: &str, checksum: &str) -> String {
    format!(
        r#"// swift-tools-version:5.9
// OfflinePush {version}: laid out by `cargo xtask release`; do not edit.
// The generated Swift API over the Rust core, which comes as an XCFramework.
import PackageDescription

let package = Package(
    name: "OfflinePush",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "OfflinePush", targets: ["OfflinePush"]),
    ],
    targets: [
        .binaryTarget(
            name: "OfflinePushFFI",
            url: "{url}",
            checksum: "{checksum}"
        ),
        .target(
            name: "OfflinePush",
            dependencies: ["OfflinePushFFI"],
            path: "Sources/OfflinePush",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
    ]
)
"#,
        url = zip_url(version)
    )
}

/// Lays out the Swift package an app fetches in `dest`: the manifest, and the
/// sources from `sources` (the generated `OfflinePush.swift` and the hand-written
/// ones), for the XCFramework zip `zip`.
pub fn lay_out_swift_package(dest: &Path, sources: &Path, zip: &Path, version: &str) -> Result<()> {
    if dest.exists() {
        fs::remove_dir_all(dest)?;
    }
    let target = dest.join("Sources/OfflinePush");
    fs::create_dir_all(&target)?;
    for name in SWIFT_SOURCES {
        fs::copy(sources.join(name), target.join(name)).map_err(|e| {
            fail!(
                "cannot copy {} into the release ({e}); `./dev build` generates OfflinePush.swift",
                sources.join(name).display()
            )
        })?;
    }
    fs::write(
        dest.join("Package.swift"),
        release_manifest(version, &checksum(zip)?),
    )?;
    Ok(())
}

/// What a manifest names: each `path:` and the `url:` and `checksum:` of its
/// binary target.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ManifestRefs {
    pub paths: Vec<String>,
    pub url: Option<String>,
    pub checksum: Option<String>,
}

pub fn manifest_refs(manifest: &str) -> ManifestRefs {
    let mut refs = ManifestRefs::default();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with("//") {
            continue;
        }
        let quoted = |key: &str| -> Option<String> {
            let rest = line.strip_prefix(key)?.trim_start().strip_prefix('"')?;
            Some(rest.split('"').next()?.to_owned())
        };
        if let Some(p) = quoted("path:") {
            refs.paths.push(p);
        } else if let Some(u) = quoted("url:") {
            refs.url = Some(u);
        } else if let Some(c) = quoted("checksum:") {
            refs.checksum = Some(c);
        }
    }
    refs
}

/// Checks a laid-out package: every path its manifest names is there with Swift
/// sources in it, its URL is this version's zip, and the checksum is the zip's.
pub fn check_swift_package(dest: &Path, zip: &Path, version: &str) -> Result<()> {
    let manifest = fs::read_to_string(dest.join("Package.swift"))
        .map_err(|e| fail!("{} has no Package.swift: {e}", dest.display()))?;
    let refs = manifest_refs(&manifest);
    if refs.paths.is_empty() {
        return Err(fail!("the manifest names no source path"));
    }
    for path in &refs.paths {
        let dir = dest.join(path);
        let swift_files = fs::read_dir(&dir)
            .map_err(|e| fail!("the manifest names {path}, which is not there ({e})"))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "swift"))
            .count();
        if swift_files != SWIFT_SOURCES.len() {
            return Err(fail!(
                "{path} has {swift_files} Swift files, not {}",
                SWIFT_SOURCES.len()
            ));
        }
    }
    let url = refs
        .url
        .ok_or_else(|| fail!("the manifest has no binary target URL"))?;
    if url != zip_url(version) {
        return Err(fail!(
            "the binary target's URL is {url}, not {}",
            zip_url(version)
        ));
    }
    let expected = checksum(zip)?;
    match refs.checksum {
        Some(c) if c == expected => Ok(()),
        Some(c) => Err(fail!("the manifest's checksum {c} is not the zip's ({expected})")),
        None => Err(fail!("the manifest has no checksum")),
    }
}

/// `./dev release`: the version check, the Swift package laid out around the
/// XCFramework zip (`--xcframework-zip PATH`, or the one `./dev xcframework` made),
/// and the AAR's Maven publication (Gradle, with the jniLibs of `./dev android`).
/// A part whose inputs are not here is named, and the release fails as incomplete.
pub fn release(project: &Project, zip: Option<PathBuf>) -> Result<PathBuf> {
    let version = version(project)?;
    step(&format!("release {version}: every version agrees"));
    let out = project.build_dir().join("release").join(&version);
    fs::create_dir_all(&out)?;
    let mut missing = Vec::new();

    let zip = zip.unwrap_or_else(|| project.build_dir().join("xcframework").join(XCFRAMEWORK_ZIP));
    let jni = project.path("bindings/kotlin/src/main/jniLibs");
    let gradle = crate::process::on_path("gradle").filter(|_| jni.is_dir());
    // Both packages carry the generated sources of one build.
    if zip.is_file() || gradle.is_some() {
        crate::build::build(project)?;
    }
    if zip.is_file() {
        let released_zip = out.join(XCFRAMEWORK_ZIP);
        fs::copy(&zip, &released_zip)?;
        let package = out.join("swift-package");
        step(&format!("the Swift package -> {}", package.display()));
        lay_out_swift_package(
            &package,
            &project.path("bindings/swift/Sources/OfflinePush"),
            &released_zip,
            &version,
        )?;
        check_swift_package(&package, &released_zip, &version)?;
        println!(
            "swift: push {} as tag {version} of the package repository; attach {}",
            package.display(),
            released_zip.display()
        );
    } else {
        missing.push(format!(
            "the Swift package: no XCFramework zip at {} (make it on a Mac with `./dev xcframework`, or give --xcframework-zip PATH)",
            zip.display()
        ));
    }

    let repository = out.join("maven");
    match gradle {
        Some(gradle) => {
            step("the AAR: gradle publishReleasePublicationToReleaseRepository");
            crate::process::run(
                std::process::Command::new(gradle)
                    .arg("-p")
                    .arg(project.path("bindings/kotlin"))
                    .arg(format!("-PreleaseRepository={}", repository.display()))
                    .arg("publishReleasePublicationToReleaseRepository"),
            )?;
            println!("kotlin: the AAR and its POM are in {}", repository.display());
        }
        None => missing.push(format!(
            "the AAR: it needs Gradle with the Android SDK, and the jniLibs of `./dev android` (then \
             `gradle -p bindings/kotlin -PreleaseRepository={} publishReleasePublicationToReleaseRepository`)",
            repository.display()
        )),
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(fail!("release {version} incomplete:\n- {}", missing.join("\n- ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn one_version_for_the_crate_the_aar_and_the_swift_package() {
        let project = Project::here(crate::Profile::Debug);
        let all = versions(&project).unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(version(&project).unwrap(), all[0].1, "{all:?}");
    }

    #[test]
    fn versions_are_read_where_they_are_stated() {
        let cargo = "[workspace]\nmembers = []\n[workspace.package]\nedition = \"2021\"\nversion = \"1.2.3\"\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(cargo_version(cargo).as_deref(), Some("1.2.3"));
        assert_eq!(cargo_version("[package]\nversion = \"1.0.0\"\n"), None);
        assert_eq!(
            gradle_version("group = \"org.offlinepush\"\nversion = \"0.1.0\"\n").as_deref(),
            Some("0.1.0")
        );
        let changelog = "# Changelog\n\n## Unreleased\n\n## 0.2.0 — 2027-01-01\n\n## 0.1.0\n";
        assert_eq!(changelog_version(changelog).as_deref(), Some("0.2.0"));
        assert_eq!(changelog_version("## Unreleased\n## 1.x.0\n"), None);
        let readme = format!(
            "    .binaryTarget(name: \"OfflinePushFFI\", url: \"{}\", checksum: \"…\")",
            zip_url("3.4.5")
        );
        assert_eq!(binary_target_version(&readme).as_deref(), Some("3.4.5"));
    }

    #[test]
    fn the_swift_package_names_only_what_it_has_and_the_zip_it_hashes() {
        let dir = scratch("swift-layout");
        let sources = dir.join("sources");
        fs::create_dir_all(&sources).unwrap();
        for name in SWIFT_SOURCES {
            fs::write(sources.join(name), format!("// {name}\n")).unwrap();
        }
        let zip = dir.join(XCFRAMEWORK_ZIP);
        fs::write(&zip, b"PK\x05\x06 a stand-in for the zip made on a Mac").unwrap();
        let package = dir.join("package");
        lay_out_swift_package(&package, &sources, &zip, "0.1.0").unwrap();
        check_swift_package(&package, &zip, "0.1.0").unwrap();
        let refs = manifest_refs(&fs::read_to_string(package.join("Package.swift")).unwrap());
        assert_eq!(refs.paths, ["Sources/OfflinePush"]);
        assert_eq!(refs.checksum.unwrap(), checksum(&zip).unwrap());

        // A zip that changed after the layout, another version, a missing source:
        fs::write(&zip, b"PK other bytes").unwrap();
        assert!(check_swift_package(&package, &zip, "0.1.0")
            .unwrap_err()
            .0
            .contains("checksum"));
        lay_out_swift_package(&package, &sources, &zip, "0.1.0").unwrap();
        assert!(check_swift_package(&package, &zip, "0.1.1")
            .unwrap_err()
            .0
            .contains("URL"));
        fs::remove_file(package.join("Sources/OfflinePush/PushTokenSecret.swift")).unwrap();
        assert!(check_swift_package(&package, &zip, "0.1.0").is_err());
        fs::remove_dir_all(package.join("Sources")).unwrap();
        assert!(check_swift_package(&package, &zip, "0.1.0")
            .unwrap_err()
            .0
            .contains("not there"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn checksum_is_sha256_in_lowercase_hex() {
        let dir = scratch("checksum");
        let file = dir.join("abc");
        fs::write(&file, b"abc").unwrap();
        assert_eq!(
            checksum(&file).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}

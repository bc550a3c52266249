//! Finding the Kotlin (JVM) and Swift toolchains that test the bindings.
//!
//! A native `swift`, and on macOS a native `kotlinc` with the three jars named by
//! `JNA_JAR`, `JUNIT_CONSOLE_JAR` and `GSON_JAR`, are used as they are. What only
//! Linux needs (packages from Debian, the Kotlin compiler from npm, Swift in a
//! Debian trixie root entered with chroot) is `scripts/toolchains.sh`, which this
//! calls on Linux only.

use crate::process::{describe, on_path, stdout_of};
use crate::{fail, Project, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The one command that installs what is missing.
pub const INSTALL_COMMAND: &str = "./dev toolchains";

/// Whether a missing toolchain may be installed, or only found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Install,
    FindOnly,
}

#[derive(Clone, Debug)]
pub struct Kotlin {
    pub kotlinc: PathBuf,
    /// The compiler's `lib/`: the standard library, coroutines, kotlin-test.
    pub lib: PathBuf,
    pub jna: PathBuf,
    pub junit_console: PathBuf,
    pub gson: PathBuf,
}

impl Kotlin {
    /// What the package and its users compile and run against.
    pub fn classpath(&self) -> Vec<PathBuf> {
        vec![
            self.jna.clone(),
            self.lib.join("kotlin-stdlib.jar"),
            self.lib.join("kotlinx-coroutines-core-jvm.jar"),
            self.lib.join("kotlin-test.jar"),
        ]
    }
}

fn linux_script(project: &Project, mode: Mode) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(project.path("scripts/toolchains.sh"));
    if mode == Mode::FindOnly {
        cmd.env("TOOLCHAINS_NO_INSTALL", INSTALL_COMMAND);
    }
    cmd
}

/// Reads the `NAME=value` lines of `scripts/toolchains.sh kotlin-env`.
pub fn parse_env_lines(text: &str, name: &str) -> Option<PathBuf> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

pub fn kotlin(project: &Project, mode: Mode) -> Result<Kotlin> {
    if cfg!(target_os = "linux") {
        let out = stdout_of(linux_script(project, mode).arg("kotlin-env"))
            .map_err(|e| fail!("the Kotlin toolchain is not ready ({e}); `{INSTALL_COMMAND}` installs it"))?;
        let get = |name: &str| {
            parse_env_lines(&out, name)
                .ok_or_else(|| fail!("scripts/toolchains.sh kotlin-env did not print {name}"))
        };
        return Ok(Kotlin {
            kotlinc: get("KOTLINC")?,
            lib: get("KOTLIN_LIB")?,
            jna: get("JNA_JAR")?,
            junit_console: get("JUNIT_CONSOLE_JAR")?,
            gson: get("GSON_JAR")?,
        });
    }
    native_kotlin()
}

/// macOS and other systems: a `kotlinc` 2.x on PATH (Homebrew's `kotlin`), and the
/// jars from Maven Central named by environment variables.
fn native_kotlin() -> Result<Kotlin> {
    let jar = |var: &str, coordinates: &str| -> Result<PathBuf> {
        let path = std::env::var_os(var)
            .map(PathBuf::from)
            .ok_or_else(|| fail!("set {var} to the jar of {coordinates} (from Maven Central)"))?;
        if path.is_file() {
            Ok(path)
        } else {
            Err(fail!("{var} is {}, which is not a file", path.display()))
        }
    };
    let jna = jar("JNA_JAR", "net.java.dev.jna:jna:5.18.1 or later")?;
    let junit_console = jar(
        "JUNIT_CONSOLE_JAR",
        "org.junit.platform:junit-platform-console-standalone:1.11 or later",
    )?;
    let gson = jar("GSON_JAR", "com.google.code.gson:gson:2.10 or later")?;
    let kotlinc = on_path("kotlinc")
        .ok_or_else(|| fail!("no kotlinc on PATH: install Kotlin 2.x (brew install kotlin)"))?;
    // kotlinc prints its version on stderr: one run, both streams read (a
    // successful run with an empty stdout is not a missing version).
    let out = Command::new(&kotlinc)
        .arg("-version")
        .output()
        .map_err(|e| fail!("`{} -version` failed: {e}", kotlinc.display()))?;
    let version = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if kotlinc_major(&version).is_none_or(|major| major < 2) {
        return Err(fail!(
            "{} is not Kotlin 2.x ({})",
            kotlinc.display(),
            version.trim()
        ));
    }
    let home = std::fs::canonicalize(&kotlinc)?
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or_else(|| fail!("cannot find the home of {}", kotlinc.display()))?;
    let lib = home.join("lib");
    if !lib.join("kotlin-stdlib.jar").is_file() {
        return Err(fail!("{} has no kotlin-stdlib.jar", lib.display()));
    }
    Ok(Kotlin {
        kotlinc,
        lib,
        jna,
        junit_console,
        gson,
    })
}

/// The major version in `info: kotlinc-jvm 2.1.0 (JRE 17...)`.
pub fn kotlinc_major(version_output: &str) -> Option<u32> {
    let after = version_output.split("kotlinc-jvm ").nth(1)?;
    after.split('.').next()?.parse().ok()
}

/// How Swift commands run here.
#[derive(Clone, Debug)]
pub enum Swift {
    /// `swift` on PATH (a Mac, or Linux with swift.org's toolchain).
    Native,
    /// Debian's Swift in a trixie root (`scripts/toolchains.sh swift-exec`).
    LinuxRoot,
}

pub fn swift(project: &Project, mode: Mode) -> Result<Swift> {
    let native = Command::new("swift")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if native {
        return Ok(Swift::Native);
    }
    if !cfg!(target_os = "linux") {
        return Err(fail!(
            "no working swift on PATH: install Xcode or a Swift toolchain"
        ));
    }
    let mut cmd = linux_script(project, mode);
    cmd.arg("swift");
    stdout_of(&mut cmd)
        .map_err(|e| fail!("the Swift toolchain is not ready ({e}); `{INSTALL_COMMAND}` installs it"))?;
    Ok(Swift::LinuxRoot)
}

impl Swift {
    /// `swift ARGS...` in `dir`, linking the Rust library in `lib_dir`
    /// (`Package.swift` reads `OFFLINE_PUSH_LIB_DIR` and records it as an rpath).
    pub fn command(&self, project: &Project, dir: &Path, args: &[&str]) -> Command {
        self.command_with_env(project, dir, args, &[])
    }

    /// `command`, with more environment variables for what `swift` runs.
    pub fn command_with_env(
        &self,
        project: &Project,
        dir: &Path,
        args: &[&str],
        env: &[(&str, &Path)],
    ) -> Command {
        let lib_dir = project.lib_dir.to_string_lossy().into_owned();
        match self {
            Swift::Native => {
                let mut cmd = Command::new("swift");
                cmd.args(args)
                    .current_dir(dir)
                    .env("OFFLINE_PUSH_LIB_DIR", &lib_dir)
                    .envs(env.iter().map(|(k, v)| (*k, *v)));
                cmd
            }
            Swift::LinuxRoot => {
                // The root sees only the checkout, at the same path, and starts
                // with a clean environment: the variable goes through `env`.
                let mut cmd = Command::new("bash");
                cmd.arg(project.path("scripts/toolchains.sh"))
                    .args(["swift-exec", "env"])
                    .arg(format!("OFFLINE_PUSH_LIB_DIR={lib_dir}"))
                    .args(env.iter().map(|(k, v)| format!("{k}={}", v.display())))
                    .arg("swift")
                    .args(args)
                    .current_dir(dir)
                    .env("SWIFT_EXTRA_LD_PATH", &lib_dir);
                cmd
            }
        }
    }
}

impl Swift {
    /// A program `swift build` made, run where Swift programs run (in the Linux
    /// root: the same paths, inside the checkout), in `dir`.
    pub fn exec(&self, project: &Project, dir: &Path, program: &Path) -> Command {
        match self {
            Swift::Native => {
                let mut cmd = Command::new(program);
                cmd.current_dir(dir);
                cmd
            }
            Swift::LinuxRoot => {
                let mut cmd = Command::new("bash");
                cmd.arg(project.path("scripts/toolchains.sh"))
                    .arg("swift-exec")
                    .arg(program)
                    .current_dir(dir);
                cmd
            }
        }
    }
}

/// `./dev toolchains`: installs (or finds) both, and says what it found.
pub fn install(project: &Project) -> Result<()> {
    let kotlin = kotlin(project, Mode::Install)?;
    println!(
        "kotlin: {} (jars: {}, {}, {})",
        kotlin.kotlinc.display(),
        kotlin.jna.display(),
        kotlin.junit_console.display(),
        kotlin.gson.display()
    );
    match swift(project, Mode::Install)? {
        Swift::Native => println!("swift: native, on PATH"),
        Swift::LinuxRoot => {
            let mut cmd = Swift::LinuxRoot.command(project, &project.top, &["--version"]);
            println!("swift: in the Debian root (`{}`)", describe(&cmd));
            crate::process::run(&mut cmd)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_lines_are_read_by_exact_name() {
        let out = "KOTLIN_LIB=/c/lib\nKOTLINC=/c/bin/kotlinc\nGSON_JAR=\n";
        assert_eq!(
            parse_env_lines(out, "KOTLINC"),
            Some(PathBuf::from("/c/bin/kotlinc"))
        );
        assert_eq!(parse_env_lines(out, "KOTLIN_LIB"), Some(PathBuf::from("/c/lib")));
        assert_eq!(parse_env_lines(out, "GSON_JAR"), None);
        assert_eq!(parse_env_lines(out, "JNA_JAR"), None);
    }

    #[test]
    fn kotlinc_versions() {
        assert_eq!(kotlinc_major("info: kotlinc-jvm 2.1.0 (JRE 17.0.15+6)"), Some(2));
        assert_eq!(kotlinc_major("info: kotlinc-jvm 1.3.31 (JRE 17)"), Some(1));
        assert_eq!(kotlinc_major("kotlinc: command not found"), None);
    }
}

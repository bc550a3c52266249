//! The project's build entry: what `./dev` and `cargo xtask` run.
//!
//! `main.rs` reads the command line; each task lives in its own module:
//! [`build`] (the library and the generated sources), [`suites`] (every test, with
//! one summary line per suite read by [`summary`] from each tool's own output),
//! [`targets`] (the Apple and Android compile checks), [`release`] (the version,
//! the Swift package an app fetches), [`apple`] (the XCFramework, on a Mac),
//! [`android`] (the jniLibs, with the NDK), and [`toolchains`] (finding Kotlin and
//! Swift; on Linux installing them through `scripts/toolchains.sh`).

pub mod android;
pub mod apple;
pub mod apps;
pub mod build;
pub mod crossing;
pub mod demo;
pub mod differential;
pub mod jvm;
pub mod names;
pub mod portable;
pub mod process;
pub mod release;
pub mod suites;
pub mod summary;
pub mod targets;
pub mod toolchains;

use std::fmt;
use std::path::{Path, PathBuf};

/// A task that could not go on, with what to do about it.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `bail!`-like: an [`Error`] from a format string.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => { $crate::Error(format!($($arg)*)) };
}

/// Which Cargo profile the library is built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

impl Profile {
    pub fn dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// The checkout and the build this task works on.
#[derive(Clone, Debug)]
pub struct Project {
    pub top: PathBuf,
    pub profile: Profile,
    /// Where the shared library the bindings load is: `target/<profile>` unless
    /// a task keeps a copy apart (the benchmarks).
    pub lib_dir: PathBuf,
}

/// The shared library's file name on the OS this runs on.
pub fn shared_library_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "liboffline_push.dylib"
    } else {
        "liboffline_push.so"
    }
}

impl Project {
    /// The checkout this xtask was built from (it lives in `<top>/xtask`).
    pub fn here(profile: Profile) -> Project {
        let top = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask/ has a parent")
            .to_path_buf();
        Project::at(top, profile)
    }

    pub fn at(top: PathBuf, profile: Profile) -> Project {
        let lib_dir = top.join("target").join(profile.dir());
        Project {
            top,
            profile,
            lib_dir,
        }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.top.join(relative)
    }

    /// `build/`: generated sources, jars, logs; never committed.
    pub fn build_dir(&self) -> PathBuf {
        self.top.join("build")
    }

    pub fn logs(&self) -> PathBuf {
        self.build_dir().join("logs")
    }

    pub fn lib(&self) -> PathBuf {
        self.lib_dir.join(shared_library_name())
    }
}

/// A progress line, as every task prints them.
pub fn step(what: &str) {
    println!("==> {what}");
}

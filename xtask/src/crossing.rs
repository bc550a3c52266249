//! `./dev crossing-lines`: how much machinery the crossing carries (issue 21's
//! measure): the non-test lines of every file that only serves it, in Rust, Kotlin,
//! the C header Swift calls, and the patcher. A Rust file's lines are counted up to
//! its `#[cfg(test)]` module; every line counts, comments and blank ones too.

use crate::{fail, Project, Result};

/// The files of the crossing, as the project has them now.
pub const FILES: &[&str] = &[
    "core/src/ffi/hot_calls.rs",
    "core/src/ffi/fast.rs",
    "core/src/ffi/wire.rs",
    "bindings/kotlin/src/main/kotlin/org/offlinepush/FastPath.kt",
    "bindings/swift/Sources/OfflinePushFFI/OfflinePushFast.h",
    "bindings/uniffi-bindgen/src/main.rs",
    "bindings/uniffi-bindgen/patches/bytes.swift",
    "bindings/uniffi-bindgen/patches/kotlin.edits",
    "bindings/uniffi-bindgen/patches/swift.edits",
];

/// A file's lines before its test module.
pub fn non_test_lines(text: &str) -> usize {
    text.lines().take_while(|l| l.trim() != "#[cfg(test)]").count()
}

/// Each file with its count, and the total.
pub fn count(project: &Project) -> Result<(Vec<(&'static str, usize)>, usize)> {
    let mut rows = Vec::new();
    for file in FILES {
        let text =
            std::fs::read_to_string(project.path(file)).map_err(|e| fail!("cannot read {file}: {e}"))?;
        rows.push((*file, non_test_lines(&text)));
    }
    let total = rows.iter().map(|(_, n)| n).sum();
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_test_module_is_left_out_and_every_file_is_there() {
        assert_eq!(non_test_lines("a\n\nb\n#[cfg(test)]\nmod tests {}\n"), 3);
        assert_eq!(non_test_lines("a\nb\n"), 2);
        let (rows, total) = count(&Project::here(crate::Profile::Debug)).unwrap();
        assert_eq!(rows.len(), FILES.len());
        assert!(rows.iter().all(|(_, n)| *n > 0));
        assert_eq!(total, rows.iter().map(|(_, n)| n).sum::<usize>());
    }
}

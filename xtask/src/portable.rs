//! `./dev` must run on a Mac as it comes: bash 3.2 (or zsh) and BSD tools. It is
//! plain POSIX `sh`, and this module's test reads it for what would break there.

/// What breaks `./dev` on a Mac's shell or tools, and why.
pub const NOT_PORTABLE: &[(&str, &str)] = &[
    ("declare -A", "associative arrays need bash 4"),
    ("typeset -A", "associative arrays need bash 4"),
    ("local -A", "associative arrays need bash 4"),
    ("mapfile", "bash 4"),
    ("readarray", "bash 4"),
    ("coproc", "bash 4"),
    (",,}", "case conversion needs bash 4"),
    ("^^}", "case conversion needs bash 4"),
    ("|&", "bash 4"),
    ("&>>", "bash 4"),
    (";;&", "bash 4"),
    ("[[", "not POSIX sh"),
    ("<(", "process substitution is not POSIX sh"),
    ("$'", "not POSIX sh"),
    ("function ", "not POSIX sh"),
    ("=(", "arrays are not POSIX sh"),
    ("sha256sum", "GNU coreutils; a Mac has shasum -a 256"),
    ("md5sum", "GNU coreutils"),
    ("readlink -f", "GNU before macOS 12.3"),
    ("realpath", "not on older macOS"),
    ("sed -i", "BSD sed's -i takes a suffix argument"),
    ("sed -r", "GNU sed"),
    ("grep -P", "GNU grep"),
    ("stat -c", "GNU stat; BSD stat uses -f"),
    ("date -d", "GNU date"),
    ("timeout ", "GNU coreutils"),
    ("xargs -r", "GNU xargs"),
    ("nproc", "GNU coreutils"),
    ("tac", "GNU coreutils"),
    ("find -printf", "GNU find"),
];

/// Each line (1-based) of `script` that uses something of [`NOT_PORTABLE`],
/// comments left out, and the shebang, which must be `#!/bin/sh`.
pub fn offences(script: &str) -> Vec<String> {
    let mut found = Vec::new();
    if script.lines().next() != Some("#!/bin/sh") {
        found.push("line 1: the shebang is not #!/bin/sh".to_owned());
    }
    for (n, line) in script.lines().enumerate().skip(1) {
        let code = line.trim_start();
        if code.starts_with('#') {
            continue;
        }
        for (pattern, why) in NOT_PORTABLE {
            if code.contains(pattern) {
                found.push(format!("line {}: `{pattern}`: {why}", n + 1));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Profile, Project};
    use std::process::Command;

    #[test]
    fn dev_has_no_bash_4_feature_and_no_gnu_only_tool() {
        let project = Project::here(Profile::Debug);
        let script = std::fs::read_to_string(project.path("dev")).unwrap();
        assert_eq!(offences(&script), Vec::<String>::new());
    }

    #[test]
    fn the_reader_finds_what_the_old_dev_used() {
        let old = "#!/usr/bin/env bash\n# sha256sum in a comment is fine\ndeclare -A PASSED FAILED\n\
                   stamp=$(cat a | sha256sum | cut -d' ' -f1)\n[[ -f $jar ]] || exit 1\n";
        let found = offences(old);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].contains("shebang"));
        assert!(found[1].starts_with("line 3: `declare -A`"));
        assert!(found[2].starts_with("line 4: `sha256sum`"));
        assert!(found[3].starts_with("line 5: `[[`"));
    }

    #[test]
    fn dev_parses_as_posix_sh() {
        let project = Project::here(Profile::Debug);
        // Debian's sh is dash, a strict POSIX shell; a Mac's is bash in POSIX mode.
        let status = Command::new("sh")
            .arg("-n")
            .arg(project.path("dev"))
            .status()
            .unwrap();
        assert!(status.success());
    }
}

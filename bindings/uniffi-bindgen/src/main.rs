//! The binding generator, built from the same UniFFI version as the core so the
//! generated Kotlin and Swift always match the scaffolding inside the library.
//!
//! `uniffi-bindgen patch <out-dir>` then applies the project's checked patches to
//! what `generate` wrote; each says in a line what it buys (docs/CROSSING.md
//! measures it). A patch names the exact generated text it replaces, or, for a
//! long one, its first and last lines and a hash of all of it; if that text is
//! not there as the patch says, the generator's output changed and the build
//! fails, naming the patch to look at again. Nothing generated is edited by hand.

use std::path::Path;
use std::process::ExitCode;

const SWIFT: &str = "OfflinePush.swift";
const KOTLIN: &str = "org/offlinepush/offline_push.kt";

macro_rules! hot_calls {
    ($($name:ident($argument:ident: $input:tt) -> $output:tt;)*) => {
        /// The hot calls (method, argument, its type, the answer's type), by op code.
        const HOT_CALLS: &[(&str, &str, &str, &str)] =
            &[$((stringify!($name), stringify!($argument), stringify!($input), stringify!($output))),*];
    };
}
include!("../../../core/src/ffi/hot_calls.rs");

/// What a patch replaces.
enum Original {
    /// This text, exactly once.
    Once(String),
    /// Every occurrence of this text, at least one.
    Every(String),
    /// The text from the line that starts with `from` to the line that starts
    /// with `until` (not included), whose FNV-1a hash is `hash`, exactly once.
    Region {
        from: &'static str,
        until: &'static str,
        hash: u64,
    },
}

/// One replacement in one generated file.
struct Patch {
    file: &'static str,
    name: String,
    original: Original,
    replacement: String,
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The UniFFI converter of a type of `hot_calls.rs` (`[T]`: a sequence of T).
fn converter(ty: &str) -> String {
    match ty.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
        Some(inner) => converter(inner).replacen("FfiConverter", "FfiConverterSequence", 1),
        None if ty == "String" => "FfiConverterString".into(),
        None => format!("FfiConverterType{ty}"),
    }
}

/// `text` with the placeholders of hot call `op` filled in: the method's name in
/// Rust and in Kotlin and Swift, its argument, the types as UniFFI names them,
/// and how the generated Swift lifts and lowers them (a record by a function).
fn fill(text: &str, op: usize, (method, argument, input, output): (&str, &str, &str, &str)) -> String {
    let mut words = method.split('_');
    let first = words.next().unwrap_or_default().to_string();
    let camel = words.fold(first, |name, word| name + &word[..1].to_uppercase() + &word[1..]);
    let swift = |ty: &str, how| match ty.starts_with('[') || ty == "String" {
        true => format!("{}.{how}", converter(ty)),
        false => format!("{}_{how}", converter(ty)),
    };
    text.replace("{{Method}}", &camel)
        .replace("{{method}}", method)
        .replace("{{argument}}", argument)
        .replace("{{Input}}", input)
        .replace("{{Output}}", output)
        .replace("{{lift}}", &swift(output, "lift"))
        .replace("{{lower}}", &swift(input, "lower"))
        .replace("{{read}}", &converter(input))
        .replace("{{write}}", &converter(output))
        .replace("{{op}}", &op.to_string())
}

/// The patches of a `.edits` file. Each is a line `=== once|every|each <name, and
/// what it buys>`, the original text, a line `---`, and the replacement; an
/// `each` patch is made for every hot call, its placeholders filled in.
fn edits(file: &'static str, text: &str) -> Result<Vec<Patch>, String> {
    let edit = |section: &str| {
        let (head, body) = section.split_once('\n')?;
        let (original, replacement) = body.split_once("\n---\n")?;
        let (kind, name) = head.split_once(' ')?;
        let patch = |original, name: String, replacement: &str| Patch {
            file,
            name,
            original,
            replacement: replacement.trim_end_matches('\n').to_string(),
        };
        Some(match kind {
            "once" => vec![patch(Original::Once(original.into()), name.into(), replacement)],
            "every" => vec![patch(Original::Every(original.into()), name.into(), replacement)],
            "each" => (HOT_CALLS.iter().enumerate())
                .map(|(op, &call)| {
                    let original = Original::Once(fill(original, op, call));
                    patch(original, fill(name, op, call), &fill(replacement, op, call))
                })
                .collect(),
            _ => return None,
        })
    };
    let sections = format!("\n{text}");
    let sections = sections.split("\n=== ").skip(1);
    let each = sections.map(|section| edit(section).ok_or_else(|| format!("{file}: not an edit: {section}")));
    Ok(each
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect())
}

fn patches() -> Result<Vec<Patch>, String> {
    // Swift: the reader, the writer and the fast call (patches/bytes.swift).
    let mut all = vec![Patch {
        file: SWIFT,
        name: "Swift: the reader and the writer".into(),
        original: Original::Region {
            from: "fileprivate func createReader(data: Data)",
            until: "// Protocol for types that transfer other types across the FFI.",
            hash: 0xbd28_92ab_a787_1412,
        },
        replacement: include_str!("../patches/bytes.swift").to_string(),
    }];
    all.extend(edits(SWIFT, include_str!("../patches/swift.edits"))?);
    all.extend(edits(KOTLIN, include_str!("../patches/kotlin.edits"))?);
    Ok(all)
}

/// `text` with `patch` applied, or why it does not apply.
fn apply(text: &str, patch: &Patch) -> Result<String, String> {
    let (original, found, expected) = match &patch.original {
        Original::Once(original) => (original.clone(), text.matches(original.as_str()).count(), "once"),
        Original::Every(original) => (
            original.clone(),
            text.matches(original.as_str()).count().min(1),
            "at least once",
        ),
        Original::Region { from, until, hash } => {
            let start = text.find(&format!("\n{from}")).map(|at| at + 1);
            let end =
                start.and_then(|start| text[start..].find(&format!("\n{until}")).map(|at| start + at + 1));
            match (start, end) {
                (Some(start), Some(end)) if fnv1a(&text[start..end]) == *hash => {
                    (text[start..end].to_string(), 1, "once")
                }
                (Some(start), Some(end)) => {
                    let found = fnv1a(&text[start..end]);
                    return Err(format!(
                        "the text between its lines changed (hash {found:#x}, not {hash:#x})"
                    ));
                }
                _ => {
                    return Err(format!(
                        "its first or last line is missing (\"{from}\", \"{until}\")"
                    ))
                }
            }
        }
    };
    if found != 1 {
        return Err(format!(
            "its original text is there {found} times, not {expected}"
        ));
    }
    Ok(text.replace(&original, &patch.replacement))
}

fn patch(out_dir: &Path) -> Result<(), String> {
    // To measure what one patch buys: OFFLINE_PUSH_SKIP_PATCH=<the start of its name>.
    let skip = std::env::var("OFFLINE_PUSH_SKIP_PATCH").unwrap_or_default();
    for patch in patches()?
        .into_iter()
        .filter(|p| skip.is_empty() || !p.name.starts_with(&skip))
    {
        let path = out_dir.join(patch.file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let patched = apply(&text, &patch).map_err(|why| {
            format!(
                "patch \"{}\" of {}: {why}: the generator's output changed; compare it with the \
                 patch in bindings/uniffi-bindgen",
                patch.name,
                path.display()
            )
        })?;
        std::fs::write(&path, patched).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("patch") {
        let Some(dir) = args.get(2) else {
            eprintln!("usage: uniffi-bindgen patch <the out-dir of generate>");
            return ExitCode::FAILURE;
        };
        return match patch(Path::new(dir)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("uniffi-bindgen patch: {e}");
                ExitCode::FAILURE
            }
        };
    }
    uniffi::uniffi_bindgen_main();
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hot_calls_are_named_as_uniffi_names_them() {
        assert_eq!(converter("IncomingMessage"), "FfiConverterTypeIncomingMessage");
        assert_eq!(
            converter("[RenderOutcome]"),
            "FfiConverterSequenceTypeRenderOutcome"
        );
        assert_eq!(converter("[String]"), "FfiConverterSequenceString");
        assert_eq!(
            fill("{{lift}} {{lower}}", 0, HOT_CALLS[3]),
            "FfiConverterString.lift FfiConverterTypeIncomingMessage_lower"
        );
        let filled = fill(
            "{{op}} {{Method}}({{argument}}: {{Input}}) {{read}} {{lower}} {{method}}",
            1,
            HOT_CALLS[1],
        );
        assert_eq!(
            filled,
            "1 renderBatch(messages: [IncomingMessage]) FfiConverterSequenceTypeIncomingMessage \
             FfiConverterSequenceTypeIncomingMessage.lower render_batch"
        );
    }

    #[test]
    fn every_edit_reads_and_a_patch_whose_original_is_missing_repeated_or_changed_fails_loudly() {
        let all = patches().unwrap();
        assert_eq!(all.len(), 1 + (7 + HOT_CALLS.len()) + (7 + HOT_CALLS.len()));
        assert!(all
            .iter()
            .any(|p| p.name.starts_with("Kotlin previewBatch, the fast path")));
        assert!(edits(SWIFT, "=== twice a\nold\n+++\nnew").is_err());
        let [replace, all] = edits(SWIFT, "=== once a\nold\n---\nnew\n\n=== every b\nold\n---\nnew\n")
            .unwrap()
            .try_into()
            .ok()
            .unwrap();
        assert_eq!(apply("1 old 2", &replace).unwrap(), "1 new 2");
        assert!(apply("old old", &replace).unwrap_err().contains("2 times"));
        assert!(apply("nothing", &replace).unwrap_err().contains("0 times"));
        assert_eq!(apply("old old", &all).unwrap(), "new new");
        assert!(apply("nothing", &all).is_err());
        let text = "a\nstart here\nbody\nend\nz";
        let region = |hash| Patch {
            original: Original::Region {
                from: "start",
                until: "end",
                hash,
            },
            file: SWIFT,
            name: "c".into(),
            replacement: "X\n".into(),
        };
        let hash = fnv1a("start here\nbody\n");
        assert_eq!(apply(text, &region(hash)).unwrap(), "a\nX\nend\nz");
        assert!(apply(text, &region(hash + 1)).unwrap_err().contains("changed"));
        assert!(apply("a\nend", &region(hash)).unwrap_err().contains("missing"));
    }
}

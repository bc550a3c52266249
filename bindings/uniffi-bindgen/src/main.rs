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

fn once(file: &'static str, name: String, original: String, replacement: String) -> Patch {
    Patch {
        file,
        name,
        original: Original::Once(original),
        replacement,
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The UniFFI converter of a type of `hot_calls.rs` (`[T]`: a sequence of T).
fn converter(ty: &str) -> String {
    let inner = ty.trim_start_matches('[').trim_end_matches(']');
    let named = if inner == "String" {
        "String".to_string()
    } else {
        format!("Type{inner}")
    };
    format!("FfiConverter{}{named}", if inner == ty { "" } else { "Sequence" })
}

/// How the generated Swift lifts or lowers `ty`: a record through its free function.
fn swift_converting(ty: &str, how: &str) -> String {
    let separator = if ty.starts_with('[') || ty == "String" {
        '.'
    } else {
        '_'
    };
    format!("{}{separator}{how}", converter(ty))
}

/// A hot call's generated method, routed through the fast path, in Kotlin and in Swift.
fn fast_methods(op: usize, (name, argument, input, output): (&str, &str, &str, &str)) -> [Patch; 2] {
    let kotlin_name: String = name
        .split('_')
        .enumerate()
        .map(|(i, word)| {
            if i == 0 {
                word.to_string()
            } else {
                word[..1].to_uppercase() + &word[1..]
            }
        })
        .collect();
    let (read, write) = (converter(input), converter(output));
    let kotlin = once(
        KOTLIN,
        format!("Kotlin {kotlin_name}: the fast path"),
        format!(
            "{{
            return {write}.lift(
    callWithHandle {{
    uniffiRustCallWithError(OfflinePushException) {{ _status ->
    UniffiLib.uniffi_offline_push_fn_method_offlinepushmanager_{name}(
        it,
        
        {read}.lower(`{argument}`),_status)
}}
    }}
    )
    }}"
        ),
        format!(
            "{{
            return uniffiCallWithBorrowedHandle {{ UniffiFastPath.call({op}, it, `{argument}`, {read}, {write}) }}
    }}"
        ),
    );
    let signature = format!("open func {kotlin_name}({argument}: {input})throws  -> {output}  {{");
    let swift = once(
        SWIFT,
        format!("Swift {kotlin_name}: the fast path"),
        format!(
            "{signature}
    return try  {}(try rustCallWithError(FfiConverterTypeOfflinePushError_lift) {{
        uniffiCallStatus in
    uniffi_offline_push_fn_method_offlinepushmanager_{name}(
            self.uniffiCloneHandle(),
        {}({argument}),uniffiCallStatus
    )
}})
}}",
            swift_converting(output, "lift"),
            swift_converting(input, "lower"),
        ),
        format!(
            "{signature}
    return try uniffiFastCall({op}, self, self.handle, {argument}, {read}.self, {write}.self)
}}"
        ),
    );
    [kotlin, swift]
}

/// The patches of a `.edits` file: each is a line `=== once|every <name, and
/// what it buys>`, the original text, a line `---`, and the replacement.
fn edits(file: &'static str, text: &str) -> Result<Vec<Patch>, String> {
    let edit = |section: &str| {
        let (head, body) = section.split_once('\n')?;
        let (original, replacement) = body.split_once("\n---\n")?;
        let (kind, name) = head.split_once(' ')?;
        let original = original.to_string();
        let original = match kind {
            "once" => Original::Once(original),
            "every" => Original::Every(original),
            _ => return None,
        };
        let replacement = replacement.trim_end_matches('\n').to_string();
        Some(Patch {
            file,
            name: name.to_string(),
            original,
            replacement,
        })
    };
    let sections = format!("\n{text}");
    let sections = sections.split("\n=== ").skip(1);
    sections
        .map(|section| edit(section).ok_or_else(|| format!("{file}: not an edit: {section}")))
        .collect()
}

fn patches() -> Result<Vec<Patch>, String> {
    // Swift: the reader, the writer and the fast call (patches/bytes.swift):
    // with the fast methods, `render` 32.8x → 3.0x.
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
    // The hot calls: Kotlin `render` 491x → 5.9x, Swift (with the above) 32.8x → 3.0x.
    all.extend(
        HOT_CALLS
            .iter()
            .enumerate()
            .flat_map(|(op, &call)| fast_methods(op, call)),
    );
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
            swift_converting("RenderOutcome", "lift"),
            "FfiConverterTypeRenderOutcome_lift"
        );
        assert_eq!(swift_converting("String", "lift"), "FfiConverterString.lift");
        let [kotlin, swift] = fast_methods(1, HOT_CALLS[1]);
        assert!(kotlin
            .replacement
            .contains("UniffiFastPath.call(1, it, `messages`"));
        assert!(swift
            .replacement
            .starts_with("open func renderBatch(messages: [IncomingMessage])throws"));
    }

    #[test]
    fn every_edit_reads_and_a_patch_whose_original_is_missing_repeated_or_changed_fails_loudly() {
        assert_eq!(patches().unwrap().len(), 1 + 8 + 8 + 2 * HOT_CALLS.len());
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
            ..once(SWIFT, "c".into(), String::new(), "X\n".into())
        };
        let hash = fnv1a("start here\nbody\n");
        assert_eq!(apply(text, &region(hash)).unwrap(), "a\nX\nend\nz");
        assert!(apply(text, &region(hash + 1)).unwrap_err().contains("changed"));
        assert!(apply("a\nend", &region(hash)).unwrap_err().contains("missing"));
    }
}

//! The conformance-vector runner in Rust (tests/vectors/README.md): reads each
//! case with serde into the core's own records (their JSON is the vectors'
//! spelling, `core/src/json.rs`), applies it through the public Rust API, and
//! compares the outcome. Also runs every `*.json` in OFFLINE_PUSH_EXTRA_VECTORS.
//! Ends with `rust-vectors: N passed, M failed`.

use offline_push::*;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::path::{Path, PathBuf};

type Check<T> = Result<T, String>;

/// A file: `{"cases": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VectorFile {
    #[serde(default)]
    cases: Vec<Value>,
}

/// One case, as VECTORS.md defines it; an unknown key is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[allow(dead_code)] // read apart, to name the case even when it does not parse
    name: String,
    platform: Platform,
    #[serde(default)]
    locale: Option<PushLocale>,
    session: SessionState,
    #[serde(default)]
    global_settings: Option<OfflinePushSettings>,
    #[serde(default)]
    receive_options: Option<Vec<ConversationReceiveOption>>,
    #[serde(default)]
    dnd: Option<DoNotDisturbWindow>,
    #[serde(default)]
    token: Option<OfflinePushToken>,
    message: IncomingMessage,
    /// Absent: not given; `null`: no notification.
    #[serde(default, deserialize_with = "present")]
    expect: Option<Value>,
    #[serde(default)]
    expect_reason: Option<SuppressReason>,
    #[serde(default)]
    expect_error: Option<String>,
}

/// Keeps a `null` as `Some(Value::Null)`, so it differs from an absent key.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

fn main() {
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut folders = vec![own];
    if let Some(extra) = std::env::var_os("OFFLINE_PUSH_EXTRA_VECTORS").filter(|v| !v.is_empty()) {
        folders.push(PathBuf::from(extra));
    }
    let (mut passed, mut failures) = (0usize, Vec::<String>::new());
    for folder in &folders {
        for file in json_files(folder, &mut failures) {
            run_file(&file, &mut passed, &mut failures);
        }
    }
    for failure in &failures {
        println!("FAILED {failure}");
    }
    println!("rust-vectors: {passed} passed, {} failed", failures.len());
    if !failures.is_empty() {
        std::process::exit(1);
    }
}

fn json_files(folder: &Path, failures: &mut Vec<String>) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            failures.push(format!("{}: cannot read the folder: {e}", folder.display()));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn run_file(file: &Path, passed: &mut usize, failures: &mut Vec<String>) {
    let label = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into());
    let parsed = std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str::<VectorFile>(&text).map_err(|e| e.to_string()));
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return failures.push(format!("{label}: cannot parse the file: {e}")),
    };
    for (index, case) in parsed.cases.iter().enumerate() {
        let name = case
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{index}"), str::to_owned);
        match Case::deserialize(case)
            .map_err(|e| format!("cannot parse the case: {e}"))
            .and_then(run_case)
        {
            Ok(()) => *passed += 1,
            Err(e) => failures.push(format!("{label} :: {name}: {e}")),
        }
    }
}

/// Applies the case's state in the order of VECTORS.md; the first error stops.
fn apply_state(case: &Case, manager: &OfflinePushManager) -> Result<(), OfflinePushError> {
    match &case.session {
        SessionState::LoggedIn { user_id } => manager.login(user_id.clone())?,
        SessionState::LoggedOut => manager.logout()?,
        SessionState::KickedOffline => manager.kicked_offline()?,
    }
    if let Some(settings) = &case.global_settings {
        manager.set_global_settings(settings.clone())?;
    }
    for option in case.receive_options.iter().flatten() {
        manager.set_receive_option(
            option.conversation_type,
            option.conversation_id.clone(),
            option.option,
        )?;
    }
    if let Some(window) = case.dnd {
        manager.set_do_not_disturb(Some(window))?;
    }
    if let Some(token) = &case.token {
        manager.set_token(token.clone())?;
    }
    if let Some(locale) = case.locale {
        manager.set_locale(locale)?;
    }
    Ok(())
}

/// A value in the vectors' spelling, for messages.
fn spelled<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn run_case(case: Case) -> Check<()> {
    let manager = OfflinePushManager::new(OfflinePushConfig {
        platform: case.platform,
    })
    .map_err(|e| format!("cannot open a manager: {e}"))?;
    let applied = apply_state(&case, &manager);

    if let Some(expected) = &case.expect_error {
        return match applied {
            Err(e) if e.kind() == expected => Ok(()),
            Err(e) => Err(format!("expected error {expected}, got {} ({e})", e.kind())),
            Ok(()) => Err(format!("expected error {expected}, got none")),
        };
    }
    applied.map_err(|e| format!("applying the state failed: {} ({e})", e.kind()))?;
    let outcome = manager
        .render(case.message.clone())
        .map_err(|e| format!("render failed: {} ({e})", e.kind()))?;
    compare(case.expect.as_ref(), case.expect_reason, &outcome)
}

/// Compares an outcome with `expect` (only the keys present, each exactly) and
/// `expect_reason`.
fn compare(
    expect: Option<&Value>,
    expect_reason: Option<SuppressReason>,
    outcome: &RenderOutcome,
) -> Check<()> {
    match (expect, outcome) {
        (None, _) => Err("the case has neither expect nor expect_error".into()),
        (Some(Value::Null), RenderOutcome::Suppress { reason }) => match expect_reason {
            Some(want) if want != *reason => Err(format!(
                "expected reason {}, got {}",
                spelled(&want),
                spelled(reason)
            )),
            _ => Ok(()),
        },
        (Some(Value::Null), RenderOutcome::Show { notification }) => {
            Err(format!("expected no notification, got {}", spelled(notification)))
        }
        (Some(_), RenderOutcome::Suppress { reason }) => Err(format!(
            "expected a notification, got suppressed: {}",
            spelled(reason)
        )),
        (Some(expect), RenderOutcome::Show { notification }) => {
            let expect = expect.as_object().ok_or("expect must be an object or null")?;
            let got = spelled(notification);
            let mut diffs = Vec::new();
            for (key, want) in expect {
                match got.get(key) {
                    None => return Err(format!("unknown key {key:?} in expect")),
                    Some(have) if have != want => diffs.push(format!("{key}: expected {want}, got {have}")),
                    Some(_) => {}
                }
            }
            if diffs.is_empty() {
                Ok(())
            } else {
                Err(diffs.join("; "))
            }
        }
    }
}

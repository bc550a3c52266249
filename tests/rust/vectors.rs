//! The conformance-vector runner in Rust (tests/vectors/README.md): reads each
//! case and scenario with serde into the core's own records (their JSON is the
//! vectors' spelling, `core/src/json.rs`), applies it through the public Rust
//! API, and compares the outcome. Also runs every `*.json` in
//! OFFLINE_PUSH_EXTRA_VECTORS. Ends with `rust-vectors: N passed, M failed`.

use offline_push::server::{render_for_receiver, ReceiverState};
use offline_push::*;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

type Check<T> = Result<T, String>;

/// A file: `{"cases": [...], "scenarios": [...]}`, either or both.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VectorFile {
    #[serde(default)]
    cases: Vec<Value>,
    #[serde(default)]
    scenarios: Vec<Value>,
}

/// One case, as tests/vectors/README.md defines it; an unknown key is an error.
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
    /// A payload case (P1, P3, P4): the vendor whose payload is built from the
    /// rendered notification.
    #[serde(default)]
    vendor: Option<PushVendor>,
    #[serde(default)]
    vendor_config: Option<VendorConfig>,
    #[serde(default)]
    expect_payload: Option<Value>,
    #[serde(default)]
    expect_shortened: Option<Vec<String>>,
    #[serde(default)]
    expect_payload_error: Option<String>,
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
    let named = |index: usize, value: &Value| {
        value
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{index}"), str::to_owned)
    };
    for (index, case) in parsed.cases.iter().enumerate() {
        match Case::deserialize(case)
            .map_err(|e| format!("cannot parse the case: {e}"))
            .and_then(run_case)
        {
            Ok(()) => *passed += 1,
            Err(e) => failures.push(format!("{label} :: {}: {e}", named(index, case))),
        }
    }
    for (index, scenario) in parsed.scenarios.iter().enumerate() {
        let result = Scenario::deserialize(scenario)
            .map_err(|e| format!("cannot parse the scenario: {e}"))
            .and_then(run_scenario);
        match result {
            Ok(()) => *passed += 1,
            Err(e) => failures.push(format!("{label} :: scenario {}: {e}", named(index, scenario))),
        }
    }
}

/// Applies the case's state in the order of tests/vectors/README.md; the first error stops.
fn apply_state(case: &Case, manager: &OfflinePushManager) -> Result<(), OfflinePushError> {
    match &case.session {
        SessionState::LoggedIn { user_id } => manager.login(user_id.clone())?,
        SessionState::LoggedOut => manager.logout()?,
        SessionState::KickedOffline => manager.kicked_offline()?,
        SessionState::StoreReset { .. } => {
            return Err(OfflinePushError::InvalidArgument(
                "a case cannot set the store_reset session: only a damaged store does".into(),
            ))
        }
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

/// The case's state as the receiver's backend holds it (what `PushBackend` uploaded).
fn receiver_state(case: &Case) -> ReceiverState {
    ReceiverState {
        session: case.session.clone(),
        platform: case.platform,
        locale: case.locale.unwrap_or_default(),
        settings: AccountPushSettings {
            global_settings: case.global_settings.clone().unwrap_or_default(),
            do_not_disturb: case.dnd,
            receive_options: case.receive_options.clone().unwrap_or_default(),
        },
        unread_total: None,
    }
}

/// A value in the vectors' spelling, for messages.
fn spelled<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn run_case(case: Case) -> Check<()> {
    let manager = open(case.platform, None)?;
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
    if case.expect.is_some() || case.vendor.is_none() {
        compare(case.expect.as_ref(), case.expect_reason, &outcome)?;
    }
    // W3: the sender's server, given the same state, renders the same.
    let on_server = render_for_receiver(&receiver_state(&case), &case.message);
    if on_server != outcome {
        return Err(format!(
            "W3: the server's rendering for the receiver differs from the device's: {on_server:?}, device: {outcome:?}"
        ));
    }
    match case.vendor {
        Some(vendor) => check_payload(&case, vendor, &outcome),
        None => Ok(()),
    }
}

/// A payload case: builds `vendor`'s payload from the notification, compares it
/// with `expect_payload` (exactly, as JSON) and `expect_shortened`, and reads it
/// back from what the vendor delivers (P4).
fn check_payload(case: &Case, vendor: PushVendor, outcome: &RenderOutcome) -> Check<()> {
    let RenderOutcome::Show { notification } = outcome else {
        return Err("a payload case needs a notification".into());
    };
    let built = build_vendor_payload(
        vendor,
        notification.clone(),
        case.message.message_id.clone(),
        case.message.timestamp,
        case.vendor_config.clone().unwrap_or_default(),
    );
    let payload = match (built, &case.expect_payload_error) {
        (Err(e), Some(expected)) if e.kind() == expected => return Ok(()),
        (Err(e), _) => return Err(format!("building the payload failed: {} ({e})", e.kind())),
        (Ok(_), Some(expected)) => return Err(format!("expected payload error {expected}, got a payload")),
        (Ok(payload), None) => payload,
    };
    let got: Value =
        serde_json::from_str(&payload.json).map_err(|e| format!("the payload is not JSON: {e}"))?;
    match &case.expect_payload {
        Some(expected) if *expected != got => return Err(format!("payload: expected {expected}, got {got}")),
        Some(_) => {}
        None => return Err("a payload case needs expect_payload or expect_payload_error".into()),
    }
    let shortened: Vec<String> = payload.shortened.iter().map(|s| s.field.clone()).collect();
    if let Some(expected) = &case.expect_shortened {
        if *expected != shortened {
            return Err(format!("shortened: expected {expected:?}, got {shortened:?}"));
        }
    }
    let push = read_vendor_push(vendor, delivered_form(payload)).ok_or("the payload does not read back")?;
    if (
        &push.conversation_id,
        &push.sender_id,
        &push.ext,
        &push.message_id,
    ) != (
        &notification.conversation_id,
        &notification.sender_id,
        &notification.ext,
        &case.message.message_id,
    ) {
        return Err(format!("read back differs: {push:?}"));
    }
    Ok(())
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

fn open(platform: Platform, directory: Option<&Path>) -> Check<Arc<OfflinePushManager>> {
    OfflinePushManager::new(OfflinePushConfig {
        platform,
        store_directory: directory.map(|d| d.display().to_string()),
    })
    .map_err(|e| format!("cannot open a manager: {} ({e})", e.kind()))
}

// --- scenarios (state over several steps, docs/RULES.md, "State that lasts") ---------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    #[allow(dead_code)] // read apart, to name the scenario even when it does not parse
    name: String,
    platform: Platform,
    #[serde(default)]
    locale: Option<PushLocale>,
    steps: Vec<Step>,
}

/// A conversation named in a step.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConversationRef {
    conversation_type: ConversationType,
    conversation_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnreadCount {
    conversation_type: ConversationType,
    conversation_id: String,
    count: u32,
}

/// One step: exactly one action, with what to expect of it.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Step {
    on: Option<String>,
    login: Option<String>,
    logout: Option<bool>,
    kicked_offline: Option<bool>,
    set_global_settings: Option<OfflinePushSettings>,
    set_receive_option: Option<ConversationReceiveOption>,
    /// Absent: not this step; `null`: clear the window.
    #[serde(deserialize_with = "present")]
    set_dnd: Option<Value>,
    set_token: Option<OfflinePushToken>,
    set_locale: Option<PushLocale>,
    receive: Option<IncomingMessage>,
    render: Option<IncomingMessage>,
    mark_read: Option<ConversationRef>,
    set_unread_count: Option<UnreadCount>,
    expect_badge: Option<u32>,
    expect_global_settings: Option<serde_json::Map<String, Value>>,
    expect_receive_option: Option<ConversationReceiveOption>,
    restart: Option<bool>,
    #[serde(deserialize_with = "present")]
    expect: Option<Value>,
    expect_reason: Option<SuppressReason>,
    expect_error: Option<String>,
}

/// The managers of a scenario: the app's, and the second process's, opened at
/// their first use on the scenario's store.
struct Managers {
    platform: Platform,
    directory: tempfile::TempDir,
    first: Option<Arc<OfflinePushManager>>,
    second: Option<Arc<OfflinePushManager>>,
}

impl Managers {
    fn get(&mut self, on: Option<&str>) -> Check<Arc<OfflinePushManager>> {
        let slot = match on {
            None | Some("first") => &mut self.first,
            Some("second") => &mut self.second,
            Some(other) => return Err(format!("unknown manager {other:?}: \"on\" is \"second\"")),
        };
        if slot.is_none() {
            *slot = Some(open(self.platform, Some(self.directory.path()))?);
        }
        Ok(slot.clone().expect("just opened"))
    }
}

fn run_scenario(scenario: Scenario) -> Check<()> {
    let directory = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
    let mut managers = Managers {
        platform: scenario.platform,
        directory,
        first: None,
        second: None,
    };
    if let Some(locale) = scenario.locale {
        managers
            .get(None)?
            .set_locale(locale)
            .map_err(|e| format!("set_locale failed: {e}"))?;
    }
    for (index, step) in scenario.steps.into_iter().enumerate() {
        run_step(&mut managers, step).map_err(|e| format!("step {}: {e}", index + 1))?;
    }
    Ok(())
}

fn run_step(managers: &mut Managers, step: Step) -> Check<()> {
    let actions = [
        step.login.is_some(),
        step.logout.is_some(),
        step.kicked_offline.is_some(),
        step.set_global_settings.is_some(),
        step.set_receive_option.is_some(),
        step.set_dnd.is_some(),
        step.set_token.is_some(),
        step.set_locale.is_some(),
        step.receive.is_some(),
        step.render.is_some(),
        step.mark_read.is_some(),
        step.set_unread_count.is_some(),
        step.expect_badge.is_some(),
        step.expect_global_settings.is_some(),
        step.expect_receive_option.is_some(),
        step.restart.is_some(),
    ];
    if actions.iter().filter(|a| **a).count() != 1 {
        return Err("a step has exactly one action".into());
    }
    if step.restart == Some(true) {
        managers.first = None;
        managers.second = None;
        return Ok(());
    }
    let manager = managers.get(step.on.as_deref())?;
    let result = act(&manager, &step);
    match (&step.expect_error, result) {
        (Some(want), Err(e)) if e.kind() == want => Ok(()),
        (Some(want), Err(e)) => Err(format!("expected error {want}, got {} ({e})", e.kind())),
        (Some(want), Ok(_)) => Err(format!("expected error {want}, got none")),
        (None, Err(e)) => Err(format!("failed: {} ({e})", e.kind())),
        (None, Ok(Some(outcome))) => compare(step.expect.as_ref(), step.expect_reason, &outcome),
        (None, Ok(None)) => check_reading(&manager, &step),
    }
}

/// The step's action, on `manager`: the outcome of a `receive` or `render`, for `expect`.
fn act(manager: &OfflinePushManager, step: &Step) -> Result<Option<RenderOutcome>, OfflinePushError> {
    if let Some(user_id) = &step.login {
        manager.login(user_id.clone())?;
    } else if step.logout.is_some() {
        manager.logout()?;
    } else if step.kicked_offline.is_some() {
        manager.kicked_offline()?;
    } else if let Some(settings) = &step.set_global_settings {
        manager.set_global_settings(settings.clone())?;
    } else if let Some(o) = &step.set_receive_option {
        manager.set_receive_option(o.conversation_type, o.conversation_id.clone(), o.option)?;
    } else if let Some(window) = &step.set_dnd {
        let window = match window {
            Value::Null => None,
            value => Some(DoNotDisturbWindow::deserialize(value).map_err(|e| {
                OfflinePushError::InvalidArgument(format!("the runner cannot read set_dnd: {e}"))
            })?),
        };
        manager.set_do_not_disturb(window)?;
    } else if let Some(token) = &step.set_token {
        manager.set_token(token.clone())?;
    } else if let Some(locale) = step.set_locale {
        manager.set_locale(locale)?;
    } else if let Some(message) = &step.receive {
        return Ok(Some(manager.receive(message.clone())?));
    } else if let Some(message) = &step.render {
        return Ok(Some(manager.render(message.clone())?));
    } else if let Some(c) = &step.mark_read {
        manager.mark_read(c.conversation_type, c.conversation_id.clone())?;
    } else if let Some(c) = &step.set_unread_count {
        manager.set_unread_count(c.conversation_type, c.conversation_id.clone(), c.count)?;
    } else if step.expect_badge.is_some() {
        manager.badge_total()?;
    } else if step.expect_global_settings.is_some() {
        manager.global_settings()?;
    } else if let Some(o) = &step.expect_receive_option {
        manager.receive_option(o.conversation_type, o.conversation_id.clone())?;
    }
    Ok(None)
}

/// The reading steps compare what the manager says now.
fn check_reading(manager: &OfflinePushManager, step: &Step) -> Check<()> {
    let failed = |e: OfflinePushError| format!("failed: {} ({e})", e.kind());
    if let Some(want) = step.expect_badge {
        let got = manager.badge_total().map_err(failed)?;
        if got != want {
            return Err(format!("expected badge {want}, got {got}"));
        }
    }
    if let Some(want) = &step.expect_global_settings {
        // Read the expected keys the way the records read them (so every sound
        // form compares equal), then compare only the keys given.
        let want_settings = OfflinePushSettings::deserialize(&Value::Object(want.clone()))
            .map_err(|e| format!("cannot read expect_global_settings: {e}"))?;
        let want_json = spelled(&want_settings);
        let got = spelled(&manager.global_settings().map_err(failed)?);
        for key in want.keys() {
            if got.get(key) != want_json.get(key) {
                return Err(format!(
                    "global settings {key}: expected {}, got {}",
                    want_json[key.as_str()],
                    got[key.as_str()]
                ));
            }
        }
    }
    if let Some(want) = &step.expect_receive_option {
        let got = manager
            .receive_option(want.conversation_type, want.conversation_id.clone())
            .map_err(failed)?;
        if got != want.option {
            return Err(format!(
                "receive option of {}: expected {}, got {}",
                want.conversation_id,
                spelled(&want.option),
                spelled(&got)
            ));
        }
    }
    Ok(())
}

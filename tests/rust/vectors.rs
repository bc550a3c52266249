//! The conformance-vector runner in Rust (tests/vectors, VECTORS.md): reads each
//! case with serde_json, applies it through the core's public Rust API, and
//! compares the outcome. Also runs every `*.json` in OFFLINE_PUSH_EXTRA_VECTORS.
//! Ends with `rust-vectors: N passed, M failed`.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use offline_push::*;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

type Obj = Map<String, Value>;
type Check<T> = Result<T, String>;

const CASE_KEYS: &[&str] = &[
    "name",
    "platform",
    "locale",
    "session",
    "global_settings",
    "receive_options",
    "dnd",
    "token",
    "message",
    "expect",
    "expect_reason",
    "expect_error",
];

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
    let cases = std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| e.to_string()))
        .and_then(|doc| match doc.get("cases") {
            Some(Value::Array(cases)) => Ok(cases.clone()),
            _ => Err("the file has no \"cases\" array".to_owned()),
        });
    let cases = match cases {
        Ok(cases) => cases,
        Err(e) => return failures.push(format!("{label}: cannot parse the file: {e}")),
    };
    for (index, case) in cases.iter().enumerate() {
        let name = case
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{index}"), str::to_owned);
        match run_case(case) {
            Ok(()) => *passed += 1,
            Err(e) => failures.push(format!("{label} :: {name}: {e}")),
        }
    }
}

// --- reading JSON --------------------------------------------------------------

fn object<'a>(value: &'a Value, what: &str, allowed: &[&str]) -> Check<&'a Obj> {
    let map = value
        .as_object()
        .ok_or_else(|| format!("{what} must be an object"))?;
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unknown key {key:?} in {what}"));
    }
    Ok(map)
}

fn req_str(map: &Obj, key: &str) -> Check<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{key} must be a string"))
}

fn opt_str(map: &Obj, key: &str) -> Check<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} must be a string or null")),
    }
}

fn opt_bytes(map: &Obj, key: &str) -> Check<Option<Vec<u8>>> {
    opt_str(map, key)?
        .map(|b| BASE64.decode(b).map_err(|e| format!("{key} is not base64: {e}")))
        .transpose()
}

fn opt_bool(map: &Obj, key: &str, default: bool) -> Check<bool> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!("{key} must be a boolean")),
    }
}

fn int(map: &Obj, key: &str) -> Check<i64> {
    map.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("{key} must be an integer"))
}

fn i32_field(map: &Obj, key: &str) -> Check<i32> {
    i32::try_from(int(map, key)?).map_err(|_| format!("{key} is out of range"))
}

fn conversation_type(s: &str) -> Check<ConversationType> {
    match s {
        "c2c" => Ok(ConversationType::C2c),
        "group" => Ok(ConversationType::Group),
        "system" => Ok(ConversationType::System),
        _ => Err(format!("unknown conversation type {s:?}")),
    }
}

/// An iOS sound: `"default"`, `"silent"`, `{"custom": path}`, or a bare path.
fn sound(value: &Value) -> Check<PushSound> {
    match value {
        Value::String(s) if s == "default" => Ok(PushSound::Default),
        Value::String(s) if s == "silent" => Ok(PushSound::Silent),
        Value::String(path) => Ok(PushSound::Custom { path: path.clone() }),
        Value::Object(_) => Ok(PushSound::Custom {
            path: req_str(object(value, "sound", &["custom"])?, "custom")?,
        }),
        _ => Err(format!("unknown sound {value}")),
    }
}

/// An Android sound (global or a message's): a URI string, `{"custom": uri}`, or
/// `"default"`, which is the system default, that is unset. Anything else (even
/// `"silent"`) is passed on as it is, for the rules to accept or refuse (V2).
fn android_sound(map: &Obj, key: &str) -> Check<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "default" => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v @ Value::Object(_)) => Ok(Some(req_str(object(v, key, &["custom"])?, "custom")?)),
        Some(_) => Err(format!("{key} must be a sound")),
    }
}

fn notify_mode(s: &str) -> Check<NotifyMode> {
    match s {
        "normal" => Ok(NotifyMode::Normal),
        "custom" => Ok(NotifyMode::Custom),
        _ => Err(format!("unknown notify mode {s:?}")),
    }
}

// --- the case's state --------------------------------------------------------------

/// Applies the case's state in the order of VECTORS.md; the first error stops.
fn apply_state(case: &Obj, manager: &OfflinePushManager) -> Check<Result<(), OfflinePushError>> {
    let session = object(
        case.get("session").ok_or("session is missing")?,
        "session",
        &["state", "user_id"],
    )?;
    match req_str(session, "state")?.as_str() {
        "logged_in" => {
            if let Err(e) = manager.login(req_str(session, "user_id")?) {
                return Ok(Err(e));
            }
        }
        "logged_out" => manager.logout(),
        "kicked_offline" => manager.kicked_offline(),
        other => return Err(format!("unknown session state {other:?}")),
    }
    if let Some(v) = case.get("global_settings").filter(|v| !v.is_null()) {
        let g = object(v, "global_settings", &["enabled", "c2c_sound", "group_sound"])?;
        let settings = OfflinePushSettings {
            enabled: opt_bool(g, "enabled", true)?,
            c2c_sound: android_sound(g, "c2c_sound")?,
            group_sound: android_sound(g, "group_sound")?,
        };
        if let Err(e) = manager.set_global_settings(settings) {
            return Ok(Err(e));
        }
    }
    if let Some(v) = case.get("receive_options").filter(|v| !v.is_null()) {
        for item in v.as_array().ok_or("receive_options must be a list")? {
            let r = object(
                item,
                "receive option",
                &["conversation_type", "conversation_id", "option"],
            )?;
            let option = match req_str(r, "option")?.as_str() {
                "receive" => ReceiveOption::Receive,
                "receive_not_notify" => ReceiveOption::ReceiveNotNotify,
                "not_receive" => ReceiveOption::NotReceive,
                other => return Err(format!("unknown receive option {other:?}")),
            };
            let kind = conversation_type(&req_str(r, "conversation_type")?)?;
            if let Err(e) = manager.set_receive_option(kind, req_str(r, "conversation_id")?, option) {
                return Ok(Err(e));
            }
        }
    }
    if let Some(v) = case.get("dnd").filter(|v| !v.is_null()) {
        let d = object(
            v,
            "dnd",
            &["start_seconds", "duration_seconds", "utc_offset_seconds"],
        )?;
        let window = DoNotDisturbWindow {
            start_seconds: i32_field(d, "start_seconds")?,
            duration_seconds: i32_field(d, "duration_seconds")?,
            utc_offset_seconds: i32_field(d, "utc_offset_seconds")?,
        };
        if let Err(e) = manager.set_do_not_disturb(Some(window)) {
            return Ok(Err(e));
        }
    }
    if let Some(v) = case.get("token").filter(|v| !v.is_null()) {
        let t = object(v, "token", &["vendor", "token", "business_id"])?;
        let vendor = match req_str(t, "vendor")?.as_str() {
            "apns" => PushVendor::Apns,
            "apns_voip" => PushVendor::ApnsVoip,
            "fcm" => PushVendor::Fcm,
            "xiaomi" => PushVendor::Xiaomi,
            "huawei" => PushVendor::Huawei,
            "honor" => PushVendor::Honor,
            "oppo" => PushVendor::Oppo,
            "vivo" => PushVendor::Vivo,
            "meizu" => PushVendor::Meizu,
            other => return Err(format!("unknown vendor {other:?}")),
        };
        let business_id = t
            .get("business_id")
            .and_then(Value::as_u64)
            .ok_or("business_id must be a non-negative integer")?;
        let token = OfflinePushToken {
            vendor,
            token: PushTokenValue(req_str(t, "token")?),
            business_id,
        };
        if let Err(e) = manager.set_token(token) {
            return Ok(Err(e));
        }
    }
    if let Some(v) = case.get("locale").filter(|v| !v.is_null()) {
        manager.set_locale(match v.as_str() {
            Some("zh-Hans") => PushLocale::ZhHans,
            Some("en") => PushLocale::En,
            _ => return Err(format!("unknown locale {v}")),
        });
    }
    Ok(Ok(()))
}

// --- the message -----------------------------------------------------------------

fn element(value: &Value) -> Check<MessageElement> {
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .ok_or("an element needs a type")?;
    let allowed: &[&str] = match kind {
        "text" => &["type", "text"],
        "sound" => &["type", "duration_seconds"],
        "file" => &["type", "file_name"],
        "location" => &["type", "description"],
        "custom" => &["type", "desc", "data"],
        _ => &["type"],
    };
    let e = object(value, "element", allowed)?;
    Ok(match kind {
        "text" => MessageElement::Text {
            text: req_str(e, "text")?,
        },
        "sound" => MessageElement::Sound {
            duration_seconds: match e.get("duration_seconds") {
                None | Some(Value::Null) => 0,
                Some(v) => v
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or("duration_seconds must be a non-negative integer")?,
            },
        },
        "file" => MessageElement::File {
            file_name: opt_str(e, "file_name")?,
        },
        "image" => MessageElement::Image,
        "video" => MessageElement::Video,
        "face" => MessageElement::Face,
        "location" => MessageElement::Location {
            description: opt_str(e, "description")?,
        },
        "custom" => MessageElement::Custom {
            desc: opt_str(e, "desc")?,
            data: opt_bytes(e, "data")?,
        },
        other => return Err(format!("unknown element type {other:?}")),
    })
}

fn push_settings(value: &Value) -> Check<MessagePushSettings> {
    let p = object(
        value,
        "push_settings",
        &["enabled", "description", "ext", "android", "ios"],
    )?;
    let android = match p.get("android") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let a = object(v, "android", &["title", "sound", "notify_mode"])?;
            Some(AndroidPushSettings {
                title: opt_str(a, "title")?,
                sound: android_sound(a, "sound")?,
                notify_mode: opt_str(a, "notify_mode")?.map(|m| notify_mode(&m)).transpose()?,
            })
        }
    };
    let ios = match p.get("ios") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let i = object(v, "ios", &["sound", "badge_enabled"])?;
            Some(IosPushSettings {
                sound: match i.get("sound") {
                    None | Some(Value::Null) => None,
                    Some(s) => Some(sound(s)?),
                },
                badge_enabled: opt_bool(i, "badge_enabled", true)?,
            })
        }
    };
    Ok(MessagePushSettings {
        enabled: opt_bool(p, "enabled", true)?,
        description: opt_str(p, "description")?,
        ext: opt_bytes(p, "ext")?,
        android,
        ios,
    })
}

fn message(value: &Value) -> Check<IncomingMessage> {
    let m = object(
        value,
        "message",
        &[
            "conversation_type",
            "sender",
            "group",
            "timestamp",
            "elements",
            "push_settings",
        ],
    )?;
    let s = object(
        m.get("sender").ok_or("sender is missing")?,
        "sender",
        &["user_id", "nickname", "name_card"],
    )?;
    let group = match m.get("group") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let g = object(v, "group", &["group_id", "name"])?;
            Some(GroupInfo {
                group_id: req_str(g, "group_id")?,
                name: opt_str(g, "name")?,
            })
        }
    };
    let elements = match m.get("elements") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(element).collect::<Check<_>>()?,
        Some(_) => return Err("elements must be a list".into()),
    };
    Ok(IncomingMessage {
        conversation_type: conversation_type(&req_str(m, "conversation_type")?)?,
        sender: MessageSender {
            user_id: req_str(s, "user_id")?,
            nickname: opt_str(s, "nickname")?,
            name_card: opt_str(s, "name_card")?,
        },
        group,
        elements,
        push_settings: match m.get("push_settings") {
            None | Some(Value::Null) => None,
            Some(v) => Some(push_settings(v)?),
        },
        timestamp: int(m, "timestamp")?,
    })
}

// --- comparing -------------------------------------------------------------------

fn reason_name(reason: SuppressReason) -> &'static str {
    match reason {
        SuppressReason::LoggedOut => "logged_out",
        SuppressReason::KickedOffline => "kicked_offline",
        SuppressReason::SystemMessage => "system_message",
        SuppressReason::DisabledByReceiver => "disabled_by_receiver",
        SuppressReason::DisabledBySender => "disabled_by_sender",
        SuppressReason::Muted => "muted",
        SuppressReason::DoNotDisturb => "do_not_disturb",
        SuppressReason::NothingToShow => "nothing_to_show",
    }
}

/// The notification as the vectors spell it, to compare key by key.
fn notification_json(n: &OfflinePushNotification) -> Obj {
    let string_or_null = |s: &Option<String>| s.clone().map_or(Value::Null, Value::String);
    let mut map = Obj::new();
    map.insert("title".into(), n.title.clone().into());
    map.insert("content".into(), n.content.clone().into());
    map.insert("conversation_id".into(), n.conversation_id.clone().into());
    let kind = match n.conversation_type {
        ConversationType::C2c => "c2c",
        ConversationType::Group => "group",
        ConversationType::System => "system",
    };
    map.insert("conversation_type".into(), kind.into());
    map.insert("sender_id".into(), n.sender_id.clone().into());
    map.insert("sender_nickname".into(), string_or_null(&n.sender_nickname));
    map.insert("group_name".into(), string_or_null(&n.group_name));
    map.insert(
        "ext".into(),
        n.ext.as_ref().map_or(Value::Null, |b| BASE64.encode(b).into()),
    );
    let sound = match &n.sound {
        PushSound::Default => Value::from("default"),
        PushSound::Silent => Value::from("silent"),
        PushSound::Custom { path } => serde_json::json!({ "custom": path }),
    };
    map.insert("sound".into(), sound);
    map.insert("badge".into(), n.badge.into());
    let mode = match n.notify_mode {
        NotifyMode::Normal => "normal",
        NotifyMode::Custom => "custom",
    };
    map.insert("notify_mode".into(), mode.into());
    map
}

fn run_case(value: &Value) -> Check<()> {
    let case = object(value, "case", CASE_KEYS)?;
    let platform = match req_str(case, "platform")?.as_str() {
        "android" => Platform::Android,
        "ios" => Platform::Ios,
        other => return Err(format!("unknown platform {other:?}")),
    };
    let manager = OfflinePushManager::new(platform);
    let applied = apply_state(case, &manager)?;
    let message = message(case.get("message").ok_or("message is missing")?)?;

    if let Some(expected) = case.get("expect_error") {
        let expected = expected.as_str().ok_or("expect_error must be a string")?;
        return match applied {
            Err(e) if e.kind() == expected => Ok(()),
            Err(e) => Err(format!("expected error {expected}, got {} ({e})", e.kind())),
            Ok(()) => Err(format!("expected error {expected}, got none")),
        };
    }
    applied.map_err(|e| format!("applying the state failed: {} ({e})", e.kind()))?;

    let outcome = manager.render(message);
    match (case.get("expect"), outcome) {
        (None, _) => Err("the case has neither expect nor expect_error".into()),
        (Some(Value::Null), RenderOutcome::Suppress { reason }) => match case.get("expect_reason") {
            Some(Value::String(r)) if r == reason_name(reason) => Ok(()),
            Some(Value::String(r)) => Err(format!("expected reason {r}, got {}", reason_name(reason))),
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(format!("expect_reason must be a string, got {other}")),
        },
        (Some(Value::Null), RenderOutcome::Show { notification }) => Err(format!(
            "expected no notification, got {}",
            Value::Object(notification_json(&notification))
        )),
        (Some(_), RenderOutcome::Suppress { reason }) => Err(format!(
            "expected a notification, got suppressed: {}",
            reason_name(reason)
        )),
        (Some(expect), RenderOutcome::Show { notification }) => {
            let expect = expect.as_object().ok_or("expect must be an object or null")?;
            let got = notification_json(&notification);
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

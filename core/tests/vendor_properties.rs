//! P3, P4, P5 for hostile notifications, vendor by vendor (docs/VENDORS.md,
//! "Limits"): joined emoji, flags, combining runs, right-to-left text with
//! direction marks, zero-width and control characters, blank texts, texts of
//! 20,000 characters, large ext, extreme badge numbers, every sound form. Every
//! payload is within each of its vendor's limits in the unit that vendor counts,
//! cuts only between graphemes, shows no empty or blank text where the vendor
//! refuses one, reads back (P4), and FCM's deserializes into the FCM client
//! crate's types. `OFFLINE_PUSH_VENDOR_CASES` sets the cases per vendor
//! (10,000 by default).

use offline_push::vendor::{limits, CustomDataLimit, ALL_VENDORS};
use offline_push::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;

const PIECES: &[&str] = &[
    "a",
    "Hello ",
    "消息",
    "新年快乐",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "🇨🇳🇺🇸",
    "e\u{301}\u{302}\u{303}",
    "ก\u{e31}\u{e49}",
    "שלום",
    "\u{200f}مرحبا\u{200e}",
    "\u{202e}evil\u{202c}",
    "\u{200b}",
    "\u{200d}",
    "\u{feff}",
    "\u{0}",
    "\u{1b}[31m",
    "\t\n",
    "\"quoted\" \\ back",
    "…",
    " ",
    "\u{3000}",
    "Z\u{335}\u{336}\u{337}\u{338}",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Mostly short and hostile.
        8 => prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat()),
        // Blank in every way.
        1 => prop::collection::vec(prop::sample::select(&[" ", "\u{200b}", "\t", "\u{3000}", "\u{feff}"][..]), 0..5)
            .prop_map(|v| v.concat()),
        // 20,000 characters.
        1 => (prop::sample::select(PIECES), 0usize..3).prop_map(|(piece, kind)| match kind {
            0 => "x".repeat(20_000),
            1 => "长".repeat(20_000),
            _ => piece.repeat(20_000 / piece.chars().count().max(1)),
        }),
    ]
}

fn sound() -> impl Strategy<Value = PushSound> {
    prop_oneof![
        Just(PushSound::Default),
        Just(PushSound::Silent),
        Just(PushSound::Custom {
            path: "android.resource://com.example.chat/raw/ding".into()
        }),
        Just(PushSound::Custom {
            path: "chime.caf".into()
        }),
        "[a-z_]{1,60}".prop_map(|name| PushSound::Custom {
            path: format!("android.resource://com.example/raw/{name}")
        }),
    ]
}

fn notification() -> impl Strategy<Value = OfflinePushNotification> {
    (
        (
            text(),
            text(),
            any::<bool>(),
            "[a-zA-Z0-9_@.-]{1,48}",
            "[a-zA-Z0-9_]{1,32}",
        ),
        (
            prop::option::of(prop_oneof![
                prop::collection::vec(any::<u8>(), 0..64),
                prop::collection::vec(any::<u8>(), 0..2_000),
            ]),
            sound(),
            any::<bool>(),
            prop::option::of(prop_oneof![
                Just(u32::MAX),
                Just(i32::MAX as u32 + 1),
                any::<u32>(),
                0u32..100
            ]),
            prop::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (title, content, group, conversation_id, sender_id),
                (ext, sound, badge, badge_count, nickname),
            )| {
                OfflinePushNotification {
                    title,
                    title_source: if group {
                        TitleSource::Group
                    } else {
                        TitleSource::Sender
                    },
                    content,
                    conversation_id,
                    conversation_type: if group {
                        ConversationType::Group
                    } else {
                        ConversationType::C2c
                    },
                    sender_id,
                    sender_nickname: nickname.filter(|n| n.len() < 200),
                    group_name: None,
                    ext,
                    sound,
                    badge,
                    notify_mode: NotifyMode::Normal,
                    badge_count,
                    mentioned_user_id: None,
                    mentions_all: false,
                }
            },
        )
}

fn config() -> VendorConfig {
    VendorConfig {
        oppo_channel_id: Some("chat".into()),
        // FCM's notification message: the texts twice in the body and once in
        // the custom data, the most its 4,000 bytes hold (a data message, the
        // default, carries them once: W4).
        fcm_delivery: Some(FcmDelivery::Notification),
        ..VendorConfig::default()
    }
}

/// The texts the vendor shows, where its body puts them.
fn shown(vendor: PushVendor, body: &Value) -> Option<(String, String)> {
    let (title, content) = match vendor {
        PushVendor::ApnsVoip => return None,
        PushVendor::Apns => (&body["aps"]["alert"]["title"], &body["aps"]["alert"]["body"]),
        PushVendor::Fcm => (
            &body["message"]["android"]["notification"]["title"],
            &body["message"]["android"]["notification"]["body"],
        ),
        PushVendor::Huawei => (
            &body["message"]["android"]["notification"]["title"],
            &body["message"]["android"]["notification"]["body"],
        ),
        PushVendor::Honor => (
            &body["android"]["notification"]["title"],
            &body["android"]["notification"]["body"],
        ),
        PushVendor::Xiaomi => (&body["title"], &body["description"]),
        PushVendor::Oppo | PushVendor::Vivo => (&body["title"], &body["content"]),
        PushVendor::Meizu => (&body["noticeBarInfo"]["title"], &body["noticeBarInfo"]["content"]),
    };
    Some((title.as_str()?.to_owned(), content.as_str()?.to_owned()))
}

/// The custom data's JSON text, where the vendor's body puts it.
fn custom_data(vendor: PushVendor, body: &Value) -> String {
    let unwrap = |wrapped: &Value| -> String {
        let inner: Value = serde_json::from_str(wrapped.as_str().unwrap()).unwrap();
        inner["offline_push"].as_str().unwrap().to_owned()
    };
    match vendor {
        PushVendor::Apns | PushVendor::ApnsVoip => body["offline_push"].to_string(),
        PushVendor::Fcm => body["message"]["data"]["offline_push"]
            .as_str()
            .unwrap()
            .to_owned(),
        PushVendor::Xiaomi => body["extra.offline_push"].as_str().unwrap().to_owned(),
        PushVendor::Vivo => body["clientCustomMap"]["offline_push"]
            .as_str()
            .unwrap()
            .to_owned(),
        PushVendor::Meizu => body["clickTypeInfo"]["parameters"]["offline_push"]
            .as_str()
            .unwrap()
            .to_owned(),
        PushVendor::Huawei => unwrap(&body["message"]["data"]),
        PushVendor::Honor => unwrap(&body["data"]),
        PushVendor::Oppo => unwrap(&body["action_parameters"]),
    }
}

/// `shown` is `original` whole, or whole graphemes of it and `…`, or `…` alone.
fn cut_between_graphemes(original: &str, shown: &str) -> bool {
    if shown == original {
        return true;
    }
    let Some(kept) = shown.strip_suffix('…') else {
        return false;
    };
    original.starts_with(kept)
        && (kept.is_empty() || original.grapheme_indices(true).any(|(i, _)| i == kept.len()))
}

fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}'))
}

fn check(vendor: PushVendor, n: &OfflinePushNotification) -> Result<(), TestCaseError> {
    let limits = limits(vendor);
    let payload = match build_vendor_payload(vendor, n.clone(), Some("m-1".into()), 1_700_000_000, config()) {
        Ok(payload) => payload,
        Err(OfflinePushError::InvalidArgument(message)) => {
            // Only what takes the room may be refused, and the refusal names it.
            let big = n.ext.as_ref().is_some_and(|e| e.len() > 300)
                || n.sender_nickname.as_ref().is_some_and(|s| s.len() > 100)
                || matches!(&n.sound, PushSound::Custom { path } if path.len() > 60);
            prop_assert!(big, "{vendor:?} refused a small notification: {message}");
            prop_assert!(message.contains("leaves no room"), "{message}");
            return Ok(());
        }
        Err(e) => return Err(TestCaseError::fail(format!("{vendor:?}: {e:?}"))),
    };
    prop_assert!(
        payload.json.len() <= limits.bytes,
        "{vendor:?}: {} bytes",
        payload.json.len()
    );
    prop_assert_eq!(payload.bytes as usize, payload.json.len());
    let body: Value = serde_json::from_str(&payload.json).unwrap();
    let data = custom_data(vendor, &body);
    match limits.custom_data {
        Some(CustomDataLimit::Bytes(max)) => {
            prop_assert!(data.len() <= max, "{vendor:?}: data {}", data.len())
        }
        Some(CustomDataLimit::Utf16(max)) => {
            let units = "offline_push".len() + data.encode_utf16().count();
            prop_assert!(units <= max, "{vendor:?}: custom data {units}")
        }
        None => {}
    }
    if let Some((title, content)) = shown(vendor, &body) {
        for (text, limit, original) in [
            (&title, limits.title, &n.title),
            (&content, limits.content, &n.content),
        ] {
            if let Some(limit) = limit {
                prop_assert!(
                    limit.measure.length(text) <= limit.max,
                    "{vendor:?}: {} over {}",
                    limit.measure.length(text),
                    limit.max
                );
            }
            if limits.needs_text {
                prop_assert!(!is_blank(text), "{vendor:?}: a blank text");
            }
            // P5: a blank text stands as `a new message`, which may be cut in turn.
            let original = if limits.needs_text && is_blank(original) {
                "a new message"
            } else {
                original
            };
            // P1 or P5's `a new message`, or nothing where the vendor takes an empty text.
            let fallback = text == "a new message" || (!limits.needs_text && text.is_empty());
            prop_assert!(
                fallback || cut_between_graphemes(original, text),
                "{vendor:?}: {:?} of {:?}",
                text,
                original
            );
        }
        let cut = payload.shortened.iter().any(|s| s.field == "content");
        let fell_back = limits.needs_text && is_blank(&n.content);
        if !cut && !fell_back {
            prop_assert_eq!(&content, &n.content);
        }
    }
    if vendor == PushVendor::Fcm {
        let request: google_fcm1::api::SendMessageRequest = serde_json::from_str(&payload.json)
            .map_err(|e| TestCaseError::fail(format!("FCM's types refuse it: {e}")))?;
        let android = request.message.unwrap().android.unwrap().notification.unwrap();
        prop_assert!(android.notification_count.is_none_or(|c| c >= 0));
    }
    let push = read_vendor_push(vendor, delivered_form(payload)).unwrap();
    prop_assert_eq!(&push.conversation_id, &n.conversation_id);
    prop_assert_eq!(&push.sender_id, &n.sender_id);
    prop_assert_eq!(push.message_id.as_deref(), Some("m-1"));
    prop_assert_eq!(&push.ext, &n.ext);
    Ok(())
}

/// P3 P4 P5: 10,000 hostile notifications per vendor.
#[test]
fn p3_p4_p5_every_vendors_payload_keeps_every_limit_of_that_vendor() {
    let cases = std::env::var("OFFLINE_PUSH_VENDOR_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    for vendor in ALL_VENDORS {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&notification(), |n| check(vendor, &n))
            .unwrap_or_else(|e| panic!("{vendor:?}: {e}"));
    }
}
